"""TOTP seeds and enrolment URIs made in Python; the code itself is checked only by the database.

DESIGN §3: the second factor is verified inside PostgreSQL (`app.security.totp_sql`), so that a modified
client cannot skip it. This module only makes what the database cannot: a random seed to enrol, and the
`otpauth://` URI an authenticator app reads from a QR code. `current_code` exists for tests; the
enrolment step that asks for the first code checks that code in the database as well.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp

# RFC 6238 §4.1 and §5.2: 30-second steps, one step of clock drift either way; what every app expects.
STEP_SECONDS = 30
DIGITS = 6
WINDOW_STEPS = 1
# RFC 4226 §4 R6 recommends a 160-bit secret; 32 base32 characters carry exactly 160 bits, unpadded.
SEED_CHARACTERS = 32


def new_seed() -> str:
    """A fresh 160-bit seed, base32 without padding, from the operating system's CSPRNG."""
    return pyotp.random_base32(length=SEED_CHARACTERS)


def seed_bytes(seed: str) -> bytes:
    """The raw secret behind a base32 seed (what the database stores and `mt_totp_match` takes)."""
    return pyotp.TOTP(seed).byte_secret()


def provisioning_uri(seed: str, account: str, issuer: str = "MedTrace") -> str:
    """The `otpauth://totp/...` URI an authenticator app enrols from (shown as a QR code)."""
    if ":" in account or ":" in issuer:
        # Key URI format: the label is "issuer:account", so neither part may hold a colon.
        raise ValueError("An account or issuer name in an authenticator app cannot contain ':'")
    return pyotp.TOTP(seed, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def current_code(seed: str, at: datetime | None = None) -> str:
    """The code an authenticator app shows at `at` (now when omitted); for tests and diagnostics."""
    if at is None:
        at = datetime.now(UTC)
    elif at.tzinfo is None:
        # pyotp would read a naive time as local time; a code for the wrong hour is worse than an error.
        raise ValueError("current_code needs a time with a time zone")
    return pyotp.TOTP(seed, digits=DIGITS, interval=STEP_SECONDS).at(at)

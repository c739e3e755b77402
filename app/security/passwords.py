"""Password rules: NIST SP 800-63B §5.1.1.2 and OWASP ASVS 4.0 V2.1, and how they meet 21 CFR 11.300.

What we require, and why:
- At least 12 characters (800-63B asks ≥ 8 when a second factor is used, ≥ 15 when the password is the
  only factor; every MedTrace sign-in and signature also needs TOTP, and 12 keeps brute force far out
  of reach of the lockout limit). At most 128, so long passphrases work (ASVS 2.1.2).
- Not a commonly used or breached password, not the user name or a trivial variation of it, not a
  repetition or keyboard/alphabet sequence (800-63B "blocklist"; ASVS 2.1.7).
- No composition rules (upper/lower/digit/symbol) and no forced periodic rotation (800-63B: they lower
  real strength); any printable Unicode is accepted, normalised with NFKC (ASVS 2.1.4, 800-63B).

21 CFR 11.300: (a) each password belongs to one person — each person is a PostgreSQL login role and
user names are never reused while the role exists; (b) issuance is "periodically checked, recalled,
or revised" — administrators review people on the Admin page, can lock or reset anyone (a reset voids
password, TOTP seed and recovery codes), and a password can be changed at any time by its owner;
(c) lost or compromised credentials are handled by reset with a one-time activation code; (d)
failed attempts are counted per account and lock it with an alert to administrators.

The server only ever receives a SCRAM-SHA-256 verifier, so these checks run on the workstation;
PostgreSQL still authenticates every connection itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.messages import english, render

MIN_LENGTH = 12
MAX_LENGTH = 128

# The most common passwords of public breach corpora that reach 12 characters, plus words from our
# own domain an insider would try. Compared case-insensitively after NFKC normalisation.
COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 12345678901234 123456789123 1q2w3e4r5t6y 1qaz2wsx3edc qwertyuiopas
    qwertyuiop123 qwerty123456 qwertyqwerty password1234 password12345 password123456 passwordpassword
    iloveyou1234 abc123456789 abcdefghijkl aaaaaaaaaaaa 111111111111 000000000000 123123123123
    987654321098 asdfghjklqwe zxcvbnmasdfg welcome12345 welcome123456 administrator admin1234567
    adminadmin12 letmein12345 changeme1234 changeme123! passw0rd1234 p@ssw0rd1234 p@ssword1234
    football1234 baseball1234 monkey123456 dragon123456 sunshine1234 princess1234 superman1234
    trustno11234 starwars1234 whatever1234 qazwsxedcrfv 1q2w3e4r5t6y7u 1234qwerasdf qwer1234asdf
    a1b2c3d4e5f6 woaini123456 woaini1314520 5201314520 aini1314520 zhang123456789 wang123456789
    li123456789012 medtrace1234 medtrace12345 medtracepassword qualityassurance qualitycontrol
    medicaldevice medicaldevices releaselot123 password!234 spring2026!! summer2026!! autumn2026!!
    winter2026!! company12345 temporary1234 temppassword
    """.split()  # noqa: SIM905 — a word list reads better as text
)
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class PasswordVerdict:
    """Whether a new password is acceptable, and if not, one sentence saying why."""

    ok: bool
    reason: str = ""  # English; the message id renders it in the reader's language
    message_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """The reason in the current language (app.messages)."""
        return render(self.message_id, self.params, fallback=self.reason)


def _refused(message_id: str, **params: object) -> PasswordVerdict:
    return PasswordVerdict(False, english(message_id, params)[0], message_id, params)


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def _is_sequence(text: str) -> bool:
    lowered = text.lower()
    for row in KEYBOARD_ROWS:
        for source in (row, row[::-1]):
            if lowered in (source * 4):  # wraps around: "7890123456"
                return True
    return False


def check_new_password(password: str, *, login: str = "", printed_name: str = "") -> PasswordVerdict:
    """Apply the rules above; the reason is shown to the user as it is."""
    candidate = normalise(password)
    lowered = candidate.lower()
    if len(candidate) < MIN_LENGTH:
        return _refused("password.too_short", min=MIN_LENGTH)
    if len(candidate) > MAX_LENGTH:
        return _refused("password.too_long", max=MAX_LENGTH)
    if any(unicodedata.category(ch) == "Cc" for ch in candidate):
        return _refused("password.control_character")
    if len(set(lowered)) <= 2:
        return _refused("password.repetitive")
    if lowered in COMMON_PASSWORDS or lowered.rstrip("!@#$%.") in COMMON_PASSWORDS:
        return _refused("password.too_common")
    if _is_sequence(lowered):
        return _refused("password.sequence")
    for own in (login, printed_name.replace(" ", "")):
        own = normalise(own).lower()
        if len(own) >= 3 and own in lowered.replace(" ", ""):
            return _refused("password.contains_name")
    return PasswordVerdict(True)

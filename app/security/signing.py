"""Personal signing keys and electronic-signature cryptography (21 CFR 11.70, 11.200; DESIGN §3).

Each person has an Ed25519 key pair. The private half is stored only wrapped: AES-256-GCM under a key
derived from the person's password with Argon2id (RFC 9106 second recommended profile: 64 MiB,
3 passes, 4 lanes). The database keeps the wrapped key and the public key; nobody — a DBA included —
can sign as someone without their password. A password change rewraps the same key; an
administrator's reset retires it and the next activation creates a new one (old public keys stay, so
old signatures still verify).

What a signature signs: a domain tag, the lot id, the release cycle, the meaning, the signer's login
and the SHA-256 digest of the canonical content of the record version signed — so a signature can
be neither moved to another record nor kept valid across a change of the record.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.errors import InvalidCredentials
from app.security.keys import public_bytes

SIGNATURE_DOMAIN = b"MEDTRACE-E-SIGNATURE\x00"
# A recall case's signatures ("Recall initiated", "Recall closed") carry their own domain tag: a
# signature over a case can never be presented as one over a lot, whatever the ids.
RECALL_SIGNATURE_DOMAIN = b"MEDTRACE-RECALL-SIGNATURE\x00"
# Concurrent Argon2id derivations in one process were seen to deadlock inside the KDF (cryptography
# 48 / OpenSSL, several Python threads at once). One at a time: each takes ~0.2 s and 64 MiB.
_KDF_LOCK = threading.Lock()
KDF_PARAMS = {"kdf": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4, "cipher": "aes-256-gcm"}


@dataclass(frozen=True)
class WrappedKey:
    """A private signing key as stored: public key, wrapped private key and how it was wrapped."""

    public_key: bytes
    wrapped: bytes = field(repr=False)  # salt(16) ‖ nonce(12) ‖ AES-GCM ciphertext+tag
    params: str  # JSON of KDF_PARAMS


def _derive(password: str, salt: bytes, params: dict[str, object]) -> bytes:
    if params.get("kdf") != "argon2id":
        raise ValueError(f"unknown key-derivation function {params.get('kdf')!r}")
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=int(params["iterations"]),  # type: ignore[arg-type]
        lanes=int(params["lanes"]),  # type: ignore[arg-type]
        memory_cost=int(params["memory_kib"]),  # type: ignore[arg-type]
    )
    with _KDF_LOCK:
        return kdf.derive(password.encode())


def _aad(login: str, public_key: bytes) -> bytes:
    return b"MEDTRACE-SIGNING-KEY\x00" + login.encode() + b"\x00" + public_key


def wrap_private_key(key: Ed25519PrivateKey, *, login: str, password: str) -> WrappedKey:
    """Encrypt the private key under the password (slow on purpose: never on the GUI thread)."""
    public = public_bytes(key)
    salt, nonce = os.urandom(16), os.urandom(12)
    wrapping_key = _derive(password, salt, KDF_PARAMS)
    ciphertext = AESGCM(wrapping_key).encrypt(nonce, key.private_bytes_raw(), _aad(login, public))
    return WrappedKey(public, salt + nonce + ciphertext, json.dumps(KDF_PARAMS, sort_keys=True))


def new_signing_key(*, login: str, password: str) -> WrappedKey:
    return wrap_private_key(Ed25519PrivateKey.generate(), login=login, password=password)


def unwrap_private_key(stored: WrappedKey, *, login: str, password: str) -> Ed25519PrivateKey:
    """The private key, if the password is right; InvalidCredentials otherwise."""
    salt, nonce, ciphertext = stored.wrapped[:16], stored.wrapped[16:28], stored.wrapped[28:]
    try:
        raw = AESGCM(_derive(password, salt, json.loads(stored.params))).decrypt(
            nonce, ciphertext, _aad(login, stored.public_key)
        )
    except InvalidTag:
        raise InvalidCredentials.of("signing.password_does_not_unlock") from None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    if public_bytes(key) != stored.public_key:
        raise InvalidCredentials.of("signing.key_mismatch")
    return key


def rewrap(stored: WrappedKey, *, login: str, old_password: str, new_password: str) -> WrappedKey:
    """Password change: the same key pair, wrapped under the new password."""
    return wrap_private_key(unwrap_private_key(stored, login=login, password=old_password),
                            login=login, password=new_password)


def content_digest(canonical: str) -> bytes:
    """SHA-256 of the canonical content of the record version signed."""
    return hashlib.sha256(canonical.encode()).digest()


def signature_message(*, lot_id: int, cycle: int, meaning: str, signer: str, digest: bytes) -> bytes:
    return b"\x00".join([
        SIGNATURE_DOMAIN, str(lot_id).encode(), str(cycle).encode(), meaning.encode(), signer.encode(), digest,
    ])


def recall_signature_message(*, recall_id: int, meaning: str, signer: str, digest: bytes) -> bytes:
    return b"\x00".join([RECALL_SIGNATURE_DOMAIN, str(recall_id).encode(), meaning.encode(), signer.encode(), digest])


def sign(key: Ed25519PrivateKey, **fields: object) -> bytes:
    return key.sign(signature_message(**fields))  # type: ignore[arg-type]


def signature_valid(public_key: bytes, signature: bytes, **fields: object) -> bool:
    return message_signature_valid(public_key, signature, signature_message(**fields))  # type: ignore[arg-type]


def message_signature_valid(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True

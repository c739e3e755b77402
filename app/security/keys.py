"""Ed25519 keys: the audit seal key kept in the OS keyring, and the public keys a verifier trusts.

The seal key never enters the database (DESIGN §3): it lives in the OS keyring of the administrator's
workstation. With no keyring backend the user is told so; it never falls back to a plaintext file.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.errors
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.errors import ConfigurationError

KEYRING_SERVICE = "MedTrace"
SEAL_DOMAIN = b"MEDTRACE-AUDIT-SEAL\x00"


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def seal_message(position: int, head_hash: bytes) -> bytes:
    """What a seal signs: a domain tag, the chain position and the chain hash there."""
    return SEAL_DOMAIN + position.to_bytes(8, "big") + head_hash


def seal_signature_valid(public_key: bytes, position: int, head_hash: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, seal_message(position, head_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def _require_backend() -> None:
    backend = keyring.get_keyring()
    if type(backend).__module__.startswith("keyring.backends.fail") or getattr(backend, "priority", 1) <= 0:
        raise ConfigurationError.of("keys.no_keyring")


def load_or_create_seal_key(database_id: str, *, create: bool = True) -> Ed25519PrivateKey | None:
    """The workstation's seal key for this database, from the OS keyring (created once)."""
    _require_backend()
    name = f"audit-seal-key:{database_id}"
    try:
        stored = keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise ConfigurationError.of("keys.keyring_unreadable", hint=str(exc)) from None
    if stored:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(stored))
    if not create:
        return None
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes_raw()
    keyring.set_password(KEYRING_SERVICE, name, raw.hex())
    return key


def trusted_keys_file(config_dir: Path) -> Path:
    return config_dir / "trusted_seal_keys.txt"


def load_trusted_keys(config_dir: Path) -> set[bytes]:
    """Public keys this workstation trusts for seals (public, so a file is fine): one hex key a line."""
    path = trusted_keys_file(config_dir)
    if not path.exists():
        return set()
    keys = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ConfigurationError.of("keys.not_a_public_key", path=path, line=number)
        keys.add(key)
    return keys


def trust_key(config_dir: Path, public_key: bytes, label: str = "") -> None:
    if public_key in load_trusted_keys(config_dir):
        return
    config_dir.mkdir(parents=True, exist_ok=True)
    with trusted_keys_file(config_dir).open("a", encoding="utf-8") as handle:
        handle.write(f"{public_key.hex()}  # {label}\n" if label else f"{public_key.hex()}\n")

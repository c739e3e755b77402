"""Seeds are long and random enough, and authenticator apps can enrol from the URI we give them."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from app.security import totp

BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_a_new_seed_is_160_bits_of_unpadded_base32() -> None:
    seed = totp.new_seed()
    assert len(seed) == 32
    assert set(seed) <= set(BASE32_ALPHABET)
    assert len(base64.b32decode(seed)) == 20  # RFC 4226 §4 R6: 160 bits recommended
    assert totp.seed_bytes(seed) == base64.b32decode(seed)


def test_new_seeds_never_repeat_and_use_every_character_about_equally() -> None:
    seeds = [totp.new_seed() for _ in range(1000)]
    counts = Counter("".join(seeds))
    assert len(set(seeds)) == len(seeds)
    assert set(counts) == set(BASE32_ALPHABET)
    # 32,000 characters: about 1,000 each, standard deviation about 31; a biased source lands far outside.
    assert all(800 < n < 1200 for n in counts.values()), counts


def test_the_provisioning_uri_names_issuer_account_and_the_rfc_6238_parameters() -> None:
    seed = totp.new_seed()
    uri = totp.provisioning_uri(seed, "zhang.wei@plant-1")
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/MedTrace:zhang.wei@plant-1"
    assert query["secret"] == [seed]
    assert query["issuer"] == ["MedTrace"]


def test_an_authenticator_app_reads_back_a_chinese_account_and_issuer() -> None:
    seed = totp.new_seed()
    enrolled = pyotp.parse_uri(totp.provisioning_uri(seed, "张伟", issuer="MedTrace 苏州工厂"))
    assert (enrolled.secret, enrolled.name, enrolled.issuer) == (seed, "张伟", "MedTrace 苏州工厂")
    assert (enrolled.digits, enrolled.interval, enrolled.digest().name) == (6, 30, "sha1")


@pytest.mark.parametrize(("account", "issuer"), [("plant:zhang", "MedTrace"), ("zhang", "Med:Trace")])
def test_a_colon_in_the_label_is_refused(account: str, issuer: str) -> None:
    with pytest.raises(ValueError, match="cannot contain ':'"):
        totp.provisioning_uri(totp.new_seed(), account, issuer=issuer)


def test_the_current_code_is_the_rfc_6238_code_for_that_time() -> None:
    rfc_seed = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 Appendix B (SHA-1, 8 digits) gives 89005924 at 1234567890; six digits keep the last six.
    assert totp.current_code(rfc_seed, datetime.fromtimestamp(1234567890, UTC)) == "005924"


def test_the_current_code_without_a_time_is_the_code_for_now() -> None:
    seed = totp.new_seed()
    before = pyotp.TOTP(seed).now()
    code = totp.current_code(seed)
    after = pyotp.TOTP(seed).now()
    assert code in {before, after}  # a 30-second step may end between the calls


def test_the_current_code_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        totp.current_code(totp.new_seed(), datetime(2030, 1, 1, 12, 0))  # noqa: DTZ001 — the point of the test

"""The database's own TOTP check agrees with the RFCs, with pyotp, with hashlib and with oathtool."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.security import totp, totp_sql

SCRATCH = "totp_scratch"
RFC_SEED = b"12345678901234567890"  # RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1)


@pytest.fixture(scope="module")
def totp_db(database: Database, app_paths: AppPaths) -> Iterator[Database]:
    """A database of its own on the session's server, holding nothing but the TOTP functions."""
    database.server.psql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)", database="postgres")
    database.server.psql(f"CREATE DATABASE {SCRATCH}", database="postgres")
    db = open_embedded(app_paths, database=SCRATCH)
    with db.engine.begin() as conn:
        for statement in totp_sql.FUNCTIONS:
            conn.execute(text(statement))
    yield db
    db.close(stop_server=False)
    database.server.psql(f"DROP DATABASE {SCRATCH} WITH (FORCE)", database="postgres")


@pytest.fixture
def conn(totp_db: Database) -> Iterator[Connection]:
    with totp_db.engine.connect() as connection:
        yield connection


def sha1_hex(conn: Connection, messages: list[bytes]) -> list[str]:
    """SHA-1 of many messages in one round trip, in order."""
    return list(conn.execute(
        text("SELECT encode(mt_sha1(m), 'hex') FROM unnest(CAST(:messages AS bytea[])) "
             "WITH ORDINALITY AS t(m, n) ORDER BY n"),
        {"messages": messages},
    ).scalars())


def refusal(totp_db: Database, sql: str, **params: object) -> str:
    """The message of the error a statement raises (each on its own connection: errors abort it)."""
    with totp_db.engine.connect() as connection, pytest.raises(DBAPIError) as caught:
        connection.execute(text(sql), params)
    return str(caught.value.orig)


# -- SHA-1 -------------------------------------------------------------------------------------------

def test_sha1_matches_the_fips_180_and_rfc_3174_vectors(conn: Connection) -> None:
    vectors = {
        b"abc": "a9993e364706816aba3e25717850c26c9cd0d89d",
        b"": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq":
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
        b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
        b"mnopqrstnopqrstu": "a49b2446a02c645bf419f995b67091253a04a259",
        b"a" * 1_000_000: "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
        b"0123456701234567012345670123456701234567012345670123456701234567" * 10:
            "dea356a2cddd90c7a7ecedc5ebb563934f460452",
    }
    assert sha1_hex(conn, list(vectors)) == list(vectors.values())


def test_sha1_agrees_with_hashlib_on_every_length_across_the_padding_boundaries(conn: Connection) -> None:
    rng = random.Random(3174)
    messages = [rng.randbytes(length) for length in range(201)]  # 55/56/64/119/120/128 bytes included
    messages += [rng.randbytes(rng.randint(0, 200)) for _ in range(300)]
    assert sha1_hex(conn, messages) == [hashlib.sha1(m, usedforsecurity=False).hexdigest() for m in messages]


# -- HMAC-SHA1 ---------------------------------------------------------------------------------------

RFC_2202 = [
    (b"\x0b" * 20, b"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    (b"Jefe", b"what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    (b"\xaa" * 20, b"\xdd" * 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    (bytes(range(1, 26)), b"\xcd" * 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    (b"\x0c" * 20, b"Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    (b"\xaa" * 80, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    (b"\xaa" * 80, b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
]


def hmac_hex(conn: Connection, pairs: list[tuple[bytes, bytes]]) -> list[str]:
    return list(conn.execute(
        text("SELECT encode(mt_hmac_sha1(k, m), 'hex') FROM unnest(CAST(:keys AS bytea[]), "
             "CAST(:messages AS bytea[])) WITH ORDINALITY AS t(k, m, n) ORDER BY n"),
        {"keys": [k for k, _ in pairs], "messages": [m for _, m in pairs]},
    ).scalars())


def test_hmac_sha1_matches_the_rfc_2202_vectors(conn: Connection) -> None:
    assert hmac_hex(conn, [(k, m) for k, m, _ in RFC_2202]) == [digest for _, _, digest in RFC_2202]


def test_hmac_sha1_agrees_with_python_for_keys_shorter_and_longer_than_a_block(conn: Connection) -> None:
    rng = random.Random(2104)
    pairs = [(rng.randbytes(rng.randint(0, 150)), rng.randbytes(rng.randint(0, 150))) for _ in range(300)]
    assert hmac_hex(conn, pairs) == [hmac.new(k, m, hashlib.sha1).hexdigest() for k, m in pairs]


# -- HOTP and TOTP -----------------------------------------------------------------------------------

def test_hotp_matches_the_rfc_4226_appendix_d_values(conn: Connection) -> None:
    codes = conn.execute(
        text("SELECT array_agg(mt_hotp(:seed, c) ORDER BY c) FROM generate_series(0, 9) c"),
        {"seed": RFC_SEED},
    ).scalar()
    assert codes == ["755224", "287082", "359152", "969429", "338314",
                     "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize(("unix_time", "code"), [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
])
@pytest.mark.clause("21 CFR 11.200")
def test_totp_matches_the_rfc_6238_appendix_b_sha1_values(
    conn: Connection, unix_time: int, code: str
) -> None:
    row = conn.execute(
        text("SELECT mt_hotp(:seed, :unix_time / 30, 8), "
             "mt_totp_match(:seed, :code, to_timestamp(:unix_time), 30, 0, 8)"),
        {"seed": RFC_SEED, "unix_time": unix_time, "code": code},
    ).one()
    assert tuple(row) == (code, unix_time // 30)


def test_thousands_of_random_seeds_and_times_agree_with_pyotp(conn: Connection) -> None:
    rng = random.Random(6238)
    seeds = [base64.b32encode(rng.randbytes(rng.randint(16, 64))).decode() for _ in range(2500)]
    seeds = [s.rstrip("=") if rng.random() < 0.5 else s.lower() for s in seeds]  # forms pyotp accepts
    times = [rng.randrange(0, 20_000_000_000) for _ in seeds]
    digits = [rng.choice((6, 6, 7, 8)) for _ in seeds]
    expected = [
        pyotp.TOTP(s, digits=d).at(datetime.fromtimestamp(t, UTC))
        for s, t, d in zip(seeds, times, digits, strict=True)
    ]
    rows = conn.execute(
        text("SELECT mt_hotp(mt_base32_decode(s), floor(t / 30.0)::bigint, d), "
             "mt_totp_match(mt_base32_decode(s), code, to_timestamp(t), 30, 1, d) "
             "FROM unnest(CAST(:seeds AS text[]), CAST(:times AS bigint[]), CAST(:digits AS int[]), "
             "CAST(:codes AS text[])) WITH ORDINALITY AS c(s, t, d, code, n) ORDER BY n"),
        {"seeds": seeds, "times": times, "digits": digits, "codes": expected},
    ).all()
    assert [code for code, _ in rows] == expected
    assert [counter for _, counter in rows] == [t // 30 for t in times]


def test_codes_from_oathtool_are_accepted(conn: Connection) -> None:
    rng = random.Random(4226)
    for _ in range(12):
        seed = totp.new_seed()
        unix_time = rng.randrange(1_500_000_000, 4_000_000_000)
        digits = rng.choice((6, 8))
        code = subprocess.run(
            ["oathtool", "--totp", "-b", "-d", str(digits), "--now", f"@{unix_time}", seed],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        matched = conn.execute(
            text("SELECT mt_totp_match(mt_base32_decode(:seed), :code, to_timestamp(:t), digits => :d)"),
            {"seed": seed, "code": code, "t": unix_time, "d": digits},
        ).scalar()
        assert matched == unix_time // 30, (seed, unix_time, code)


def test_a_code_one_step_early_or_late_is_accepted_and_two_steps_away_is_refused(conn: Connection) -> None:
    rng = random.Random(30)
    for _ in range(20):
        seed = base64.b32encode(rng.randbytes(20)).decode()
        now = rng.randrange(1_700_000_000, 2_000_000_000)
        for offset_steps, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
            code = totp.current_code(seed, datetime.fromtimestamp(now + 30 * offset_steps, UTC))
            matched = conn.execute(
                text("SELECT mt_totp_match(:secret, :code, to_timestamp(:now))"),
                {"secret": totp.seed_bytes(seed), "code": code, "now": now},
            ).scalar()
            # Only the counter the code belongs to may answer (a chance collision would show as a failure).
            assert matched == (now // 30 + offset_steps if accepted else None), (seed, now, offset_steps)


@pytest.mark.clause("21 CFR 11.300")
def test_a_code_is_not_accepted_again_once_its_counter_is_used(conn: Connection) -> None:
    seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    now = datetime(2030, 6, 1, 8, 0, 15, tzinfo=UTC)
    code = totp.current_code(seed, now)
    check = text("SELECT mt_totp_match(:secret, :code, :now, after_counter => :last)")
    params = {"secret": totp.seed_bytes(seed), "code": code, "now": now}
    accepted = conn.execute(check, {**params, "last": None}).scalar()
    assert accepted == int(now.timestamp()) // 30
    assert conn.execute(check, {**params, "last": accepted}).scalar() is None
    assert conn.execute(check, {**params, "last": accepted - 1}).scalar() == accepted


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", " 123456", "123 456", "１２３４５６"])
def test_a_malformed_code_matches_nothing(conn: Connection, code: str) -> None:
    matched = conn.execute(
        text("SELECT mt_totp_match(:secret, :code, now())"),
        {"secret": RFC_SEED, "code": code},
    ).scalar()
    assert matched is None


def test_a_missing_secret_code_or_time_matches_nothing(conn: Connection) -> None:
    row = conn.execute(text(
        "SELECT mt_totp_match(NULL, '123456', now()), mt_totp_match('\\x00'::bytea, NULL, now()), "
        "mt_totp_match(:secret, '123456', NULL)"
    ), {"secret": RFC_SEED}).one()
    assert tuple(row) == (None, None, None)


def test_a_secret_shorter_than_128_bits_is_refused(totp_db: Database) -> None:
    message = refusal(totp_db, "SELECT mt_totp_match(:secret, '123456', now())", secret=b"x" * 15)
    assert "at least 16 bytes" in message


@pytest.mark.parametrize("digits", [5, 9])
def test_codes_of_other_than_6_to_8_digits_are_refused(totp_db: Database, digits: int) -> None:
    assert "6, 7 or 8 digits" in refusal(totp_db, "SELECT mt_hotp(:secret, 1, :d)", secret=RFC_SEED, d=digits)
    assert "6, 7 or 8 digits" in refusal(
        totp_db, "SELECT mt_totp_match(:secret, '123456', now(), digits => :d)", secret=RFC_SEED, d=digits
    )


# -- base32 ------------------------------------------------------------------------------------------

def test_base32_decoding_gives_the_secret_pyotp_uses(conn: Connection) -> None:
    seeds = [pyotp.random_base32() for _ in range(100)] + [totp.new_seed() for _ in range(100)]
    rng = random.Random(4648)
    seeds += [base64.b32encode(rng.randbytes(n)).decode() for n in range(14, 41)]  # every padding length
    seeds += [s.rstrip("=").lower() for s in seeds[-27:]] + ["AB", "ab====", "AB======", "MZXW6YQ"]
    decoded = list(conn.execute(
        text("SELECT mt_base32_decode(s) FROM unnest(CAST(:seeds AS text[])) WITH ORDINALITY AS t(s, n) "
             "ORDER BY n"),
        {"seeds": seeds},
    ).scalars())
    python = [base64.b32decode(s + "=" * (-len(s) % 8), casefold=True) for s in seeds]  # as pyotp does
    assert decoded == python
    assert decoded[:200] == [totp.seed_bytes(s) for s in seeds[:200]]


@pytest.mark.parametrize(("encoded", "reason"), [
    ("A", "1 characters"),
    ("ABC", "3 characters"),
    ("ABCDEF", "6 characters"),
    ("A=======", "padding"),
    ("========", "padding"),
    ("ABCDEFG==", "padding"),
    ("MZXW6YQ1", "position 8"),
    ("MZ=W6YQ=", "position 3"),
    ("MZXW6YQ!", "position 8"),
])
def test_malformed_base32_is_refused_with_the_reason(totp_db: Database, encoded: str, reason: str) -> None:
    with pytest.raises(binascii.Error):  # Python refuses the same text, padded the way pyotp pads it
        base64.b32decode(encoded + "=" * (-len(encoded) % 8), casefold=True)
    message = refusal(totp_db, "SELECT mt_base32_decode(:encoded)", encoded=encoded)
    assert message.startswith("This base32 text")
    assert reason in message


# -- what the migration relies on --------------------------------------------------------------------

def test_the_functions_need_nothing_beyond_core_postgresql(conn: Connection) -> None:
    extensions = conn.execute(text("SELECT array_agg(extname) FROM pg_extension")).scalar()
    languages = set(conn.execute(text(
        "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
        "WHERE p.proname LIKE 'mt\\_%'"
    )).scalars())
    assert extensions == ["plpgsql"]
    assert languages <= {"plpgsql", "sql"}


def test_the_hash_functions_are_immutable_strict_and_parallel_safe(conn: Connection) -> None:
    rows = conn.execute(text(
        "SELECT proname, provolatile, proisstrict, proparallel FROM pg_proc "
        "WHERE proname IN ('mt_sha1', 'mt_hmac_sha1', 'mt_hotp', 'mt_base32_decode', 'mt_totp_match')"
    )).all()
    assert {name: (volatile, strict, parallel) for name, volatile, strict, parallel in rows} == {
        "mt_sha1": ("i", True, "s"),
        "mt_hmac_sha1": ("i", True, "s"),
        "mt_hotp": ("i", True, "s"),
        "mt_base32_decode": ("i", True, "s"),
        # Not strict: after_counter is NULL for a person who never signed in, and that must still match.
        "mt_totp_match": ("i", False, "s"),
    }


def test_drop_removes_every_function_it_created(totp_db: Database) -> None:
    count = text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'mt\\_%'")
    with totp_db.engine.begin() as connection:
        assert connection.execute(count).scalar() == len(totp_sql.FUNCTIONS)
        for statement in totp_sql.DROP:
            connection.execute(text(statement))
        assert connection.execute(count).scalar() == 0
        for statement in totp_sql.FUNCTIONS:
            connection.execute(text(statement))

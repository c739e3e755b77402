"""TOTP checked by PostgreSQL itself: SHA-1, HMAC-SHA1, HOTP and TOTP in PL/pgSQL on core built-ins.

DESIGN §3 wants the second factor verified by the database, so that a stolen password used from psql
gets no further than the GUI would. The embedded server has no pgcrypto and PostgreSQL has no built-in
SHA-1, so the hash is written here (FIPS 180-4 §6.1) and HMAC (RFC 2104), HOTP (RFC 4226) and TOTP
(RFC 6238) are built on it.

The statements carry no schema: the identity migration runs them with `search_path` pinned to the
application schema, and the SECURITY DEFINER functions that call them pin it too, so the unqualified
calls between these functions cannot be redirected by a caller's own search_path.

Speed: a message is handled as a `varbit` (a 32-bit word is cut out with one `substring`), words live in
`bigint` variables masked to 32 bits, and rounds are written out five at a time with rotating variable
roles (see `_rounds`). Measured on the embedded server: one HOTP 0.14 ms, one TOTP check with a window of
one step 0.42 ms, and about 3 ms for the first check in a new connection (PL/pgSQL compiles on first use).
"""

from __future__ import annotations

MASK = "4294967295"  # 2**32 - 1: every word is kept in 0 .. 2**32-1 inside a bigint

# FIPS 180-4 §4.2.1 and §5.3.1.
_ROUND_CONSTANTS = ("1518500249", "1859775393", "2400959708", "3395469782")
_INITIAL_STATE = ("1732584193", "4023233417", "2562383102", "271733878", "3285377520")


def _rotl(word: str, bits: int) -> str:
    return f"((({word} << {bits}) | ({word} >> {32 - bits})) & {MASK})"


def _round_function(t: int, b: str, c: str, d: str) -> str:
    """Ch, Parity, Maj, Parity (FIPS 180-4 §4.1.1), in forms with the fewest operators."""
    if t < 20:
        return f"({d} # ({b} & ({c} # {d})))"
    if 40 <= t < 60:
        return f"(({b} & {c}) | ({d} & ({b} | {c})))"
    return f"({b} # {c} # {d})"


def _rounds() -> str:
    """The 80 rounds of §6.1.2 step 3: per group of 20, a loop over five rounds written out.

    Five rounds with the roles of a..e rotating need no moves between variables, so a round is two
    assignments. Writing out all 80 rounds runs a quarter faster once compiled, but a new connection
    then spends ~7 ms compiling them, and every signing opens a new connection (DESIGN §3).
    """
    stages: list[str] = []
    for stage in range(4):
        roles = ["a", "b", "c", "d", "e"]
        body: list[str] = []
        for j in range(5):
            a, b, c, d, e = roles
            # The sum may exceed 32 bits (the unmasked rotation included): carries only move upwards,
            # so one mask at the end gives the sum modulo 2**32.
            body.append(
                f"{e} := ({e} + (({a} << 5) | ({a} >> 27)) + {_round_function(20 * stage, b, c, d)}"
                f" + {_ROUND_CONSTANTS[stage]} + w[t + {j}]) & {MASK};"
            )
            body.append(f"{b} := {_rotl(b, 30)};")
            roles = [e, a, b, c, d]
        stages.append(
            f"FOR t IN {20 * stage} .. {20 * stage + 15} BY 5 LOOP\n            "
            + "\n            ".join(body)
            + "\n        END LOOP;"
        )
    return "\n        ".join(stages)


SHA1_BITS = f"""
CREATE OR REPLACE FUNCTION mt_sha1_bits(message varbit) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
-- SHA-1 (FIPS 180-4 §6.1) of a bit string whose length is a whole number of bytes.
DECLARE
    h0 bigint := {_INITIAL_STATE[0]};
    h1 bigint := {_INITIAL_STATE[1]};
    h2 bigint := {_INITIAL_STATE[2]};
    h3 bigint := {_INITIAL_STATE[3]};
    h4 bigint := {_INITIAL_STATE[4]};
    a bigint; b bigint; c bigint; d bigint; e bigint;
    w bigint[] := array_fill(0::bigint, ARRAY[80], ARRAY[0]);  -- the message schedule W0 .. W79
    message_bits bigint := length(message);
    padded varbit;
    block int;
BEGIN
    -- §5.1.1: a 1 bit, zeros up to 448 mod 512, then the message length as a 64-bit integer.
    padded := message || B'1'
        || repeat('0', (((447 - message_bits) % 512 + 512) % 512)::int)::varbit
        || message_bits::bit(64);
    block := 1;
    WHILE block < length(padded) LOOP
        -- §6.1.2 step 1: sixteen words of the block, then W16 .. W79.
        FOR t IN 0 .. 15 LOOP
            w[t] := substring(padded from block + 32 * t for 32)::bigint;
        END LOOP;
        FOR t IN 16 .. 79 LOOP
            w[t] := {_rotl("(w[t - 3] # w[t - 8] # w[t - 14] # w[t - 16])", 1)};
        END LOOP;
        a := h0; b := h1; c := h2; d := h3; e := h4;
        {_rounds()}
        h0 := (h0 + a) & {MASK};
        h1 := (h1 + b) & {MASK};
        h2 := (h2 + c) & {MASK};
        h3 := (h3 + d) & {MASK};
        h4 := (h4 + e) & {MASK};
        block := block + 512;
    END LOOP;
    RETURN decode(lpad(to_hex(h0), 8, '0') || lpad(to_hex(h1), 8, '0') || lpad(to_hex(h2), 8, '0')
        || lpad(to_hex(h3), 8, '0') || lpad(to_hex(h4), 8, '0'), 'hex');
END
$fn$
"""

SHA1 = """
CREATE OR REPLACE FUNCTION mt_sha1(data bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN mt_sha1_bits(('x' || encode(data, 'hex'))::varbit)
"""

_IPAD = "X'" + "36" * 64 + "'"
_OPAD = "X'" + "5c" * 64 + "'"

HMAC_SHA1 = f"""
CREATE OR REPLACE FUNCTION mt_hmac_sha1(key bytea, msg bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
-- RFC 2104 §2 with B = 64 bytes and L = 20 bytes.
DECLARE
    padded_key bit(512);
BEGIN
    IF length(key) > 64 THEN
        key := mt_sha1(key);
    END IF;
    padded_key := ('x' || rpad(encode(key, 'hex'), 128, '0'))::bit(512);
    RETURN mt_sha1_bits(
        (padded_key # {_OPAD})::varbit
        || ('x' || encode(
            mt_sha1_bits((padded_key # {_IPAD})::varbit || ('x' || encode(msg, 'hex'))::varbit),
            'hex'))::varbit
    );
END
$fn$
"""

HOTP = """
CREATE OR REPLACE FUNCTION mt_hotp(secret bytea, counter bigint, digits int DEFAULT 6) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
-- RFC 4226 §5.3: HMAC-SHA1 of the 8-byte big-endian counter, then dynamic truncation.
DECLARE
    mac bytea;
    pick int;
    binary_code int;
BEGIN
    -- RFC 4226 §5.3 R4: 6 digits at least, possibly 7 or 8.
    IF digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    mac := mt_hmac_sha1(secret, int8send(counter));
    pick := get_byte(mac, 19) & 15;
    binary_code := ((get_byte(mac, pick) & 127) << 24) | (get_byte(mac, pick + 1) << 16)
        | (get_byte(mac, pick + 2) << 8) | get_byte(mac, pick + 3);
    RETURN lpad((binary_code % (10 ^ digits)::int)::text, digits, '0');
END
$fn$
"""

BASE32_DECODE = """
CREATE OR REPLACE FUNCTION mt_base32_decode(encoded text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
-- RFC 4648 §6, case-insensitive, padded or not: the seeds pyotp makes and authenticator apps read.
-- Accepts exactly what pyotp accepts: it completes the padding, then base64.b32decode(casefold=True).
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    body text := upper(rtrim(encoded, '='));
    given_padding int := length(encoded) - length(rtrim(encoded, '='));
    buffer bigint := 0;
    buffered_bits int := 0;
    digit int;
    hex text := '';
BEGIN
    -- The last group of 8 characters may hold 1, 2, 3, 4 or 5 bytes, that is 6, 4, 3, 1 or no "=".
    IF given_padding + (8 - length(encoded) % 8) % 8 NOT IN (0, 1, 3, 4, 6) THEN
        IF given_padding = 0 THEN
            RAISE EXCEPTION 'This base32 text has % characters, which no whole number of bytes gives.',
                length(encoded) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RAISE EXCEPTION 'This base32 text has incorrect "=" padding.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR position_in_text IN 1 .. length(body) LOOP
        digit := strpos(alphabet, substr(body, position_in_text, 1)) - 1;
        IF digit < 0 THEN
            RAISE EXCEPTION 'This base32 text has a character outside A-Z and 2-7 at position %.',
                position_in_text USING ERRCODE = 'invalid_parameter_value';
        END IF;
        buffer := (buffer << 5) | digit;
        buffered_bits := buffered_bits + 5;
        IF buffered_bits >= 8 THEN
            buffered_bits := buffered_bits - 8;
            hex := hex || lpad(to_hex(buffer >> buffered_bits), 2, '0');
            buffer := buffer & ((1 << buffered_bits) - 1);
        END IF;
    END LOOP;
    RETURN decode(hex, 'hex');
END
$fn$
"""

TOTP_MATCH = """
CREATE OR REPLACE FUNCTION mt_totp_match(
    secret bytea,
    code text,
    at timestamptz,
    step int DEFAULT 30,
    window_steps int DEFAULT 1,
    digits int DEFAULT 6,
    after_counter bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE AS $fn$
-- RFC 6238 §4 and §5.2: the time-step counter in [T - window_steps, T + window_steps] whose HOTP equals
-- the code, or NULL. Counters <= after_counter are not considered: the caller passes the counter it
-- last accepted for this person, stores the one returned, and so every code is accepted once.
-- Every candidate is computed and compared, so the work done does not depend on which one matched.
DECLARE
    current_step bigint;
    candidate bigint;
    matched bigint;
BEGIN
    IF secret IS NULL OR code IS NULL OR at IS NULL THEN
        RETURN NULL;
    END IF;
    IF step IS NULL OR step < 1 OR window_steps IS NULL OR window_steps NOT BETWEEN 0 AND 10 THEN
        RAISE EXCEPTION 'A TOTP check needs a step of at least 1 second and a window of 0 to 10 steps.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF digits IS NULL OR digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- RFC 4226 §4 R6: the shared secret is at least 128 bits.
    IF length(secret) < 16 THEN
        RAISE EXCEPTION 'A TOTP secret must be at least 16 bytes long.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF code !~ ('^[0-9]{' || digits || '}$') THEN
        RETURN NULL;
    END IF;
    current_step := floor(extract(epoch FROM at) / step)::bigint;
    FOR offset_steps IN -window_steps .. window_steps LOOP
        candidate := current_step + offset_steps;
        IF mt_hotp(secret, candidate, digits) = code
                AND (after_counter IS NULL OR candidate > after_counter)
                AND matched IS NULL THEN
            matched := candidate;
        END IF;
    END LOOP;
    RETURN matched;
END
$fn$
"""

# In dependency order; run them in one transaction of the identity migration.
FUNCTIONS: list[str] = [SHA1_BITS, SHA1, HMAC_SHA1, HOTP, BASE32_DECODE, TOTP_MATCH]

DROP: list[str] = [
    "DROP FUNCTION IF EXISTS mt_totp_match(bytea, text, timestamptz, int, int, int, bigint)",
    "DROP FUNCTION IF EXISTS mt_base32_decode(text)",
    "DROP FUNCTION IF EXISTS mt_hotp(bytea, bigint, int)",
    "DROP FUNCTION IF EXISTS mt_hmac_sha1(bytea, bytea)",
    "DROP FUNCTION IF EXISTS mt_sha1(bytea)",
    "DROP FUNCTION IF EXISTS mt_sha1_bits(varbit)",
]

"""Every refusal the database raises names its message in the catalogue, and says it in the catalogue's words.

Walks the functions at head (built by the migrations), so a RAISE added later without its DETAIL id, or an
English sentence changed in a migration but not in app/messages/texts_db.py, fails here.
"""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from app import messages
from app.db.engine import Database
from app.db.uow import database_message

LITERAL = r"'(?:[^']|'')*'"
ID_IN_DETAIL = re.compile(r"json_build_object\('id', '([a-z0-9_.]+)'")


def _raise_statements(source: str) -> list[str]:
    """Each `RAISE EXCEPTION … ;` of a PL/pgSQL body (quotes and parentheses respected)."""
    found = []
    for match in re.finditer(r"RAISE\s+EXCEPTION\b", source, re.IGNORECASE):
        depth, quoted, i = 0, False, match.end()
        while i < len(source):
            ch = source[i]
            if quoted:
                if ch == "'":
                    if source[i + 1:i + 2] == "'":
                        i += 1
                    else:
                        quoted = False
            elif ch == "'":
                quoted = True
            elif ch in "()":
                depth += 1 if ch == "(" else -1
            elif ch == ";" and depth == 0:
                found.append(source[match.start():i])
                break
            i += 1
    return found


def _sentences(statement: str) -> list[str]:
    """The English sentences a RAISE can say (MESSAGE literals, format() templates or the leading format)."""
    message = re.search(r"MESSAGE\s*=\s*(.*?)(?:,\s*[A-Z_]+\s*=|$)", statement, re.DOTALL)
    if message is None:  # RAISE EXCEPTION 'text with %', args USING …
        lead = re.match(r"RAISE\s+EXCEPTION\s*((?:" + LITERAL + r"\s*)+)", statement, re.IGNORECASE)
        assert lead, statement
        chunks = [lead.group(1)]
    else:
        expression = message.group(1)
        chunks = re.findall(r"format\(\s*((?:" + LITERAL + r"\s*)+)", expression) or [expression]
    sentences = []
    for chunk in chunks:
        text = "".join(part[1:-1].replace("''", "'") for part in re.findall(LITERAL, chunk))
        sentences.append(_numbered(text))
    return sentences


def _numbered(text: str) -> str:
    """format()'s %s (and RAISE's %) as the catalogue's {0}, {1}, …"""
    counter = iter(range(100))
    return re.sub(r"%s|%(?!%)", lambda _m: f"{{{next(counter)}}}", text)


def _catalogue_english(message_id: str) -> str:
    text = messages.lookup(message_id)
    assert text is not None, f"{message_id} is raised by the database but is not in the catalogue"
    return re.sub(r"\{(\d+):[a-z]+\}", r"{\1}", text.en)


@pytest.fixture(scope="module")
def functions(database: Database) -> list[tuple[str, str]]:
    with database.raw_connection() as conn:
        return conn.execute(
            "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'public' AND p.prosrc ~* 'raise\\s+exception' ORDER BY 1").fetchall()


def test_every_raise_of_the_database_carries_a_catalogue_id_and_the_catalogues_sentence(functions) -> None:
    checked = 0
    for name, source in functions:
        for statement in _raise_statements(source):
            ids = ID_IN_DETAIL.findall(statement)
            assert ids, f"{name}: a RAISE without a message id in its DETAIL:\n{statement}"
            assert [_catalogue_english(i) for i in ids] == _sentences(statement), f"{name}:\n{statement}"
            checked += 1
    assert checked >= 95


def test_the_release_checklist_names_every_sentence_it_prints(database: Database) -> None:
    with database.raw_connection() as conn:
        source = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'mt_lot_checklist'").fetchone()[0]
    ids = re.findall(r"mt_message\('([a-z0-9_.]+)'", source)
    assert len(ids) == 12
    for message_id in ids:
        assert messages.lookup(message_id) is not None, message_id


def test_a_refusal_hands_its_id_and_parameters_to_the_workstation(database: Database) -> None:
    with database.raw_connection() as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("SELECT mt_hotp('\\x00'::bytea, 1, 5)")
    assert json.loads(refused.value.diag.message_detail) == {"id": "security.code_digits", "params": [5]}
    assert database_message(refused.value.diag) == ("security.code_digits", [5])
    assert database_message(type("Diag", (), {"message_detail": "not json"})()) == (None, [])

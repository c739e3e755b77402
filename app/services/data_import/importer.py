"""`medtrace import`: read a whole file, check every row, then write all of it in one transaction or nothing.

Three phases, timed separately (bench/import_100k.py):

1. read — each cell through its column's rules (no database);
2. check — references (DI → product, (DI, lot) → lot, codes → party) and the rows above (duplicates,
   running stock) in a handful of set-based queries; every problem is collected, none stops the check;
3. write — only when nothing is wrong: INSERT … SELECT FROM unnest(arrays) in chunks inside the same
   transaction, every trigger on (stock never negative, lot status guard, audit trail, change
   broadcast), then one commit.

A refusal by the database while writing (someone shipped the last units a moment ago) becomes a row
error when the row can be told, otherwise a file error; a lost connection leaves nothing behind (the
transaction never committed) and raises DatabaseUnavailable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork, translate_db_error
from app.errors import DatabaseUnavailable, InvalidInput, MedTraceError, StockWouldGoNegative
from app.messages import CHINESE, Said, english, render
from app.services.data_import.cells import is_blank
from app.services.data_import.columns import KINDS, Contract
from app.services.data_import.records import KIND_TYPES, Errors, Kind, RowCells, RowError, stock_at
from app.services.data_import.sources import Source, open_source
from app.services.data_import.workbooks import write_errors

Progress = Callable[[int, int, str], None]
"""progress(done, total, phase): phase is "read", "check" or "write"; total 0 when not known yet.
It may raise (the GUI's Cancel does): the import then stops and nothing is written."""

PROGRESS_EVERY = 2_000
WRITE_CHUNK = 5_000
DESCRIBE_LIMIT = 30


@dataclass(frozen=True)
class ImportResult:
    """What an import did: how many rows it read and wrote, or every error that stopped it."""

    kind: str
    file: str
    rows: int
    imported: int
    errors: tuple[RowError, ...] = ()
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    errors_file: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    note_messages: tuple[Said, ...] = ()
    """`notes` by catalogue id and parameters, one for one."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "kind": self.kind, "file": self.file, "rows": self.rows, "imported": self.imported,
            "error_count": len(self.errors), "errors": [error.as_dict() for error in self.errors],
            "encoding": self.encoding, "notes": list(self.notes), "errors_file": self.errors_file,
            "seconds": dict(self.seconds), "note_messages": [note.as_json() for note in self.note_messages],
        }

    def rendered_notes(self, language: str | None = None) -> list[str]:
        """The notes in `language` (the current one of app.messages by default)."""
        by_text = {note.text: note for note in self.note_messages}
        return [by_text[text].render(language) if text in by_text else text for text in self.notes]

    def describe(self) -> str:
        """What `medtrace import` prints: in the language of app.messages (the CLI's --language)."""
        name = Path(self.file).name
        if self.ok:
            lines = [_say("import.summary_imported", count=self.imported, kind=self.kind, file=name,
                          seconds=self.seconds.get("total", 0))]
        else:
            lines = [_say("import.summary_refused", errors=len(self.errors), rows_with_errors=self.rows_with_errors,
                          file=name, rows=self.rows)]
            for error in self.errors[:DESCRIBE_LIMIT]:
                where = "row" if error.row is not None else "file"
                line_id = f"import.line_{where}_column" if error.column else f"import.line_{where}"
                lines.append("  " + _say(line_id, row=error.row, column=error.column, message=error.rendered()))
            if len(self.errors) > DESCRIBE_LIMIT:
                more = len(self.errors) - DESCRIBE_LIMIT
                lines.append("  " + _say("import.more_errors" if self.errors_file else "import.more_errors_hint",
                                         more=more))
            if self.errors_file:
                lines.append(_say("import.errors_file_written", file=self.errors_file))
        lines += self.rendered_notes()
        return "\n".join(lines)


def _say(message_id: str, /, **params: object) -> str:
    """A line of the import's report in the current language of app.messages."""
    return render(message_id, params, fallback=english(message_id, params)[0])


def import_file(engine: Engine, *, kind: str, path: Path, errors_out: Path | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Import one file into the database of `engine` (see `import_rows`)."""
    return import_rows(UnitOfWork.for_engine(engine), kind=kind, path=path, errors_out=errors_out,
                       progress=progress)


def import_rows(uow: UnitOfWork, *, kind: str, path: Path, errors_out: Path | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Import every row of `path` as `kind`, all or nothing.

    Returns the result, with every row error when nothing was written (and, with `errors_out`, an
    .xlsx of the rejected rows). Raises InvalidInput when the file cannot be read at all and
    DatabaseUnavailable when the connection is lost (nothing is then saved).
    """
    if kind not in KIND_TYPES:
        raise InvalidInput.of("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    report = progress or (lambda _done, _total, _phase: None)
    handler = KIND_TYPES[kind]()
    started = time.perf_counter()
    source = open_source(path)
    try:
        errors = Errors()
        notes = [Said.of(note) for note in (source.encoding_note_id,) if note]
        mapping, shown_as, ignored = _map_header(handler.contract, source, errors)
        if ignored:
            notes.append(Said.of("import.note_ignored_columns", kind=kind, columns=", ".join(ignored)))
        records: list[Any] = []
        rows = 0
        if not errors:
            rows, records = _read_rows(handler, source, mapping, errors, report)
    finally:
        source.close()
    read_done = checked = time.perf_counter()

    imported = 0
    if records:
        with uow:
            report(0, len(records), "check")
            ready = handler.check(uow.session.connection(), records, errors)
            notes += handler.notes
            checked = time.perf_counter()
            if not errors:
                imported = _insert(uow.session, handler, ready, errors, report)
                if not errors:
                    uow.commit()
    finished = time.perf_counter()

    position = {name: index for index, name in mapping}  # within a row, in the order of the file's columns
    result_errors = tuple(
        dataclasses.replace(e, column=shown_as.get(e.column, e.column))
        for e in sorted(errors.items, key=lambda e: (e.row is not None, e.row or 0,
                                                     position.get(e.column, len(position))))
    )
    errors_file = None
    if result_errors and errors_out is not None:
        errors_file = str(write_errors(errors_out, path, result_errors))
    return ImportResult(
        kind=kind, file=str(path), rows=rows, imported=imported if not result_errors else 0,
        errors=result_errors, encoding=source.encoding, notes=tuple(note.text for note in notes),
        note_messages=tuple(notes), errors_file=errors_file,
        seconds={"parse": round(read_done - started, 3), "validate": round(checked - read_done, 3),
                 "write": round(finished - checked, 3), "total": round(finished - started, 3)},
    )


def _map_header(contract: Contract, source: Source, errors: Errors
                ) -> tuple[list[tuple[int, str]], dict[str, str], list[str]]:
    """(cell index, column name) pairs, each column's header as written in the file, ignored headers."""
    mapping: list[tuple[int, str]] = []
    shown_as: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(source.header):
        if is_blank(cell):
            continue
        written = str(cell).strip()
        column = contract.column_for(written)
        if column is None:
            ignored.append(written)
        elif column.name in shown_as:
            errors.add(source.header_number, column.name, "import.duplicate_column", column=column.name,
                       first=shown_as[column.name], second=written)
        else:
            shown_as[column.name] = written
            mapping.append((index, column.name))
    for column in contract.required:
        if column.name not in shown_as:
            errors.add(source.header_number, column.name, "import.missing_column", column=column.name,
                       row=source.header_number, kind=contract.kind)
    return mapping, shown_as, ignored


def _plain(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _read_rows(handler: Kind, source: Source, mapping: list[tuple[int, str]], errors: Errors,
               report: Progress) -> tuple[int, list[Any]]:
    example = {c.name: c.example for c in handler.contract.columns if c.example}
    mapped_examples = [name for _, name in mapping if name in example]
    total = source.total_hint or 0
    records: list[Any] = []
    rows = 0
    for source_row in source.rows:
        rows += 1
        cells = source_row.cells
        values = {name: cells[index] for index, name in mapping if index < len(cells)}
        if len(mapped_examples) >= 3 and all(_plain(values.get(n)) == example[n] for n in mapped_examples):
            errors.add(source_row.number, "", "import.template_example_row")
            continue
        record = handler.parse(RowCells(source_row.number, values, errors))
        if record is not None:
            records.append(record)
        if rows % PROGRESS_EVERY == 0:
            report(rows, total, "read")
    if rows == 0:
        errors.add(None, "", "import.no_data_rows", file=source.path.name)
    report(rows, rows, "read")
    return rows, records


def _insert(session: Session, handler: Kind, ready: Sequence[Any], errors: Errors, report: Progress) -> int:
    """Write the checked rows in chunks of INSERT … SELECT FROM unnest(arrays); every trigger stays on.

    Not COPY: PostgreSQL refuses COPY FROM on tables with row-level security, which every GMP table has
    for people signed in with MFA (DESIGN §3). One statement per chunk keeps the round trips few; each
    chunk runs in a savepoint so that after a refusal the transaction can still tell which row it was.
    """
    names = [f"c{i}" for i in range(len(handler.columns))]
    arrays = ", ".join(f"CAST(:{name} AS {'text' if kind.endswith('[]') else kind}[])"
                       for name, (_, kind) in zip(names, handler.columns, strict=True))
    select = ", ".join(f"CAST({name} AS {kind})" if kind.endswith("[]") else name
                       for name, (_, kind) in zip(names, handler.columns, strict=True))
    statement = text(f"INSERT INTO {handler.table} ({', '.join(c for c, _ in handler.columns)}) "
                     f"SELECT {select} FROM unnest({arrays}) AS t({', '.join(names)})")
    written = 0
    report(0, len(ready), "write")
    for start in range(0, len(ready), WRITE_CHUNK):
        chunk = ready[start:start + WRITE_CHUNK]
        columns = zip(*(handler.insert_row(record) for record in chunk), strict=True)
        try:
            with session.begin_nested():
                session.execute(statement, dict(zip(names, (list(c) for c in columns), strict=True)))
        except DBAPIError as exc:
            _refused(exc, session, handler, chunk, errors)
            return 0
        written += len(chunk)
        report(written, len(ready), "write")
    return written


def _refused(exc: DBAPIError, session: Session, handler: Kind, chunk: Sequence[Any], errors: Errors) -> None:
    """Turn the database's refusal into a row error (or raise when the connection is gone)."""
    problem = translate_db_error(exc)
    if isinstance(problem, DatabaseUnavailable):
        raise DatabaseUnavailable.of("import.connection_lost") from exc
    if getattr(exc.orig, "sqlstate", None) == "53200":
        # The stock trigger takes one transaction-level advisory lock per distinct lot (migration 0001);
        # ~100 000 distinct lots in one transaction exhaust the server's lock table (measured).
        errors.add(None, "", "import.out_of_lock_space", **_detail(problem))
        return
    row = None
    if isinstance(problem, StockWouldGoNegative):
        # The stock trigger runs after each row; replay the chunk on the stock as it is now (someone
        # else moved units after our check) to find the first row that overdraws.
        row = _first_overdraw(session, handler, chunk)
    if row is None:
        errors.add(None, "", "import.database_refused", **_detail(problem))
    else:
        errors.add(row, "quantity", "import.stock_changed", **_detail(problem))


def _detail(problem: MedTraceError) -> dict[str, object]:
    """The database's own message inside an import error: English (`detail`) and Chinese (`detail_zh`).

    The import error's parameters are plain values, so the database's message is rendered in both
    languages here; each language's template takes its own.
    """
    return {"detail": problem.english_message,
            "detail_zh": render(problem.message_id, problem.params, fallback=problem.english_message,
                                language=CHINESE)}


def _first_overdraw(session: Session, handler: Kind, chunk: Sequence[Any]) -> int | None:
    effects = [(record, handler.stock_effects(record)) for record in chunk]
    pairs = sorted({pair for _, changes in effects for pair, delta in changes if delta < 0})
    balance = stock_at(session.connection(), pairs) if pairs else {}
    for record, changes in effects:
        for pair, delta in changes:
            balance[pair] = balance.get(pair, 0) + delta
            if delta < 0 and balance[pair] < 0:
                return record.row
    return None

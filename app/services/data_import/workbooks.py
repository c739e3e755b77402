"""Files MedTrace writes for imports: the templates (.xlsx with instructions, or .csv) and the errors
workbook (the rejected rows as they were, with what is wrong with each).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.errors import InvalidInput
from app.services.data_import.columns import CONTRACTS, KINDS, Column, Contract
from app.services.data_import.records import RowError
from app.services.data_import.sources import open_source

TEMPLATE_ROWS = 5000  # rows prepared with formats and drop-down lists in the .xlsx template
INSTRUCTIONS_SHEET = "说明 Instructions"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_TYPE_WORDS = {
    "text": ("文本", "text"), "di": ("文本（产品标识）", "text (product identifier)"),
    "date": ("日期 YYYY-MM-DD", "date YYYY-MM-DD"), "integer": ("整数", "whole number"),
    "boolean": ("是/否", "yes/no"), "choice": ("列表值", "one of a list"),
    "days": ("天数列表，如 180;90;30;7", "list of days, e.g. 180;90;30;7"),
}
GENERAL_NOTES = (
    ("第 1 行为列名，请勿修改；可增加其他列（导入时忽略）。列名不区分大小写，也可使用中文列名（见下表“别名”）。",
     "Row 1 names the columns; keep it. Extra columns are allowed (ignored). Names are matched ignoring case; "
     "the Chinese aliases below are accepted too."),
    ("第 2 行为示例（灰色斜体），导入前请用实际数据替换或删除；保留示例行会被拒绝导入。",
     "Row 2 is an example (grey italic): replace or delete it before importing; a file that still holds it "
     "is refused."),
    ("导入为“全部或全不”：任何一行有错，整个文件都不导入，并逐行列出错误（行号即 Excel 行号）。",
     "All or nothing: if any row is wrong nothing is imported, and every error is listed with its Excel row "
     "number."),
    ("导入只新增记录，不修改已有记录（已有记录的变更须在系统中填写变更原因）。",
     "An import only adds records; it never changes existing ones (changes need a reason, made in MedTrace)."),
    ("日期请用 YYYY-MM-DD 或 Excel 日期格式。批号、编码、产品标识列请保持文本格式，以免丢失前导零。",
     "Write dates as YYYY-MM-DD or as Excel dates. Keep lot, code and DI columns as Text so leading zeros stay."),
    ("CSV 文件：逗号分隔，UTF-8（可带 BOM）或 GB18030 编码。",
     "CSV files: comma separated, UTF-8 (with or without BOM) or GB18030."),
)


def write_template(kind: str, path: Path) -> Path:
    """An empty import file for `kind`, as .xlsx (with instructions and drop-down lists) or .csv."""
    contract = _contract(kind)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _xlsx_template(contract, path)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel then reads UTF-8
            writer = csv.writer(handle)
            writer.writerow([column.name for column in contract.columns])
            writer.writerow([column.example for column in contract.columns])
    else:
        raise InvalidInput.of("import.template_bad_suffix", suffix=path.suffix or path.name)
    return path


def _contract(kind: str) -> Contract:
    if kind not in CONTRACTS:
        raise InvalidInput.of("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    return CONTRACTS[kind]


def example_value(column: Column) -> object:
    """The example as Excel should hold it (a real date, a number), or the text."""
    if not column.example:
        return None
    if column.type == "date":
        return dt.date.fromisoformat(column.example)
    if column.type == "integer":
        return int(column.example)
    return column.example


def _xlsx_template(contract: Contract, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = contract.kind
    sheet.append([column.name for column in contract.columns])
    sheet.append([example_value(column) for column in contract.columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(contract.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        header.fill = _HEADER_FILL
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(40, max(14, len(column.example) * 1.6 + 4))
        example = sheet.cell(row=2, column=index)
        example.font = _EXAMPLE_FONT
        number_format = {"date": "yyyy-mm-dd", "text": "@", "di": "@"}.get(column.type)
        if number_format:
            # The column's own format applies to every cell typed into it later (leading zeros stay).
            dimension.number_format = number_format
            example.number_format = number_format
        if column.allowed:
            validation = DataValidation(
                type="list", formula1=f'"{",".join(column.allowed)}"', allow_blank=not column.required,
                errorStyle="warning", showErrorMessage=True,
                errorTitle="MedTrace", error=f"{column.name}: {', '.join(column.allowed)}",
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.append([f"{contract.zh} — {contract.en}"])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append([])
    for zh, en in GENERAL_NOTES:
        notes.append([zh, None, None, None, en])
    notes.append([])
    heading = ["列名 Column", "必填 Required", "类型 Type", "允许值 Allowed values", "说明（中文）",
               "Description (English)", "示例 Example", "别名 Aliases"]
    notes.append(heading)
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for column in contract.columns:
        zh_type, en_type = _TYPE_WORDS[column.type]
        notes.append([
            column.name, "是 yes" if column.required else "否 no", f"{zh_type} / {en_type}",
            ", ".join(column.allowed), column.zh, column.en, column.example, ", ".join(column.aliases),
        ])
    for letter, width in zip("ABCDEFGH", (22, 12, 22, 28, 50, 60, 24, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)


def write_errors(path: Path, source_path: Path, errors: Iterable[RowError]) -> Path:
    """The rejected rows with their original cells, then `row` and `error` columns (streamed, write-only).

    The source is read a second time rather than kept in memory: a 100 k-row file with a few bad rows
    costs a second pass, not 100 k rows held for the whole import.
    """
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput.of("import.errors_file_not_xlsx", suffix=path.suffix or path.name)
    by_row: dict[int | None, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    bold = Font(bold=True)
    try:
        source = open_source(source_path)
        header = list(source.header)
    except InvalidInput:
        source, header = None, []
    width = len(header)
    sheet.append([_cell(sheet, value, bold) for value in (*header, "row", "error")])

    def message(row: int | None) -> str:
        # for the person who corrects the rows: in the language MedTrace is shown in
        return "\n".join(f"{e.column}: {e.rendered()}" if e.column else e.rendered() for e in by_row[row])

    for row in sorted((r for r in by_row if r is None or (source and r <= source.header_number)),
                      key=lambda r: r or 0):
        sheet.append([*([None] * width), row, message(row)])
    if source is not None:
        try:
            for source_row in source.rows:
                if source_row.number in by_row:
                    cells = list(source_row.cells[:width]) + [None] * (width - len(source_row.cells))
                    sheet.append([*cells, source_row.number, message(source_row.number)])
        finally:
            source.close()
    workbook.save(path)
    return path


def _cell(sheet: object, value: object, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell

"""The look and behaviour every record list shares: whole-row selection, fixed row heights, no grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def record_table(
    model: QAbstractItemModel,
    *,
    row_height: int,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
) -> QTableView:
    """A table over `model`. Rows have one fixed height, so the view never measures a row (no
    resizeRowsToContents, which would read every row of a million-row model)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    vertical = view.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(row_height)
    horizontal = view.horizontalHeader()
    horizontal.setHighlightSections(False)
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel, Generic[Row]):
    """Rows already fetched, one column per key of `columns`; a subclass sets `_headers` and writes data()."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._headers: dict[str, str] = {}

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _first(self, wanted: Callable[[Row], bool]) -> int | None:
        return next((i for i, r in enumerate(self._rows) if wanted(r)), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.columns[section]]
        return None

"""The look and behaviour every record list shares: whole-row selection, fixed row heights, no grid."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
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

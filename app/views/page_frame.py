"""The frame the workstation's pages share: a title row, the page's own rows, and the body below them.

Most pages are a list beside the chosen record's detail (`list_detail_page`); the parts are here too
for a page whose body or title row is its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QSplitter, QVBoxLayout, QWidget

PAGE_MARGINS = (24, 20, 24, 16)  # left, top, right, bottom
PAGE_SPACING = 10


def title_row(heading: QWidget, *extras: QWidget, note: QWidget | None = None) -> QHBoxLayout:
    """The heading on the left; on the right the page's controls, then a note (a count, "as of") on the baseline."""
    row = QHBoxLayout()
    row.addWidget(heading)
    row.addStretch(1)
    for widget in extras:
        row.addWidget(widget)
    if note is not None:
        row.addWidget(note, 0, Qt.AlignmentFlag.AlignBottom)
    return row


def list_detail_splitter(master: QWidget, detail: QWidget, split: tuple[int, int]) -> QSplitter:
    """The list beside the chosen record's detail, sharing the width as `split` (percent); neither folds away."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(master)
    splitter.addWidget(detail)
    splitter.setStretchFactor(0, split[0])
    splitter.setStretchFactor(1, split[1])
    splitter.setSizes([split[0] * 10, split[1] * 10])  # proportions; scaled to the real width
    splitter.setChildrenCollapsible(False)
    return splitter


def page_column(page: QWidget, rows: Iterable[QWidget | QLayout], body: QWidget) -> QVBoxLayout:
    """The page's layout: its rows from the top (title row first), then the body taking the rest of the height."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(*PAGE_MARGINS)
    layout.setSpacing(PAGE_SPACING)
    for row in rows:
        if isinstance(row, QLayout):
            layout.addLayout(row)
        else:
            layout.addWidget(row)
    layout.addWidget(body, 1)
    return layout


def list_detail_page(
    page: QWidget,
    heading: QWidget,
    *,
    title_extras: Iterable[QWidget] = (),
    title_note: QWidget | None = None,
    rows: Iterable[QWidget | QLayout] = (),
    master: QWidget,
    detail: QWidget,
    split: tuple[int, int],
) -> QSplitter:
    """Lay `page` out as a list page: title row, the page's rows, then `master` beside `detail`."""
    splitter = list_detail_splitter(master, detail, split)
    page_column(page, (title_row(heading, *title_extras, note=title_note), *rows), splitter)
    return splitter

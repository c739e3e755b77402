"""The Lots page: every lot (a million is normal), narrowed by product, status, expiry and search.

The table reads pages through LotTableModel; the panel beside it shows the chosen lot's record. The
page refreshes itself from the single "records changed" broadcast (DESIGN §5), also when another
workstation changed the records.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelection, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.models.enums import LotStatus
from app.services.lot_queries import LotFilter, ProductChoice, list_products
from app.views.context import ViewContext
from app.views.lot_detail import LotDetailPanel
from app.views.lot_table_model import (
    COLUMNS,
    STATUS_COLUMN,
    LotTableModel,
    StatusBadgeDelegate,
    while_alive,
)
from app.views.page_frame import list_detail_page
from app.views.pages import lot_status_label
from app.views.record_table import record_table

# Changes to these tables change which lots are listed (or how they read); to these, a lot's record.
LIST_TABLES = frozenset({"lot", "product"})
RECORD_TABLES = frozenset({"lot", "product", "party", "qc_result", "deviation", "genealogy_edge",
                           "movement", "serial_unit"})
SEARCH_DEBOUNCE_MS = 250
REFRESH_COALESCE_MS = 150  # a burst of notifications (an import) becomes one refresh
ROW_HEIGHT = 26
EXPIRY_WINDOWS = (30, 90, 180)
# The expiry combo's choices by index. Choices live in Python, not as item data: no QVariant round
# trip, and no None coming back from currentData() (PySide6 6.12.0 on Python 3.11 drops a reference
# to None on such returns — measured; see the issue note).
EXPIRY_CHOICES: tuple[int | str | None, ...] = (None, *EXPIRY_WINDOWS, "expired")
COLUMN_WIDTHS = {"lot_no": 112, "di": 122, "status": 96, "production_date": 96, "expiry_date": 96,
                 "quantity": 78}
SPLIT = (62, 38)  # list : detail, in percent of the page width


class LotsPage(QWidget):
    """Filter bar, the lot table, the chosen lot's record; an empty state that says what to do."""

    lot_selected = Signal(object)  # the LotRow chosen, or None

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._needs_refresh = False
        self._pending_tables: set[str] | None = set()
        self._products: list[ProductChoice] = []
        self._products_requested = False
        self._pending_row: int | None = None  # chosen while its page was still loading
        self._follow_lot: int | None = None  # after a refresh, select this lot again where it now is
        self._syncing = False  # selection changed by the page itself, not by the user

        heading = QLabel(self.tr("Lots"))
        heading.setObjectName("pageHeading")
        self.count_label = QLabel(self.tr("Counting…"))
        self.count_label.setObjectName("pageArrives")
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        # -- filter bar --
        self.product_combo = QComboBox()
        self.product_combo.setMinimumContentsLength(18)
        self.product_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.product_combo.addItem(self.tr("All products"))
        self.product_combo.setToolTip(self.tr("Show the lots of one product"))
        self.status_button = QToolButton()
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_button.setToolTip(self.tr("Show lots in these statuses"))
        self.status_menu = QMenu(self.status_button)
        self.status_actions: dict[LotStatus, QAction] = {}
        for status in LotStatus:
            action = self.status_menu.addAction(lot_status_label(status))
            action.setCheckable(True)
            action.toggled.connect(self._on_filters_edited)
            self.status_actions[status] = action
        self.status_menu.addSeparator()
        self.status_menu.addAction(self.tr("Any status"), self._clear_statuses)
        self.status_button.setMenu(self.status_menu)
        self.expiry_combo = QComboBox()
        self.expiry_combo.addItem(self.tr("Any expiry date"))
        for days in EXPIRY_WINDOWS:
            self.expiry_combo.addItem(self.tr("Expires within %1 days").replace("%1", str(days)))
        self.expiry_combo.addItem(self.tr("Expired"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Lot no., DI or product name  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.product_combo, 1)
        bar.addWidget(self.status_button)
        bar.addWidget(self.expiry_combo)
        bar.addWidget(self.clear_button)
        bar.addStretch(0)

        # -- table --
        english = self._prefers_english()
        self.model = LotTableModel(ctx.runner, ctx.new_uow, prefer_english=english, parent=self)
        # Reading starts now, while the rest of the page is built (first paint budget: 100 ms).
        self.model.set_query(self._current_filter())
        self.table = record_table(self.model, row_height=ROW_HEIGHT)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        horizontal = self.table.horizontalHeader()
        for key, width in COLUMN_WIDTHS.items():
            horizontal.resizeSection(COLUMNS.index(key), width)
        horizontal.setSectionResizeMode(COLUMNS.index("product"), QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(STATUS_COLUMN, StatusBadgeDelegate(self.table))
        horizontal.setSortIndicator(COLUMNS.index(self.model.sort_key), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        # -- empty state --
        self.empty_message = QLabel()
        self.empty_message.setObjectName("pagePurpose")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_clear = QPushButton(self.tr("Clear filters"))
        self.empty_clear.clicked.connect(self.clear_filters)
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_message)
        empty_layout.addWidget(self.empty_clear, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(empty)

        self.detail = LotDetailPanel(ctx)
        list_detail_page(self, heading, title_note=self.count_label, rows=(bar, self.problem),
                         master=self.list_stack, detail=self.detail, split=SPLIT)

        # -- behaviour --
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_filters)
        self.product_combo.currentIndexChanged.connect(self._on_filters_edited)
        self.expiry_combo.currentIndexChanged.connect(self._on_filters_edited)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.search.clear)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self._refresh_now)

        self.model.count_changed.connect(self._on_count_changed)
        self.model.first_page_loaded.connect(self._on_first_page)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.load_failed.connect(self._show_problem)
        self.model.modelReset.connect(self._on_model_reset)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.broadcast.records_changed.connect(self._on_records_changed)

        self._update_status_button()
        self._update_clear_buttons()

    # -- public --------------------------------------------------------------------------------

    def current_filter(self) -> LotFilter:
        return self.model.query_filter

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_filters(self) -> None:
        self.apply_filter()

    def apply_filter(self, *, statuses: Iterable[LotStatus] = ()) -> None:
        """Show every lot, or only those in `statuses` (the Dashboard's status tiles open the page so)."""
        wanted = set(statuses)
        widgets = (self.search, self.product_combo, self.expiry_combo, *self.status_actions.values())
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        self.product_combo.setCurrentIndex(0)
        self.expiry_combo.setCurrentIndex(0)
        for status, action in self.status_actions.items():
            action.setChecked(status in wanted)
        for widget in widgets:
            widget.blockSignals(False)
        self._search_timer.stop()
        self._update_status_button()
        self._apply_filters()

    # -- filters -------------------------------------------------------------------------------

    def _prefers_english(self) -> bool:
        language = self._ctx.settings.language
        if language == "auto":
            return QLocale().language() != QLocale.Language.Chinese
        return language == "en"

    def _current_filter(self) -> LotFilter:
        expiry = EXPIRY_CHOICES[self.expiry_combo.currentIndex()]
        return LotFilter(
            product_id=self._chosen_product_id(),
            statuses=tuple(s for s, a in self.status_actions.items() if a.isChecked()),
            expires_within_days=expiry if isinstance(expiry, int) else None,
            expired=expiry == "expired",
            text=self.search.text().strip(),
        )

    def _on_filters_edited(self) -> None:
        self._update_status_button()
        self._apply_filters()

    def _apply_filters(self) -> None:
        self._search_timer.stop()
        flt = self._current_filter()
        self._update_clear_buttons()
        if flt != self.model.query_filter:
            self.model.set_query(flt)

    def _clear_statuses(self) -> None:
        for action in self.status_actions.values():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self._on_filters_edited()

    def _update_status_button(self) -> None:
        chosen = [s for s, a in self.status_actions.items() if a.isChecked()]
        if not chosen:
            text = self.tr("Any status")
        elif len(chosen) == 1:
            text = lot_status_label(chosen[0])
        else:
            text = self.tr("%1 statuses").replace("%1", str(len(chosen)))
        self.status_button.setText(text)
        # Room for the text and the menu arrow, which a QToolButton otherwise draws over the text.
        self.status_button.setMinimumWidth(self.status_button.fontMetrics().horizontalAdvance(text) + 34)

    def _update_clear_buttons(self) -> None:
        self.clear_button.setEnabled(not self._current_filter().is_empty)

    def _load_products(self) -> None:
        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _ctx: list_products(new_uow()),
                             on_done=while_alive(self, self._on_products),
                             on_failed=while_alive(self, self._show_problem))

    def _chosen_product_id(self) -> int | None:
        """Index 0 is "All products"; choices are kept here, not as item data (see EXPIRY_CHOICES)."""
        index = self.product_combo.currentIndex()
        return self._products[index - 1].id if 0 < index <= len(self._products) else None

    def _on_products(self, products: list[ProductChoice]) -> None:
        chosen = self._chosen_product_id()
        self._products = products
        english = self._prefers_english()
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        self.product_combo.addItem(self.tr("All products"))
        for product in products:
            name = product.name_en if english and product.name_en else product.name
            self.product_combo.addItem(f"{name} · {product.di}")
        ids = [p.id for p in products]
        index = ids.index(chosen) + 1 if chosen in ids else 0
        self.product_combo.setCurrentIndex(index)
        self.product_combo.blockSignals(False)
        if chosen is not None and not index:
            self._apply_filters()  # the chosen product no longer exists

    # -- model feedback ------------------------------------------------------------------------

    def _on_count_changed(self, total: int | None) -> None:
        if total is None:
            self.count_label.setText(self.tr("Counting…"))
            return
        if not self._products_requested:
            self._products_requested = True  # after rows and count: neither waits for the combo
            self._load_products()
        self.problem.hide()
        self.count_label.setText(
            self.tr("1 lot") if total == 1 else self.tr("%1 lots").replace("%1", f"{total:,}"))
        self._show_empty_state(total == 0)

    def _on_first_page(self, rows: int) -> None:
        self.problem.hide()
        if rows:
            self._show_empty_state(False)
        elif self.model.total in (None, 0):
            self._show_empty_state(True)

    def _show_empty_state(self, empty: bool) -> None:
        if empty:
            if self.model.query_filter.is_empty:
                self.empty_message.setText(self.tr(
                    "No lots yet — import lots (medtrace import lots FILE) or run `medtrace demo seed`."))
                self.empty_clear.hide()
            else:
                self.empty_message.setText(self.tr("No lots match these filters — clear filters to see all."))
                self.empty_clear.show()
            self.list_stack.setCurrentIndex(1)
        else:
            self.list_stack.setCurrentIndex(0)

    def _show_problem(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, MedTraceError) else self.tr(
            "The lots could not be read. Details are in the log.")
        self.problem.setText(message)
        self.problem.show()

    def _on_model_reset(self) -> None:
        self.count_label.setText(self.tr("Counting…"))

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._syncing:
            self._follow_lot = None
            self._show_current_row()

    def _on_page_loaded(self, first: int, last: int) -> None:
        if self._pending_row is not None and first <= self._pending_row <= last:
            self._show_current_row()
        if self._follow_lot is not None:
            row = self.model.row_of_lot(self._follow_lot)
            if row is not None:
                self._follow_lot = None
                self._syncing = True
                try:
                    self.table.selectRow(row)
                finally:
                    self._syncing = False

    def _show_current_row(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        lot = self.model.row_at(rows[0].row()) if rows else None
        self._pending_row = rows[0].row() if rows and lot is None else None
        if self._pending_row is not None:
            return  # its page is loading: _on_page_loaded comes back here
        self.detail.show_lot(lot.id if lot is not None else None)
        self.lot_selected.emit(lot)

    def select_row(self, row: int) -> None:
        """Select `row` of the table (keyboard users and tests)."""
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)

    # -- refresh -------------------------------------------------------------------------------

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and not (tables & RECORD_TABLES):
            return
        if tables is None or self._pending_tables is None:
            self._pending_tables = None
        else:
            self._pending_tables |= tables
        if not self.isVisible():
            self._needs_refresh = True  # refreshed when shown again
            return
        self._refresh_timer.start()

    def _refresh_now(self) -> None:
        tables, self._pending_tables = self._pending_tables, set()
        self._needs_refresh = False
        if tables is None or tables & LIST_TABLES:
            # Rows may move: keep the chosen lot's record shown and select it again where it lands.
            self._follow_lot = self.detail.lot_id
            self._syncing = True
            try:
                self.table.clearSelection()
            finally:
                self._syncing = False
            self.model.refresh()
        if tables is None or "product" in tables:
            self._load_products()
        self.detail.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._refresh_timer.start()

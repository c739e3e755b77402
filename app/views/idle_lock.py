"""The idle lock: after N minutes without input the workstation locks (21 CFR 11.10(d), Annex 11 §12.1).

`IdleLock` watches every input event of the application. When the time is up it covers the main window
with an opaque `LockOverlay`, closes the other windows (a half-typed signature or an activation code on
screen must not survive the lock) and ends the session in the database, so the old session token
admits nobody from then on — the database enforces the lock, not this widget. Unlocking is a full
sign-in (password by PostgreSQL, TOTP by the database), off the GUI thread. The same person gets a new
session (`unlocked`); a different person signing in replaces the first (`switched_user`), whom the
composition root then signs out completely (DESIGN §3: a different user unlocking logs the first out).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.services.identity import PendingActivation, SignedIn, connect_as, end_session, sign_in
from app.views.login_dialog import SignInForm
from app.views.operations import OperationRunner

log = logging.getLogger(__name__)

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.InputMethod,
})
# While locked, these never reach a widget outside the overlay (and no shortcut fires).
BLOCKED_WHILE_LOCKED = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.ContextMenu,
    QEvent.Type.InputMethod, QEvent.Type.TouchBegin, QEvent.Type.Drop,
})
ACTIVITY_INTERVAL_SECONDS = 60.0


class _Card(QFrame):
    """A fixed-width card whose height follows its word-wrapped text (box layouts would squeeze it)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.setFixedWidth(width)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        if layout is None:
            return super().sizeHint()
        return QSize(self.width(), layout.totalHeightForWidth(self.width()))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class LockOverlay(QWidget):
    """Opaque cover of the main window: who is signed in, and the fields to unlock."""

    unlock_requested = Signal(str, str, str)  # login, password, code

    def __init__(self, window: QWidget, session: SignedIn) -> None:
        super().__init__(window)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # opaque: nothing shows through
        self.setStyleSheet("#lockOverlay { background-color: #1f3a4d; }"
                           "#lockCard { background-color: #ffffff; border-radius: 8px; }"
                           "#switchUserButton { color: #2f7fb5; text-decoration: underline; border: none;"
                           " padding: 4px 0; text-align: left; }")
        self._session = session
        self._someone_else = False

        self.headline = QLabel(self.tr("Locked"))
        self.headline.setObjectName("pageHeading")
        self.who = QLabel()
        self.who.setObjectName("lockedAs")
        self.who.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("fieldNote")
        self.note.setWordWrap(True)
        self.form = SignInForm(allow_activation=False)
        self.form.submitted.connect(self.submit)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button = QPushButton()
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.setFlat(True)
        self.switch_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.switch_button.clicked.connect(lambda: self.set_someone_else(not self._someone_else))
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        card = _Card(500)
        card.setObjectName("lockCard")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(28, 24, 28, 20)
        card_layout.setSpacing(12)
        card_layout.addWidget(self.headline)
        card_layout.addWidget(self.who)
        card_layout.addWidget(self.form)
        card_layout.addWidget(self.note)
        card_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.set_session(session)

    def set_session(self, session: SignedIn) -> None:
        self._session = session
        self.set_someone_else(False)

    @property
    def someone_else(self) -> bool:
        return self._someone_else

    def set_someone_else(self, on: bool) -> None:
        """Unlock as the signed-in person, or sign in as another (which signs the first one out)."""
        self._someone_else = on
        account = self._session.account
        self.form.form.setRowVisible(self.form.login, on)
        self.form.login.setText("" if on else account.login)
        self.form.password.clear()
        self.form.code.clear()
        self.form.problem.hide()
        if on:
            self.who.setText(self.tr("Sign in as another person with their user name, password and "
                                     "authenticator code."))
            self.switch_button.setText(self.tr("← Back: unlock as %1").replace("%1", account.login))
            self.note.setText(self.tr("Signing in as someone else signs %1 out; anything not saved is lost.")
                              .replace("%1", account.printed_name))
            self.unlock_button.setText(self.tr("Sign in"))
        else:
            self.who.setText(self.tr("Signed in as %1 (%2). Enter your password and authenticator code to "
                                     "continue.").replace("%1", account.printed_name).replace("%2", account.login))
            self.switch_button.setText(self.tr("Sign in as someone else"))
            self.note.setText("")
            self.unlock_button.setText(self.tr("Unlock"))
        self.note.setVisible(on)
        self.focus_first_field()

    def focus_first_field(self) -> None:
        self.form.focus_first_empty()

    def submit(self) -> None:
        missing = self.form.check()
        if missing:
            self.form.show_problem(missing)
            return
        self.unlock_requested.emit(self.form.login.text().strip().lower(), self.form.password.text(),
                                   self.form.code.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.form.set_busy(busy)
        self.form.login.setEnabled(not busy and self._someone_else)
        self.unlock_button.setEnabled(not busy)
        self.switch_button.setEnabled(not busy)

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab cycles inside the overlay; it never reaches a field of the locked window underneath.
        chain = [w for w in (self.form.login, self.form.password, self.form.code, self.switch_button,
                             self.unlock_button) if w.isVisible() and w.isEnabled()]
        if not chain:
            return False
        current = self.window().focusWidget()
        index = chain.index(current) if current in chain else -1
        chain[(index + (1 if forward else -1)) % len(chain)].setFocus(Qt.FocusReason.TabFocusReason)
        return True


class IdleLock(QObject):
    """Locks the main window after `idle_seconds` without input; unlocking needs password + TOTP again."""

    locked = Signal()
    unlocked = Signal(object)  # SignedIn: the same person, a new session
    switched_user = Signal(object, str)  # SignedIn of another person, and their password (for their pool)
    activity = Signal()  # at most once per activity interval: the composition root calls touch_session

    def __init__(
        self,
        window: QWidget,
        session: SignedIn,
        password: str,
        base_args: dict[str, str],
        runner: OperationRunner,
        *,
        idle_seconds: float | None = None,
        activity_interval_seconds: float = ACTIVITY_INTERVAL_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self._window = window
        self._session = session
        self._password = password  # memory only: ends the session by a fresh connection at lock time
        self._base_args = base_args
        self._runner = runner
        self._idle_seconds = float(idle_seconds if idle_seconds is not None else session.idle_minutes * 60)
        self._activity_interval = activity_interval_seconds
        self._last_input = time.monotonic()
        self._last_activity_signal = float("-inf")
        self._locked = False
        self._busy = False
        self._started = False
        self.overlay: LockOverlay | None = None
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_deadline)

    # -- public ------------------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self._locked

    @property
    def session(self) -> SignedIn:
        return self._session

    def start(self) -> None:
        """Begin watching input (installs the application-wide event filter)."""
        if self._started:
            return
        self._started = True
        QApplication.instance().installEventFilter(self)
        self._last_input = time.monotonic()
        self._deadline.start(self._ms(self._idle_seconds))

    def stop(self) -> None:
        """Stop watching (sign-out, shutdown); an overlay on screen stays until the window goes."""
        if not self._started:
            return
        self._started = False
        self._deadline.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def set_session(self, session: SignedIn, password: str) -> None:
        """The session to lock from now on (after a sign-in the composition root made itself)."""
        self._session = session
        self._password = password
        if self.overlay is not None:
            self.overlay.set_session(session)

    def lock_now(self) -> None:
        """Lock at once (also the "Lock" menu entry): cover, close other windows, end the session."""
        if self._locked:
            return
        self._locked = True
        self._deadline.stop()
        self._close_other_windows()
        if self.overlay is None:
            self.overlay = LockOverlay(self._window, self._session)
            self.overlay.unlock_requested.connect(self._on_unlock_requested)
        else:
            self.overlay.set_session(self._session)
        self.overlay.setGeometry(self._window.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.activateWindow()
        self.overlay.focus_first_field()
        self._end_session(self._session, self._password)
        self.locked.emit()

    # -- input -------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._locked:
            if kind == QEvent.Type.Resize and watched is self._window and self.overlay is not None:
                self.overlay.setGeometry(self._window.rect())
            elif kind == QEvent.Type.Shortcut:
                return True  # no menu entry or page shortcut works behind the lock
            elif kind in BLOCKED_WHILE_LOCKED and isinstance(watched, QWidget) and not self._in_overlay(watched):
                return True
            return False
        if kind in ACTIVITY_EVENTS:
            now = time.monotonic()
            self._last_input = now
            if now - self._last_activity_signal >= self._activity_interval:
                self._last_activity_signal = now
                self.activity.emit()
        return False

    def _in_overlay(self, widget: QWidget) -> bool:
        overlay = self.overlay
        return overlay is not None and (widget is overlay or overlay.isAncestorOf(widget))

    def _on_deadline(self) -> None:
        idle = time.monotonic() - self._last_input
        if idle >= self._idle_seconds:
            self.lock_now()
        else:
            self._deadline.start(self._ms(self._idle_seconds - idle))

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(1, int(seconds * 1000) + 5)

    def _close_other_windows(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is self._window or not widget.isVisible() or not widget.isWindow():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.close()

    # -- the database ------------------------------------------------------------------------------

    def _end_session(self, session: SignedIn, password: str) -> None:
        base = self._base_args

        def work(_op: object) -> None:
            # From now on the token admits nobody (mt_session_verified): pooled connections of the locked
            # session read and write nothing, whatever this program does next.
            with connect_as(base, session.account.login, password) as connection:
                end_session(connection, session.token)

        def failed(exc: BaseException) -> None:
            # The token still expires by itself idle_minutes after the last activity (session_token).
            log.warning("the locked session could not be ended at once: %s", exc.__class__.__name__)

        self._runner.run(work, on_failed=failed)

    def _on_unlock_requested(self, login: str, password: str, code: str) -> None:
        if self._busy or self.overlay is None:
            return
        self._busy = True
        self.overlay.set_busy(True)
        base, idle = self._base_args, self._session.idle_minutes
        self._runner.run(
            lambda _op: sign_in(base, login=login, password=password, code=code, idle_minutes=idle),
            on_done=lambda outcome: self._on_signed_in(outcome, password),
            on_failed=self._on_unlock_failed,
        )

    def _on_signed_in(self, outcome: SignedIn | PendingActivation, password: str) -> None:
        self._busy = False
        assert self.overlay is not None
        self.overlay.set_busy(False)
        if isinstance(outcome, PendingActivation):
            self._runner.run(lambda _op: outcome.close())
            self.overlay.form.show_failure(MedTraceError(self.tr(
                "This account has not been activated yet. Activate it from the sign-in window first.")))
            return
        previous = self._session
        self._session = outcome
        self._password = password
        self._locked = False
        self.overlay.form.password.clear()
        self.overlay.form.code.clear()
        self.overlay.hide()
        self._last_input = time.monotonic()
        self._last_activity_signal = self._last_input
        if self._started:
            self._deadline.start(self._ms(self._idle_seconds))
        if outcome.account.login == previous.account.login:
            self.unlocked.emit(outcome)
        else:
            self.switched_user.emit(outcome, password)

    def _on_unlock_failed(self, exc: BaseException) -> None:
        self._busy = False
        if self.overlay is not None:
            self.overlay.set_busy(False)
            self.overlay.form.show_failure(exc)

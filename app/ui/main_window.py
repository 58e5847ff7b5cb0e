"""The "CCC Break" window: state badge, status panel, break-code choice, the two buttons, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TR_NOOP, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import PRODUCT_NAME
from app.core.models import BreakCode, CallInfo, UserState
from app.ui.controller import AgentController
from app.ui.i18n import tr
from app.ui.icons import look_for, state_pixmap
from app.ui.theme import LIGHT_THEME, Theme

if TYPE_CHECKING:
    # PySide6 makes a Qt class, with all its enums, when it is first named: the event classes are
    # named here for the annotations only, and made when an event of theirs first reaches Python.
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QCloseEvent, QHideEvent, QResizeEvent, QShowEvent

    from app.core.today import Today  # today's breaks (and their network calls) load once connected

BADGE_ICON_SIZE = 48  # the state icon beside the badge, in logical pixels

# Work modes as the agent knows them (the API's word stays beside it in the status panel).
WORK_MODES = {
    "ON_SITE": QT_TR_NOOP("Softphone in the workbench"),
    "OFF_SITE": QT_TR_NOOP("Mobile or landline"),
    "OFFICE_PHONE": QT_TR_NOOP("Desk phone"),
}


def with_api_word(label: str, raw: str) -> str:
    """'On break (BREAK)': the human label, and the API's own word that IT and the docs use."""
    return tr("{label} ({raw})").format(label=label, raw=raw) if label and raw and label != raw else raw or label


def format_age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return tr("{n} s ago").format(n=seconds)
    if seconds < 3600:
        return tr("{n} min ago").format(n=seconds // 60)
    return tr("{h} h {m} min ago").format(h=seconds // 3600, m=(seconds % 3600) // 60)


def format_duration(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def state_clock(state: UserState | None, delta: timedelta) -> str:
    """How long the agent has been in this state: 'Ready 37 min' counts minutes, every other state a
    clock (12:04, 1:02:03), as contact-centre desktops show them."""
    seconds = max(0, int(delta.total_seconds()))
    if state is UserState.READY:
        return tr("{n} min").format(n=seconds // 60)
    if seconds < 3600:
        return f"{seconds // 60:d}:{seconds % 60:02d}"
    return format_duration(delta)


def hours_minutes(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds())) // 60
    if minutes < 60:
        return tr("{n} min").format(n=minutes)
    if minutes % 60 == 0:
        return tr("{h} h").format(h=minutes // 60)
    return tr("{h} h {m} min").format(h=minutes // 60, m=minutes % 60)


def today_text(today: Today, now: datetime, label_for: Callable[[str], str]) -> str:
    """'Breaks today: 3, 47 min' and a line per code: 'Lunch: 1 break, 35 min, 25 min left of 60 min'."""
    lines = [tr("Breaks today: %n, {time}", "", today.breaks).format(time=hours_minutes(today.total_break(now)))]
    for code in today.per_code:
        if code.breaks == 0 and code.allowance_minutes is None:
            continue
        used = code.used(now, today.as_of)
        line = tr("{code}: %n break(s), {time}", "", code.breaks).format(
            code=label_for(code.code), time=hours_minutes(used)
        )
        left = code.left(now, today.as_of)
        if left is not None and code.allowance_minutes is not None:
            allowance = hours_minutes(timedelta(minutes=code.allowance_minutes))
            if left >= timedelta(0):
                line = tr("{line}; {left} left of {allowance}").format(
                    line=line, left=hours_minutes(left), allowance=allowance
                )
            else:
                line = tr("{line}; {over} over the day's {allowance}").format(
                    line=line, over=hours_minutes(-left), allowance=allowance
                )
        lines.append(line)
    return "\n".join(lines)


def state_timer(controller: AgentController) -> str:
    """The current state's clock, "about" when its start is only this app's guess; "" before a state."""
    status, in_state = controller.status, controller.tracker.time_in_state()
    if status is None or in_state is None:
        return ""
    timer = state_clock(status.user_state, in_state)
    return timer if controller.tracker.start_is_exact else tr("about {time}").format(time=timer)


def local_clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


def describe_call(call: CallInfo) -> str:
    """'Inbound call with 13900001111, since 10:04:05': which way, with whom, since when."""
    directions = {"INBOUND": tr("Inbound call"), "OUTBOUND": tr("Outbound call"), "INTERNAL": tr("Internal call")}
    kind = directions.get(call.call_type.upper(), tr("Call"))
    since = local_clock(call.since) if call.since is not None else ""
    if call.other_party and since:
        return tr("{call} with {party}, since {time}").format(call=kind, party=call.other_party, time=since)
    if call.other_party:
        return tr("{call} with {party}").format(call=kind, party=call.other_party)
    if since:
        return tr("{call}, since {time}").format(call=kind, time=since)
    return kind


def plain_label(text: str = "") -> QLabel:
    """Every label of the window: server text is data, never markup (a message carrying <a href> must
    not become a link). Set as each is made; looking them all up afterwards cost the first paint ~5 ms."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _ScaleWatch(QObject):
    """Tells the window when it moves to a screen with another scale, so the badge's icon is drawn for
    it. A filter added after the first paint rather than an `event()` of the window's own, which every
    event of the window's start would go through in Python."""

    def __init__(self, window: MainWindow) -> None:
        from PySide6.QtCore import QEvent

        super().__init__(window)
        self._window = window
        self._scale_changed = QEvent.Type.DevicePixelRatioChange

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._scale_changed:
            self._window.refresh()
        return False


class MainWindow(QWidget):
    """The agent's window. Its owner calls `add_shortcuts()` and `watch_scale()` once it is painted
    (they come a moment after the first paint, not before it)."""

    settings_requested = Signal()
    quit_requested = Signal()
    hidden = Signal()  # put away (to the tray, minimised): a moment to keep its place

    def __init__(
        self,
        controller: AgentController,
        *,
        demo: bool = False,
        hide_on_close: Callable[[], bool] = lambda: False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        tick_ms: int = 1000,
        theme: Theme = LIGHT_THEME,
    ) -> None:
        super().__init__()
        self.controller = controller
        self._hide_on_close = hide_on_close
        self._now = now
        self.theme = theme
        self._height_before_error: int | None = None
        self._badge_icon_shown: QPixmap | None = None
        self._shortcuts_added = False
        self._scale_watch: _ScaleWatch | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(PRODUCT_NAME + (tr(" (demo)") if demo else ""))
        self._build(demo)
        controller.status_changed.connect(self.refresh)
        controller.busy_changed.connect(lambda _busy: self.refresh())
        controller.stale_changed.connect(lambda _stale: self.refresh())
        controller.error_changed.connect(self.refresh_error)
        controller.today_changed.connect(self.refresh_today)
        # Repaints the counters once a second while the window is shown; stopped while hidden (the
        # tray's tooltip is refreshed when it changes, and the overrun has its own timer).
        self._ticker = QTimer(self)
        self._ticker.setInterval(tick_ms)
        self._ticker.timeout.connect(self._tick)
        self._name_for_screen_readers()
        self.set_break_codes(controller.break_codes)
        self.refresh()
        self.refresh_error()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self, demo: bool) -> None:
        layout = QVBoxLayout(self)
        if demo:
            banner = plain_label(tr("Demo mode: connected to the built-in CCC simulator, not to Alibaba Cloud."))
            banner.setObjectName("demoBanner")
            banner.setWordWrap(True)
            layout.addWidget(banner)

        self.notice = plain_label()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)

        badge_row = QHBoxLayout()
        self.badge_icon = plain_label()
        self.badge_icon.setFixedSize(BADGE_ICON_SIZE, BADGE_ICON_SIZE)
        self.badge_text = plain_label()
        self.badge_text.setObjectName("stateBadge")
        font = self.badge_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.badge_text.setFont(font)
        self.badge_timer = plain_label()
        self.badge_timer.setObjectName("stateTimer")
        self.badge_timer.setFont(font)
        badge_row.addWidget(self.badge_icon)
        badge_row.addWidget(self.badge_text, 1)
        badge_row.addWidget(self.badge_timer)
        layout.addLayout(badge_row)
        self.badge_text.setWordWrap(True)  # a long break label in Chinese or English wraps, never clips

        # A break asked for during a call: what will happen, and the way back.
        self.queued_frame = QFrame()
        self.queued_frame.setObjectName("queuedBreak")
        queued_row = QHBoxLayout(self.queued_frame)
        self.queued_text = plain_label()
        self.queued_text.setObjectName("queuedBreakText")
        self.queued_text.setWordWrap(True)
        self.cancel_queued_button = QPushButton(tr("Ca&ncel"))
        self.cancel_queued_button.setObjectName("cancelQueuedBreakButton")
        self.cancel_queued_button.clicked.connect(self.controller.cancel_queued_break)
        queued_row.addWidget(self.queued_text, 1)
        queued_row.addWidget(self.cancel_queued_button)
        self.queued_frame.hide()
        layout.addWidget(self.queued_frame)

        panel = QGroupBox(tr("Status"))
        self.status_panel = panel
        form = QFormLayout(panel)
        self.fields: dict[str, QLabel | QLineEdit] = {}
        self.field_labels: dict[str, str] = {}
        for key, label in [
            ("UserState", tr("User state")),
            ("Extension", tr("Extension")),
            ("Heartbeat", tr("Heartbeat")),
            ("BreakCode", tr("Break code")),
            ("TimeInBreak", tr("Time in break")),
            ("Call", tr("Call")),
            ("WorkMode", tr("Work mode")),
            ("SkillGroups", tr("Skill groups")),
            ("DeviceId", tr("Device ID")),
            ("Refreshed", tr("Last refreshed")),
        ]:
            value: QLabel | QLineEdit
            if key == "DeviceId":
                # A long ID (45 characters) in a read-only field: it scrolls and copies whole instead
                # of widening the window or being cut.
                value = QLineEdit("–")
                value.setReadOnly(True)
                value.setFrame(False)
                value.setCursorPosition(0)
            else:
                value = plain_label("–")
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                # No word wrap in the form: Qt's form layout undercounts the height of wrapped rows and
                # squeezes them. Long values get lines of their own instead (one skill group per line).
            value.setObjectName(f"field{key}")
            form.addRow(label + ":", value)
            self.fields[key] = value
            self.field_labels[key] = label
        layout.addWidget(panel)

        # Today: the day's breaks from the service, with what is left of each allowance.
        self.today_box = QGroupBox(tr("Today"))
        self.today_box.setObjectName("todayBox")
        today_layout = QVBoxLayout(self.today_box)
        self.today_text = plain_label()
        self.today_text.setObjectName("todayText")
        self.today_text.setWordWrap(True)
        today_layout.addWidget(self.today_text)
        self.today_box.hide()
        layout.addWidget(self.today_box)

        code_row = QHBoxLayout()
        code_label = plain_label(tr("Break &code:"))
        self.code_box = QComboBox()
        self.code_box.setObjectName("breakCodeBox")
        code_label.setBuddy(self.code_box)
        code_row.addWidget(code_label)
        code_row.addWidget(self.code_box, 1)
        layout.addLayout(code_row)

        buttons = QHBoxLayout()
        self.take_break_button = QPushButton(tr("Take &Break"))
        self.take_break_button.setObjectName("takeBreakButton")
        self.ready_button = QPushButton(tr("&Ready"))
        self.ready_button.setObjectName("readyButton")
        buttons.addWidget(self.take_break_button)
        buttons.addWidget(self.ready_button)
        layout.addLayout(buttons)
        self.take_break_button.clicked.connect(self.take_break)
        self.ready_button.clicked.connect(self.get_ready)

        self.error_frame = QFrame()
        self.error_frame.setObjectName("errorArea")
        self.error_frame.setFrameShape(QFrame.Shape.StyledPanel)
        error_layout = QVBoxLayout(self.error_frame)
        self.error_message = plain_label()
        self.error_message.setObjectName("errorMessage")
        self.error_message.setWordWrap(True)
        self.error_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_request_id = plain_label()
        self.error_request_id.setObjectName("errorRequestId")
        self.error_request_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error_buttons = QHBoxLayout()
        self.copy_button = QPushButton(tr("Copy"))
        self.copy_button.setObjectName("copyErrorButton")
        self.copy_button.setToolTip(tr("Copy the message and RequestId, to send to IT"))
        self.copy_button.clicked.connect(self.copy_error)
        self.error_settings_button = QPushButton(tr("Open Settings…"))
        self.error_settings_button.clicked.connect(self.settings_requested.emit)
        dismiss = QPushButton(tr("Dismiss"))
        dismiss.clicked.connect(self.controller.dismiss_error)
        self.dismiss_button = dismiss
        error_buttons.addWidget(self.copy_button)
        error_buttons.addWidget(self.error_settings_button)
        error_buttons.addStretch(1)
        error_buttons.addWidget(dismiss)
        error_layout.addWidget(self.error_message)
        error_layout.addWidget(self.error_request_id)
        error_layout.addLayout(error_buttons)
        layout.addWidget(self.error_frame)

        # Compact mode and staying on top: for a window that sits beside the workbench all day.
        modes = QHBoxLayout()
        self.compact_button = QToolButton()
        self.compact_button.setObjectName("compactButton")
        self.compact_button.setText(tr("Compact"))
        self.compact_button.setCheckable(True)
        self.compact_button.toggled.connect(self.set_compact)
        self.on_top_button = QToolButton()
        self.on_top_button.setObjectName("onTopButton")
        self.on_top_button.setText(tr("On top"))
        self.on_top_button.setCheckable(True)
        self.on_top_button.toggled.connect(self.set_on_top)
        modes.addWidget(self.compact_button)
        modes.addWidget(self.on_top_button)
        modes.addStretch(1)
        layout.addLayout(modes)

        self.footer = QWidget()
        footer = QVBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        self.shortcuts_label = plain_label(
            tr("Ctrl+B break · Ctrl+R ready · F5 refresh · Ctrl+M compact · Ctrl+T on top · Esc to the tray")
        )
        self.shortcuts_label.setObjectName("shortcutsLabel")
        self.shortcuts_label.setWordWrap(True)
        self.shortcuts_label.setProperty("role", "note")
        settings_row = QHBoxLayout()
        settings_button = QPushButton(tr("&Settings…"))
        self.settings_button = settings_button
        settings_button.setObjectName("settingsButton")
        settings_button.clicked.connect(self.settings_requested.emit)
        settings_row.addWidget(self.shortcuts_label, 1)
        settings_row.addWidget(settings_button)
        footer.addLayout(settings_row)
        layout.addWidget(self.footer)
        layout.addStretch(1)  # spare height goes below everything: nothing moves when a panel comes or goes
        self._full_only = [self.status_panel, self.today_box, self.footer]

    # --- state -> widgets -------------------------------------------------------------------------

    # --- modes ------------------------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        return self.compact_button.isChecked()

    def set_compact(self, compact: bool) -> None:
        """State, timer, code and the two buttons only (errors and a queued break still show)."""
        if self.compact_button.isChecked() != compact:
            self.compact_button.setChecked(compact)  # toggled() calls back here
            return
        for part in self._full_only:
            part.setVisible(not compact)
        self.refresh_today()  # Today stays hidden in compact mode
        self.layout().activate()
        self._fit_height()
        self.adjustSize()

    @property
    def on_top(self) -> bool:
        return self.on_top_button.isChecked()

    def set_on_top(self, on_top: bool) -> None:
        if self.on_top_button.isChecked() != on_top:
            self.on_top_button.setChecked(on_top)
            return
        if bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint) != on_top:
            shown = self.isVisible()
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
            if shown:
                self.show()  # changing a window flag hides the window

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.refresh()

    def set_break_codes(self, codes: list[BreakCode]) -> None:
        """Refill the dropdown, keeping the agent's choice when it still exists."""
        chosen = self.code_box.currentData()
        self.code_box.blockSignals(True)
        self.code_box.clear()
        for code in codes:
            text = code.display if code.display == code.code else f"{code.display} ({code.code})"
            self.code_box.addItem(text, code.code)
        index = self.code_box.findData(chosen)
        self.code_box.setCurrentIndex(index if index >= 0 else 0)
        self.code_box.blockSignals(False)

    def selected_code(self) -> str:
        return str(self.code_box.currentData() or "")

    def refresh(self) -> None:
        status = self.controller.status
        last = self.controller.refreshing  # the last run's state, until the service answers
        state = status.user_state if status else last.state if last else None
        code = status.break_code if status else last.break_code if last else ""
        over = self.controller.tracker.is_over()
        look = look_for(state, over)
        stale = self.controller.out_of_date or last is not None
        self._show_badge_icon(state, stale, over)
        badge = tr(look.label)
        if state is UserState.BREAK and code:
            badge += f" — {self.controller.label_for(code)}"
        if self.controller.out_of_date:
            badge += tr(" (may be out of date)")
        if last is not None:
            badge += tr(" (refreshing…)")
        if badge != self.badge_text.text():
            self.badge_text.setText(badge)
            self._announce_state(badge)
        colour = f"color: {self.theme.badge_colour(state, look)};"
        if colour != self.badge_text.styleSheet():
            self.badge_text.setStyleSheet(colour)
            self.badge_timer.setStyleSheet(colour)
        queued = self.controller.queued_break
        if self.queued_frame.isVisibleTo(self) != (queued is not None):
            self.queued_frame.setVisible(queued is not None)
            self._fit_height()
        if queued is not None:
            self.queued_text.setText(tr("{code} after this call").format(code=self.controller.label_for(queued.code)))
        if status is None:
            for label in self.fields.values():
                label.setText("–")
        else:
            raw_state = status.raw_user_state or status.user_state.value
            known = status.user_state is not UserState.UNKNOWN
            self.fields["UserState"].setText(with_api_word(tr(look_for(state).label) if known else "", raw_state))
            self.fields["Extension"].setText(status.extension or "–")
            self.fields["BreakCode"].setText(status.break_code or "–")
            mode = WORK_MODES.get(status.work_mode)
            self.fields["WorkMode"].setText(with_api_word(tr(mode) if mode else "", status.work_mode) or "–")
            self.fields["SkillGroups"].setText("\n".join(status.signed_skill_groups) or "–")
            self.fields["DeviceId"].setText(status.device_id or "–")
            device = self.fields["DeviceId"]
            if isinstance(device, QLineEdit):
                device.setCursorPosition(0)  # the start of the ID, where it is told apart
            self.fields["Call"].setText(describe_call(status.call) if status.call else "–")
        self._tick()
        self._refresh_buttons()

    def _show_badge_icon(self, state: UserState | None, stale: bool, over: bool) -> None:
        """Drawn for this screen's pixel ratio, so it is sharp at 125-200 % scaling too (one icon size
        scaled up was not). Only when it changed: each poll refreshes this even while the window is
        hidden, and a new pixmap restarts Qt's pixmap-cache flush timer, which would wake the process
        in the tray."""
        pixmap = state_pixmap(state, stale, over, size=BADGE_ICON_SIZE, ratio=self.devicePixelRatioF())
        if pixmap is not self._badge_icon_shown:
            self._badge_icon_shown = pixmap
            self.badge_icon.setPixmap(pixmap)

    def _tick(self) -> None:
        """Once a second while shown: ages and counters move."""
        now = self._now()
        status = self.controller.status
        self.badge_timer.setText(state_timer(self.controller))
        if status is not None:
            if status.heartbeat is not None:
                self.fields["Heartbeat"].setText(
                    f"{local_clock(status.heartbeat)}, {format_age(now - status.heartbeat)}"
                )
            else:
                self.fields["Heartbeat"].setText("–")
            in_break = self.controller.tracker.time_in_break()
            limit = self.controller.tracker.break_limit_minutes()
            text = format_duration(in_break) if in_break is not None else "–"
            if in_break is not None and not self.controller.tracker.start_is_exact:
                # The service did not say when the break began: counted from when this app saw it.
                text += tr(" (approx.)")
            over = False
            if in_break is not None and limit:
                text += tr(" (limit {n} min)").format(n=limit)
                over = in_break >= timedelta(minutes=limit)
            role = "overLimit" if over else ""  # red only while over, back to plain after Ready
            if self.fields["TimeInBreak"].property("role") != role:
                self.fields["TimeInBreak"].setProperty("role", role)
                self.fields["TimeInBreak"].style().polish(self.fields["TimeInBreak"])
            self.fields["TimeInBreak"].setText(text)
        refreshed = self.controller.last_refreshed
        if refreshed is not None:
            text = f"{local_clock(refreshed)}, {format_age(now - refreshed)}"
            if self.controller.out_of_date:
                text += tr(" — may be out of date")
            self.fields["Refreshed"].setText(text)
        if self.controller.today is not None:
            self.refresh_today()

    def refresh_today(self) -> None:
        today = self.controller.today
        wanted = today is not None and not self.compact
        if self.today_box.isVisibleTo(self) != wanted:
            self.today_box.setVisible(wanted)
            self._fit_height()
        if today is not None:
            self.today_text.setText(today_text(today, self._now(), self.controller.label_for))

    def add_shortcuts(self) -> None:
        """Window-wide shortcuts: they work whichever widget has focus, and do nothing when the matching
        button is disabled. Added once the window is painted (the widget does it at once): QKeySequence,
        with its enums, is about 1 ms the first window need not wait for."""
        if self._shortcuts_added:
            return
        self._shortcuts_added = True
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+B"), self, self.take_break)
        QShortcut(QKeySequence("Ctrl+R"), self, self.get_ready)
        QShortcut(QKeySequence("Ctrl+Q"), self, self.quit_requested.emit)
        QShortcut(QKeySequence("F5"), self, self.controller.refresh_soon)
        QShortcut(QKeySequence("Ctrl+,"), self, self.settings_requested.emit)
        QShortcut(QKeySequence("Escape"), self, self._escape)
        QShortcut(QKeySequence("Ctrl+M"), self, lambda: self.compact_button.toggle())
        QShortcut(QKeySequence("Ctrl+T"), self, lambda: self.on_top_button.toggle())

    def watch_scale(self) -> None:
        """From now on a new screen scale redraws the badge's icon (see _ScaleWatch)."""
        if self._scale_watch is None:
            self._scale_watch = _ScaleWatch(self)
            self.installEventFilter(self._scale_watch)

    def _announce_state(self, badge: str) -> None:
        """A screen reader hears the new state: the badge's name changes and says so (AT-SPI relays it)."""
        self.badge_text.setAccessibleName(tr("Your state: {state}").format(state=badge))
        if not self.isVisible():
            return  # nothing heard it yet; and the first window does not wait for QAccessible (2 ms to load)
        from PySide6.QtGui import QAccessible, QAccessibleEvent

        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self.badge_text, QAccessible.Event.NameChanged))

    def _refresh_buttons(self) -> None:
        for button, (allowed, why) in (
            (self.take_break_button, self.controller.can_take_break()),
            (self.ready_button, self.controller.can_get_ready()),
        ):
            button.setEnabled(allowed)
            button.setToolTip(why)
        if self.controller.break_would_wait():
            self.take_break_button.setText(tr("Take &Break after this call"))
            self.take_break_button.setAccessibleName(tr("Take a break after this call"))
        else:
            self.take_break_button.setText(tr("Take &Break"))
            self.take_break_button.setAccessibleName(tr("Take a break"))
        shortcut_hint = {self.take_break_button: "Ctrl+B", self.ready_button: "Ctrl+R"}
        for button, keys in shortcut_hint.items():
            if button.isEnabled():
                button.setToolTip(tr("Shortcut: {keys}").format(keys=keys))
        if not self.controller.break_codes:
            self.take_break_button.setEnabled(False)
            self.take_break_button.setToolTip(tr("No break codes are set up. Add them in Settings."))

    def refresh_error(self) -> None:
        error = self.controller.last_error
        was_shown = self.error_frame.isVisibleTo(self)
        if error is not None and not was_shown:
            self._height_before_error = self.height()
        self.error_frame.setVisible(error is not None)
        if error is None:
            if was_shown and self._height_before_error is not None:
                # Back to the height it had: no blank band where the message was.
                self.layout().activate()
                self._fit_height()
                self.resize(self.width(), max(self.minimumHeight(), self._height_before_error))
                self._height_before_error = None
            return
        text = error.message
        if error.code:
            text += f"\n{error.code}" + (f": {error.detail}" if error.detail else "")
        self.error_message.setText(text)
        self.error_request_id.setText(tr("RequestId: {id}").format(id=error.request_id) if error.request_id else "")
        self.error_request_id.setVisible(bool(error.request_id))
        self.error_settings_button.setVisible(error.needs_settings)
        self.layout().activate()
        self._fit_height()

    def show_notice(self, title: str, text: str) -> None:
        """Where notifications go when there is no tray to raise them from."""
        self.notice.setText(f"{title}\n{text}")
        self.notice.show()

    def hide_notice(self) -> None:
        self.notice.hide()

    def error_text(self) -> str:
        error = self.controller.last_error
        if error is None:
            return ""
        parts = [error.message]
        if error.code:
            parts.append(f"Code: {error.code}")
        if error.detail:
            parts.append(f"Service said: {error.detail}")
        if error.request_id:
            parts.append(f"RequestId: {error.request_id}")
        return "\n".join(parts)

    def copy_error(self) -> None:
        QGuiApplication.clipboard().setText(self.error_text())

    # --- actions ----------------------------------------------------------------------------------

    def take_break(self) -> None:
        if self.take_break_button.isEnabled():
            self.controller.take_break(self.selected_code())

    def get_ready(self) -> None:
        if self.ready_button.isEnabled():
            self.controller.get_ready()

    def toggle(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.bring_forward()

    def bring_forward(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._keep_on_screen()
        self._tick()
        self._ticker.start()
        self.controller.refresh_soon()
        self.controller.refresh_today()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()
        # Checked once the new size is real: on Windows a growth asked for in _fit_height arrives later.
        self._keep_on_screen()

    def _fit_height(self) -> None:
        """The window is never shorter than its content: rows appear (Today, an error, a queued break)
        and wrapped texts need more height when the window is narrower, and a top-level window is not
        given either by Qt, so its minimum height follows its content and width."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        # Never below the natural height: Qt would squeeze the status rows until their text is cut.
        needed = max(layout.totalSizeHint().height(), layout.totalHeightForWidth(self.width()))
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)
            self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        """A window that grew by itself moves up rather than past the bottom of its screen (or under the
        taskbar), and never so far that its title bar leaves the top. The frame counts: on Windows the
        title bar and borders lie outside geometry(), and move() places the frame."""
        screen = self.screen()
        if screen is None or not self.isVisible():
            return
        area, frame = screen.availableGeometry(), self.frameGeometry()
        top = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
        if top != frame.top():
            self.move(frame.x(), top)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.hidden.emit()
        self._ticker.stop()  # nothing to repaint: hidden in the tray, the app only polls

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def _escape(self) -> None:
        """Escape puts the window away to the tray; without a tray the window is the app and stays."""
        if self._hide_on_close():
            self.hide()

    def _name_for_screen_readers(self) -> None:
        # What a screen reader says for each control: its purpose, and for values their field.
        named = [
            (self.take_break_button, tr("Take a break"), tr("Puts you on a break with the chosen break code")),
            (self.ready_button, tr("Ready"), tr("Ends your break: you take calls again")),
            (self.code_box, tr("Break code"), tr("The break to take")),
            (self.copy_button, tr("Copy error"), tr("Copy the message and RequestId, to send to IT")),
            (self.error_settings_button, tr("Open Settings"), ""),
            (self.dismiss_button, tr("Dismiss error"), ""),
            (self.settings_button, tr("Settings"), tr("Connection, AccessKey and break codes")),
            (self.compact_button, tr("Compact mode"), tr("Shows only your state, the timer and the buttons (Ctrl+M)")),
            (self.on_top_button, tr("Keep on top"), tr("Keeps this window above other windows (Ctrl+T)")),
            (self.shortcuts_label, tr("Keyboard shortcuts"), ""),
            (self.badge_timer, tr("Time in this state"), ""),
            (self.today_text, tr("Today's breaks"), tr("Break time and breaks since midnight, per break code")),
            (self.cancel_queued_button, tr("Cancel the break after this call"), ""),
            (self.queued_text, tr("Break after this call"), ""),
        ]
        for widget, name, description in named:
            widget.setAccessibleName(name)
            if description:
                widget.setAccessibleDescription(description)
        for key, label in self.field_labels.items():
            self.fields[key].setAccessibleName(label)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._hide_on_close():
            event.ignore()
            self.hide()
        else:
            # No tray to come back from: closing the window is quitting, never an invisible process.
            event.ignore()
            self.quit_requested.emit()

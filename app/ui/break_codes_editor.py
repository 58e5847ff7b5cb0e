"""The break-code list in Settings: code, label, maximum minutes and daily allowance per row, in order."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.models import BreakCode
from app.ui.i18n import tr

COLUMNS = 4  # code, label, max minutes, daily allowance (minutes)


class BreakCodesEditor(QWidget):
    changed = Signal()

    def __init__(self, codes: tuple[BreakCode, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("breakCodesTable")
        self.table.setHorizontalHeaderLabels([tr("Code"), tr("Label"), tr("Max minutes"), tr("Minutes a day")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName(tr("Break codes"))
        corner = self.table.findChild(QAbstractButton)
        if corner is not None:  # the table's top-left "select all" button
            corner.setAccessibleName(tr("Select all break codes"))
        for code in codes:
            self._append_row(code)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        row = QHBoxLayout()
        self.buttons: list[QPushButton] = []
        for text, handler in [
            (tr("Add"), self.add),
            (tr("Remove"), self.remove),
            (tr("Move up"), lambda: self.move(-1)),
            (tr("Move down"), lambda: self.move(1)),
        ]:
            button = QPushButton(text)
            button.clicked.connect(handler)
            row.addWidget(button)
            self.buttons.append(button)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def set_locked(self, locked: bool) -> None:
        self.table.setEnabled(not locked)
        for button in self.buttons:
            button.setEnabled(not locked)

    def _append_row(self, code: BreakCode) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        minutes = "" if code.max_minutes is None else str(code.max_minutes)
        daily = "" if code.daily_minutes is None else str(code.daily_minutes)
        for column, text in enumerate((code.code, code.label, minutes, daily)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def add(self) -> None:
        self._append_row(BreakCode(""))
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))
        self.changed.emit()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self.table.blockSignals(True)
        for column in range(COLUMNS):
            here = self.table.takeItem(row, column)
            there = self.table.takeItem(target, column)
            self.table.setItem(row, column, there)
            self.table.setItem(target, column, here)
        self.table.blockSignals(False)
        self.table.setCurrentCell(target, 0)
        self.changed.emit()

    def codes(self) -> tuple[BreakCode, ...] | str:
        """The table as break codes, or a message about the first bad row."""
        codes: list[BreakCode] = []
        for row in range(self.table.rowCount()):
            cells = [
                (self.table.item(row, c).text().strip() if self.table.item(row, c) else "") for c in range(COLUMNS)
            ]
            code, label, minutes, daily = cells
            if minutes and not (minutes.isdigit() and int(minutes) > 0):
                return tr("Row {n}: max minutes must be a whole number above 0, or empty.").format(n=row + 1)
            if daily and not (daily.isdigit() and int(daily) > 0):
                return tr("Row {n}: minutes a day must be a whole number above 0, or empty.").format(n=row + 1)
            codes.append(BreakCode(code, label, int(minutes) if minutes else None, int(daily) if daily else None))
        return tuple(codes)

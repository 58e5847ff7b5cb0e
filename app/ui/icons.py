"""State icons drawn in code: each state has its own colour *and* shape, for colour-blind agents."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from PySide6.QtCore import QT_TR_NOOP, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from app.core.models import UserState


class StateLook(NamedTuple):
    colour: str
    shape: str  # circle-check, pause-square, diamond, triangle, ring, question
    label: str  # English source text; translated by the views


LOOKS: dict[UserState, StateLook] = {
    UserState.READY: StateLook("#2e7d32", "circle-check", QT_TR_NOOP("Ready")),
    UserState.BREAK: StateLook("#ef6c00", "pause-square", QT_TR_NOOP("On break")),
    UserState.WORKING: StateLook("#1565c0", "diamond", QT_TR_NOOP("After-call work")),
    UserState.DIALING: StateLook("#c62828", "triangle", QT_TR_NOOP("Dialling")),
    UserState.RINGING: StateLook("#c62828", "triangle", QT_TR_NOOP("Ringing")),
    UserState.TALKING: StateLook("#c62828", "triangle", QT_TR_NOOP("On a call")),
    UserState.OFFLINE: StateLook("#616161", "ring", QT_TR_NOOP("Offline")),
    UserState.UNKNOWN: StateLook("#757575", "question", QT_TR_NOOP("Not connected")),
}


# A break past its code's maximum: its own shape (a stop sign around the pause bars), not only a colour.
OVER_TIME = StateLook("#b71c1c", "octagon-pause", QT_TR_NOOP("Break over time"))


def look_for(state: UserState | None, over_time: bool = False) -> StateLook:
    if over_time and state is UserState.BREAK:
        return OVER_TIME
    return LOOKS[state or UserState.UNKNOWN]


# Every icon is ringed light outside, dark inside, so it stands out on dark, light and coloured panels.
HALO = QColor(255, 255, 255, 235)
OUTLINE = QColor(0, 0, 0, 190)


def _outlined(painter: QPainter, draw: Callable[[], None], colour: QColor, size: int) -> None:
    """The state's body, drawn by `draw`, with the halo and outline around it."""
    round_ = Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(HALO, size * 0.16, *round_))
    draw()
    painter.setPen(QPen(OUTLINE, size * 0.05, *round_))
    painter.setBrush(colour)
    draw()
    painter.setPen(Qt.PenStyle.NoPen)


def _draw(painter: QPainter, look: StateLook, size: int, stale: bool) -> None:
    colour = QColor(look.colour)
    if stale:
        colour.setAlpha(140)
    margin = size * 0.06
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    white = QPen(
        QColor("white"), size * 0.11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    centre = box.center()
    if look.shape == "octagon-pause":
        side = box.width() * 0.2929  # 1 - 1/sqrt(2): the cut corners of a regular octagon
        x, y, w, h = box.left(), box.top(), box.width(), box.height()
        octagon = QPolygonF(
            [
                QPointF(x + side, y), QPointF(x + w - side, y), QPointF(x + w, y + side),
                QPointF(x + w, y + h - side), QPointF(x + w - side, y + h), QPointF(x + side, y + h),
                QPointF(x, y + h - side), QPointF(x, y + side),
            ]
        )  # fmt: skip
        _outlined(painter, lambda: painter.drawPolygon(octagon), colour, size)
        painter.setBrush(QColor("white"))
        bar_w, bar_h = size * 0.12, size * 0.42
        for bar_x in (size * 0.34, size * 0.54):
            painter.drawRect(QRectF(bar_x, (size - bar_h) / 2, bar_w, bar_h))
    elif look.shape == "circle-check":
        _outlined(painter, lambda: painter.drawEllipse(box), colour, size)
        painter.setPen(white)
        path = QPainterPath(QPointF(size * 0.28, size * 0.52))
        path.lineTo(QPointF(size * 0.44, size * 0.68))
        path.lineTo(QPointF(size * 0.73, size * 0.34))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    elif look.shape == "pause-square":
        _outlined(painter, lambda: painter.drawRoundedRect(box, size * 0.16, size * 0.16), colour, size)
        painter.setBrush(QColor("white"))
        bar_w, bar_h = size * 0.13, size * 0.46
        for x in (size * 0.33, size * 0.54):
            painter.drawRect(QRectF(x, (size - bar_h) / 2, bar_w, bar_h))
    elif look.shape == "diamond":
        diamond = QPolygonF(
            [
                QPointF(centre.x(), box.top()),
                QPointF(box.right(), centre.y()),
                QPointF(centre.x(), box.bottom()),
                QPointF(box.left(), centre.y()),
            ]
        )
        _outlined(painter, lambda: painter.drawPolygon(diamond), colour, size)
    elif look.shape == "triangle":
        triangle = QPolygonF(
            [QPointF(centre.x(), box.top()), QPointF(box.right(), box.bottom()), QPointF(box.left(), box.bottom())]
        )
        _outlined(painter, lambda: painter.drawPolygon(triangle), colour, size)
    elif look.shape == "ring":
        ring = box.adjusted(size * 0.07, size * 0.07, -size * 0.07, -size * 0.07)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen_colour, width in ((HALO, 0.26), (OUTLINE, 0.19), (colour, 0.14)):
            painter.setPen(QPen(pen_colour, size * width))
            painter.drawEllipse(ring)
    else:
        _outlined(painter, lambda: painter.drawEllipse(box), colour, size)
        painter.setPen(QColor("white"))
        font = painter.font()
        font.setPixelSize(int(size * 0.62))
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")
    if stale:
        # A small hollow dot in the corner: "this may be out of date".
        painter.setPen(QPen(QColor("#212121"), size * 0.06))
        painter.setBrush(QColor("#ffeb3b"))
        painter.drawEllipse(QRectF(size * 0.62, size * 0.62, size * 0.34, size * 0.34))


# The sizes a tray icon is drawn in (panels ask for 16-24, high-DPI panels and menus for more).
ICON_SIZES = (16, 22, 24, 32, 48, 64)


def state_icon(state: UserState | None, stale: bool = False, failed: bool = False, over_time: bool = False) -> QIcon:
    """The state's colour and shape; a yellow dot when it may be out of date, a red "!" mark when the
    agent's last action failed (until the next one succeeds)."""
    # One cache key however the caller spelled the flags: the tray and the window ask for the same icon.
    return _drawn_icon(state, stale, failed, over_time and state is UserState.BREAK)


def state_pixmap(state: UserState | None, stale: bool, over_time: bool, *, size: int, ratio: float) -> QPixmap:
    """One size of the state's icon, drawn for the screen's pixel ratio (the window's badge): as many
    pixels as the screen shows there, where a tray size scaled to fit would be blurred."""
    return _drawn_pixmap(state, stale, False, over_time and state is UserState.BREAK, round(size * ratio), ratio)


@cache
def _drawn_icon(state: UserState | None, stale: bool, failed: bool, over_time: bool) -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(_drawn_pixmap(state, stale, failed, over_time, size, 1.0))
    return icon


@cache
def _drawn_pixmap(
    state: UserState | None, stale: bool, failed: bool, over_time: bool, pixels: int, ratio: float
) -> QPixmap:
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw(painter, look_for(state, over_time), pixels, stale)
    if failed:
        _draw_failure_mark(painter, pixels)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _draw_failure_mark(painter: QPainter, size: int) -> None:
    mark = QRectF(size * 0.56, 0, size * 0.44, size * 0.44)
    painter.setPen(QPen(QColor("white"), size * 0.05))
    painter.setBrush(QColor("#c62828"))
    painter.drawEllipse(mark)
    font = painter.font()
    font.setPixelSize(max(6, int(size * 0.34)))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, "!")

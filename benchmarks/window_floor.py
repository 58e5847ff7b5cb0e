"""The floor issue 12 names for the first window: "a bare PySide6 script showing the same tray and window".

    python benchmarks/window_floor.py capture SPEC.json [ccc-break options]   # the real widget, once
    python benchmarks/window_floor.py show SPEC.json                         # the floor, timed by startup.py

`capture` starts the real widget in this process up to its first paint (the same code as `ccc-break`)
and writes down what is on screen: the window's title and size, the application's style, palette and
style sheet, and every widget in the window with its Qt class, place, text, alignment, font and
visibility. Then it exits, before anything connects.

`show` is the floor: a script that imports PySide6 and nothing of the app, builds that same widget
tree with plain Qt classes and shows it with a one-pixmap tray icon. It places widgets by their
captured geometry instead of rebuilding the layouts, so it is, if anything, a little cheaper than the
real window: the ratio it gives errs against the widget.
"""

from __future__ import annotations

import json
import sys

FLOOR_TITLE = "Same-window floor"  # as SHOW sets it


def _qt_class(widget: object) -> str:
    from PySide6 import QtWidgets

    for cls in type(widget).__mro__:
        if cls.__module__.startswith("PySide6") and hasattr(QtWidgets, cls.__name__):
            return cls.__name__
    return "QWidget"


def _describe(widget: object) -> dict[str, object]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QWidget

    assert isinstance(widget, QWidget)
    geometry = widget.geometry()
    node: dict[str, object] = {
        "class": _qt_class(widget),
        "name": widget.objectName(),
        "geometry": [geometry.x(), geometry.y(), geometry.width(), geometry.height()],
        "hidden": widget.isHidden(),
        "tooltip": widget.toolTip(),
        "accessible_name": widget.accessibleName(),
        "style_sheet": widget.styleSheet(),
    }
    if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
        node["font"] = widget.font().toString()
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        node["text"] = widget.text()
    if isinstance(widget, QGroupBox):
        node["title"] = widget.title()
    if isinstance(widget, QLabel):
        node["alignment"] = widget.alignment().value
        node["word_wrap"] = widget.wordWrap()
        if not widget.pixmap().isNull():
            node["pixmap"] = [widget.pixmap().width(), widget.pixmap().height()]
    if isinstance(widget, QComboBox):
        node["items"] = [widget.itemText(index) for index in range(widget.count())]
    node["children"] = [
        _describe(child) for child in widget.children() if isinstance(child, QWidget) and not child.isWindow()
    ]
    return node


def capture(spec_file: str, argv: list[str]) -> int:
    """Run `ccc-break argv` up to its first paint and write what it shows to spec_file."""
    import os

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    import app.__main__ as entry
    import app.ui.application as application

    show_first = application.WidgetApp.show_first

    def show_and_capture(widget: application.WidgetApp, **options: bool) -> None:
        show_first(widget, **options)
        QApplication.processEvents()
        assert widget.window is not None
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        palette = qt_app.palette()
        colours = [
            [group.name, role.name, palette.color(group, role).name(QColor.NameFormat.HexArgb)]
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled)
            for role in QPalette.ColorRole
            if role is not QPalette.ColorRole.NColorRoles
        ]
        spec = {
            "title": widget.window.windowTitle(),
            "size": [widget.window.width(), widget.window.height()],
            # The widget sets a palette (and Fusion) for a dark or forced scheme only.
            "style": qt_app.style().objectName(),
            "palette": colours if qt_app.testAttribute(Qt.ApplicationAttribute.AA_SetPalette) else [],
            "style_sheet": qt_app.styleSheet(),
            "window_style_sheet": widget.window.styleSheet(),
            "children": _describe(widget.window)["children"],
        }
        with open(spec_file, "w", encoding="utf-8") as out:
            json.dump(spec, out, ensure_ascii=False, indent=1)
        os._exit(0)  # nothing connects: the spec is all this run is for

    application.WidgetApp.show_first = show_and_capture  # type: ignore[method-assign]
    return entry.main(argv)


# The floors' tray icon: one drawn pixmap (the widget's is drawn in six sizes; a floor errs cheap).
ONE_PIXMAP_TRAY_ICON = """pixmap = QPixmap(22, 22)
pixmap.fill(QColor("#2e7d32"))
tray = QSystemTrayIcon(QIcon(pixmap))
tray.show()
"""

SHOW = (
    r"""
import json
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPalette, QPixmap
from PySide6 import QtWidgets
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget


def build(node, parent):
    widget = getattr(QtWidgets, node["class"])(parent)
    widget.setObjectName(node["name"])
    widget.setGeometry(*node["geometry"])
    if node["style_sheet"]:
        widget.setStyleSheet(node["style_sheet"])
    if "font" in node:
        font = QFont()
        font.fromString(node["font"])
        widget.setFont(font)
    if "text" in node:
        widget.setText(node["text"])
    if "title" in node:
        widget.setTitle(node["title"])
    if "alignment" in node:
        widget.setAlignment(Qt.AlignmentFlag(node["alignment"]))
        widget.setWordWrap(node["word_wrap"])
    if "pixmap" in node:
        pixmap = QPixmap(*node["pixmap"])
        pixmap.fill(QColor("#2e7d32"))
        widget.setPixmap(pixmap)
    if "items" in node:
        widget.addItems(node["items"])
    if node["tooltip"]:
        widget.setToolTip(node["tooltip"])
    if node["accessible_name"]:
        widget.setAccessibleName(node["accessible_name"])
    for child in node["children"]:
        build(child, widget)
    if node["hidden"]:
        widget.hide()


with open(sys.argv[1], encoding="utf-8") as spec_file:
    spec = json.load(spec_file)
app = QApplication(sys.argv[:1])
if spec["palette"]:
    app.setStyle(spec["style"])
    palette = QPalette()
    for group, role, colour in spec["palette"]:
        palette.setColor(QPalette.ColorGroup[group], QPalette.ColorRole[role], QColor(colour))
    app.setPalette(palette)
app.setStyleSheet(spec["style_sheet"])
"""
    + ONE_PIXMAP_TRAY_ICON
    + r"""window = QWidget()
window.setWindowTitle("Same-window floor")
window.setStyleSheet(spec["window_style_sheet"])
for node in spec["children"]:
    build(node, window)
window.resize(*spec["size"])
window.show()
sys.exit(app.exec())
"""
)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "capture":
        return capture(argv[1], argv[2:])
    if len(argv) == 2 and argv[0] == "show":
        sys.argv = [sys.argv[0], argv[1]]
        exec(compile(SHOW, "window_floor_show", "exec"), {"__name__": "__main__"})  # noqa: S102 - our own text
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The widget's Qt side: the only package that imports PySide6."""

from app.ui.pyside_sources import keep_no_module_sources

# Before any other module of the widget is imported: from here on PySide6 would otherwise keep the
# source of each one in memory for the whole day (see pyside_sources).
keep_no_module_sources()

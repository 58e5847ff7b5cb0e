"""Stops PySide6 from keeping the source of every module the widget imports.

Once QtCore is loaded, PySide6 asks of each newly imported module whether its source mentions
"PySide6" (PYSIDE-2029, for its `__feature__` switching). It asks through `inspect.getsource`, and
linecache then keeps every line of every module for the rest of the run: about 12 MiB of the
widget's memory all day, and a few milliseconds of its start, wherever the modules have their source
beside them (a pip or source install; the PyInstaller bundle ships compiled modules only, so there
PySide6 finds no source to keep). The same question is answered here from the file's bytes, which are
not kept.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"  # PySide6's own name for it in sys.modules
REPLACED = "pyside_answer"  # PySide6's own function, kept on ours: the fallback, and the mark of ours


def keep_no_module_sources() -> bool:
    """Answer PySide6's question without linecache; False where this PySide6 has no such hook."""
    import PySide6.QtCore  # noqa: F401 - the hook exists once QtCore is loaded

    feature = sys.modules.get(FEATURE_MODULE)
    asks_inspect = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asks_inspect is None:
        return False
    if not hasattr(asks_inspect, REPLACED):

        def mentions_pyside(module: object) -> bool:
            # PySide6's own answer is False for anything it cannot read, and never raises into the import.
            if not isinstance(module, ModuleType):
                return False
            try:
                path = getattr(module, "__file__", None)
                if not isinstance(path, str) or not path.endswith(".py"):
                    # No source file (built-in, extension, or a bundle's compiled module): PySide6's own
                    # answer, which finds no source and keeps none.
                    return bool(asks_inspect(module))
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except Exception:
                return False

        setattr(mentions_pyside, REPLACED, asks_inspect)
        feature._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]
    # What was read before this ran (the modules imported alongside QtCore) goes too; linecache reads a
    # file again if a traceback ever needs its lines. Entries without a file behind them (source that
    # was registered by whoever generated it, mtime None) stay.
    for path, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(path, None)
    return True

"""Stops PySide6 from keeping the source of every module the widget imports.

Once QtCore is loaded, PySide6 asks of each newly imported module whether its source mentions
"PySide6" (PYSIDE-2029, for its `__feature__` switching). It asks through `inspect.getsource`, and
linecache then keeps every line of every module for the rest of the run: about 12 MiB of the
widget's memory all day, and a few milliseconds of its start. The same question is answered here
from the file's bytes, which are not kept.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"  # PySide6's own name for it in sys.modules
PATCHED = "_ccc_break_reads_bytes"
REPLACED = "pyside_answer"  # PySide6's own function, kept on ours for tests and for a fallback


def keep_no_module_sources() -> bool:
    """Answer PySide6's question without linecache; False where this PySide6 has no such hook."""
    import PySide6.QtCore  # noqa: F401 - the hook exists once QtCore is loaded

    feature = sys.modules.get(FEATURE_MODULE)
    asks_inspect = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asks_inspect is None:
        return False
    if not getattr(asks_inspect, PATCHED, False):

        def mentions_pyside(module: ModuleType) -> bool:
            path = getattr(module, "__file__", None)
            if not isinstance(path, str) or not path.endswith(".py"):
                return bool(asks_inspect(module))  # no source file: PySide6's own answer (False, quickly)
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                return False  # as PySide6 answers for a module whose source cannot be read

        setattr(mentions_pyside, PATCHED, True)
        setattr(mentions_pyside, REPLACED, asks_inspect)
        feature._mod_uses_pyside = mentions_pyside  # type: ignore[union-attr]
    # What was read before this ran (the modules imported alongside QtCore) goes too; linecache
    # reads a file again if a traceback ever needs its lines.
    linecache.clearcache()
    return True

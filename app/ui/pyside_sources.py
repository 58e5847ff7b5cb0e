"""Stops PySide6 from reading, and keeping, the source of every module the widget imports.

Once QtCore is loaded, PySide6 asks of each newly imported module whether its source mentions
"PySide6" (PYSIDE-2029, for its `__feature__` switching). It asks through `inspect.getsource`, and
linecache then keeps every line of every module for the rest of the run: about 12 MiB of the
widget's memory all day, wherever the modules have their source beside them (a pip or source install;
the PyInstaller bundle ships compiled modules only).

The answer only chooses between two feature sets for the module: 0, switch to the default set when it
touches a Qt class, or -1, leave whatever set was selected last. Nothing in this process selects a
feature (a module that does, with `from __feature__ import ...`, records its own choice before this
question is asked, and keeps it). So 0 is right for every module, and the widget gives it without
opening the module's source: about 100 files read before the first paint, 400 more after it.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"  # PySide6's own name for it in sys.modules
REPLACED = "pyside_answer"  # PySide6's own function, kept on ours: the mark of ours, and the way back


def keep_no_module_sources() -> bool:
    """Answer PySide6's question without reading sources; False where this PySide6 has no such hook."""
    import PySide6.QtCore  # noqa: F401 - the hook exists once QtCore is loaded

    feature = sys.modules.get(FEATURE_MODULE)
    asks_inspect = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asks_inspect is None:
        return False
    if not hasattr(asks_inspect, REPLACED):

        def wants_default_features(module: object) -> bool:
            # True: the default feature set (see above). PySide6's own answer never raises into the
            # import, and is False for anything that is not a module.
            return isinstance(module, ModuleType)

        setattr(wants_default_features, REPLACED, asks_inspect)
        feature._mod_uses_pyside = wants_default_features  # type: ignore[attr-defined]
    # What was read before this ran (the modules imported alongside QtCore) goes too; linecache reads a
    # file again if a traceback ever needs its lines. Entries without a file behind them (source that
    # was registered by whoever generated it, mtime None) stay.
    for path, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(path, None)
    return True

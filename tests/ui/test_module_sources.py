"""PySide6 asks of every module imported after QtCore whether its source mentions PySide6, through
`inspect.getsource`; linecache then kept the source of every module of the widget, about 12 MiB all
day. The widget answers the same question from the file's bytes instead (app.ui.pyside_sources)."""

from __future__ import annotations

import builtins
import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.ui  # noqa: F401 - installs the answer, as the widget does before its own modules
from app.ui import pyside_sources

feature = sys.modules[pyside_sources.FEATURE_MODULE]


@pytest.fixture(autouse=True)
def forget_test_modules_and_lines() -> Iterator[None]:
    yield
    for name in [name for name in sys.modules if name.startswith("ccc_")]:
        del sys.modules[name]
    linecache.clearcache()


def import_fresh(folder: Path, name: str, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / f"{name}.py").write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    builtins.__import__(name)  # the import statement's way, which PySide6's hook watches


def kept_sources(folder: Path) -> list[str]:
    return [path for path in linecache.cache if path.startswith(str(folder))]


def test_modules_imported_by_the_widget_leave_no_source_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_fresh(tmp_path, "ccc_uses_qt", "import PySide6\nUSES = True\n", monkeypatch)
    import_fresh(tmp_path, "ccc_plain", "PLAIN = True\n" * 2000, monkeypatch)
    assert kept_sources(tmp_path) == []


def test_pyside_still_gets_the_answer_it_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """0: the module mentions PySide6 and may switch its features; -1: it does not."""
    import_fresh(tmp_path, "ccc_mentions_qt", "from PySide6 import QtCore\n", monkeypatch)
    import_fresh(tmp_path, "ccc_no_qt", "import json\n", monkeypatch)
    assert feature.pyside_feature_dict.get("ccc_mentions_qt") == 0
    assert feature.pyside_feature_dict.get("ccc_no_qt") == -1


def test_without_it_pyside_fills_the_line_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: PySide6's own answer is what kept the sources, so the first test can fail."""
    monkeypatch.setattr(feature, "_mod_uses_pyside", getattr(feature._mod_uses_pyside, pyside_sources.REPLACED))
    import_fresh(tmp_path, "ccc_kept", "KEPT = True\n", monkeypatch)
    assert kept_sources(tmp_path) == [str(tmp_path / "ccc_kept.py")]


def test_objects_that_are_not_modules_get_no_and_raise_nothing() -> None:
    """A proxy in sys.modules may answer any attribute by raising; the import must not fail for it."""

    class Proxy:
        def __getattr__(self, name: str) -> object:
            raise RuntimeError(name)

    assert feature._mod_uses_pyside(Proxy()) is False


def test_installing_twice_keeps_one_layer() -> None:
    first = feature._mod_uses_pyside
    assert pyside_sources.keep_no_module_sources() is True
    assert feature._mod_uses_pyside is first

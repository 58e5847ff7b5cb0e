"""PySide6 asks of every module imported after QtCore whether its source mentions PySide6, through
`inspect.getsource`; linecache then kept the source of every module of the widget, about 12 MiB all
day, and every module's file was read a second time. The widget answers for PySide6 without reading
anything (app.ui.pyside_sources)."""

from __future__ import annotations

import builtins
import json
import linecache
import os
import subprocess
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


IMPORT_AND_WATCH = """
import builtins, json, sys
import app.ui
from app.ui import pyside_sources
feature = sys.modules[pyside_sources.FEATURE_MODULE]
if sys.argv[2] == "pyside":
    feature._mod_uses_pyside = getattr(feature._mod_uses_pyside, pyside_sources.REPLACED)
folder = sys.argv[1]
opened = []


def watch(event, args):
    if event == "open" and str(args[0]).startswith(folder) and str(args[0]).endswith(".py"):
        opened.append(args[0])


sys.addaudithook(watch)
sys.path.insert(0, folder)
for name in ("ccc_mentions_qt", "ccc_no_qt"):
    builtins.__import__(name)
flags = {name: feature.pyside_feature_dict.get(name) for name in ("ccc_mentions_qt", "ccc_no_qt")}
print(json.dumps({"opened": opened, "flags": flags}))
"""


def import_two_modules_and_watch(folder: Path, answer: str) -> dict[str, object]:
    """Import a module that uses Qt and one that does not, in a fresh widget process; which sources were
    opened, and the feature set PySide6 recorded for each."""
    (folder / "ccc_mentions_qt.py").write_text("from PySide6 import QtCore\n", encoding="utf-8")
    (folder / "ccc_no_qt.py").write_text("import json\n", encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_WATCH, str(folder), answer],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.splitlines()[-1])


def test_pyside_gets_its_answer_without_any_module_being_read_twice(tmp_path: Path) -> None:
    """The import reads each file once; PySide6's question used to read it again. Every module gets 0,
    the default feature set, which is what a process that selects no feature has anyway."""
    seen = import_two_modules_and_watch(tmp_path, "ours")
    assert sorted(seen["opened"]) == [str(tmp_path / "ccc_mentions_qt.py"), str(tmp_path / "ccc_no_qt.py")]
    assert seen["flags"] == {"ccc_mentions_qt": 0, "ccc_no_qt": 0}


def test_pyside_own_answer_reads_every_module_again(tmp_path: Path) -> None:
    """The control: with PySide6's own answer each file is opened twice, so the test above can fail."""
    seen = import_two_modules_and_watch(tmp_path, "pyside")
    assert sorted(seen["opened"]) == sorted(2 * [str(tmp_path / "ccc_mentions_qt.py"), str(tmp_path / "ccc_no_qt.py")])
    assert seen["flags"] == {"ccc_mentions_qt": 0, "ccc_no_qt": -1}


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

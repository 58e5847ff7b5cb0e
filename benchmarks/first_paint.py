"""Time to the widget's first paint measured inside the process, against the same-window floor and,
with --against, against another commit of the widget in the same rounds: fine enough to see a 5 ms
trim that startup.py's ratios, moved by the host's noise, cannot resolve.

    python benchmarks/first_paint.py [-n 21] [--against REV] [--cold] [--views-only]

Each program runs under a prelude that notes the clock (`perf_counter`, and `process_time` for the
CPU of all its threads) as its first statement, and prints both and exits after the first
`QApplication.processEvents()` or `exec()`, whichever comes first: the widget calls the first once
its tray and window are shown (run_gui), the floor (window_floor.py's script) enters `exec()`, which
here processes the pending events once. Interpreter start and the exit are left out of both; the
moment of mapping is startup.py's business.

The prelude hooks QApplication when the program itself imports QtWidgets, so that modules load in
the order of a real start. An earlier prelude imported PySide6 first; PySide6's import hook then
read the source of every module the widget imports before `app.ui` installs its own answer, which
put about 9 ms on the widget alone (paired over 15 rounds) and nothing on the floor.

Each round runs the floor, this tree's `ccc-break --demo` and, with --against, REV's (its `app` and
`resources` exported by `git archive`), the two widgets in alternating order. Both builds run from
fresh copies first on PYTHONPATH: with this tree read from the checkout and the other from a fresh
export, a cold run once put 37 ms between two builds that fresh copies of both show within noise.
The widget starts as at a login, from a copy of a home it used once (see startup.py). Printed: the
fastest and the median of each with their ratio to the floor, and with --against the median of the
per-round differences between the two widgets, which the host's bursts of noise move least.
On one private Xvfb with trayer; bytecode cached as installed copies have it (one uncounted round).

`--views-only` also times the least a first paint can cost with today's view code: a program that
imports the window, tray, theme and icons modules (and what they import: the controller, tracking,
models) and paints the remembered state, with none of the start around them (command line, settings,
logging, single-instance check, composition root). What a split of the first paint from the rest of
the start could reach without making the view code itself lighter.

`--cold` (root only) drops the kernel's page cache before every run: the first start after a boot,
when the libraries and modules come from the disk. It empties the cache of the whole machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.startup import cached_bytecode, capture_first_window, copy_home, use_once
from benchmarks.window_floor import SHOW
from tests.e2e import desktop

ROOT = Path(__file__).resolve().parents[1]

# The least a first paint can cost with today's view code (--views-only): the window, tray, theme and
# icons modules with what they import (controller, tracking, models), the remembered state read and
# painted, and nothing of the start around them: no command line, settings, logging, single-instance
# check or composition root. argv: STATE.json SPEC.json (the break codes are the captured window's).
VIEWS_ONLY = r"""
import json
import sys
from pathlib import Path

from app.core.last_state import last_known_state
from app.core.models import BreakCode
from app.core.state_memory import StateStartFile
from app.core.tracking import AgentTracker
from app.ui import theme
from app.ui.controller import AgentController
from app.ui.i18n import install_translator
from app.ui.main_window import MainWindow
from app.ui.resources import resource_path
from app.ui.tray import Tray
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication


def combo_items(nodes):
    for node in nodes:
        yield from node.get("items", [])
        yield from combo_items(node["children"])


state_file, spec_file = sys.argv[1:3]
with open(spec_file, encoding="utf-8") as spec:
    codes = [BreakCode(label, label) for label in combo_items(json.load(spec)["children"])]
app = QApplication(sys.argv[:1])
install_translator(app, resource_path("translations"), QLocale("en"))
memory = StateStartFile(Path(state_file))
remembered = memory.recall()


async def no_client():
    raise RuntimeError("a first paint needs no client")


controller = AgentController(
    no_client,
    codes,
    30.0,
    tracker=AgentTracker(codes, remembered=remembered),
    state_memory=memory,
    last_known=last_known_state(remembered, remembered.agent if remembered else ""),
)
look = theme.resolve(theme.SYSTEM)
theme.apply(app, look)
tray = Tray(controller)
window = MainWindow(controller, demo=True, theme=look)
tray.start()
window.show()
app.processEvents()
"""

# argv: "widget" ccc-break-options... | "floor" SPEC.json | "views" STATE.json SPEC.json
PRELUDE = """
import time
STARTED, STARTED_CPU = time.perf_counter(), time.process_time()
import os, sys
from importlib.machinery import PathFinder


def first_paint(*args, **kwargs):
    REAL_PROCESS_EVENTS(*args, **kwargs)
    wall, cpu = time.perf_counter() - STARTED, time.process_time() - STARTED_CPU
    print(f"first paint {wall * 1000:.2f} {cpu * 1000:.2f}", flush=True)
    os._exit(0)


class StopAtFirstPaint:
    # Hooks QApplication when the program itself imports QtWidgets, not before: importing PySide6
    # here would install its import hook ahead of the program's own imports and make the widget read
    # the source of every module it imports before its app.ui (as a real start never does).
    def find_spec(self, name, path=None, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            global REAL_PROCESS_EVENTS
            load(module)
            REAL_PROCESS_EVENTS = module.QApplication.processEvents
            module.QApplication.processEvents = staticmethod(first_paint)
            module.QApplication.exec = staticmethod(first_paint)  # a script that shows its window and runs

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, StopAtFirstPaint())
kind, rest = sys.argv[1], sys.argv[2:]
if kind in ("floor", "views"):
    sys.argv = [sys.argv[0], *rest]
    exec(compile(FLOOR if kind == "floor" else VIEWS_ONLY, kind, "exec"), {"__name__": "__main__"})
else:
    sys.argv = ["ccc-break", *rest]
    from app.__main__ import main
    sys.exit(main())
"""


def timed(kind: str, args: list[str], env: dict[str, str], folder: str) -> tuple[float, float]:
    """(wall ms, CPU ms) from the prelude's first statement to the first paint. Run in `folder`: with
    `-c`, Python looks for modules in the working folder before PYTHONPATH."""
    script = f"FLOOR = {SHOW!r}\nVIEWS_ONLY = {VIEWS_ONLY!r}\n" + PRELUDE
    result = subprocess.run(
        [sys.executable, "-c", script, kind, *args],
        env=env, cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    for line in result.stdout.splitlines():
        if line.startswith("first paint "):
            wall, cpu = line.split()[2:4]
            return float(wall), float(cpu)
    raise RuntimeError(f"{kind} did not reach its first paint: {result.stderr[-2000:]}")


def drop_page_cache() -> None:
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w", encoding="ascii") as control:
        control.write("3\n")


def exported(revision: str, into: str) -> str:
    """REV's app and resources in `into`, for PYTHONPATH."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "app", "resources"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True)
    return into


def copied_tree(into: str) -> str:
    """This tree's app and resources (uncommitted changes included) in `into`, for PYTHONPATH: written
    afresh like the exported build, so that a cold run reads both from equally fresh files."""
    for part in ("app", "resources"):
        shutil.copytree(ROOT / part, os.path.join(into, part), ignore=shutil.ignore_patterns("__pycache__"))
    return into


def spread(values: list[float]) -> str:
    return f"fastest {min(values):6.1f}  median {statistics.median(values):6.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=21, help="measured rounds (default 21)")
    parser.add_argument("--against", metavar="REV", help="also time this commit's widget in the same rounds")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before every run (root only)")
    parser.add_argument(
        "--views-only", action="store_true", help="also time the view code's first paint without the start around it"
    )
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "dbus-daemon")
    if args.cold and not os.access("/proc/sys/vm/drop_caches", os.W_OK):
        parser.error("--cold drops the page cache, which needs root (write access to /proc/sys/vm/drop_caches)")

    with (
        desktop.desktop(tray=True) as (display, bus),
        tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as work,
    ):
        pycache = os.path.join(work, "pycache")
        used_home = os.path.join(work, "used-home")
        env = cached_bytecode(desktop.app_environment(display, bus, used_home, credentials=False), pycache)
        use_once([desktop.ccc_break_executable(), "--demo"], env, used_home)
        spec = capture_first_window(display, bus, work, "demo", ["--demo"], credentials=False, home=used_home)
        state_file = next(Path(used_home).rglob("*.state.json")).relative_to(used_home)  # in each run's copy
        builds = {"this tree": copied_tree(tempfile.mkdtemp(prefix="tree-", dir=work))}
        if args.against:
            builds[args.against] = exported(args.against, tempfile.mkdtemp(prefix="export-", dir=work))

        views = ["views only"] if args.views_only else []
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in ["floor", *builds, *views]}
        for round_number in range(args.runs + 1):  # round 0 fills the bytecode caches and is not counted
            order = list(builds) if round_number % 2 else list(reversed(builds))
            for name in ["floor", *order, *views]:
                with tempfile.TemporaryDirectory(prefix="run-", dir=work) as into:
                    home = copy_home(used_home, into)
                    env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=False), pycache)
                    if args.cold:
                        drop_page_cache()
                    if name == "floor":
                        result = timed("floor", [spec], env, into)
                    elif name == "views only":
                        env["PYTHONPATH"] = builds["this tree"]
                        result = timed("views", [os.path.join(home, state_file), spec], env, into)
                    else:
                        env["PYTHONPATH"] = builds[name]  # ahead of the installed (or editable) copy
                        result = timed("widget", ["--demo"], env, into)
                if round_number:
                    times[name].append(result)

    cache = "page cache dropped before each run" if args.cold else "warm page cache"
    print(f"first paint, in-process, login start, demo, {cache}; {args.runs} rounds (ms)")
    for measure, index in (("wall", 0), ("CPU", 1)):
        floor = [sample[index] for sample in times["floor"]]
        print(f"{measure}: same-window floor  {spread(floor)}")
        for name in [*builds, *views]:
            widget = [sample[index] for sample in times[name]]
            print(
                f"{measure}: {name:<18} {spread(widget)}  ratio fastest {min(widget) / min(floor):.2f}, "
                f"median {statistics.median(widget) / statistics.median(floor):.2f}"
            )
        if args.against:
            ours = [sample[index] for sample in times["this tree"]]
            theirs = [sample[index] for sample in times[args.against]]
            paired = statistics.median(a - b for a, b in zip(ours, theirs, strict=True))
            print(f"{measure}: this tree - {args.against}, median of the paired rounds: {paired:+.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

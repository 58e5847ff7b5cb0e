"""How long `ccc-break status` takes as a fresh process, the way IT's scripts and agents run it: the
packaged, Qt-free `ccc-break-cli` against the same command from a virtualenv (the floor), both asking
the same `ccc-break simulator` on loopback.

    python benchmarks/cli_status.py --bundle dist/ccc-break [-n 15]

Build the bundle first (`pyinstaller --noconfirm --distpath dist --workpath build
packaging/ccc-break.spec`, or use an installed `/opt/ccc-break`). Each round runs the two commands
alternately, after one uncounted run of each. Every run must exit 0 with the agent's state, or the
benchmark refuses to report. Process start to exit is timed: the page cache is warm for both,
since a cold disk cannot be had fairly in a shared container. The CPU time each run used (user +
system, from the kernel) is printed beside it: other work on the machine moves the wall time of
either side by a tenth between runs, and the CPU time less.

`--instructions` also counts the instructions each command runs once under valgrind (callgrind,
`--trace-children=yes`, as the bundle's launcher starts itself again): the same figure every time,
whatever else the machine does, and the one to compare two builds by. It leaves out the kernel's
work (opening and reading files) and takes about 15 s per command.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.callgrind import counted_run

SIMULATOR_URL = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
AGENT = ["--instance-id", "ccc-test", "--user-id", "user-test@ccc-test"]


def venv_command() -> list[str]:
    found = shutil.which("ccc-break", path=sysconfig.get_path("scripts"))
    if found is None:
        raise SystemExit("ccc-break is not installed beside this Python; run pip install -e .")
    return [found]


def timed_status(command: list[str], url: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one `status`, start to exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # CPU of ended children, before and after: the only child that ends in between is this run.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen([*command, "status", "--endpoint", url, *AGENT], env=env, stdout=out, stderr=err)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise SystemExit(f"{command[0]} status did not end within 60 s") from None
        elapsed = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
        out.seek(0)
        err.seek(0)
        printed = out.read().decode(errors="replace")
        if process.returncode != 0 or "READY" not in printed:
            complaint = err.read().decode(errors="replace")
            raise SystemExit(f"{command[0]} status failed ({process.returncode}): {printed}{complaint}")
    return elapsed, cpu


def counted_instructions(command: list[str], url: str, env: dict[str, str]) -> int:
    """Instructions one `status` runs in user space, the launcher's restart included (callgrind)."""
    count, result = counted_run([*command, "status", "--endpoint", url, *AGENT], env, children=True)
    if "READY" not in result.stdout:
        raise SystemExit(f"{command[0]} status under valgrind did not say READY: {result.stdout[-2000:]}")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the PyInstaller folder holding ccc-break-cli")
    parser.add_argument("-n", "--rounds", type=int, default=15)
    parser.add_argument("--instructions", action="store_true", help="also count instructions under valgrind")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    bundled = [str(args.bundle / "ccc-break-cli")]
    if not Path(bundled[0]).is_file():
        raise SystemExit(f"no ccc-break-cli in {args.bundle}")
    venv = venv_command()

    simulator = subprocess.Popen([*venv, "simulator", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert simulator.stdout is not None
        found = SIMULATOR_URL.search(simulator.stdout.readline())
        if found is None:
            raise SystemExit("the simulator printed no address")
        url = found.group(1)
        env = {
            **os.environ,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "demo-access-key-id",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "demo-access-key-secret",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # never the developer's keyring
            "CCC_BREAK_CONFIG_DIR": tempfile.mkdtemp(prefix="ccc-break-bench-"),  # no settings of the user's
        }
        timed_status(bundled, url, env)
        timed_status(venv, url, env)
        samples: dict[str, list[tuple[float, float]]] = {"bundle": [], "venv": []}
        for round_number in range(args.rounds):
            pair = [(bundled, samples["bundle"]), (venv, samples["venv"])]
            for command, taken in pair if round_number % 2 == 0 else reversed(pair):
                taken.append(timed_status(command, url, env))
        instructions = (
            {"bundle": counted_instructions(bundled, url, env), "venv": counted_instructions(venv, url, env)}
            if args.instructions
            else None
        )
    finally:
        simulator.terminate()
        simulator.wait(10)

    def medians(name: str) -> tuple[float, float]:
        return statistics.median(s[0] for s in samples[name]), statistics.median(s[1] for s in samples[name])

    (bundle, bundle_cpu), (floor, floor_cpu) = medians("bundle"), medians("venv")
    spread = {name: (min(s[0] for s in taken), max(s[0] for s in taken)) for name, taken in samples.items()}
    print(
        f"status, packaged ccc-break-cli: median {bundle:.0f} ms ({spread['bundle'][0]:.0f}-{spread['bundle'][1]:.0f}),"
        f" CPU {bundle_cpu:.0f} ms\n"
        f"status, from the virtualenv:    median {floor:.0f} ms ({spread['venv'][0]:.0f}-{spread['venv'][1]:.0f}),"
        f" CPU {floor_cpu:.0f} ms\n"
        f"cold status: ratio {bundle / floor:.2f} (packaged / virtualenv; goal <= 1.00), "
        f"CPU ratio {bundle_cpu / floor_cpu:.2f}, {args.rounds} rounds"
    )
    if instructions is not None:
        packaged, virtualenv = instructions["bundle"], instructions["venv"]
        print(
            f"instructions: packaged {packaged / 1e6:.0f} M, virtualenv {virtualenv / 1e6:.0f} M,"
            f" ratio {packaged / virtualenv:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

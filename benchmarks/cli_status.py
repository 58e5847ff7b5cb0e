"""How long `ccc-break status` takes as a fresh process, the way IT's scripts and agents run it: the
packaged, Qt-free `ccc-break-cli` against the same command from a virtualenv (the floor), both asking
the same `ccc-break simulator` on loopback.

    python benchmarks/cli_status.py --bundle dist/ccc-break [-n 15]

Build the bundle first (`pyinstaller --noconfirm --distpath dist --workpath build
packaging/ccc-break.spec`, or use an installed `/opt/ccc-break`). Each round runs the two commands
alternately, after one uncounted run of each. Every run must exit 0 with the agent's state, or the
benchmark refuses to report. Process start to exit is timed: the page cache is warm for both,
since a cold disk cannot be had fairly in a shared container.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

SIMULATOR_URL = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
AGENT = ["--instance-id", "ccc-test", "--user-id", "user-test@ccc-test"]


def venv_command() -> list[str]:
    found = shutil.which("ccc-break", path=sysconfig.get_path("scripts"))
    if found is None:
        raise SystemExit("ccc-break is not installed beside this Python; run pip install -e .")
    return [found]


def timed_status(command: list[str], url: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "status", "--endpoint", url, *AGENT], env=env, capture_output=True, text=True, timeout=60
    )
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0 or "READY" not in result.stdout:
        raise SystemExit(f"{command[0]} status failed ({result.returncode}): {result.stdout}{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the PyInstaller folder holding ccc-break-cli")
    parser.add_argument("-n", "--rounds", type=int, default=15)
    args = parser.parse_args()
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
        bundle_ms: list[float] = []
        venv_ms: list[float] = []
        for round_number in range(args.rounds):
            pair = [(bundled, bundle_ms), (venv, venv_ms)]
            for command, samples in pair if round_number % 2 == 0 else reversed(pair):
                samples.append(timed_status(command, url, env))
    finally:
        simulator.terminate()
        simulator.wait(10)

    bundle, floor = statistics.median(bundle_ms), statistics.median(venv_ms)
    print(
        f"status, packaged ccc-break-cli: median {bundle:.0f} ms ({min(bundle_ms):.0f}-{max(bundle_ms):.0f})\n"
        f"status, from the virtualenv:    median {floor:.0f} ms ({min(venv_ms):.0f}-{max(venv_ms):.0f})\n"
        f"cold status: ratio {bundle / floor:.2f} (packaged / virtualenv; goal <= 1.00), {args.rounds} rounds"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

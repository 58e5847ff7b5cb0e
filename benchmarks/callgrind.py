"""Counting a command's instructions under valgrind (callgrind): the same figure every run, whatever
else the machine is doing, where wall and CPU times move with the host. Shared by the benchmarks that
offer `--instructions`."""

from __future__ import annotations

import re
import subprocess

COLLECTED = re.compile(r"Collected : ([\d,]+)")  # callgrind's total, one line per process it followed


def counted_run(
    command: list[str], env: dict[str, str], *, children: bool = False
) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Run `command` once under callgrind: the instructions it ran in user space (with `children`,
    those of the processes it starts too, summed) and what it printed. SystemExit when it fails."""
    result = subprocess.run(
        [
            *("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"),
            *(["--trace-children=yes"] if children else []),
            *command,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    counts = [int(found.replace(",", "")) for found in COLLECTED.findall(result.stderr)]
    if result.returncode != 0 or not counts:
        raise SystemExit(f"{command[:3]} under valgrind failed ({result.returncode}): {result.stderr[-2000:]}")
    return sum(counts), result

#!/usr/bin/env bash
# TEST-ONLY: the Windows stage of tests/run.sh. Runs pytest on the Windows interpreter under Wine
# (set up by setup_wine.sh) with Qt's `windows` platform plugin on a private Xvfb display, in a
# private copy of the Wine prefix that is thrown away afterwards.
# Usage: bash tests/windows/run_stage.sh [pytest arguments; default: the Windows selection]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/windows/wine_env.sh
. "$here/wine_env.sh"

# Always, not only when the interpreter is missing: the project is installed editable, from one
# checkout. Run from another clone, the stage would otherwise import the first clone's code (or
# fail with "No module named app" once that clone is gone). Up to date, this is only a check. The
# interpreter is shared: stages of two clones at once need two caches (CCC_BREAK_WINE_CACHE).
bash "$here/setup_wine.sh" >/dev/null

xvfb_pid=
trayer_pid=
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    wine_prefix_drop
    [ -z "$trayer_pid" ] || kill "$trayer_pid" 2>/dev/null || true
    [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT

# Xvfb picks a free display and writes its number to the FIFO once it accepts connections.
fifo=$(mktemp -u "${TMPDIR:-/tmp}/ccc-break-xvfb.XXXXXX")
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
xvfb_pid=$!
read -r -t 30 display <"$fifo" || {
    echo "run_stage.sh: Xvfb did not start" >&2
    exit 1
}
rm -f "$fifo"
# Wine passes no QT_* variable from Unix to Windows programs (it keeps the host's Qt settings out of
# Windows Qt apps); WINEQT_QPA_PLATFORM reaches them as QT_QPA_PLATFORM. Without it, tests/conftest.py
# would fall back to the offscreen plugin and the suites would never touch the windows plugin.
export DISPLAY=":$display" WINEQT_QPA_PLATFORM=windows
# A tray host: Wine docks Windows tray icons in it (XEmbed), as the desktop's taskbar would.
trayer --edge top --align right --widthtype pixel --width 200 --height 32 >/dev/null 2>&1 &
trayer_pid=$!
wine_prefix_new
cd "$root"

# The PyInstaller executable, built under Wine as build.ps1 builds it (its work folder is kept in the
# cache, so an unchanged tree rebuilds faster), then the MSI around it with wixl (build-msi-stub.sh
# takes a real payload): test_windows_executable.py and test_windows_msi.py use both.
# CCC_BREAK_WINE_BUILD=0 leaves them out, for a quicker run of other tests.
dist=$WINE_RUN_DIR/dist
build_log=$WINE_RUN_DIR/pyinstaller.log
build_exe() { # seconds: one PyInstaller run, its output in $build_log
    wine_python "$1" -m PyInstaller --noconfirm --log-level WARN --distpath "$(winepath_of "$dist")" \
        --workpath "$(winepath_of "$WINE_CACHE/pyinstaller-work")" packaging/ccc-break.spec >"$build_log"
}
wine_processes() { # pid, age, CPU time and command line of every Wine process
    local pids
    if pids=$(pgrep -d, -f '\.exe|wineserver'); then
        ps -o pid,etime,time,stat,args -p "$pids" || true
    fi
}
if [ "${CCC_BREAK_WINE_BUILD:-1}" != 0 ]; then
    # The build takes about 2.5 min cold here. Once in an earlier CI run it sat idle until its timeout;
    # it never did again in repeated runs. Should it stall, say what was running, then build once more.
    started=$SECONDS
    if ! build_exe 600; then
        echo "run_stage.sh: the PyInstaller build under Wine failed or stalled after $((SECONDS - started)) s;" \
            "its output and the Wine processes then:" >&2
        tail -n 30 "$build_log" >&2
        wine_processes >&2
        started=$SECONDS
        build_exe 600 || {
            echo "run_stage.sh: the second build failed too ($((SECONDS - started)) s):" >&2
            tail -n 30 "$build_log" >&2
            exit 1
        }
    fi
    echo "Windows stage: PyInstaller build $((SECONDS - started)) s"
    bash "$root/packaging/windows/build-msi-stub.sh" "$WINE_RUN_DIR/ccc-break.msi" "$dist/ccc-break" >/dev/null
    CCC_BREAK_TEST_EXE_DIR=$(winepath_of "$dist/ccc-break")
    CCC_BREAK_TEST_MSI=$(winepath_of "$WINE_RUN_DIR/ccc-break.msi")
    export CCC_BREAK_TEST_EXE_DIR CCC_BREAK_TEST_MSI
fi

# No pytest cache: it would be written into the checkout from inside Wine.
default_args=(-m "not linux_only and not windows_pending" -p no:cacheprovider tests/core tests/ui tests/windows tests/test_cli.py)
if [ "${CCC_BREAK_WINE_BUILD:-1}" = 0 ]; then
    # No executable or MSI was built: their tests are left out by path (a skip would fail under CI=true).
    default_args+=(--ignore=tests/windows/test_windows_executable.py --ignore=tests/windows/test_windows_msi.py)
fi
if (($#)); then
    wine_python 1500 -m pytest "$@"
    exit
fi
windows_status=0
wine_python 1500 -m pytest "${default_args[@]}" || windows_status=$?
# The app as an agent meets it under Wine, driven from this side (xdotool, trayer's pixels) by the
# Linux interpreter: tests/wine/ is collected only when it is told where the Windows one is.
CCC_BREAK_WINE_PYTHON=$WINE_PYTHON_DIR/python.exe CCC_BREAK_WINE=$WINE \
    "$root/.venv/bin/pytest" -p no:cacheprovider tests/wine || windows_status=$?
exit "$windows_status"

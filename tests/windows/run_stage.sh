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

[ -f "$WINE_PYTHON_DIR/python.exe" ] || bash "$here/setup_wine.sh" >/dev/null

xvfb_pid=
trayer_pid=
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
export DISPLAY=":$display" QT_QPA_PLATFORM=windows
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
[ "${CCC_BREAK_WINE_BUILD:-1}" = 0 ] || {
wine_python 900 -m PyInstaller --noconfirm --log-level WARN --distpath "$(winepath_of "$dist")" \
    --workpath "$(winepath_of "$WINE_CACHE/pyinstaller-work")" packaging/ccc-break.spec >/dev/null
bash "$root/packaging/windows/build-msi-stub.sh" "$WINE_RUN_DIR/ccc-break.msi" "$dist/ccc-break" >/dev/null
CCC_BREAK_TEST_EXE_DIR=$(winepath_of "$dist/ccc-break")
CCC_BREAK_TEST_MSI=$(winepath_of "$WINE_RUN_DIR/ccc-break.msi")
export CCC_BREAK_TEST_EXE_DIR CCC_BREAK_TEST_MSI
}

# No pytest cache: it would be written into the checkout from inside Wine.
default_args=(-m "not linux_only and not windows_pending" -p no:cacheprovider tests/core tests/ui tests/windows tests/test_cli.py)
if [ "${CCC_BREAK_WINE_BUILD:-1}" = 0 ]; then
    # No executable or MSI was built: their tests are left out by path (a skip would fail under CI=true).
    default_args+=(--ignore=tests/windows/test_windows_executable.py --ignore=tests/windows/test_windows_msi.py)
fi
(($#)) || set -- "${default_args[@]}"
wine_python 1500 -m pytest "$@"

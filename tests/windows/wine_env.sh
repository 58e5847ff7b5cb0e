# TEST-ONLY helpers for running the Windows interpreter under Wine; sourced by setup_wine.sh and
# run_stage.sh. Every Wine step runs under a timeout: with no display, or on a Wine gap, a Windows
# program can hang instead of failing.
# shellcheck shell=bash

WINE=/usr/lib/wine/wine64 # the `wine` wrapper only complains that wine32 is missing
WINESERVER=/usr/lib/wine/wineserver64
WINE_CACHE=${CCC_BREAK_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ccc-break-wine}
WINE_PYTHON_DIR=$WINE_CACHE/python
export WINE_STUB_DLL=$WINE_CACHE/uisettings_stub.dll
WINE_TEMPLATE=$WINE_CACHE/prefix-template
export UISETTINGS_CLASS_KEY='HKLM\Software\Microsoft\WindowsRuntime\ActivatableClassId\Windows.UI.ViewManagement.UISettings'
export WINEDEBUG=-all
# No Mono or Gecko download prompts: nothing here needs .NET or an HTML engine.
export WINEDLLOVERRIDES="mscoree,mshtml="
# The host's pip settings point at Unix paths that mean nothing to the Windows pip.
unset PIP_FIND_LINKS PIP_CONFIG_FILE PIP_CONSTRAINT PIP_EXTRA_INDEX_URL VIRTUAL_ENV PYTHONPATH PYTHONHOME
export PIP_CERT='Z:\etc\ssl\certs\ca-certificates.crt' PIP_DISABLE_PIP_VERSION_CHECK=1
# Printing non-cp1252 text needs UTF-8 mode, as on a real Windows console.
export PYTHONUTF8=1

winepath_of() { # /unix/path -> Z:\unix\path (Wine maps Z: to /)
    local path
    path=$(realpath -m "$1")
    echo "Z:${path//\//\\}"
}

wine_run() { # seconds program [args...]: stdout and stderr go through a pipe (never a regular file:
    # python.exe dies in init_sys_streams when either is one), and the exit code is the program's.
    local seconds=$1
    shift
    timeout --kill-after=10 "$seconds" "$WINE" "$@" 2>&1 | cat
    return "${PIPESTATUS[0]}"
}

wine_python() { # seconds [python args...]
    local seconds=$1
    shift
    wine_run "$seconds" "$WINE_PYTHON_DIR/python.exe" "$@"
}

wine_prefix_new() { # a private copy of the template prefix in $WINEPREFIX, its services started
    WINE_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ccc-break-wine.XXXXXX")
    export WINEPREFIX=$WINE_RUN_DIR/prefix
    cp -a "$WINE_TEMPLATE" "$WINEPREFIX"
    # Wine's background processes (services.exe, explorer.exe) inherit the output of whichever Windows
    # command starts them and keep it open; started here, they hold /dev/null, not a caller's pipe.
    # A persistent wineserver keeps them for the whole run: by default it ends them as soon as no
    # program runs, and the next command (a build piped through `cat`) would start them again on its
    # own pipe, which then stays open as long as they do. wine_prefix_drop ends the server.
    timeout 30 "$WINESERVER" -p >/dev/null 2>&1 </dev/null
    timeout --kill-after=10 120 "$WINE" wineboot >/dev/null 2>&1 </dev/null
}

wine_prefix_drop() {
    [ -n "${WINEPREFIX:-}" ] || return 0
    timeout 30 "$WINESERVER" -k >/dev/null 2>&1 || true
    timeout 30 "$WINESERVER" -w >/dev/null 2>&1 || true
    [ -z "${WINE_RUN_DIR:-}" ] || rm -rf "$WINE_RUN_DIR"
}

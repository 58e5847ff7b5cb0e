#!/usr/bin/env bash
# Build the MSI with msitools' wixl, from a real PyInstaller dist\ccc-break folder or, by default,
# from a stand-in payload (a tiny fake ccc-break.exe and a few files) so CI can check the installer
# tables without a Windows build host.
# Usage: packaging/windows/build-msi-stub.sh [OUTPUT.msi] [PAYLOAD_DIR]
# Needs: apt-get install -y wixl msitools
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^__version__ *= *"\([^"]*\)".*/\1/p' "$root/app/__init__.py")
out=${1:-$root/dist/ccc-break-$version-stub.msi}
payload=${2:-}

for tool in wixl wixl-heat msibuild; do
    command -v "$tool" >/dev/null || {
        echo "build-msi-stub.sh: $tool is missing; run: apt-get install -y wixl msitools" >&2
        exit 1
    }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ccc-break-msi.XXXXXX")
trap 'rm -rf "$work"' EXIT

# wixl resolves Source= relative to the .wxs, so everything is staged side by side in $work.
mkdir -p "$work/payload"
if [ -z "$payload" ]; then
    mkdir -p "$work/payload/_internal/resources/icons"
    printf 'MZ stand-in for ccc-break.exe\n' >"$work/payload/ccc-break.exe"
    printf 'stand-in python311.dll\n' >"$work/payload/_internal/python311.dll"
    cp "$root/resources/icons/ccc-break.svg" "$work/payload/_internal/resources/icons/"
else
    cp -a "$payload/." "$work/payload/"
fi
[ -f "$work/payload/ccc-break.exe" ] || {
    echo "build-msi-stub.sh: ccc-break.exe not found in the payload" >&2
    exit 1
}
cp "$here/ccc-break.wxs" "$work/"
cp "$root/resources/icons/ccc-break.ico" "$work/"

# Every file but the main executable (which has its own component with a fixed GUID).
(cd "$work" && find payload -type f ! -path payload/ccc-break.exe | sort |
    wixl-heat -p payload/ --var var.SourceDir --component-group AppFiles \
        --directory-ref INSTALLDIR --win64 >appfiles.wxs)

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$(dirname "$out")"
(cd "$work" && wixl -a x64 -D Win64=yes -D Version="$version" -D SourceDir=payload \
    -D IconFile=ccc-break.ico -o "$out" ccc-break.wxs appfiles.wxs)

# The conditions and IniFile rows wixl cannot express (shared with build.ps1).
while IFS= read -r query; do
    [ -n "$query" ] || continue
    msibuild "$out" -q "$query"
done <"$here/msi-tables.sql"

echo "Built $out ($(du -h "$out" | cut -f1))"

#!/usr/bin/env bash
# Build dist/ccc-break-<version>.pkg around the PyInstaller app bundle (run on macOS).
# Usage: packaging/macos/build-pkg.sh [--skip-build]
# Environment: PYINSTALLER (default pyinstaller), SIGN_IDENTITY (optional "Developer ID Installer: ...").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

for tool in pkgbuild productbuild iconutil sips; do
    command -v "$tool" >/dev/null || {
        echo "build-pkg.sh: $tool is missing; install the Xcode command line tools: xcode-select --install" >&2
        exit 1
    }
done

version=$(sed -n 's/^__version__ *= *"\([^"]*\)".*/\1/p' app/__init__.py)
app="dist/CCC Break.app"

if [ "${1:-}" != "--skip-build" ]; then
    # The .icns the spec picks up: macOS has iconutil, PyInstaller would need Pillow.
    iconset=build/ccc-break.iconset
    rm -rf "$iconset" && mkdir -p "$iconset"
    for size in 16 32 128 256; do
        sips -z "$size" "$size" resources/icons/ccc-break-256.png --out "$iconset/icon_${size}x${size}.png" >/dev/null
        double=$((size * 2))
        sips -z "$double" "$double" resources/icons/ccc-break-256.png --out "$iconset/icon_${size}x${size}@2x.png" >/dev/null
    done
    iconutil -c icns "$iconset" -o build/ccc-break.icns
    "${PYINSTALLER:-pyinstaller}" --noconfirm --distpath dist --workpath build packaging/ccc-break.spec
fi
[ -d "$app" ] || {
    echo "build-pkg.sh: $app not found; build without --skip-build" >&2
    exit 1
}
cp packaging/macos/com.cccbreak.widget.plist "$app/Contents/Resources/"

stage=$(mktemp -d "${TMPDIR:-/tmp}/ccc-break-pkg.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root/Applications"
cp -R "$app" "$stage/root/Applications/"

pkgbuild --root "$stage/root" --identifier com.cccbreak.widget.pkg --version "$version" \
    --scripts packaging/macos/scripts --install-location / "$stage/ccc-break-component.pkg"

sign=()
if [ -n "${SIGN_IDENTITY:-}" ]; then
    sign=(--sign "$SIGN_IDENTITY")
fi
out="dist/ccc-break-$version.pkg"
productbuild --package "$stage/ccc-break-component.pkg" ${sign[@]+"${sign[@]}"} "$out"
echo "Built $out ($(du -h "$out" | cut -f1))"

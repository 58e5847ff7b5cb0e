#!/usr/bin/env bash
# Build dist/ccc-break_<version>_amd64.deb from the PyInstaller onedir build.
# Usage: packaging/linux/build-deb.sh [--skip-build] [--output FILE.deb]
#   --skip-build  reuse an existing dist/ccc-break instead of running PyInstaller
#   --output      where to write the package (default dist/ccc-break_<version>_amd64.deb)
# Environment: PYINSTALLER (default: pyinstaller on PATH).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

skip_build=0
out=""
while [ $# -gt 0 ]; do
    arg=$1
    shift
    case "$arg" in
    --skip-build) skip_build=1 ;;
    --output)
        out=${1:?--output needs a file name}
        shift
        ;;
    -h | --help)
        sed -n '2,6p' "$0"
        exit 0
        ;;
    *)
        echo "build-deb.sh: unknown option $arg" >&2
        exit 2
        ;;
    esac
done

# dpkg-deb --root-owner-group makes fakeroot unnecessary.
command -v dpkg-deb >/dev/null || {
    echo "build-deb.sh: dpkg-deb is missing; run: apt-get install -y dpkg" >&2
    exit 1
}

version=$(sed -n 's/^__version__ *= *"\([^"]*\)".*/\1/p' app/__init__.py)
if [ -z "$version" ]; then
    echo "build-deb.sh: cannot read __version__ from app/__init__.py" >&2
    exit 1
fi
arch=amd64

if [ "$skip_build" -eq 0 ]; then
    "${PYINSTALLER:-pyinstaller}" --noconfirm --distpath dist --workpath build packaging/ccc-break.spec
fi
if [ ! -x dist/ccc-break/ccc-break ]; then
    echo "build-deb.sh: dist/ccc-break/ccc-break not found; build without --skip-build" >&2
    exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/ccc-break-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
    "$pkg/etc/xdg/autostart" "$pkg/etc/xdg/ccc-break" "$pkg/usr/share/doc/ccc-break"

cp -a dist/ccc-break "$pkg/opt/ccc-break"
# A symlink keeps one copy of the executable; PyInstaller resolves its own path through it.
# The command line is the Qt-free console executable; without a subcommand it starts the widget.
ln -s /opt/ccc-break/ccc-break-cli "$pkg/usr/bin/ccc-break"
install -m 0644 resources/ccc-break.desktop "$pkg/usr/share/applications/ccc-break.desktop"

for png in resources/icons/ccc-break-*.png; do
    size=${png##*-}
    size=${size%.png}
    install -D -m 0644 "$png" "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/ccc-break.png"
done
install -D -m 0644 resources/icons/ccc-break.svg "$pkg/usr/share/icons/hicolor/scalable/apps/ccc-break.svg"

# The system autostart entry: every agent gets the widget at sign-in; each agent can still switch it
# off in Settings (a per-user entry with Hidden=true masks this one). TryExec keeps a removed-but-
# not-purged package from leaving a broken entry behind.
sed -e 's/^Exec=.*/Exec=ccc-break --minimized/' \
    -e 's/^Name=.*/Name=CCC Break/' -e '/^Exec=/i TryExec=ccc-break' resources/ccc-break.desktop >"$pkg/etc/xdg/autostart/ccc-break.desktop"
echo "X-GNOME-Autostart-enabled=true" >>"$pkg/etc/xdg/autostart/ccc-break.desktop"
chmod 0644 "$pkg/etc/xdg/autostart/ccc-break.desktop"

install -m 0644 packaging/config/ccc-break.ini "$pkg/etc/xdg/ccc-break/ccc-break.ini"
install -m 0644 docs/it-deployment.md "$pkg/usr/share/doc/ccc-break/it-deployment.md"

# Everything under /opt readable by all; executables stay executable.
chmod -R u=rwX,go=rX "$pkg/opt/ccc-break"

# The oldest glibc the bundle runs on: the newest GLIBC_x.y symbol version any of its files asks for
# (dpkg-shlibdeps would work it out from shlibs files a PyInstaller bundle does not have).
command -v objdump >/dev/null || {
    echo "build-deb.sh: objdump is missing; run: apt-get install -y binutils" >&2
    exit 1
}
# (objdump complains about files that are not ELF, such as scripts; their versions are none.)
glibc=$({ find "$pkg/opt/ccc-break" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null || true; } |
    grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
if [ -z "$glibc" ]; then
    echo "build-deb.sh: found no glibc symbol versions in the bundle" >&2
    exit 1
fi

# The libraries the spec leaves out of the bundle because a package below installs them (_FROM_DEPENDS
# in packaging/ccc-break.spec) must each be in Depends, directly or through one of these packages.
installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: ccc-break
Version: $version
Section: net
Priority: optional
Architecture: $arch
Maintainer: CCC Break maintainers <ccc-break@example.invalid>
Installed-Size: $installed_kb
Depends: libc6 (>= $glibc), libxcb-cursor0, libxkbcommon-x11-0, libxkbcommon0, libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-xinerama0, libxcb-xkb1, libxcb-randr0, libxcb-shape0, libxcb-xfixes0, libx11-xcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1, libx11-6, libxcb-render0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-glx0, libbrotli1, libzstd1, liblzma5, zlib1g, libbz2-1.0, libuuid1, libffi8, libgssapi-krb5-2, libglib2.0-0t64 | libglib2.0-0, libssl3t64 | libssl3, libstdc++6, libgcc-s1
Recommends: gnome-keyring | kwalletmanager, libsecret-1-0, fonts-noto-cjk
Description: Tray widget for Alibaba Cloud Contact Center agents
 Take a break, get ready and see the agent's true state in Alibaba Cloud
 Contact Center from the system tray. Organisation defaults and locked
 settings live in /etc/xdg/ccc-break/ccc-break.ini.
CONTROL

echo "/etc/xdg/ccc-break/ccc-break.ini" >"$pkg/DEBIAN/conffiles"
echo "/etc/xdg/autostart/ccc-break.desktop" >>"$pkg/DEBIAN/conffiles"

cat >"$pkg/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q /usr/share/applications || true
    fi
fi
exit 0
SCRIPT
cat >"$pkg/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
case "$1" in
remove | purge)
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q /usr/share/applications || true
    fi
    ;;
esac
if [ "$1" = purge ]; then
    rmdir /etc/xdg/ccc-break 2>/dev/null || true
fi
exit 0
SCRIPT
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"

out=${out:-dist/ccc-break_${version}_${arch}.deb}
mkdir -p "$(dirname "$out")"
# Write next to the target and rename, so a reader never sees a half-written package.
# xz -9 (64 MiB dictionary): about 40 MB against 45 MB at -3, for roughly a minute more on 2 cores.
dpkg-deb --root-owner-group -Zxz -z9 --build "$pkg" "$stage/package.deb" >/dev/null
mv -f "$stage/package.deb" "$out"
size=$(du -h "$out" | cut -f1)
echo "Built $out ($size, installed $((installed_kb / 1024)) MB)"

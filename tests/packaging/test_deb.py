"""The Debian package: its contents, then (as root) install, run, remove and purge it for real.

Further checks against the installed package (doctor against a simulator, the GUI under Xvfb) go here
as more test functions taking the `installed_deb` fixture.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
from tests.fixtures.desktop import virtual_desktop
from tests.fixtures.secret_service import SecretServiceSession

from .tools import PACKAGING, ROOT, VERSION, require, run

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]

PACKAGE_SIZES: dict[str, int] = {}  # printed at the end of the run (tests/packaging/conftest.py)

CONFFILES = {"/etc/xdg/ccc-break/ccc-break.ini", "/etc/xdg/autostart/ccc-break.desktop"}

# The targets ("Fast start, light footprint, slim installers"), met by stripping, dropping unused
# Qt parts, leaving the libraries the package depends on to the system, and an ICU data library with
# only the shipped languages' data (packaging/icu_data.py).
TARGET_DEB_BYTES = 35 * 2**20
TARGET_INSTALLED_KIB = 100 * 1024  # Installed-Size is in KiB


@dataclass(frozen=True)
class InstalledPackage:
    deb: Path
    executable: Path = Path("/usr/bin/ccc-break")
    app_dir: Path = Path("/opt/ccc-break")


def _newest_source_mtime() -> float:
    paths = [*ROOT.joinpath("app").rglob("*.py"), *PACKAGING.rglob("*"), *ROOT.joinpath("resources").rglob("*")]
    return max(p.stat().st_mtime for p in paths if p.is_file())


@pytest.fixture(scope="session")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ccc-break_<version>_amd64.deb, built once per session (or CCC_BREAK_DEB if fresh)."""
    require("dpkg-deb", "dpkg")
    given = os.environ.get("CCC_BREAK_DEB")
    if given:
        path = Path(given)
        if not path.is_file():
            pytest.fail(f"CCC_BREAK_DEB={given} does not exist", pytrace=False)
        version = run("dpkg-deb", "-f", path, "Version").stdout.strip()
        if version != VERSION or path.stat().st_mtime < _newest_source_mtime():
            pytest.fail(
                f"CCC_BREAK_DEB={given} is stale (version {version}, sources newer); rebuild it "
                "with packaging/linux/build-deb.sh or unset CCC_BREAK_DEB",
                pytrace=False,
            )
        return path
    pyinstaller = Path(sys.executable).with_name("pyinstaller")  # the test venv's own
    env = {**os.environ, "PYINSTALLER": str(pyinstaller)}
    # Its own output path: a concurrent build-deb.sh in dist/ cannot hand this session a torn file.
    out = tmp_path_factory.mktemp("deb") / f"ccc-break_{VERSION}_amd64.deb"
    result = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "build-deb.sh"), "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"build-deb.sh failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}", pytrace=False)
    PACKAGE_SIZES[out.name] = out.stat().st_size
    return out


def contents(deb: Path) -> dict[str, str]:
    """Path -> dpkg-deb -c line (type, mode, owner, target)."""
    listing: dict[str, str] = {}
    for line in run("dpkg-deb", "-c", deb).stdout.splitlines():
        fields = line.split(None, 5)
        name = fields[5].split(" -> ")[0].removeprefix(".")
        listing[name.rstrip("/") or "/"] = line
    return listing


def test_deb_lays_out_app_launcher_menu_entry_icons_and_config(deb: Path) -> None:
    files = contents(deb)
    for path in (
        "/opt/ccc-break/ccc-break",
        "/usr/share/applications/ccc-break.desktop",
        "/usr/share/icons/hicolor/scalable/apps/ccc-break.svg",
        *CONFFILES,
    ):
        assert path in files, path
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/ccc-break.png" in files
    assert "-> /opt/ccc-break/ccc-break" in files["/usr/bin/ccc-break"]
    assert all(" root/root " in line for line in files.values()), "files must be owned by root"
    assert files["/opt/ccc-break/ccc-break"].startswith("-rwxr-xr-x")


def _sizes(deb: Path) -> tuple[int, int]:
    return deb.stat().st_size, int(run("dpkg-deb", "-f", deb, "Installed-Size").stdout.strip())


def test_deb_meets_the_size_targets(deb: Path) -> None:
    """An agent's download and an image's disk: a regression here is debug info, a Qt part, a system
    library or ICU's other locales coming back."""
    size, installed = _sizes(deb)
    assert size <= TARGET_DEB_BYTES, f"the .deb is {size / 2**20:.1f} MiB, over {TARGET_DEB_BYTES / 2**20:.0f} MiB"
    assert installed <= TARGET_INSTALLED_KIB, (
        f"installed size is {installed / 1024:.1f} MiB, over {TARGET_INSTALLED_KIB / 1024:.0f} MiB"
    )


def test_deb_keeps_the_translations_and_qt_parts_the_app_needs(deb: Path) -> None:
    files = contents(deb)
    internal = "/opt/ccc-break/_internal"
    for path in (
        f"{internal}/resources/translations/ccc-break_zh_CN.qm",
        f"{internal}/PySide6/Qt/translations/qtbase_zh_CN.qm",
        f"{internal}/PySide6/Qt/plugins/platforms/libqxcb.so",
        f"{internal}/PySide6/Qt/plugins/platforms/libqwayland.so",
        f"{internal}/PySide6/Qt/plugins/imageformats/libqsvg.so",
        f"{internal}/PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        f"{internal}/PySide6/Qt/lib/libQt6Svg.so.6",
    ):
        assert path in files, f"{path}: the widget needs it"
    qt = f"{internal}/PySide6/Qt/"
    dropped = [
        p
        for p in files
        if p.startswith(qt)
        and (
            re.search(r"/translations/(qt_|qt_help_|qtbase_(?!en|zh_CN))", p)
            or re.search(r"/plugins/(tls|generic|egldeviceintegrations)/.", p)
            or re.search(r"/plugins/imageformats/libq(?!svg)", p)
            or re.search(r"/plugins/platforms/libq(eglfs|linuxfb|minimal|offscreen|vnc|vkkhrdisplay)", p)
        )
    ]
    # The Linux widget speaks no Qt networking (a plain socket for the single instance, the kernel's
    # route changes for the network): none of QtNetwork is shipped, nor a link left to it.
    dropped += [p for p in files if "QtNetwork" in p or "libQt6Network" in p or "/plugins/networkinformation/" in p]
    assert not dropped, f"unused Qt parts are back in the package: {dropped[:10]}"


def test_deb_ships_stripped_binaries(deb: Path) -> None:
    """Debug info and symbol tables were a third of the download; the dynamic symbols stay."""
    readelf = require("readelf", "binutils")
    work = Path(run("mktemp", "-d").stdout.strip())
    try:
        run("dpkg-deb", "-x", deb, work)
        elves = [
            p
            for p in (work / "opt/ccc-break").rglob("*")
            if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"
        ]
        assert len(elves) > 20, "the bundle's executable and shared libraries are missing"
        unstripped = [
            str(p.relative_to(work))
            for p in elves
            if re.search(r"\s\.(symtab|debug_info)\s", run(readelf, "-S", "-W", p).stdout)
        ]
        assert not unstripped, f"not stripped: {unstripped[:10]}"
    finally:
        run("rm", "-rf", work)


# Run in a fresh interpreter: a process that already loaded PySide6 (pytest-qt does) has an ICU 73 of
# the same soname loaded, and the bundle's libraries would silently bind to that one's full data.
_ICU_PROBE = r"""
import ctypes, functools, json, sys
from pathlib import Path

lib = Path(sys.argv[1])
version = next(lib.glob("libicui18n.so.*")).name.rsplit(".", 1)[1]
icu = ctypes.CDLL(str(lib / f"libicui18n.so.{version}"))
def call(name, restype, *args):
    function = getattr(icu, f"{name}_{version}")
    function.restype = restype
    return function(*args)
def uchars(text):
    data = text.encode("utf-16-le")
    return ctypes.create_string_buffer(data + b"\0\0"), len(data) // 2
def collator(locale):
    status = ctypes.c_int(0)
    handle = call("ucol_open", ctypes.c_void_p, locale.encode(), ctypes.byref(status))
    assert status.value <= 0, f"ucol_open({locale}): ICU error {status.value}"
    return ctypes.c_void_p(handle)
def compare(handle, a, b):
    (x, n), (y, m) = uchars(a), uchars(b)
    return call("ucol_strcoll", ctypes.c_int, handle, x, n, y, m)
def zone_name(zone, locale):
    status = ctypes.c_int(0)
    text, length = uchars(zone)
    cal = ctypes.c_void_p(call("ucal_open", ctypes.c_void_p, text, length, locale.encode(), 0, ctypes.byref(status)))
    out = ctypes.create_string_buffer(256)
    n = call("ucal_getTimeZoneDisplayName", ctypes.c_int, cal, 0, locale.encode(), out, 128, ctypes.byref(status))
    assert status.value <= 0, f"zone name in {locale}: ICU error {status.value}"
    return out.raw[: 2 * n].decode("utf-16-le")
words = json.loads(sys.argv[2])
print(json.dumps({
    "sorted": {loc: sorted(words, key=functools.cmp_to_key(functools.partial(compare, collator(loc))))
               for loc in ("zh_CN", "en_US")},
    "zone": {loc: zone_name("Asia/Shanghai", loc) for loc in ("zh_CN", "en_US")},
}, ensure_ascii=False))
"""


def test_deb_sorts_and_names_time_zones_in_chinese_and_english(deb: Path) -> None:
    """The bundle's ICU keeps only the shipped languages' data: Chinese still sorts by pinyin (QCollator)
    and time zones keep their Chinese and English names (QTimeZone, QLocale's long date format)."""
    work = Path(run("mktemp", "-d").stdout.strip())
    try:
        run("dpkg-deb", "-x", deb, work)
        words = ["张三", "中国", "阿明", "上海", "李四", "北京", "Zebra", "apple", "éclair", "Bob"]
        result = run(
            sys.executable, "-I", "-c", _ICU_PROBE, work / "opt/ccc-break/_internal/PySide6/Qt/lib", json.dumps(words)
        )
        icu = json.loads(result.stdout)
    finally:
        run("rm", "-rf", work)
    assert icu["sorted"]["zh_CN"] == ["阿明", "北京", "李四", "上海", "张三", "中国", "apple", "Bob", "éclair", "Zebra"]
    assert icu["sorted"]["en_US"] == ["apple", "Bob", "éclair", "Zebra", "上海", "中国", "北京", "张三", "李四", "阿明"]
    assert icu["zone"] == {"zh_CN": "中国标准时间", "en_US": "China Standard Time"}


def test_deb_control_conffiles_and_dependencies(deb: Path) -> None:
    assert run("dpkg-deb", "-f", deb, "Version").stdout.strip() == VERSION
    depends = run("dpkg-deb", "-f", deb, "Depends").stdout
    for lib in (
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "libegl1",
        "libfontconfig1",
        "libdbus-1-3",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxcb-image0",
        "libxcb-render-util0",
        "libxcb-xinerama0",
        "libxcb-xkb1",
    ):
        assert lib in depends, f"{lib}: the Qt xcb plugin cannot load without it"
    work = Path(run("mktemp", "-d").stdout.strip())
    try:
        run("dpkg-deb", "-e", deb, work)
        assert set((work / "conffiles").read_text().split()) == CONFFILES, "IT's edits must survive upgrades"
        for script in ("postinst", "postrm"):
            assert os.access(work / script, os.X_OK)
    finally:
        run("rm", "-rf", work)


def test_system_autostart_entry_starts_minimised(deb: Path) -> None:
    work = Path(run("mktemp", "-d").stdout.strip())
    try:
        run("dpkg-deb", "-x", deb, work)
        entry = (work / "etc/xdg/autostart/ccc-break.desktop").read_text()
        assert "\nExec=ccc-break --minimized\n" in entry
        assert "\nTryExec=ccc-break\n" in entry, "a removed package must not leave a broken autostart"
        ini = (work / "etc/xdg/ccc-break/ccc-break.ini").read_text()
        assert "[ccc-break]" in ini and "#locked =" in ini
    finally:
        run("rm", "-rf", work)


def _require_root() -> None:
    if os.geteuid() != 0:
        if os.environ.get("CCC_BREAK_ALLOW_NO_ROOT") == "1":
            pytest.skip("installing the .deb needs root (CCC_BREAK_ALLOW_NO_ROOT=1 set)")
        pytest.fail(
            "installing the .deb needs root: run as root (CI does) or set CCC_BREAK_ALLOW_NO_ROOT=1 "
            "to leave the install checks out locally",
            pytrace=False,
        )
    require("dpkg", "dpkg")


def _install(deb: Path) -> None:
    result = run("dpkg", "-i", deb, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"dpkg -i failed (missing dependencies? run: apt-get install -y ./{deb.name}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _status(package: str = "ccc-break") -> str:
    result = run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", package, check=False)
    return result.stdout.strip() if result.returncode == 0 else "not-installed"


@pytest.fixture(scope="session")
def installed_deb(deb: Path) -> Iterator[InstalledPackage]:
    """The package installed with dpkg for the whole session; purged afterwards."""
    _require_root()
    _install(deb)
    yield InstalledPackage(deb)
    run("dpkg", "--purge", "ccc-break", check=False)


def test_installed_command_reports_its_version(installed_deb: InstalledPackage) -> None:
    result = run(installed_deb.executable, "--version", timeout=60)
    assert result.stdout.strip() == f"ccc-break {VERSION}"


def test_remove_keeps_only_conffiles_and_purge_leaves_nothing(installed_deb: InstalledPackage) -> None:
    run("dpkg", "-r", "ccc-break")
    try:
        assert _status() == "rc", "removed, configuration kept"
        assert not installed_deb.app_dir.exists()
        assert not installed_deb.executable.exists()
        assert not Path("/usr/share/applications/ccc-break.desktop").exists()
        assert {p for p in CONFFILES if Path(p).exists()} == CONFFILES, "remove keeps IT's config"

        run("dpkg", "--purge", "ccc-break")
        assert _status() == "not-installed"
        assert not any(Path(p).exists() for p in CONFFILES)
        assert not Path("/etc/xdg/ccc-break").exists()
    finally:
        _install(installed_deb.deb)  # later tests share the installed package


@pytest.fixture
def installed_simulator(installed_deb: InstalledPackage) -> Iterator[str]:
    """`ccc-break simulator` from the installed files, on a free loopback port."""
    process = subprocess.Popen(
        [str(installed_deb.executable), "simulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", process.stdout.readline())
    assert match, "the installed simulator did not start"
    yield match.group(1)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


def _the_demo_agent_at(simulator: str) -> list[str]:
    return ["--endpoint", simulator, "--instance-id", "ccc-test", "--user-id", "user-test@ccc-test"]


def _with_the_demo_key(**extra: str) -> dict[str, str]:
    """This environment with the simulator's AccessKey in it, as IT's scripts pass one."""
    return {
        **os.environ,
        **extra,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
    }


def test_installed_doctor_passes_against_a_simulator(
    installed_deb: InstalledPackage, installed_simulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT's first check on a fresh desktop: the installed doctor finds nothing blocking."""
    with virtual_desktop(tray=True) as display:
        env = _with_the_demo_key(DISPLAY=display)
        env.pop("QT_QPA_PLATFORM", None)
        result = subprocess.run(
            [str(installed_deb.executable), "doctor", "--json", *_the_demo_agent_at(installed_simulator)],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    report = json.loads(result.stdout)
    failing = [c for c in report["checks"] if c["outcome"] == "fail"]
    assert result.returncode == 0 and report["ok"], failing
    assert {c["name"] for c in report["checks"]} >= {"PollUserStatus", "Qt platform plugin", "System tray"}


@pytest.mark.parametrize(
    ("lang", "title"), [("en_US.UTF-8", "^CCC Break \\(demo\\)$"), ("zh_CN.UTF-8", "^CCC Break \\(演示\\)$")]
)
def test_installed_gui_demo_shows_its_window_and_quits_cleanly(
    installed_deb: InstalledPackage, lang: str, title: str
) -> None:
    """The frozen widget starts under X with a tray host, in English and in Chinese (with the bundle's
    slimmed ICU data and Qt catalogues), shows its window, and exits 0 when asked."""
    with virtual_desktop(tray=True) as display:
        env = {**os.environ, "DISPLAY": display, "LANG": lang}
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            env.pop(variable, None)
        returncode, stderr, _maps = _run_gui_until(
            [str(installed_deb.executable), "--demo"], env, lambda: _visible_window(display, title), "demo window"
        )
    assert returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr and "Unclosed" not in stderr and "was destroyed but it is pending" not in stderr


def _visible_window(display: str, name: str) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        check=False,
    )
    return found.returncode == 0 and bool(found.stdout.strip())


def _elf_files(top: Path) -> list[Path]:
    return [p for p in top.rglob("*") if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"]


def _owner(library: str) -> str:
    """The installed package a system library comes from (dpkg knows /lib or /usr/lib, as installed)."""
    path = Path(library)
    candidates = {path, path.resolve()}
    candidates |= {Path(str(p).removeprefix("/usr")) for p in candidates} | {Path("/usr" + str(p)) for p in candidates}
    for candidate in sorted(candidates):
        found = run("dpkg", "-S", candidate, check=False)
        if found.returncode == 0:
            return found.stdout.split(":")[0].strip()
    return f"(no package owns {library})"


def _dependency_closure(depends: str) -> set[str]:
    """Every installed package the Depends line pulls in, through the installed packages' own Depends."""
    seen: set[str] = set()
    queue = [depends]
    while queue:
        for clause in queue.pop().split(","):
            for alternative in clause.split("|"):
                name = re.sub(r"\(.*?\)", "", alternative).strip().split(":")[0]
                if not name or name in seen:
                    continue
                found = run("dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Depends}, ${Pre-Depends}", name, check=False)
                if found.returncode == 0 and found.stdout.startswith("ii"):
                    seen.add(name)
                    queue.append(found.stdout.split("|", 1)[1])
    return seen


def test_installed_bundle_gets_every_library_from_itself_or_its_dependencies(installed_deb: InstalledPackage) -> None:
    """A desktop that installed only what the package depends on runs the widget: each library the
    bundle links but does not carry comes from a package in its Depends (directly or through them)."""
    internal = installed_deb.app_dir / "_internal"
    system: set[str] = set()
    missing: set[str] = set()
    for elf in _elf_files(installed_deb.app_dir):
        lines = subprocess.run(
            ["ldd", str(elf)], env={**os.environ, "LD_LIBRARY_PATH": str(internal)}, capture_output=True, text=True
        ).stdout.splitlines()
        for line in lines:
            if "=> not found" in line:
                missing.add(f"{line.split()[0]} (for {elf.relative_to(installed_deb.app_dir)})")
            elif "=> /" in line and not line.split("=> ")[1].startswith(str(installed_deb.app_dir)):
                system.add(line.split("=> ")[1].split(" (")[0])
    assert not missing, f"libraries found nowhere: {sorted(missing)[:10]}"
    assert len(system) > 10, "ldd resolved no system library: the check would prove nothing"
    closure = _dependency_closure(run("dpkg-deb", "-f", installed_deb.deb, "Depends").stdout)
    undeclared = sorted({f"{_owner(library)} ({library})" for library in system if _owner(library) not in closure})
    assert not undeclared, f"the bundle links libraries of packages the .deb does not depend on: {undeclared}"


def _libraries_loaded(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run `command` with the dynamic loader telling which files it loads (LD_DEBUG goes to stderr)."""
    result = subprocess.run(
        command, env={**env, "LD_DEBUG": "files"}, capture_output=True, text=True, timeout=120, check=False
    )
    return result, result.stderr


def test_the_installed_command_line_loads_no_qt(installed_deb: InstalledPackage, installed_simulator: str) -> None:
    """`ccc-break status` is the console executable built without PySide6: no Qt library is loaded
    (+12 MiB and 30 % of its time before), while the widget from the same command still gets Qt."""
    env = _with_the_demo_key()
    status, loaded = _libraries_loaded(
        [str(installed_deb.executable), "status", "--json", *_the_demo_agent_at(installed_simulator)],
        env,
    )
    assert status.returncode == 0, loaded[-2000:]
    assert json.loads(status.stdout)["Data"]["UserState"] == "READY"
    assert "libpython" in loaded, "LD_DEBUG reported nothing: the check would prove nothing"
    qt = sorted(
        {line.split("file=")[1].split()[0] for line in loaded.splitlines() if "file=" in line and "Qt6" in line}
    )
    assert qt == [], f"the command line loaded Qt: {qt[:5]}"
    # The same command without a subcommand is the widget: its probe does load Qt.
    env.pop("QT_QPA_PLATFORM", None)
    with virtual_desktop(tray=False) as display:
        probe, probe_loaded = _libraries_loaded(
            [str(installed_deb.executable), "--qt-probe"], {**env, "DISPLAY": display}
        )
    assert "libQt6Core" in probe_loaded, probe.stdout[-500:] + probe_loaded[-500:]


def test_the_installed_command_line_reads_compiled_modules_and_only_those_it_needs(
    installed_deb: InstalledPackage, installed_simulator: str, tmp_path: Path
) -> None:
    """The bundle's modules are .pyc files read as a virtualenv reads them: the compressed archive
    PyInstaller puts in each executable made `status` 9-13 % slower than the same command from a
    virtualenv (issue 12: no slower). And PyInstaller's runtime hooks for multiprocessing, pkgutil
    and inspect, which the app never needs, stay out: they put multiprocessing and zipfile into
    every start."""
    trace = tmp_path / "openat.log"
    env = _with_the_demo_key()
    status = subprocess.run(
        [
            *("strace", "-f", "-e", "trace=openat", "-e", "status=successful", "-o", str(trace)),
            *(str(installed_deb.executable), "status", "--json", *_the_demo_agent_at(installed_simulator)),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert status.returncode == 0, status.stderr[-2000:]
    assert json.loads(status.stdout)["Data"]["UserState"] == "READY"
    internal = f"{installed_deb.app_dir}/_internal/"
    read = {
        line.split('"')[1][len(internal) :]
        for line in trace.read_text().splitlines()
        if f'"{internal}' in line and ".pyc" in line
    }
    assert {"app/cli.pyc", "aiohttp/client.pyc", "asyncio/base_events.pyc"} <= read, sorted(read)[:20]
    # pkgutil and inspect are read all the same: the `backports` namespace package aiohttp looks into
    # imports pkgutil, and asyncio imports inspect.
    unneeded = sorted(name for name in read if name.startswith(("multiprocessing/", "zipfile.")))
    assert unneeded == [], f"the command line imported modules it never uses: {unneeded}"


@pytest.mark.keyring_real
def test_the_installed_widget_reads_the_real_keyring_through_the_console_executable(
    installed_deb: InstalledPackage, secret_service: SecretServiceSession
) -> None:
    """The installed widget reads its AccessKey through `ccc-break-cli --keyring-helper` beside it
    (app.core.keyring_helper): that bundle must carry keyring's Secret Service stack, and answer."""
    from app.core.access_key import Credentials
    from app.core.credentials import CredentialStore

    CredentialStore(backend=secret_service.backend, environ={}).save(Credentials("LTAI-deb-id", "deb-s3cr3t"))
    assert (installed_deb.app_dir / "ccc-break").is_file(), "the widget looks for its helper beside itself"
    request = {"op": "get", "service": "ccc-break", "username": "access_key_secret"}
    answered = subprocess.run(
        [str(installed_deb.app_dir / "ccc-break-cli"), "--keyring-helper"],
        input=json.dumps(request) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answered.returncode == 0, answered.stderr[-2000:]
    assert [json.loads(line) for line in answered.stdout.splitlines()] == [
        {"backend": "Secret Service (GNOME Keyring)", "usable": True},
        {"value": "deb-s3cr3t"},
    ]


@pytest.mark.keyring_real
def test_the_installed_widget_reads_its_key_through_the_helper_and_keeps_no_crypto_mapped(
    installed_deb: InstalledPackage, installed_simulator: str, secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    """The frozen widget finds `ccc-break-cli` beside itself, reads the agent's key from the real keyring
    through it, and never maps keyring's crypto library (cryptography's 5.5 MiB) into its own memory."""
    from app.core.access_key import Credentials
    from app.core.credentials import CredentialStore

    CredentialStore(backend=secret_service.backend, environ={}).save(
        Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    )
    log = tmp_path / "log" / "ccc-break.log"
    with virtual_desktop(tray=True) as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "CCC_BREAK_CONFIG_DIR": str(tmp_path / "config"),
            "CCC_BREAK_LOG_DIR": str(log.parent),
        }
        returncode, stderr, mapped = _run_gui_until(
            [str(installed_deb.app_dir / "ccc-break"), *_the_demo_agent_at(installed_simulator)],
            env,
            lambda: _says(log, "Credential backend: Secret Service (GNOME Keyring)") and _live(tmp_path / "config"),
            "live state from the keyring's key",
            lambda: _tail(log),
        )
    assert returncode == 0, stderr[-2000:]
    assert "libpython" in mapped, "the maps were read from the wrong process"
    assert "cryptography" not in mapped and "_cffi_backend" not in mapped


def _run_gui_until(
    command: list[str], env: dict[str, str], ready: Callable[[], bool], what: str, shown: Callable[[], str] = str
) -> tuple[int, str, str]:
    """Start the installed widget on a real display, wait up to 60 s for `ready` (else fail with `what`
    and what `shown` says), then end it as a logout does (SIGTERM): its exit code, its stderr, and its
    memory map as it was when ready."""
    env = {name: value for name, value in env.items() if name != "QT_QPA_PLATFORM"}  # Qt's xcb, as agents run it
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready():
            assert process.poll() is None, f"the widget exited early: {process.communicate()[1][-2000:]}"
            assert time.monotonic() < deadline, f"no {what} within 60 s {shown()}"
            time.sleep(0.1)
        mapped = Path(f"/proc/{process.pid}/maps").read_text()
        process.send_signal(signal.SIGTERM)
        _stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, stderr, mapped


def _tail(log: Path) -> str:
    return log.read_text()[-2000:] if log.exists() else "(no log yet)"


def _says(log: Path, text: str) -> bool:
    return log.exists() and text in log.read_text()


def _live(config: Path) -> bool:
    """The service's first answer has come: the widget keeps the state it saw for its next start."""
    return any('"READY"' in kept.read_text() for kept in config.glob("*.state.json"))

"""A slim libicudata for the Linux bundle: the locale data of the languages the app ships, not ICU's ~480.

The PySide6 wheel links QtCore to its own ICU 73, whose data library carries every locale, converter
and dictionary ICU has (31 MB, a fifth of the installed package). QtCore calls ICU for collation
(QCollator), case mapping (QLocale::toUpper/toLower), time-zone names (QTimeZone::displayName) and
legacy codecs (QStringDecoder("GB18030")); nothing in the bundle calls ICU's break iterators,
transliterators or any other ICU API (`nm -D --undefined-only` on the Qt libraries lists the calls).
This keeps every item of root, English and Chinese (the shipped languages; their fallbacks such as
zh_Hant are kept too) and the data every locale shares, and drops:
  - the items of every other language;
  - break iteration (brkitr/, with its 3 MB of dictionaries) and transliteration (translit/);
  - the legacy converter tables (*.cnv, 5 MB): the app decodes text in Python, never through a Qt codec.
    UTF-8/16/32, Latin-1 and ASCII are algorithmic and stay available.
Debian's icu-devtools do the work: icupkg removes the items (and refuses to leave an item whose
dependency is gone, which is how a needed item is put back), genccode writes the package as an object
file exporting the same `icudt<N>_dat` symbol, and ld (binutils) links it under the same soname, so
libicuuc loads it exactly as it loaded the original.

Usage (what the spec does): python packaging/icu_data.py LIBICUDATA WORKDIR -> prints the new library.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

# The app's languages (resources/translations): en and zh_CN, with root as every locale's fallback.
KEPT_LANGUAGES = frozenset({"root", "en", "zh"})
_UNUSED_TREES = ("brkitr/", "translit/")
_TOOLS = {
    "icupkg": "icu-devtools",
    "genccode": "icu-devtools",
    "ld": "binutils",
    "nm": "binutils",
    "readelf": "binutils",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is missing; run: apt-get install -y {_TOOLS[name]} (see docs/it-deployment.md)")
    return path


def _run(*args: str | Path) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _locale_item(name: str) -> str | None:
    """The locale an item belongs to ("zh_Hant_HK" for coll/zh_Hant_HK.res), or None for shared data."""
    tree, _, leaf = name.rpartition("/")
    stem, dot, extension = leaf.rpartition(".")
    if not dot or extension != "res" or stem in ("res_index", "pool"):
        return None
    if tree or re.fullmatch(r"[a-z]{2,3}(_[A-Za-z0-9]+)*|root", stem):
        return stem
    return None  # supplementalData.res, zoneinfo64.res, ...: data every locale uses


def unused_items(items: list[str]) -> list[str]:
    dropped = []
    for name in items:
        locale = _locale_item(name)
        if (
            name.startswith(_UNUSED_TREES)
            or name.endswith(".cnv")
            or (locale is not None and locale.split("_")[0] not in KEPT_LANGUAGES)
        ):
            dropped.append(name)
    return dropped


def _package_data(library: Path) -> tuple[str, bytes]:
    """The ICU common-data package the library exports, and its entry point name (icudt73)."""
    match = re.fullmatch(r"libicudata\.so\.(\d+)(\..*)?", library.name)
    if not match:
        raise SystemExit(f"{library}: not an ICU data library")
    entry = f"icudt{match.group(1)}"
    symbols = _run(_tool("nm"), "-D", "--defined-only", "-S", library)
    found = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) R {entry}_dat$", symbols, re.M)
    if not found:
        raise SystemExit(f"{library}: no {entry}_dat symbol (an ICU data stub?)")
    address, size = int(found.group(1), 16), int(found.group(2), 16)
    # The data sits in the first (read-only) segment, loaded at address 0: file offset == address.
    headers = _run(_tool("readelf"), "-l", "-W", library)
    first_load = re.search(r"^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", headers, re.M)
    if not first_load or int(first_load.group(1), 16) != int(first_load.group(2), 16):
        raise SystemExit(f"{library}: unexpected layout; cannot find the data in the file")
    data = library.read_bytes()[address : address + size]
    return entry, data


def slim(library: Path, workdir: Path) -> Path:
    """Write workdir/libicudata.so.<N> with the unused items left out; return its path."""
    icupkg, genccode, ld = _tool("icupkg"), _tool("genccode"), _tool("ld")
    entry, data = _package_data(library)
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "in").mkdir(parents=True)
    (workdir / "out").mkdir()
    package = f"{entry}l"  # icupkg checks that the items' prefix matches the file name
    full = workdir / "in" / f"{package}.dat"
    full.write_bytes(data)
    items = _run(icupkg, "-l", full).split()
    dropped = set(unused_items(items))
    slimmed = workdir / "out" / f"{package}.dat"
    for _attempt in range(50):
        (workdir / "drop.txt").write_text("\n".join(sorted(dropped)) + "\n", encoding="utf-8")
        result = subprocess.run(
            [icupkg, "-r", str(workdir / "drop.txt"), str(full), str(slimmed)], capture_output=True, text=True
        )
        if result.returncode == 0:
            break
        # A kept item needs a dropped one (rbnf/zh_Hant_HK.res needs rbnf/yue.res): keep that one too.
        needed = set(re.findall(r"depends on missing item (\S+)", result.stdout + result.stderr))
        if not needed & dropped:
            raise SystemExit(f"icupkg failed:\n{result.stdout}{result.stderr}")
        dropped -= needed
    else:
        raise SystemExit("icupkg: too many missing dependencies")
    # genccode -o writes an ELF object for the architecture of the given file (-m), here the original.
    _run(genccode, "-q", "-o", "-m", library, "-e", entry, "-d", workdir, slimmed)
    out = workdir / library.name
    _run(ld, "-shared", "-soname", library.name, "-z", "noexecstack", "-o", out, workdir / f"{package}_dat.o")
    if f"{entry}_dat" not in _run(_tool("nm"), "-D", "--defined-only", out):
        raise SystemExit(f"{out}: the {entry}_dat entry point is missing")
    return out


if __name__ == "__main__":
    print(slim(Path(sys.argv[1]), Path(sys.argv[2])))

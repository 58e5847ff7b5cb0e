"""Reading and atomically replacing the INI files settings live in (plain configparser, no
interpolation, because IT writes the system file with the WiX IniFile table)."""

from __future__ import annotations

import configparser
import contextlib
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from app import APP_ID

logger = logging.getLogger(__name__)

SECTION = APP_ID
FILE_HEADER = "# CCC Break settings. Credentials are never stored here; they are in the system keyring.\n"


class Unreadable(Exception):
    """A settings file exists but cannot be parsed (bad INI, binary junk, wrong encoding)."""


def new_parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, default_section="\x00defaults")
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    return parser


def _decode(data: bytes) -> str:
    # Windows INI tools may write UTF-16 with a BOM.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    if "\x00" in text:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "binary data")
    return text


def read_parser(path: Path) -> configparser.ConfigParser | None:
    """The parsed file, None when it does not exist; OSError when unreadable, Unreadable when damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    parser = new_parser()
    try:
        parser.read_string(_decode(data), source=str(path))
    except (UnicodeError, configparser.Error) as error:
        raise Unreadable(str(error)) from None
    return parser


def section_items(parser: configparser.ConfigParser) -> list[tuple[str, str]]:
    if not parser.has_section(SECTION):
        return []
    return [(key.strip().lower(), value) for key, value in parser.items(SECTION, raw=True)]


def back_up_damaged(path: Path) -> Path | None:
    """Move a damaged file aside as `<name>.corrupt-<time>`; None when it cannot be moved."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():  # two damaged files in the same second must not overwrite each other
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, backup)
    except OSError as error:
        logger.warning("Cannot move damaged settings file %s aside: %s", path, error)
        return None
    return backup


def replace_atomically(path: Path, parser: configparser.ConfigParser) -> None:
    """Write `parser` to `path` through a temporary file (0600 on Unix) and an atomic rename."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(FILE_HEADER)
            parser.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    if os.name == "posix":
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)

"""Settings on Windows live where Windows says, whatever an agent sets in their environment."""

from __future__ import annotations

import ctypes
import uuid
from pathlib import Path

import pytest

from app.core.settings.paths import default_config_paths

pytestmark = pytest.mark.windows_only

FOLDERID_PROGRAM_DATA = uuid.UUID("62AB5D82-FDC1-4DC3-A9DD-070D1D495D97")
FOLDERID_LOCAL_APP_DATA = uuid.UUID("F1B32785-6FBA-4FCF-9D55-7B8E7F157091")
FOLDERID_ROAMING_APP_DATA = uuid.UUID("3EB685DB-65F9-4CF6-A03A-E3EF65729F3D")


def known_folder(folder: uuid.UUID) -> Path:
    """The folder as the shell reports it (SHGetKnownFolderPath), the source of truth on Windows."""
    guid = (ctypes.c_ubyte * 16).from_buffer_copy(folder.bytes_le)
    found = ctypes.c_wchar_p()
    assert ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(found)) == 0
    try:
        return Path(str(found.value))
    finally:
        ctypes.windll.ole32.CoTaskMemFree(found)


def test_programdata_and_the_user_folders_come_from_the_shell_not_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An agent who points ProgramData, APPDATA or LOCALAPPDATA elsewhere for their session moves neither
    IT's organisation file nor their own files (platformdirs asks the shell on Windows). Their settings
    are in the roaming folder, which follows them from desk to desk; this PC's own files stay local."""
    monkeypatch.delenv("CCC_BREAK_CONFIG_DIR")
    monkeypatch.delenv("CCC_BREAK_SYSTEM_CONFIG")
    monkeypatch.setenv("ProgramData", str(tmp_path / "agent-programdata"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "agent-local"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "agent-roaming"))

    paths = default_config_paths()

    assert paths.system_files == (known_folder(FOLDERID_PROGRAM_DATA) / "ccc-break" / "ccc-break.ini",)
    assert paths.user_file == known_folder(FOLDERID_ROAMING_APP_DATA) / "ccc-break" / "ccc-break.ini"
    assert paths.local_dir == known_folder(FOLDERID_LOCAL_APP_DATA) / "ccc-break"
    assert paths.earlier_user_file == paths.local_dir / "ccc-break.ini"
    assert str(tmp_path) not in str(paths.user_file) + str(paths.local_dir)

"""Organisation locks that hold: what IT would notice if an agent could escape a lock.

The organisation's file is trusted to lock only when an administrator owns it (root, not writable by
group or others, in a folder that is likewise). CI runs as root, so these tests create such files for
real; a file "of the agent's own" is given to uid 65534 (nobody) when running as root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.settings.paths import ConfigPaths, default_config_paths, is_admin_owned
from app.core.settings.store import ConfigStore
from app.core.signature_scheme import SignatureScheme

NOBODY = 65534


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def admin_file(path: Path, text: str) -> Path:
    """A file as IT installs it: owned by root, 0644, in a root-owned 0755 folder."""
    if os.geteuid() != 0:
        pytest.fail("these tests create a root-owned organisation file: run them as root (CI does)")
    write(path, text)
    for target, mode in ((path, 0o644), (path.parent, 0o755)):
        os.chown(target, 0, 0)
        os.chmod(target, mode)
    return path


def own_file(path: Path, text: str) -> Path:
    """A file the agent wrote: owned by the agent (nobody, when the tests run as root)."""
    write(path, text)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
        os.chown(path.parent, NOBODY, NOBODY)
    return path


def xdg_file(directory: Path) -> Path:
    return directory / "ccc-break" / "ccc-break.ini"


@pytest.mark.linux_only
def test_xdg_config_dirs_pointing_at_the_agents_own_folder_cannot_lock_or_replace_locked_values(
    tmp_path: Path,
) -> None:
    """An agent who puts a folder of their own first in XDG_CONFIG_DIRS must not get a different region
    than IT locked, nor lock settings of their own; IT sees the ignored locks reported."""
    org = admin_file(xdg_file(tmp_path / "org"), "[ccc-break]\nregion = cn-beijing\nlocked = region, signature\n")
    mine = own_file(
        xdg_file(tmp_path / "mine"),
        "[ccc-break]\nregion = eu-central-1\nsignature = v2\ninstance_id = ccc-evil\npoll_interval = 60\n"
        "locked = instance_id\n",
    )
    environ = {
        "HOME": str(tmp_path / "home"),
        "CCC_BREAK_CONFIG_DIR": str(tmp_path / "user"),
        "XDG_CONFIG_DIRS": f"{tmp_path / 'mine'}:{tmp_path / 'org'}",
    }
    write(tmp_path / "user" / "ccc-break.ini", "[ccc-break]\ninstance_id = ccc-mine\n")

    loaded = ConfigStore(default_config_paths(environ=environ, platform="linux")).load()

    assert loaded.settings.region == "cn-beijing"
    assert loaded.settings.signature is SignatureScheme.V3  # locked at the built-in value, not the agent's v2
    assert loaded.origins["region"] == "locked by organisation"
    assert "instance_id" not in loaded.locked
    assert loaded.settings.instance_id == "ccc-mine"
    assert loaded.settings.poll_interval == 60  # a default from any system file is fine
    assert any(str(mine) in p and "lock" in p for p in loaded.problems)
    assert org in loaded.sources


@pytest.mark.linux_only
def test_empty_ccc_break_system_config_does_not_disable_the_organisation_file(tmp_path: Path) -> None:
    """`CCC_BREAK_SYSTEM_CONFIG=` (empty) must not switch off IT's locks."""
    assert default_config_paths(
        environ={"CCC_BREAK_SYSTEM_CONFIG": "", "HOME": "/h"}, platform="linux"
    ).system_files == (Path("/etc/xdg/ccc-break/ccc-break.ini"),)
    admin_file(xdg_file(tmp_path / "org"), "[ccc-break]\nregion = cn-beijing\nlocked = region\n")
    write(tmp_path / "user" / "ccc-break.ini", "[ccc-break]\nregion = eu-central-1\n")
    environ = {
        "HOME": str(tmp_path / "home"),
        "CCC_BREAK_CONFIG_DIR": str(tmp_path / "user"),
        "CCC_BREAK_SYSTEM_CONFIG": "",
        "XDG_CONFIG_DIRS": str(tmp_path / "org"),
    }

    loaded = ConfigStore(default_config_paths(environ=environ, platform="linux")).load()

    assert loaded.settings.region == "cn-beijing"
    assert loaded.is_locked("region")


@pytest.mark.linux_only
def test_ccc_break_system_config_naming_the_agents_own_file_neither_locks_nor_unlocks(tmp_path: Path) -> None:
    """`CCC_BREAK_SYSTEM_CONFIG=~/mine.ini` must not replace IT's file (and its locks), and locks in a file
    the agent owns do not count; a root-owned file named that way may lock (an IT trial)."""
    admin_file(xdg_file(tmp_path / "org"), "[ccc-break]\nregion = cn-beijing\nlocked = region\n")
    mine = own_file(
        tmp_path / "mine" / "it.ini",
        "[ccc-break]\nregion = eu-central-1\ninstance_id = ccc-evil\nlocked = instance_id\n",
    )
    environ = {
        "HOME": str(tmp_path / "home"),
        "CCC_BREAK_CONFIG_DIR": str(tmp_path / "user"),
        "CCC_BREAK_SYSTEM_CONFIG": str(mine),
        "XDG_CONFIG_DIRS": str(tmp_path / "org"),
    }

    loaded = ConfigStore(default_config_paths(environ=environ, platform="linux")).load()

    assert loaded.settings.region == "cn-beijing" and loaded.is_locked("region")
    assert not loaded.is_locked("instance_id")
    assert loaded.settings.instance_id == "ccc-evil"  # a default only

    trial = admin_file(tmp_path / "trial" / "it.ini", "[ccc-break]\ninstance_id = ccc-trial\nlocked = instance_id\n")
    environ["CCC_BREAK_SYSTEM_CONFIG"] = str(trial)
    trial_loaded = ConfigStore(default_config_paths(environ=environ, platform="linux")).load()
    assert trial_loaded.is_locked("instance_id") and trial_loaded.settings.instance_id == "ccc-trial"
    assert trial_loaded.is_locked("region")  # IT's own file still applies


@pytest.fixture
def paths(tmp_path: Path) -> ConfigPaths:
    return ConfigPaths(
        user_file=tmp_path / "user" / "ccc-break.ini", system_files=(tmp_path / "org" / "ccc-break.ini",)
    )


@pytest.mark.linux_only
def test_a_locked_region_also_locks_the_endpoint(paths: ConfigPaths) -> None:
    """With the region locked, an agent's own endpoint (file or --endpoint) must not send requests to
    another region or service; the ignored flag is reported."""
    admin_file(paths.system_files[0], "[ccc-break]\nregion = ap-southeast-1\nlocked = region\n")
    write(paths.user_file, "[ccc-break]\nendpoint = https://elsewhere.example\n")

    loaded = ConfigStore(paths).load()
    flagged = ConfigStore(paths).load(overrides={"endpoint": "https://flag.example"})

    for result in (loaded, flagged):
        assert (
            result.settings.endpoint_url() == "https://ccc.aliyuncs.com"
        )  # the SDK maps this region to the central endpoint
        assert result.is_locked("endpoint")
        assert result.origins["endpoint"] == "locked by organisation"
    assert "--endpoint was ignored: endpoint is locked by your organisation" in flagged.problems


@pytest.mark.linux_only
def test_a_locked_region_keeps_the_endpoint_the_organisation_set(paths: ConfigPaths) -> None:
    """IT may set its own endpoint next to a locked region; that endpoint is then the locked one."""
    admin_file(
        paths.system_files[0],
        "[ccc-break]\nregion = ap-southeast-1\nendpoint = https://ccc.internal.example\nlocked = region\n",
    )
    write(paths.user_file, "[ccc-break]\nendpoint = https://elsewhere.example\n")

    loaded = ConfigStore(paths).load()

    assert loaded.settings.endpoint_url() == "https://ccc.internal.example"
    assert loaded.is_locked("endpoint")


@pytest.mark.linux_only
def test_a_locked_empty_endpoint_also_locks_the_region(paths: ConfigPaths) -> None:
    """`locked = endpoint` without an endpoint means "the region's endpoint": the agent's region must not
    move it."""
    admin_file(paths.system_files[0], "[ccc-break]\nregion = cn-beijing\nlocked = endpoint\n")
    write(paths.user_file, "[ccc-break]\nregion = eu-central-1\n")

    loaded = ConfigStore(paths).load(overrides={"region": "us-west-1"})

    assert loaded.settings.endpoint_url() == "https://ccc.aliyuncs.com"  # cn-beijing: the central endpoint
    assert loaded.is_locked("region")
    assert "--region was ignored: region is locked by your organisation" in loaded.problems


@pytest.mark.linux_only
@pytest.mark.parametrize("section", ["ccc_break", "CCC-Break", "ccc break"])
def test_a_misspelled_section_in_the_organisation_file_is_reported(paths: ConfigPaths, section: str) -> None:
    """IT who writes [ccc_break] would otherwise see none of its values or locks apply, and no message."""
    admin_file(paths.system_files[0], f"[{section}]\nregion = cn-beijing\nlocked = region\n")

    loaded = ConfigStore(paths).load()

    assert any(f"[{section}]" in p and str(paths.system_files[0]) in p for p in loaded.problems)


@pytest.mark.linux_only
def test_an_unknown_key_in_the_organisation_file_is_reported(paths: ConfigPaths) -> None:
    """A typo such as `pol_interval` in IT's file is named, not silently ignored."""
    admin_file(paths.system_files[0], "[ccc-break]\npol_interval = 30\nregion = cn-beijing\n")

    loaded = ConfigStore(paths).load()

    assert any("'pol_interval'" in p and str(paths.system_files[0]) in p for p in loaded.problems)
    assert loaded.settings.region == "cn-beijing"


@pytest.mark.linux_only
def test_a_bad_organisation_config_reports_every_problem_and_leaves_no_empty_lock(tmp_path: Path) -> None:
    """Every mistake in IT's files is listed (not only the last), and a locked key with a bad or missing
    value is locked at the built-in default and reported, never left empty."""
    first = admin_file(
        tmp_path / "a" / "ccc-break.ini",
        "[ccc-break]\npoll_interval = 2\nsignature = v9\ninstance_id =\ncolour = red\n"
        "locked = poll_interval, signature, instance_id, user_id\n",
    )
    second = admin_file(tmp_path / "b" / "ccc-break.ini", "[ccc-break]\nrequest_timeout = 500\n[extra]\nx = 1\n")
    write(tmp_path / "user.ini", "[ccc-break]\npoll_interval = 30\ninstance_id = ccc-mine\n")

    loaded = ConfigStore(ConfigPaths(tmp_path / "user.ini", (first, second))).load()

    assert loaded.settings.poll_interval == 15 and loaded.is_locked("poll_interval")
    assert loaded.settings.signature is SignatureScheme.V3 and loaded.is_locked("signature")
    text = "\n".join(loaded.problems)
    for needle in ("'poll_interval'", "'signature'", "'instance_id'", "'colour'", "'request_timeout'"):
        assert needle in text, needle
    # A locked empty user ID is usable (the key's own agent acts), so it is no problem.
    assert loaded.is_locked("user_id") and loaded.settings.user_id == ""
    assert "[extra]" in text
    assert str(first) in text and str(second) in text


@pytest.mark.linux_only
def test_a_command_line_flag_cannot_beat_a_lock_and_says_so(paths: ConfigPaths) -> None:
    """`ccc-break --signature v2 --instance-id x` must not escape IT's locks; each ignored flag is named
    so the agent knows why it had no effect, and a flag for an unlocked key still applies."""
    admin_file(
        paths.system_files[0], "[ccc-break]\ninstance_id = ccc-org\nsignature = v3\nlocked = instance_id, signature\n"
    )

    loaded = ConfigStore(paths).load(overrides={"signature": "v2", "instance_id": "ccc-mine", "user_id": "a@b"})

    assert loaded.settings.signature is SignatureScheme.V3
    assert loaded.settings.instance_id == "ccc-org"
    assert loaded.settings.user_id == "a@b"
    assert loaded.origins["instance_id"] == "locked by organisation"
    assert "--signature was ignored: signature is locked by your organisation" in loaded.problems
    assert "--instance-id was ignored: instance_id is locked by your organisation" in loaded.problems


@pytest.mark.linux_only
def test_whatever_the_agent_sets_a_lock_keeps_the_organisation_value(tmp_path: Path) -> None:
    """Own file, XDG_CONFIG_HOME, XDG_CONFIG_DIRS, CCC_BREAK_SYSTEM_CONFIG and a flag all at once: the
    locked region stays IT's."""
    admin_file(xdg_file(tmp_path / "org"), "[ccc-break]\nregion = cn-beijing\nlocked = region\n")
    own_file(xdg_file(tmp_path / "mine"), "[ccc-break]\nregion = eu-central-1\nlocked = instance_id\n")
    own_file(tmp_path / "cfg" / "ccc-break" / "ccc-break.ini", "[ccc-break]\nregion = eu-central-1\nlocked =\n")
    environ = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_CONFIG_DIRS": f"{tmp_path / 'mine'}:{tmp_path / 'org'}",
        "CCC_BREAK_SYSTEM_CONFIG": str(tmp_path / "nowhere.ini"),
    }

    loaded = ConfigStore(default_config_paths(environ=environ, platform="linux")).load(
        overrides={"region": "us-west-1"}
    )

    assert loaded.settings.region == "cn-beijing" and loaded.is_locked("region")
    assert loaded.settings.endpoint_url() == "https://ccc.aliyuncs.com"  # cn-beijing: the central endpoint
    assert "--region was ignored: region is locked by your organisation" in loaded.problems


@pytest.mark.linux_only
def test_the_admin_owned_predicate_accepts_only_root_owned_files_others_cannot_write(tmp_path: Path) -> None:
    """The real ownership test behind the locks: a root-owned 0644 file in a root-owned folder counts;
    the agent's own file, a group/world-writable file or folder does not."""
    if os.geteuid() == 0:
        good = admin_file(tmp_path / "org" / "it.ini", "[ccc-break]\n")
        assert is_admin_owned(good)
        os.chmod(good, 0o664)
        assert not is_admin_owned(good), "group-writable file"
        os.chmod(good, 0o644)
        os.chmod(good.parent, 0o777)  # noqa: S103 - the case under test
        assert not is_admin_owned(good), "world-writable folder"
        os.chmod(good.parent, 0o755)  # noqa: S103 - back to how IT installs it
        assert is_admin_owned(good)
    else:
        assert is_admin_owned(Path("/etc/passwd"))
    mine = own_file(tmp_path / "mine" / "it.ini", "[ccc-break]\n")
    assert not is_admin_owned(mine)
    assert not is_admin_owned(tmp_path / "missing" / "it.ini")


@pytest.mark.linux_only
def test_the_demo_is_not_aimed_at_the_real_service_by_a_lock(tmp_path: Path) -> None:
    """A trainer runs --demo on a desktop whose organisation locks the endpoint and instance: the demo
    must still talk to its own simulator as its demo agent, not to the real contact centre."""
    from app.core.startup import DEMO_INSTANCE_ID, DEMO_USER_ID, build_context

    org = admin_file(
        tmp_path / "org" / "ccc-break.ini",
        "[ccc-break]\nendpoint = https://ccc.cn-shanghai.aliyuncs.com\ninstance_id = ccc-prod\n"
        "break_codes = coffee | Coffee | 10\nlocked = endpoint, instance_id, break_codes\n",
    )
    environ = {"CCC_BREAK_CONFIG_DIR": str(tmp_path / "user"), "CCC_BREAK_SYSTEM_CONFIG": str(org)}
    demo = build_context({"endpoint": "http://127.0.0.1:8787"}, demo=True, environ=environ).loaded
    assert demo.settings.endpoint == "http://127.0.0.1:8787"
    assert (demo.settings.instance_id, demo.settings.user_id) == (DEMO_INSTANCE_ID, DEMO_USER_ID)
    assert [code.code for code in demo.settings.break_codes] == ["coffee"], "its other locks still hold"
    assert demo.is_locked("break_codes") and not demo.is_locked("endpoint")
    assert not any("ignored" in problem for problem in demo.problems), demo.problems
    real = build_context({"endpoint": "http://127.0.0.1:8787"}, environ=environ).loaded
    assert real.settings.instance_id == "ccc-prod" and real.settings.endpoint.startswith("https://ccc.cn-shanghai")


def test_on_windows_a_file_the_agent_names_cannot_lock_or_replace_locked_values(tmp_path: Path) -> None:
    """Windows does not check who owns the settings files, so the file CCC_BREAK_SYSTEM_CONFIG names
    (read first, and an agent can set that variable) may give defaults but never locks or a locked
    value: IT's %ProgramData% file keeps its locks."""
    program_data = tmp_path / "ProgramData"
    mine = write(
        tmp_path / "mine.ini",
        "[ccc-break]\nendpoint = https://ccc-mine.example\npoll_interval = 5\nsignature = v2\nlocked = signature\n",
    )
    environ = {"LOCALAPPDATA": str(tmp_path / "local"), "CCC_BREAK_SYSTEM_CONFIG": str(mine)}
    paths = default_config_paths(environ=environ, platform="win32")
    assert paths.system_files[0] == mine and str(paths.system_files[-1]).endswith("ccc-break.ini")
    # IT's file stands in a temporary folder: on Windows the real %ProgramData% comes from the shell,
    # whatever the environment says (tests/windows/test_windows_paths.py checks that).
    paths = paths._replace(
        user_file=tmp_path / "local" / "ccc-break" / "ccc-break.ini",
        system_files=(mine, program_data / "ccc-break" / "ccc-break.ini"),
    )
    write(
        paths.system_files[-1],
        "[ccc-break]\nendpoint = https://ccc-org.example\npoll_interval = 60\nlocked = endpoint, poll_interval\n",
    )
    loaded = ConfigStore(paths, is_admin_owned=lambda _path: True).load()  # Windows: owners are not checked
    assert loaded.settings.endpoint == "https://ccc-org.example" and loaded.settings.poll_interval == 60
    assert loaded.is_locked("endpoint") and not loaded.is_locked("signature")
    assert loaded.settings.signature is SignatureScheme.V2, "its values still serve as defaults"


@pytest.mark.linux_only
def test_the_auto_ready_policy_comes_only_from_the_organisations_own_file(tmp_path: Path) -> None:
    """Setting agents Ready after an overrun is IT's rule: an agent's own file (or a system file the
    agent owns) can neither switch it on nor off, and IT's daily allowances arrive with the codes."""
    admin_file(
        xdg_file(tmp_path / "org"),
        "[ccc-break]\nauto_ready_after_overrun = 10\nbreak_codes = lunch | Lunch | 60 | 60; default | Break | 15\n"
        "locked = break_codes\n",
    )
    write(tmp_path / "user" / "ccc-break.ini", "[ccc-break]\nauto_ready_after_overrun = 0\noverrun_sound = true\n")
    environ = {
        "HOME": str(tmp_path / "home"),
        "CCC_BREAK_CONFIG_DIR": str(tmp_path / "user"),
        "XDG_CONFIG_DIRS": str(tmp_path / "org"),
    }
    store = ConfigStore(default_config_paths(environ=environ, platform="linux"))
    loaded = store.load()
    assert loaded.settings.auto_ready_after_overrun == 10
    assert loaded.settings.overrun_sound is True  # the agent's own choice
    assert loaded.settings.break_codes[0].daily_minutes == 60
    assert any("auto_ready_after_overrun" in p and "policy" in p for p in loaded.problems)
    store.save(loaded.settings.replace(auto_ready_after_overrun=0))
    assert "auto_ready_after_overrun" not in (tmp_path / "user" / "ccc-break.ini").read_text(encoding="utf-8")

    mine = own_file(xdg_file(tmp_path / "mine"), "[ccc-break]\nauto_ready_after_overrun = 1\n")
    environ["XDG_CONFIG_DIRS"] = str(mine.parent.parent)
    (tmp_path / "user" / "ccc-break.ini").unlink()
    assert (
        ConfigStore(default_config_paths(environ=environ, platform="linux")).load().settings.auto_ready_after_overrun
        == 0
    )

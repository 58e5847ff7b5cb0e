"""Settings files: what an agent or IT would notice if layering, locking, saving or recovery broke."""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.models import BreakCode
from app.core.settings.model import BUILT_IN, DEFAULT_BREAK_CODES, SETTING_KEYS, Settings
from app.core.settings.paths import ConfigPaths, default_config_paths, default_log_dir
from app.core.settings.store import ConfigStore
from app.core.settings.values import (
    format_break_codes,
    parse_break_codes,
    parse_setting,
    validate_setting,
    validate_settings,
)
from app.core.signature_scheme import SignatureScheme


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def read_user_section(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser.items("ccc-break")) if parser.has_section("ccc-break") else {}


@pytest.fixture
def paths(tmp_path: Path) -> ConfigPaths:
    return ConfigPaths(
        user_file=tmp_path / "user" / "ccc-break.ini",
        system_files=(tmp_path / "system" / "ccc-break.ini",),
    )


def trusting(paths: ConfigPaths) -> ConfigStore:
    """A store that takes every system file as admin-owned: these tests are about layering; who may
    lock is tested in test_locks.py."""
    return ConfigStore(paths, is_admin_owned=lambda _path: True)


@pytest.fixture
def store(paths: ConfigPaths) -> ConfigStore:
    return trusting(paths)


VALID = Settings(instance_id="ccc-test", user_id="user-test@ccc-test", device_id="ccc-break-1")


# --- precedence --------------------------------------------------------------------------------------


def test_precedence_locks_then_command_line_then_user_then_system_then_built_in(
    paths: ConfigPaths, store: ConfigStore
) -> None:
    write(
        paths.system_files[0],
        "[ccc-break]\n"
        "region = ap-southeast-1\n"
        "instance_id = ccc-org\n"
        "endpoint = https://ccc.internal.example\n"
        "poll_interval = 30\n"
        "signature = v2\n"
        "locked = endpoint, poll_interval, signature\n",
    )
    write(
        paths.user_file,
        "[ccc-break]\n"
        "endpoint = https://elsewhere.example\n"  # tries to escape the lock
        "poll_interval = 60\n"  # tries to escape the lock
        "instance_id = ccc-mine\n"
        "user_id = alice@ccc-test\n",
    )

    loaded = store.load(overrides={"signature": "v3", "request_timeout": "20"})

    s = loaded.settings
    assert s.signature is SignatureScheme.V2  # the lock beats the command line
    assert s.request_timeout == 20.0
    assert s.endpoint == "https://ccc.internal.example"  # locked value wins over the user's
    assert s.poll_interval == 30
    assert s.instance_id == "ccc-mine"  # the user's own choice beats the organisation default
    assert s.region == "ap-southeast-1"  # organisation default
    assert s.launch_at_login is False  # built-in
    assert loaded.origins["signature"] == "locked by organisation"
    assert loaded.origins["request_timeout"] == "command line"
    assert loaded.origins["endpoint"] == "locked by organisation"
    assert loaded.origins["poll_interval"] == "locked by organisation"
    assert loaded.origins["instance_id"] == "user"
    assert loaded.origins["user_id"] == "user"
    assert loaded.origins["region"] == "organisation default"
    assert loaded.origins["launch_at_login"] == "built-in"
    assert set(loaded.origins) == set(SETTING_KEYS)
    assert loaded.is_locked("endpoint") and not loaded.is_locked("region")
    assert loaded.sources == (paths.system_files[0], paths.user_file)
    assert loaded.problems == ("--signature was ignored: signature is locked by your organisation",)


def test_a_locked_key_the_system_file_does_not_set_is_locked_at_the_built_in_value(
    paths: ConfigPaths, store: ConfigStore
) -> None:
    write(paths.system_files[0], "[ccc-break]\nlocked = launch_at_login\n")
    write(paths.user_file, "[ccc-break]\nlaunch_at_login = yes\n")

    loaded = store.load()

    assert loaded.settings.launch_at_login is False
    assert loaded.origins["launch_at_login"] == "locked by organisation"


def test_lock_syntax_is_forgiving_about_case_and_spacing_and_reports_unknown_names(
    paths: ConfigPaths, store: ConfigStore
) -> None:
    write(paths.system_files[0], "[ccc-break]\nLocked =  Region ,endpoint;\n\tdevice_id , colour\n")

    loaded = store.load()

    assert loaded.locked == frozenset({"region", "endpoint", "device_id"})
    assert any("colour" in problem for problem in loaded.problems)


def test_locked_in_the_users_own_file_locks_nothing(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.user_file, "[ccc-break]\nlocked = region\nregion = eu-central-1\n")

    loaded = store.load()

    assert loaded.locked == frozenset()
    assert loaded.settings.region == "eu-central-1"


def test_first_system_directory_wins_per_key_and_locks_add_up(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "ccc-break.ini", "[ccc-break]\nregion = cn-beijing\nlocked = region\n")
    second = write(
        tmp_path / "b" / "ccc-break.ini",
        "[ccc-break]\nregion = cn-hangzhou\ninstance_id = ccc-b\nlocked = instance_id\n",
    )
    store = trusting(ConfigPaths(tmp_path / "user.ini", (first, second)))

    loaded = store.load()

    assert loaded.settings.region == "cn-beijing"
    assert loaded.settings.instance_id == "ccc-b"
    assert loaded.locked == frozenset({"region", "endpoint", "instance_id"})  # a locked region locks the endpoint


def test_bad_command_line_value_is_refused_with_the_key_named(store: ConfigStore) -> None:
    with pytest.raises(ConfigError, match="poll_interval"):
        store.load(overrides={"poll_interval": "2"})
    with pytest.raises(ConfigError, match="colour"):
        store.load(overrides={"colour": "red"})


def test_options_not_given_on_the_command_line_do_not_override(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.user_file, "[ccc-break]\nregion = eu-central-1\n")

    loaded = store.load(overrides={"region": None, "poll_interval": 20})

    assert loaded.settings.region == "eu-central-1"
    assert loaded.settings.poll_interval == 20


# --- break codes -------------------------------------------------------------------------------------


def test_break_codes_one_per_line(paths: ConfigPaths, store: ConfigStore) -> None:
    write(
        paths.user_file,
        "[ccc-break]\nbreak_codes =\n    coffee | Coffee | 10\n    bio|Bio break\n    admin\n",
    )

    codes = store.load().settings.break_codes

    assert codes == (BreakCode("coffee", "Coffee", 10), BreakCode("bio", "Bio break"), BreakCode("admin"))


def test_break_codes_on_one_line_as_windows_installers_write_them(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.system_files[0], "[ccc-break]\nbreak_codes = coffee|Coffee|10; lunch | Lunch | 45 ;\n")

    loaded = store.load()

    assert loaded.settings.break_codes == (BreakCode("coffee", "Coffee", 10), BreakCode("lunch", "Lunch", 45))
    assert loaded.origins["break_codes"] == "organisation default"


def test_built_in_break_codes() -> None:
    assert BUILT_IN.break_codes == DEFAULT_BREAK_CODES
    assert parse_break_codes("default|Break|15 ; lunch|Lunch|60 ; meeting|Meeting| ; training|Training|") == (
        DEFAULT_BREAK_CODES
    )


@pytest.mark.parametrize(
    "text",
    [
        "|No code|5",
        "a|b|c|d",
        "a|b|5|6|7",
        "coffee|Coffee|ten",
        "coffee|Coffee|0",
        "coffee|Coffee|5|0",
        "coffee|Coffee|5|lots",
        "a|A; a|Again",
        "",
        " ; ",
    ],
)
def test_bad_break_codes_are_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="break_codes"):
        parse_setting("break_codes", text)


def test_a_daily_allowance_is_the_fourth_part_of_a_break_code() -> None:
    assert parse_break_codes("lunch | Lunch | 60 | 75; default | Break | | 30") == (
        BreakCode("lunch", "Lunch", 60, 75),
        BreakCode("default", "Break", None, 30),
    )


def test_break_codes_round_trip_through_the_file_format() -> None:
    codes = (BreakCode("a", "A", 5), BreakCode("b", "B"), BreakCode("c"), BreakCode("d", "D", None, 90))
    assert parse_break_codes(format_break_codes(codes)) == codes
    assert parse_break_codes(format_break_codes(codes, "; ")) == codes


# --- damaged input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is not an ini file\n",
        b"\x00\x01\x02\xff\xfe\x00garbage" * 20,
        b"[ccc-break]\nregion = cn-shanghai\n" + b"\xc3\x28 broken utf-8\n",
        b"[ccc-break\nregion = x\n",
    ],
    ids=["not-ini", "binary", "bad-encoding", "broken-header"],
)
def test_damaged_user_file_is_kept_as_a_backup_and_defaults_are_used(
    paths: ConfigPaths, store: ConfigStore, content: bytes
) -> None:
    paths.user_file.parent.mkdir(parents=True)
    paths.user_file.write_bytes(content)

    loaded = store.load()

    backups = list(paths.user_file.parent.glob("ccc-break.ini.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == content  # nothing lost
    assert loaded.settings.region == BUILT_IN.region
    assert loaded.settings.break_codes == DEFAULT_BREAK_CODES
    assert any(
        f"Your settings file was damaged; it was kept as {backups[0]} and defaults are used." == problem
        for problem in loaded.problems
    )
    # The app still starts with a fresh file for the generated device ID.
    assert read_user_section(paths.user_file)["device_id"] == loaded.settings.device_id


def test_damaged_user_file_still_lets_the_organisation_settings_apply(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.system_files[0], "[ccc-break]\ninstance_id = ccc-org\n")
    paths.user_file.parent.mkdir(parents=True)
    paths.user_file.write_bytes(b"\xff\x00\xfe junk")

    loaded = store.load()

    assert loaded.settings.instance_id == "ccc-org"


def test_a_single_bad_value_is_ignored_and_the_others_still_load(paths: ConfigPaths, store: ConfigStore) -> None:
    write(
        paths.user_file,
        "[ccc-break]\n"
        "poll_interval = abc\n"
        "signature = v9\n"
        "request_timeout = 500\n"
        "instance_id = ccc-test\n"
        "user_id = bob@ccc-test\n"
        "some_future_key = whatever\n",
    )

    loaded = store.load()

    assert loaded.settings.instance_id == "ccc-test"
    assert loaded.settings.user_id == "bob@ccc-test"
    assert loaded.settings.poll_interval == 15
    assert loaded.settings.signature is SignatureScheme.V3
    assert loaded.settings.request_timeout == 10.0
    assert loaded.origins["poll_interval"] == "built-in"
    assert len(loaded.problems) == 3
    for key in ("poll_interval", "signature", "request_timeout"):
        assert any(f"'{key}'" in p and str(paths.user_file) in p for p in loaded.problems)
    assert not any("some_future_key" in p for p in loaded.problems)


def test_poll_interval_below_the_minimum_falls_back_to_the_next_layer(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.system_files[0], "[ccc-break]\npoll_interval = 20\n")
    write(paths.user_file, "[ccc-break]\npoll_interval = 1\n")

    loaded = store.load()

    assert loaded.settings.poll_interval == 20
    assert loaded.origins["poll_interval"] == "organisation default"
    assert any("'poll_interval'" in p for p in loaded.problems)


def test_damaged_system_file_is_skipped_not_renamed(paths: ConfigPaths, store: ConfigStore) -> None:
    paths.system_files[0].parent.mkdir(parents=True)
    paths.system_files[0].write_bytes(b"\x00\x00 not ini")
    write(paths.user_file, "[ccc-break]\ninstance_id = ccc-mine\n")

    loaded = store.load()

    assert paths.system_files[0].exists()
    assert loaded.settings.instance_id == "ccc-mine"
    assert paths.system_files[0] not in loaded.sources
    assert any(str(paths.system_files[0]) in p for p in loaded.problems)


def test_unreadable_system_file_is_skipped(paths: ConfigPaths, store: ConfigStore) -> None:
    # A directory where the file should be cannot be read even by root (permissions can).
    paths.system_files[0].mkdir(parents=True)

    loaded = store.load()

    assert loaded.settings.region == BUILT_IN.region
    assert any("cannot be read" in p and str(paths.system_files[0]) in p for p in loaded.problems)


def test_utf8_bom_and_utf16_system_files_are_read(paths: ConfigPaths, store: ConfigStore) -> None:
    paths.system_files[0].parent.mkdir(parents=True)
    paths.system_files[0].write_bytes("[ccc-break]\r\nregion = cn-beijing\r\n".encode("utf-16"))
    write(paths.user_file, "\ufeff[ccc-break]\ninstance_id = ccc-bom\n")

    loaded = store.load()

    assert loaded.settings.region == "cn-beijing"
    assert loaded.settings.instance_id == "ccc-bom"
    assert loaded.problems == ()


def test_a_credential_typed_into_the_settings_file_is_ignored_and_removed_on_save(
    paths: ConfigPaths, store: ConfigStore
) -> None:
    write(paths.user_file, "[ccc-break]\naccess_key_secret = s3cr3t-typed-by-hand\n")

    loaded = store.load()
    store.save(loaded.settings)

    assert any("keyring" in p for p in loaded.problems)
    assert "s3cr3t-typed-by-hand" not in paths.user_file.read_text()


# --- saving ------------------------------------------------------------------------------------------


def test_save_writes_only_the_users_own_choices_atomically(paths: ConfigPaths, store: ConfigStore) -> None:
    write(
        paths.system_files[0],
        "[ccc-break]\nregion = ap-southeast-1\nendpoint = https://ccc.internal.example\nlocked = endpoint\n",
    )
    loaded = store.load()
    changed = loaded.settings.replace(
        instance_id="ccc-test",
        user_id="alice@ccc-test",
        endpoint="https://sneaky.example",  # locked: must not be written
        poll_interval=30,
        break_codes=(BreakCode("coffee", "Coffee", 10),),
    )

    store.save(changed)

    written = read_user_section(paths.user_file)
    assert written == {
        "instance_id": "ccc-test",
        "user_id": "alice@ccc-test",
        "break_codes": "coffee|Coffee|10",
        "poll_interval": "30",
        "device_id": loaded.settings.device_id,
    }
    assert sorted(p.name for p in paths.user_file.parent.iterdir()) == ["ccc-break.ini"]  # no temp file left
    if os.name == "posix":
        assert stat.S_IMODE(paths.user_file.stat().st_mode) == 0o600
    reloaded = store.load()
    assert reloaded.settings == changed.replace(endpoint="https://ccc.internal.example")
    assert reloaded.origins["region"] == "organisation default"


def test_setting_a_value_back_to_the_default_removes_it_from_the_file(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.system_files[0], "[ccc-break]\npoll_interval = 30\n")
    write(paths.user_file, "[ccc-break]\npoll_interval = 60\nregion = eu-central-1\n")
    settings = store.load().settings

    store.save(settings.replace(poll_interval=30, region=BUILT_IN.region))

    written = read_user_section(paths.user_file)
    assert "poll_interval" not in written and "region" not in written


def test_save_keeps_keys_and_sections_a_newer_version_wrote(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.user_file, "[ccc-break]\nfuture_key = keep me\n\n[window]\ngeometry = 1,2,3,4\n")
    settings = store.load().settings

    store.save(settings.replace(instance_id="ccc-test"))

    text = paths.user_file.read_text()
    assert "future_key = keep me" in text and "geometry = 1,2,3,4" in text


def test_command_line_values_are_not_saved_as_the_users_own(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.user_file, "[ccc-break]\nendpoint = https://ccc.mine.example\n")
    loaded = store.load(overrides={"endpoint": "http://127.0.0.1:8080"})

    store.save(loaded.settings.replace(poll_interval=45))

    written = read_user_section(paths.user_file)
    assert written["endpoint"] == "https://ccc.mine.example"
    assert written["poll_interval"] == "45"


def test_save_creates_missing_directories(tmp_path: Path) -> None:
    store = ConfigStore(ConfigPaths(tmp_path / "a" / "b" / "ccc-break.ini", ()))

    store.save(VALID)

    assert read_user_section(tmp_path / "a" / "b" / "ccc-break.ini")["instance_id"] == "ccc-test"


def test_save_failure_is_a_config_error_and_leaves_the_old_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file")
    store = ConfigStore(ConfigPaths(blocker / "ccc-break.ini", ()))

    with pytest.raises(ConfigError, match="could not be saved"):
        store.save(VALID)
    assert blocker.read_text() == "I am a file"


# --- device id ---------------------------------------------------------------------------------------


def test_device_id_is_generated_once_and_stays_the_same(paths: ConfigPaths, store: ConfigStore) -> None:
    first = store.load()
    second = ConfigStore(paths).load()

    assert first.settings.device_id.startswith("ccc-break-")
    assert len(first.settings.device_id) == len("ccc-break-") + 32
    assert second.settings.device_id == first.settings.device_id
    assert second.origins["device_id"] == "user"
    assert read_user_section(paths.user_file) == {"device_id": first.settings.device_id}


def test_an_unreadable_user_file_is_not_replaced_to_store_a_device_id(paths: ConfigPaths, store: ConfigStore) -> None:
    paths.user_file.mkdir(parents=True)  # unreadable as a file, even for root

    loaded = store.load()

    assert loaded.settings.device_id.startswith("ccc-break-")  # usable for this run
    assert paths.user_file.is_dir()
    assert any("cannot be read" in p for p in loaded.problems)


def test_device_id_given_by_the_organisation_is_not_replaced(paths: ConfigPaths, store: ConfigStore) -> None:
    write(paths.system_files[0], "[ccc-break]\ndevice_id = desk-42\n")

    loaded = store.load()

    assert loaded.settings.device_id == "desk-42"
    assert not paths.user_file.exists()


# --- validation --------------------------------------------------------------------------------------


def test_valid_settings_have_no_problems() -> None:
    assert validate_settings(VALID) == {}
    assert validate_settings(VALID.replace(user_id="user-test", user_domain="ccc-test")) == {}


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"user_id": "user-test"}, "user_id", "User ID must look like name@domain, e.g. user-test@ccc-test."),
        ({"user_id": "a@b@c"}, "user_id", "User ID must look like name@domain"),
        ({"instance_id": ""}, "instance_id", "Enter the contact centre instance ID"),
        ({"endpoint": "http://ccc.example.com"}, "endpoint", "Plain http:// is only allowed to this computer"),
        ({"endpoint": "ftp://127.0.0.1"}, "endpoint", "https://"),
        ({"poll_interval": 4}, "poll_interval", "at least 5"),
        ({"request_timeout": 0.5}, "request_timeout", "from 1 to 120"),
        ({"break_codes": (BreakCode("a|b"),)}, "break_codes", "must not contain |"),
        ({"break_codes": (BreakCode(""),)}, "break_codes", "needs a code"),
        ({"break_codes": (BreakCode("a"), BreakCode("a"))}, "break_codes", "listed twice"),
        ({"break_codes": ()}, "break_codes", "at least one"),
        ({"region": "Shanghai!"}, "region", "cn-shanghai"),
    ],
)
def test_validation_rejects_each_bad_field_with_a_plain_message(
    changes: dict[str, object], key: str, message: str
) -> None:
    problems = validate_settings(VALID.replace(**changes))

    assert set(problems) == {key}
    assert message in problems[key]


@pytest.mark.parametrize(
    "endpoint",
    [
        "",
        "https://ccc.cn-shanghai.aliyuncs.com",
        "http://127.0.0.1:8080",
        "http://127.9.9.9",
        "http://[::1]:9000",
        "http://localhost:8080",
    ],
)
def test_allowed_endpoints(endpoint: str) -> None:
    assert validate_setting("endpoint", endpoint) is None


def test_validate_setting_takes_text_as_typed_in_a_form() -> None:
    assert validate_setting("poll_interval", "4") is not None
    assert validate_setting("poll_interval", "abc") is not None
    assert validate_setting("poll_interval", "5") is None
    assert validate_setting("launch_at_login", "yes") is None
    assert validate_setting("signature", "v9") == "Signature must be v2 or v3."
    assert validate_setting("instance_id", "") is not None


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("poll_interval", "20", 20),
        ("request_timeout", "2.5", 2.5),
        ("launch_at_login", "Yes", True),
        ("launch_at_login", "0", False),
        ("signature", "V2", SignatureScheme.V2),
        ("endpoint", "https://x.example/", "https://x.example"),
        ("instance_id", "", ""),
    ],
)
def test_parse_setting(key: str, text: str, expected: object) -> None:
    assert parse_setting(key, text) == expected


@pytest.mark.parametrize(
    ("key", "text"),
    [("poll_interval", "abc"), ("signature", "v9"), ("launch_at_login", "maybe"), ("request_timeout", "nan")],
)
def test_parse_setting_names_the_key(key: str, text: str) -> None:
    with pytest.raises(ConfigError, match=key):
        parse_setting(key, text)


def test_endpoint_url_and_full_user_id() -> None:
    assert Settings(region="ap-southeast-1").endpoint_url() == "https://ccc.aliyuncs.com"  # as the SDK resolves it
    assert Settings(endpoint="http://127.0.0.1:9").endpoint_url() == "http://127.0.0.1:9"
    assert Settings(user_id="bob", user_domain="ccc-test").full_user_id() == "bob@ccc-test"
    assert Settings(user_id="bob@other", user_domain="ccc-test").full_user_id() == "bob@other"


# --- where the files are -----------------------------------------------------------------------------


def test_env_overrides_the_user_and_system_locations(tmp_path: Path) -> None:
    environ = {"CCC_BREAK_CONFIG_DIR": str(tmp_path / "cfg"), "CCC_BREAK_SYSTEM_CONFIG": str(tmp_path / "it.ini")}

    paths = default_config_paths(environ=environ, platform="linux")
    demo = default_config_paths("demo", environ=environ, platform="linux")

    assert paths.user_file == tmp_path / "cfg" / "ccc-break.ini"
    assert demo.user_file == tmp_path / "cfg" / "demo.ini"
    # The named file comes first; it never replaces the organisation's own (see test_locks.py).
    assert paths.system_files == (tmp_path / "it.ini", Path("/etc/xdg/ccc-break/ccc-break.ini"))


def test_linux_locations_follow_xdg() -> None:
    environ = {"HOME": "/home/agent", "XDG_CONFIG_HOME": "/home/agent/.cfg", "XDG_CONFIG_DIRS": "/opt/conf:/etc/xdg"}

    paths = default_config_paths(environ=environ, platform="linux")

    assert paths.user_file == Path("/home/agent/.cfg/ccc-break/ccc-break.ini")
    assert paths.system_files == (
        Path("/opt/conf/ccc-break/ccc-break.ini"),
        Path("/etc/xdg/ccc-break/ccc-break.ini"),
    )
    plain = default_config_paths(environ={"HOME": "/home/agent"}, platform="linux")
    assert plain.user_file == Path("/home/agent/.config/ccc-break/ccc-break.ini")
    assert plain.system_files == (Path("/etc/xdg/ccc-break/ccc-break.ini"),)


@pytest.mark.linux_only
def test_windows_settings_roam_and_this_pcs_files_stay_local() -> None:
    """An agent who hot-desks finds their settings on every PC (%APPDATA% roams with the profile); the
    window's place and a state's remembered start belong to one PC (%LOCALAPPDATA%); IT's file is under
    %ProgramData%."""
    paths = default_config_paths(
        environ={
            "ProgramData": "D:\\ProgramData",
            "APPDATA": "C:\\Users\\a\\AppData\\Roaming",
            "LOCALAPPDATA": "C:\\Users\\a\\AppData\\Local",
        },
        platform="win32",
    )

    def windows(path: Path | None) -> str:
        return str(path).replace("/", "\\")

    assert str(paths.system_files[0]) == "D:\\ProgramData\\ccc-break\\ccc-break.ini"
    assert windows(paths.user_file) == "C:\\Users\\a\\AppData\\Roaming\\ccc-break\\ccc-break.ini"
    assert windows(paths.local_dir) == "C:\\Users\\a\\AppData\\Local\\ccc-break"
    assert windows(paths.earlier_user_file) == "C:\\Users\\a\\AppData\\Local\\ccc-break\\ccc-break.ini"


def test_elsewhere_this_pcs_files_stay_beside_the_settings(tmp_path: Path) -> None:
    for paths in (
        default_config_paths(environ={"HOME": "/home/agent"}, platform="linux"),
        default_config_paths(environ={"HOME": "/Users/a"}, platform="darwin"),
        default_config_paths(environ={"CCC_BREAK_CONFIG_DIR": str(tmp_path)}, platform="win32"),
    ):
        assert paths.local_dir == paths.user_file.parent
        assert paths.earlier_user_file is None


def test_an_earlier_versions_settings_file_is_moved_once_and_nothing_is_lost(tmp_path: Path) -> None:
    """Upgrading on Windows: the file an earlier version kept in %LOCALAPPDATA% moves to %APPDATA%, with
    everything the agent set in it; a later start reads the moved file."""
    from app.core.settings.paths import ConfigPaths
    from app.core.settings.store import ConfigStore

    earlier = tmp_path / "Local" / "ccc-break" / "ccc-break.ini"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("[ccc-break]\ninstance_id = ccc-upgraded\ndevice_id = ccc-break-kept\n", encoding="utf-8")
    user_file = tmp_path / "Roaming" / "ccc-break" / "ccc-break.ini"
    paths = ConfigPaths(user_file, (), machine_dir=earlier.parent, earlier_user_file=earlier)

    settings = ConfigStore(paths).load().settings

    assert (settings.instance_id, settings.device_id) == ("ccc-upgraded", "ccc-break-kept")
    assert user_file.is_file() and not earlier.exists()
    earlier.write_text("[ccc-break]\ninstance_id = stale-copy\n", encoding="utf-8")  # e.g. restored by hand
    assert ConfigStore(paths).load().settings.instance_id == "ccc-upgraded", "the moved file wins"


def test_an_earlier_settings_file_that_cannot_move_is_still_the_agents(tmp_path: Path) -> None:
    from app.core.settings.paths import ConfigPaths
    from app.core.settings.store import ConfigStore

    earlier = tmp_path / "Local" / "ccc-break.ini"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("[ccc-break]\ninstance_id = ccc-upgraded\n", encoding="utf-8")
    blocked = tmp_path / "Roaming"
    blocked.write_text("a file where the folder should be", encoding="utf-8")

    store = ConfigStore(ConfigPaths(blocked / "ccc-break" / "ccc-break.ini", (), earlier_user_file=earlier))

    assert store.load().settings.instance_id == "ccc-upgraded"
    assert earlier.is_file()


def test_macos_system_file_is_under_library() -> None:
    paths = default_config_paths(environ={"HOME": "/Users/a"}, platform="darwin")

    assert paths.system_files == (Path("/Library/Application Support/ccc-break/ccc-break.ini"),)
    assert paths.user_file == Path("/Users/a/Library/Application Support/ccc-break/ccc-break.ini")


def test_bad_profile_name_is_refused() -> None:
    with pytest.raises(ConfigError):
        default_config_paths("../etc", environ={})


def test_log_dir_env_override(tmp_path: Path) -> None:
    assert default_log_dir({"CCC_BREAK_LOG_DIR": str(tmp_path)}) == tmp_path
    assert default_log_dir({}).name in ("log", "Logs", "ccc-break")


@pytest.mark.linux_only  # Windows and macOS ask the OS through platformdirs itself
@pytest.mark.parametrize(
    "environ",
    [
        {},  # ~/.local/state
        {"XDG_STATE_HOME": "/srv/agents/state"},
        {"XDG_STATE_HOME": ""},
    ],
)
def test_the_log_folder_on_linux_is_the_one_platformdirs_names(
    environ: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worked out by hand on Linux, to keep platformdirs (2-3 ms) off the first window: IT and the
    doctor must still find the log where every earlier version wrote it."""
    import platformdirs

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    expected = Path(platformdirs.user_log_dir("ccc-break", appauthor=False))
    assert default_log_dir({"HOME": str(tmp_path / "home"), **environ}) == expected


@pytest.mark.linux_only
def test_a_relative_xdg_state_home_is_ignored_as_the_spec_says(tmp_path: Path) -> None:
    """XDG: a relative path in the variable is invalid and ignored, or the log would follow the
    folder the widget happened to start in."""
    found = default_log_dir({"HOME": str(tmp_path), "XDG_STATE_HOME": "relative/state"})
    assert found == tmp_path / ".local" / "state" / "ccc-break" / "log"


def test_changing_the_region_keeps_the_endpoint_settings_showed(tmp_path: Path) -> None:
    """The organisation sets an endpoint as a default; the agent changes only the region in Settings:
    after saving, requests still go to the endpoint Settings showed, not silently elsewhere."""
    from app.core.settings.paths import ConfigPaths
    from app.core.settings.store import ConfigStore

    org = tmp_path / "org.ini"
    org.write_text("[ccc-break]\nendpoint = https://ccc-vpc.cn-shanghai.aliyuncs.com\n", encoding="utf-8")
    store = ConfigStore(ConfigPaths(tmp_path / "user" / "ccc-break.ini", (org,)))
    shown = store.load({}).settings.replace(region="cn-hangzhou")
    assert shown.endpoint_url() == "https://ccc-vpc.cn-shanghai.aliyuncs.com"
    store.save(shown)
    assert store.load({}).settings.endpoint_url() == "https://ccc-vpc.cn-shanghai.aliyuncs.com"

"""The widget reads and writes its AccessKey through a short-lived helper process (Linux), so keyring's
crypto stack (cryptography's 5.5 MiB Rust extension) never stays in the memory of a program that runs
all day. What an agent would notice if it went wrong: a key that is not found, a locked keyring not
said as locked, a helper left running, or a widget that hangs. The real Secret Service is used here
(gnome-keyring on a private bus), and the real helper, started as the widget starts it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.access_key import Credentials
from app.core.credentials import CredentialSource, CredentialStore
from app.core.errors import CredentialError
from app.core.keyring_backends import NO_BACKEND_NAME
from app.core.keyring_helper import HelperKeyring, helper_command
from app.core.startup import build_context
from tests.fixtures.secret_service import SecretServiceSession

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Hq4-UNIQUE-helper-s3cr3t-2b7e"
TOKEN = "TOKEN-helper-UNIQUE-5c9a"
CREDS = Credentials("LTAI-helper-id", SECRET, TOKEN)


def widget_store(tmp_path: Path) -> CredentialStore:
    """The store the widget makes (`ccc-break` with no command), settings in a temp folder."""
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    return build_context({}, environ=environ, keyring_in_helper=True).credentials


def helper_of(store: CredentialStore) -> HelperKeyring:
    backend = store._resolve_backend()
    assert isinstance(backend, HelperKeyring), "the widget's store must read the keyring through its helper"
    return backend


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_the_widget_keeps_its_key_in_the_real_keyring_through_the_helper(
    secret_service: SecretServiceSession, tmp_path: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    store = widget_store(tmp_path)

    status = store.save(CREDS)

    assert status.persistent and status.problem is None
    assert status.backend_name == "Secret Service (GNOME Keyring)"
    assert helper_of(store)._process is None, "the helper must end with the call"
    # Really in the keyring: keyring in this process, on a new backend object, finds the same key.
    assert CredentialStore(backend=secret_service.new_backend(), environ={}).load() == CREDS
    assert store.load() == CREDS
    assert store.status().source is CredentialSource.KEYRING
    assert helper_of(store)._process is None
    for needle in (SECRET, TOKEN):
        assert secret_service.files_containing(needle.encode()) == []
        assert all(needle not in record.getMessage() for record in debug_logs.records)

    store.clear()
    assert CredentialStore(backend=secret_service.new_backend(), environ={}).load() is None
    assert store.load() is None


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_status_then_load_start_one_helper(secret_service: SecretServiceSession, tmp_path: Path) -> None:
    """The widget's start-up and its Settings ask status() and then load(): one helper process (about
    0.17 s before the first live state, and one unlock prompt where the keyring is locked), not two."""
    CredentialStore(backend=secret_service.backend, environ={}).save(CREDS)
    store = widget_store(tmp_path)
    helper = helper_of(store)  # found outside a call, so its first helper is still running:
    helper.release()
    started = 0
    start = helper._started

    def counted_start() -> subprocess.Popen[bytes]:
        nonlocal started
        started += helper._process is None
        return start()

    helper._started = counted_start  # type: ignore[method-assign]

    assert store.status().source is CredentialSource.KEYRING
    assert store.load() == CREDS
    assert started == 1
    assert helper._process is None, "the helper must still end with each call"


WIDGET_READS = """
import json, sys
from app.core.startup import build_context

store = build_context({}, environ={"HOME": sys.argv[1]}, keyring_in_helper=True).credentials
found = store.load()
status = store.status()
print(json.dumps({
    "id": found.access_key_id if found else None,
    "backend": status.backend_name,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("cryptography", "secretstorage", "jeepney")),
}))
"""


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_the_widget_reads_the_key_without_loading_the_keyrings_crypto(
    secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    """If this failed, every agent's widget would hold cryptography's 5.5 MiB all day."""
    CredentialStore(backend=secret_service.backend, environ={}).save(CREDS)

    result = subprocess.run(
        [sys.executable, "-c", WIDGET_READS, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {
        "id": CREDS.access_key_id,
        "backend": "Secret Service (GNOME Keyring)",
        "loaded": [],
    }


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_a_locked_keyring_is_still_said_to_be_locked_through_the_helper(
    locked_secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    """The agent is told to unlock the keyring, not that there is none."""
    store = widget_store(tmp_path)

    status = store.save(CREDS)

    assert status.source is CredentialSource.MEMORY and status.locked
    assert status.problem is not None and status.problem.startswith("The system keyring is locked (")
    assert store.load() == CREDS  # kept for this run


@pytest.mark.linux_only
def test_without_a_keyring_the_helper_says_so_and_the_key_is_kept_for_this_run(tmp_path: Path) -> None:
    """Tests pin keyring's "fail" backend for every process they start, the helper included."""
    store = widget_store(tmp_path)

    assert store.load() is None
    status = store.save(CREDS)

    assert status.backend_name == NO_BACKEND_NAME
    assert status.source is CredentialSource.MEMORY
    assert isinstance(store._backend, HelperKeyring)


@pytest.mark.linux_only
@pytest.mark.parametrize("round_", range(20))  # the helper may be gone before or after the request is written
def test_a_helper_that_stops_answering_is_a_plain_error_not_a_hang(round_: int) -> None:
    says_hello_and_goes = 'print(\'{"backend": "Secret Service (GNOME Keyring)", "usable": true}\', flush=True)'
    store = CredentialStore(
        backend=HelperKeyring([sys.executable, "-c", says_hello_and_goes]),  # type: ignore[arg-type]
        environ={},
    )

    with pytest.raises(CredentialError) as raised:
        store.load()

    assert "the keyring helper stopped before it answered" in raised.value.user_message


@pytest.mark.linux_only
def test_where_no_helper_can_be_started_the_keyring_is_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Reading the AccessKey matters more than the memory: a broken installation still connects."""
    monkeypatch.setattr("app.core.keyring_helper.helper_command", lambda: [str(tmp_path / "no-such-helper")])
    store = widget_store(tmp_path)

    assert store.load() is None  # the pinned in-process "fail" backend: no keyring, no error
    assert not isinstance(store._backend, HelperKeyring)
    assert any("Reading the keyring in-process" in record.getMessage() for record in caplog.records)


@pytest.mark.linux_only  # the only platform whose widget uses the helper
def test_the_helper_is_this_interpreter_running_the_apps_hidden_entry() -> None:
    """What `helper_command` gives is what the widget runs: it must answer as a helper."""
    command = helper_command()
    assert command is not None
    answered = subprocess.run(
        command, input="", cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr[-2000:]
    assert json.loads(answered.stdout) == {"backend": NO_BACKEND_NAME, "usable": False}


LOCKED_HELPER = """
import json, sys
print(json.dumps({"backend": "Secret Service (GNOME Keyring)", "usable": True}), flush=True)
for line in sys.stdin:  # keyring's own words when the unlock fails: no "locked" in them
    print(json.dumps({"error": "KeyringLocked", "text": "Failed to unlock the collection!"}), flush=True)
"""


@pytest.mark.linux_only
def test_the_helpers_word_that_the_keyring_is_locked_reaches_the_agent() -> None:
    """The kind of failure travels with its text, so "locked" is told as in-process (unlock, retry)."""
    store = CredentialStore(backend=HelperKeyring([sys.executable, "-c", LOCKED_HELPER]), environ={})  # type: ignore[arg-type]

    with pytest.raises(CredentialError) as raised:
        store.load()

    assert raised.value.user_message.startswith("The system keyring is locked, so the saved AccessKey cannot be read.")
    assert "KeyringLocked: Failed to unlock the collection!" in raised.value.user_message


@pytest.mark.linux_only
def test_a_folder_with_another_app_in_it_does_not_become_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The widget may be started from any folder (a login starts it in the agent's home), and
    `python -m app` looks in the working folder first: another `app` there must not be run, nor handed
    the agent's secret, nor hang the widget."""
    decoy = tmp_path / "home"
    (decoy / "app").mkdir(parents=True)
    marker = tmp_path / "decoy-ran"
    (decoy / "app" / "__main__.py").write_text(f"open({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(600)\n")
    monkeypatch.chdir(decoy)
    store = widget_store(tmp_path)

    assert store.load() is None  # this app's helper answered: the pinned "fail" keyring, nothing saved
    assert isinstance(store._backend, HelperKeyring)
    assert not marker.exists(), "the folder's own app ran as the keyring helper"


HELLO = json.dumps({"backend": "Secret Service (GNOME Keyring)", "usable": True})


def children_of_this_process() -> list[str]:
    tasks = Path("/proc/self/task")
    return [pid for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


@pytest.mark.linux_only
def test_a_helper_that_never_starts_answering_is_given_up_and_the_keyring_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A helper stuck before its first word (a hung D-Bus, say) must not hold the widget's credential
    calls for ever. The timeouts are short here, long in the widget (an unlock prompt may be waiting)."""
    monkeypatch.setattr(
        "app.core.keyring_helper.helper_command", lambda: [sys.executable, "-c", "import sys; sys.stdin.read()"]
    )
    monkeypatch.setattr("app.core.keyring_helper.FIRST_ANSWER_TIMEOUT", 1.0)
    store = widget_store(tmp_path)

    assert store.load() is None  # the pinned in-process "fail" backend

    assert any("did not answer within 1 s" in record.getMessage() for record in caplog.records)
    assert children_of_this_process() == [], "the silent helper must be ended, not left behind"


@pytest.mark.linux_only
def test_a_helper_that_falls_silent_is_a_plain_error_in_time() -> None:
    helper = HelperKeyring(
        [sys.executable, "-c", f"import sys; print({HELLO!r}, flush=True); sys.stdin.read()"],
        first_answer_timeout=30,
        answer_timeout=1,
    )
    store = CredentialStore(backend=helper, environ={})  # type: ignore[arg-type]

    with pytest.raises(CredentialError) as raised:
        store.load()

    assert "did not answer within 1 s" in raised.value.user_message
    assert children_of_this_process() == []

"""The AccessKey store: what an agent would notice if the secret were lost, leaked or silently dropped."""

from __future__ import annotations

import ast
import logging
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, PasswordDeleteError

from app.core.access_key import Credentials
from app.core.credentials import (
    REREAD_AFTER_SECONDS,
    CredentialSource,
    CredentialStatus,
    CredentialStore,
)
from app.core.errors import CredentialError
from tests.fixtures.secret_service import SecretServiceSession

SECRET = "Zq7-UNIQUE-s3cr3t-9f1c0d"  # distinctive, so a leak anywhere is easy to find
TOKEN = "TOKEN-7d1e-UNIQUE-sts"
CREDS = Credentials("LTAI-test-id", SECRET)


class MemoryKeyring(KeyringBackend):
    """A keyring kept in a dict; it can be told to fail like a locked or broken real one."""

    # Below fail.Keyring (0): keyring registers every subclass, and this one must never be picked as
    # the default backend by code under test.
    priority = -10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.error: Exception | None = None
        self.set_error: Exception | None = None
        self.calls = 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error

    def get_password(self, service: str, username: str) -> str | None:
        self._maybe_fail()
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._maybe_fail()
        if self.set_error is not None:
            raise self.set_error
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._maybe_fail()
        if (service, username) not in self.items:
            raise PasswordDeleteError("not found")
        del self.items[(service, username)]


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def store(backend: MemoryKeyring) -> CredentialStore:
    return CredentialStore(backend=backend, environ={})


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def assert_no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        assert SECRET not in text and TOKEN not in text, f"secret leaked in log: {record.name}"


def test_saved_credentials_come_back_from_the_keyring(store: CredentialStore, backend: MemoryKeyring) -> None:
    status = store.save(Credentials("LTAI-test-id", SECRET, TOKEN))

    assert status.persistent and status.problem is None
    assert status.source is CredentialSource.KEYRING
    assert backend.items[("ccc-break", "access_key_secret")] == SECRET
    assert backend.items[("ccc-break", "security_token")] == TOKEN
    fresh = CredentialStore(backend=backend, environ={})
    assert fresh.load() == Credentials("LTAI-test-id", SECRET, TOKEN)


def test_saving_without_a_token_removes_an_old_token(store: CredentialStore, backend: MemoryKeyring) -> None:
    store.save(Credentials("id-1", SECRET, TOKEN))
    store.save(Credentials("id-2", SECRET))

    loaded = store.load()
    assert loaded is not None and loaded.security_token is None
    assert ("ccc-break", "security_token") not in backend.items


def test_status_tells_what_is_stored_without_the_secret(store: CredentialStore) -> None:
    assert store.status() == CredentialStatus(
        backend_name=CredentialStore(backend=MemoryKeyring()).backend_name,
        persistent=True,
        source=CredentialSource.NONE,
        has_access_key_id=False,
        has_secret=False,
        has_security_token=False,
        problem=None,
    )
    store.save(CREDS)

    status = store.status()

    assert (status.has_access_key_id, status.has_secret, status.has_security_token) == (True, True, False)
    assert SECRET not in repr(status)


def test_environment_variables_override_the_keyring(backend: MemoryKeyring) -> None:
    CredentialStore(backend=backend, environ={}).save(CREDS)
    environ = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token",
    }
    store = CredentialStore(backend=backend, environ=environ)

    assert store.load() == Credentials("env-id", "env-secret", "env-token")
    assert store.status().source is CredentialSource.ENVIRONMENT


def test_half_set_environment_is_ignored_with_a_problem(backend: MemoryKeyring) -> None:
    CredentialStore(backend=backend, environ={}).save(CREDS)
    store = CredentialStore(backend=backend, environ={"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id"})

    assert store.load() == CREDS
    problem = store.status().problem
    assert problem is not None and "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in problem


@pytest.mark.parametrize(
    "unusable",
    [fail.Keyring(), null.Keyring(), chainer.ChainerBackend()],
    ids=["fail", "null", "empty-chainer"],
)
def test_no_usable_keyring_keeps_the_secret_in_memory_only(
    unusable: KeyringBackend, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [], raising=False)
    store = CredentialStore(backend=unusable, environ={})

    status = store.save(CREDS)

    assert status.persistent is False
    assert status.source is CredentialSource.MEMORY
    assert status.backend_name == "none (memory only)"
    assert status.problem == ("No system keyring is available (none found). Your secret is kept only until you quit.")
    assert store.load() == CREDS  # still usable this run
    assert_no_secret_in_logs(debug_logs)


@pytest.mark.parametrize(
    "error",
    [
        KeyringLocked("Failed to unlock the collection!"),
        InitError("Failed to create the collection: Prompt dismissed.."),
    ],
    ids=["KeyringLocked", "prompt-dismissed"],
)
def test_locked_keyring_keeps_the_secret_in_memory_only(
    store: CredentialStore, backend: MemoryKeyring, error: Exception, debug_logs: pytest.LogCaptureFixture
) -> None:
    backend.error = error

    status = store.save(CREDS)

    assert status.persistent is False and status.source is CredentialSource.MEMORY
    assert status.problem is not None
    assert status.problem.startswith("The system keyring is locked")
    assert status.problem.endswith("Your secret is kept only until you quit.")
    assert store.load() == CREDS
    assert backend.items == {}
    assert_no_secret_in_logs(debug_logs)


def test_any_backend_exception_keeps_the_secret_in_memory(store: CredentialStore, backend: MemoryKeyring) -> None:
    backend.error = OSError(111, "Connection refused")

    status = store.save(CREDS)

    assert status.persistent is False
    assert status.problem is not None and "Connection refused" in status.problem


def test_memory_copy_is_newer_than_the_keyring(store: CredentialStore, backend: MemoryKeyring) -> None:
    store.save(Credentials("old-id", "old-secret"))
    # The keyring starts refusing writes (but still reads the old values) and the agent enters new ones.
    original_set = backend.set_password

    def refuse(service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    backend.set_password = refuse  # type: ignore[method-assign]
    store.save(CREDS)
    backend.set_password = original_set  # type: ignore[method-assign]

    assert store.load() == CREDS


class SteppedClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_status_then_load_reads_the_keyring_once(backend: MemoryKeyring) -> None:
    """At start-up and when Settings open the widget asks status() and then load(): on Linux each
    keyring read is a helper process (and, locked, an unlock prompt), so the second is answered from
    the first when it comes within REREAD_AFTER_SECONDS."""
    clock = SteppedClock()
    CredentialStore(backend=backend, environ={}).save(Credentials("LTAI-test-id", SECRET, TOKEN))
    store = CredentialStore(backend=backend, environ={}, clock=clock)

    backend.calls = 0
    assert store.status().source is CredentialSource.KEYRING
    reads_for_status = backend.calls
    clock.now += REREAD_AFTER_SECONDS - 0.5
    assert store.load() == Credentials("LTAI-test-id", SECRET, TOKEN)
    assert backend.calls == reads_for_status == 3  # id, secret, token: once

    # Only once: a third call reads the keyring again, and so does one that comes later.
    assert store.load() == Credentials("LTAI-test-id", SECRET, TOKEN)
    assert backend.calls == 6
    clock.now += REREAD_AFTER_SECONDS
    backend.items[("ccc-break", "access_key_id")] = "LTAI-changed-elsewhere"
    loaded = store.load()
    assert loaded is not None and loaded.access_key_id == "LTAI-changed-elsewhere"


def test_a_write_forgets_the_last_read(store: CredentialStore) -> None:
    assert store.load() is None  # read: nothing saved yet
    status = store.save(CREDS)
    assert status.source is CredentialSource.KEYRING and status.has_secret  # not the "nothing" just read
    store.clear()
    assert store.load() is None  # not what save() read back
    assert store.status().source is CredentialSource.NONE


def test_a_failed_read_is_not_kept(backend: MemoryKeyring) -> None:
    store = CredentialStore(backend=backend, environ={}, clock=SteppedClock())
    store.save(CREDS)  # reads back what it wrote, for its status...
    backend.error = KeyringLocked("Failed to unlock the collection!")
    assert store.load() == CREDS  # ...which answers the next read, as the agent just saw it
    locked = store.status()  # the one after asks the keyring, which is locked now
    assert locked.locked and locked.source is CredentialSource.NONE
    with pytest.raises(CredentialError):
        store.load()  # and the locked answer was not kept as "nothing saved"
    backend.error = None
    assert store.load() == CREDS


def test_a_half_written_pair_is_not_left_in_the_keyring(store: CredentialStore, backend: MemoryKeyring) -> None:
    store.save(Credentials("old-id", "old-secret"))
    original_set = backend.set_password

    def fail_on_id(service: str, username: str, password: str) -> None:
        if username == "access_key_id":
            raise InitError("D-Bus went away")
        original_set(service, username, password)

    backend.set_password = fail_on_id  # type: ignore[method-assign]

    status = store.save(CREDS)

    assert not status.persistent
    assert CredentialStore(backend=backend, environ={}).load() is None  # never old-id with the new secret


def test_secret_never_appears_in_exceptions_or_logs(
    store: CredentialStore, backend: MemoryKeyring, debug_logs: pytest.LogCaptureFixture
) -> None:
    # A backend whose error message echoes the secret (some D-Bus errors echo their arguments).
    backend.set_error = RuntimeError(f"cannot store {SECRET} / {TOKEN}")
    status = store.save(Credentials("id", SECRET, TOKEN))
    backend.set_error = None
    store.save(Credentials("id", SECRET, TOKEN))
    # Then the keyring breaks while the secret is known only to the keyring and the store.
    backend.error = InitError("org.freedesktop.DBus.Error.NoReply")
    with pytest.raises(CredentialError) as read_error:
        CredentialStore(backend=backend, environ={}).load()
    with pytest.raises(CredentialError) as clear_error:
        store.clear()

    assert status.problem is not None and SECRET not in status.problem and TOKEN not in status.problem
    for error in (read_error.value, clear_error.value):
        text = "".join(traceback.format_exception(error))
        assert SECRET not in text and TOKEN not in text
        assert error.__cause__ is None
    assert_no_secret_in_logs(debug_logs)


def test_locked_keyring_on_read_is_a_plain_credential_error(backend: MemoryKeyring) -> None:
    backend.error = KeyringLocked("Failed to unlock the collection!")

    with pytest.raises(CredentialError, match="keyring is locked"):
        CredentialStore(backend=backend, environ={}).load()


def test_nothing_saved_and_no_keyring_means_no_credentials() -> None:
    store = CredentialStore(backend=fail.Keyring(), environ={})

    assert store.load() is None
    status = store.status()
    assert status.source is CredentialSource.NONE and status.problem is not None


def test_clear_forgets_keyring_and_memory(store: CredentialStore, backend: MemoryKeyring) -> None:
    store.save(Credentials("id", SECRET, TOKEN))

    store.clear()

    assert backend.items == {}
    assert store.load() is None
    memory_only = CredentialStore(backend=fail.Keyring(), environ={})
    memory_only.save(CREDS)
    memory_only.clear()
    assert memory_only.load() is None


def test_empty_fields_are_refused(store: CredentialStore) -> None:
    with pytest.raises(CredentialError, match="AccessKey ID and the AccessKey secret"):
        store.save(Credentials("id", "  "))


def test_backend_is_found_lazily_not_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    memory = MemoryKeyring()
    memory.priority = 5  # type: ignore[misc]  # looks like a system keyring to the store

    def fake_get_keyring() -> KeyringBackend:
        calls.append(1)
        return memory

    monkeypatch.setattr("keyring.get_keyring", fake_get_keyring)
    store = CredentialStore(environ={})
    assert calls == []

    store.save(CREDS)
    store.load()

    assert calls == [1]
    assert memory.items[("ccc-break", "access_key_id")] == "LTAI-test-id"


def test_a_low_priority_default_backend_is_not_trusted_with_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    # e.g. keyrings.alt's plain-text file, or an in-process memory keyring that keyring picked by default
    fallback = MemoryKeyring()
    fallback.priority = 0.5  # type: ignore[misc]
    monkeypatch.setattr("keyring.get_keyring", lambda: fallback)
    store = CredentialStore(environ={})

    status = store.save(CREDS)

    assert fallback.items == {}
    assert status.persistent is False and status.backend_name == "none (memory only)"
    assert status.problem is not None and "kept only until you quit" in status.problem
    assert store.load() == CREDS


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("keyring.backends.SecretService", "Secret Service (GNOME Keyring)"),
        ("keyring.backends.macOS", "macOS Keychain"),
        ("keyring.backends.Windows", "Windows Credential Manager"),
        ("keyring.backends.kwallet", "KDE Wallet"),
    ],
)
def test_backend_names_are_human(module: str, expected: str) -> None:
    fake = type("Keyring", (MemoryKeyring,), {"__module__": module})()

    assert CredentialStore(backend=fake, environ={}).backend_name == expected


def test_calls_from_several_threads_are_serialised(store: CredentialStore, backend: MemoryKeyring) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(20):
                store.save(Credentials(f"id-{n}", f"secret-{n}"))
                loaded = store.load()
                assert (
                    loaded is not None and loaded.access_key_id.split("-")[1] == loaded.access_key_secret.split("-")[1]
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []


# --- a real Secret Service (gnome-keyring on a private D-Bus) ---------------------------------------


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_real_keyring_keeps_the_secret_across_restarts_and_never_on_disk_in_clear(
    secret_service: SecretServiceSession, debug_logs: pytest.LogCaptureFixture
) -> None:
    status = CredentialStore(backend=secret_service.backend, environ={}).save(
        Credentials("LTAI-real-id", SECRET, TOKEN)
    )

    assert status.persistent and status.problem is None
    assert status.backend_name == "Secret Service (GNOME Keyring)"
    # A new app run: a new store on a new backend object.
    restarted = CredentialStore(backend=secret_service.new_backend(), environ={})
    assert restarted.load() == Credentials("LTAI-real-id", SECRET, TOKEN)
    assert restarted.status().source is CredentialSource.KEYRING
    for needle in (SECRET, TOKEN):
        assert secret_service.files_containing(needle.encode()) == []
    assert_no_secret_in_logs(debug_logs)

    restarted.clear()
    assert CredentialStore(backend=secret_service.new_backend(), environ={}).load() is None


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_real_keyring_is_found_by_default_on_the_session_bus(secret_service: SecretServiceSession) -> None:
    store = CredentialStore(environ={})

    store.save(CREDS)

    assert store.backend_name == "Secret Service (GNOME Keyring)"
    assert CredentialStore(backend=secret_service.new_backend(), environ={}).load() == CREDS


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_real_locked_keyring_keeps_the_secret_for_this_run_only(
    locked_secret_service: SecretServiceSession, debug_logs: pytest.LogCaptureFixture
) -> None:
    store = CredentialStore(backend=locked_secret_service.backend, environ={})

    status = store.save(CREDS)

    assert status.persistent is False
    assert status.source is CredentialSource.MEMORY
    assert status.problem is not None
    assert status.problem.startswith("The system keyring is locked (")
    assert status.problem.endswith("Your secret is kept only until you quit.")
    assert store.load() == CREDS
    assert locked_secret_service.files_containing(SECRET.encode()) == []
    assert_no_secret_in_logs(debug_logs)


FIND_THE_KEYRING = """
import os
import sys
from app.core.credentials import CredentialStore

# What ctypes.util.find_library runs (Linux: ldconfig, gcc, ld, objdump) and Apple's framework names.
HELPERS = ("ldconfig", "gcc", "cc", "ld", "objdump")
FRAMEWORKS = ("Security", "CoreServices", "Foundation")
seen = []


def watch(event, args):
    if event == "subprocess.Popen" and os.path.basename(str(args[0])).lower() in HELPERS:
        seen.append(f"ran {args[0]}")
    if event == "ctypes.dlopen" and any(name.lower() in str(args[0]).lower() for name in FRAMEWORKS):
        seen.append(f"loaded {args[0]}")


sys.addaudithook(watch)
print(CredentialStore(environ={}).backend_name)
print(repr(seen))
"""


def test_finding_the_system_keyring_looks_for_no_other_platforms_libraries(tmp_path: Path) -> None:
    """keyring's choice among its backends, for real in a fresh process (no pinned backend, no D-Bus
    session and an empty home, so no real keyring is reached). Its macOS backend used to look up
    Apple's frameworks there: ldconfig and gcc started on Linux, a PATH search for Security.dll on
    Windows, in the process that is about to hold the secret."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
    }
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.update(APPDATA=str(tmp_path / "appdata"), LOCALAPPDATA=str(tmp_path / "local"))
    result = subprocess.run(
        [sys.executable, "-c", FIND_THE_KEYRING], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    backend, seen = result.stdout.strip().splitlines()[-2:]
    assert backend, "no backend name was reported"
    assert ast.literal_eval(seen) == []


def test_a_run_has_one_credential_store_whichever_thread_first_asks(tmp_path: Path) -> None:
    """The widget makes its store on first use (after the first paint), from the GUI thread or a
    worker. Two stores would not share their lock, and a save could interleave with a read: every
    thread asking at once gets the same one, and the demo's never reaches the system keyring."""
    from app.core.startup import build_context

    context = build_context({}, demo=True, environ={"CCC_BREAK_CONFIG_DIR": str(tmp_path)})
    make_store, made = context.make_credentials, []

    def slow_to_make() -> CredentialStore:
        made.append(threading.current_thread().name)
        time.sleep(0.05)  # a store slow to make (keyring's backend discovery can be): the others ask meanwhile
        return make_store()

    context.make_credentials = slow_to_make
    seen: list[CredentialStore] = []
    ready = threading.Barrier(8)

    def ask() -> None:
        ready.wait()
        seen.append(context.credentials)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1, "made more than once"
    assert len(seen) == 8 and all(store is seen[0] for store in seen)
    assert seen[0].status().backend_name == "memory only (demo)"  # the demo's own, not the system's

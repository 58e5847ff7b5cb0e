"""The one owner of the AccessKey: environment variables, else the system keyring, else memory for this run.

The secret is never written to a file. When no usable keyring exists (no backend, no D-Bus, a locked or
dismissed keyring) it is kept in memory until the app quits and the status says so in plain words.
Every call may block on D-Bus or an OS prompt: run them off the GUI thread. They are serialised by a
lock, and nothing here touches the keyring at import time.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from app import APP_ID
from app.core.access_key import Credentials
from app.core.errors import CredentialError
from app.core.i18n import N_, _
from app.core.keyring_backends import NO_BACKEND_NAME, backend_name, is_system_keyring, is_usable

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

logger = logging.getLogger(__name__)

SERVICE_NAME = APP_ID  # the keyring entry's service: the app id

ACCESS_KEY_ID = "access_key_id"
ACCESS_KEY_SECRET = "access_key_secret"  # noqa: S105 - a name, not a secret
SECURITY_TOKEN = "security_token"  # noqa: S105 - a name, not a secret

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a name, not a secret
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"  # noqa: S105 - a name, not a secret

#: _BackendUnavailable's reason when there is no keyring at all (compared, never shown).
_NONE_FOUND = "none found"

#: A keyring read less than this many seconds old answers the next read, once. The widget asks status()
#: and then load() back to back, at start-up and when Settings open; on Linux each read is a helper
#: process (~0.17 s, app.core.keyring_helper) and, with a locked keyring, an unlock prompt. Writes
#: forget the read. Until the next call the store holds what it read, as the widget's client does all day.
REREAD_AFTER_SECONDS = 5.0


class CredentialSource(StrEnum):
    """Where the AccessKey in use comes from: stable English (doctor --json), shown as `_(source)`."""

    ENVIRONMENT = N_("environment")
    KEYRING = N_("keyring")
    MEMORY = N_("memory")
    NONE = N_("none")


@dataclass(frozen=True)
class CredentialStatus:
    """What the settings dialog shows about the credentials; never the secret itself."""

    backend_name: str
    persistent: bool
    source: CredentialSource
    has_access_key_id: bool
    has_secret: bool
    has_security_token: bool
    problem: str | None = None
    # The system keyring is there but locked (or its unlock prompt was dismissed): unlocking it helps.
    locked: bool = False


class _BackendUnavailable(Exception):
    """The keyring cannot be used; `reason` is a short, secret-free description (the library's own
    words, for IT: not translated)."""

    def __init__(self, reason: str, *, locked: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.locked = locked


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<hidden>")
    return text


def _reason(error: BaseException, secrets: Sequence[str]) -> str:
    """A short, secret-free description of a keyring failure for messages and logs."""
    text = _redact(str(error), secrets).strip()
    if len(text) > 160:
        text = text[:157] + "..."
    kind = getattr(error, "kind", None) or type(error).__name__  # a keyring helper's failure names its own
    return f"{kind}: {text}" if text else kind


def _is_locked_error(error: BaseException) -> bool:
    from keyring.errors import KeyringLocked

    text = str(error).lower()
    locked = isinstance(error, KeyringLocked) or getattr(error, "kind", None) == KeyringLocked.__name__
    return locked or "prompt dismissed" in text or "locked" in text


# keyring imports every backend it knows to choose one, and its macOS backend looks up Apple's
# frameworks at import with ctypes.util.find_library. Elsewhere that finds nothing, slowly and not
# harmlessly: on Linux it runs ldconfig and gcc (about 30 ms before the first live state and in every
# command that reads the key), on Windows it searches PATH for a Security.dll and loads the first one
# it finds (the concern of keyring issue #274). Only macOS has those frameworks.
FOREIGN_KEYCHAIN_PROBE = "keyring.backends.macOS.api"


def _halt_foreign_keychain_probe() -> None:
    """Outside macOS, importing the probe stops at once (None in sys.modules); keyring's macOS
    backend already treats a failed import as "not available", as it is outside macOS anyway."""
    if sys.platform != "darwin":
        sys.modules.setdefault(FOREIGN_KEYCHAIN_PROBE, None)  # type: ignore[arg-type]  # None halts its import


def system_keyring() -> KeyringBackend | None:
    """keyring's own choice of backend when it is a system keyring, else None (no keyring, or only a
    fallback that would not keep the secret safely). The widget's keyring helper asks the same."""
    try:
        _halt_foreign_keychain_probe()
        import keyring

        found = keyring.get_keyring()
    except Exception as error:
        logger.warning("No keyring backend could be loaded: %s", _reason(error, ()))
        return None
    if found is not None and not is_system_keyring(found):
        logger.info("Not using keyring backend %s: it is not a system keyring", type(found).__name__)
        return None
    return found


class CredentialStore:
    """Reads and writes the AccessKey; `backend` None means the platform keyring, found on first use,
    or the one `backend_factory` makes then, unless it makes None (keyring is imported only when first
    needed, after the window is on screen). A backend with `release()` has it called after every
    public call (a keyring helper process ends there)."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        environ: Mapping[str, str] | None = None,
        service: str = SERVICE_NAME,
        backend_factory: Callable[[], KeyringBackend | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._backend_factory = backend_factory
        self._backend_resolved = backend is not None
        self._environ = environ
        self._service = service
        self._memory: Credentials | None = None
        self._memory_problem: str | None = None
        self._memory_locked = False  # the keyring refused the credentials in memory because it was locked
        self._clock = clock
        self._last_read: tuple[float, Credentials | None] | None = None  # (when, what): see REREAD_AFTER_SECONDS
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def _operation(self) -> Iterator[None]:
        """One public call: serialised, and a keyring read in a helper process (app.core.keyring_helper)
        has its helper ended with it, so nothing of the keyring stays in memory between calls."""
        with self._lock:
            try:
                yield
            finally:
                release = getattr(self._backend, "release", None)
                if callable(release):
                    release()

    # -- backend --

    def _resolve_backend(self) -> KeyringBackend | None:
        if not self._backend_resolved and self._backend_factory is not None:
            made = self._backend_factory()
            self._backend_factory = None  # asked once; None from it means "keyring's own choice, here"
            if made is not None:
                self._backend, self._backend_resolved = made, True
                logger.info("Credential backend: %s", backend_name(made))
        if not self._backend_resolved:
            self._backend = system_keyring()
            self._backend_resolved = True
            logger.info("Credential backend: %s", backend_name(self._backend))
        return self._backend

    def _usable_backend(self) -> KeyringBackend:
        backend = self._resolve_backend()
        if backend is None or not is_usable(backend):
            raise _BackendUnavailable(_NONE_FOUND)
        return backend

    @property
    def backend_name(self) -> str:
        with self._operation():
            return backend_name(self._resolve_backend())

    def _call(self, operation: str, secrets: Sequence[str], func: Callable[..., object], *args: str) -> str | None:
        """Run one keyring call, turning every library, D-Bus and OS failure into _BackendUnavailable."""
        from keyring.errors import NoKeyringError

        try:
            result = func(*args)
        except NoKeyringError:
            raise _BackendUnavailable(_NONE_FOUND) from None
        except Exception as error:
            reason = _reason(error, (*secrets, *self._known_secrets()))
            logger.warning("Keyring %s failed: %s", operation, reason)
            raise _BackendUnavailable(reason, locked=_is_locked_error(error)) from None
        return result if isinstance(result, str) else None

    def _keyring_read(self) -> Credentials | None:
        last, self._last_read = self._last_read, None
        if last is not None and 0 <= self._clock() - last[0] < REREAD_AFTER_SECONDS:
            return last[1]  # and forgotten: a third read goes to the keyring again
        backend = self._usable_backend()
        key_id = self._call("read", (), backend.get_password, self._service, ACCESS_KEY_ID)
        secret = self._call("read", (), backend.get_password, self._service, ACCESS_KEY_SECRET)
        found = None
        if key_id and secret:
            token = self._call("read", (secret,), backend.get_password, self._service, SECURITY_TOKEN)
            found = Credentials(key_id, secret, token or None)
        self._last_read = (self._clock(), found)
        return found

    def _known_secrets(self) -> tuple[str, ...]:
        """Secrets this store holds, to be blanked out of any error text that echoes them."""
        from_env, _ = self._from_environment()
        known = [from_env, self._memory]
        return tuple(s for c in known if c is not None for s in (c.access_key_secret, c.security_token) if s)

    # -- environment --

    def _env(self) -> Mapping[str, str]:
        if self._environ is None:
            import os

            return os.environ
        return self._environ

    def _from_environment(self) -> tuple[Credentials | None, str | None]:
        env = self._env()
        key_id = env.get(ENV_ACCESS_KEY_ID, "").strip()
        secret = env.get(ENV_ACCESS_KEY_SECRET, "").strip()
        token = env.get(ENV_SECURITY_TOKEN, "").strip() or None
        if key_id and secret:
            return Credentials(key_id, secret, token), None
        if key_id or secret:
            missing = ENV_ACCESS_KEY_SECRET if key_id else ENV_ACCESS_KEY_ID
            return None, _("{variable} is not set, so the AccessKey in the environment was ignored.").format(
                variable=missing
            )
        return None, None

    # -- public API --

    def load(self) -> Credentials | None:
        """The credentials to sign with, or None when none are set up.

        Environment variables win; then what was kept in memory because the keyring refused it this run
        (it is newer than anything in the keyring); then the keyring.
        """
        with self._operation():
            from_env, _ = self._from_environment()
            if from_env is not None:
                return from_env
            if self._memory is not None:
                return self._memory
            try:
                return self._keyring_read()
            except _BackendUnavailable as unavailable:
                if unavailable.reason == _NONE_FOUND:
                    return None
                raise CredentialError(self._read_message(unavailable)) from None

    def save(self, credentials: Credentials) -> CredentialStatus:
        """Store in the keyring; when that is impossible keep them in memory for this run only."""
        key_id = credentials.access_key_id.strip()
        secret = credentials.access_key_secret.strip()
        token = (credentials.security_token or "").strip() or None
        if not key_id or not secret:
            raise CredentialError(_("Enter both the AccessKey ID and the AccessKey secret."))
        cleaned = Credentials(key_id, secret, token)
        secrets = tuple(s for s in (secret, token) if s)
        with self._operation():
            self._last_read = None
            try:
                self._keyring_write(cleaned, secrets)
            except _BackendUnavailable as unavailable:
                self._memory = cleaned
                self._memory_problem = self._memory_message(unavailable)
                self._memory_locked = unavailable.locked
                logger.warning("AccessKey kept in memory only: %s", unavailable.reason)
                return self._status_locked()
            self._memory = None
            self._memory_problem = None
            self._memory_locked = False
            logger.info("AccessKey saved in %s", backend_name(self._backend))
            return self._status_locked()

    def _keyring_write(self, credentials: Credentials, secrets: Sequence[str]) -> None:
        from keyring.errors import PasswordDeleteError

        backend = self._usable_backend()
        service = self._service
        written = False
        try:
            self._call(
                "write", secrets, backend.set_password, service, ACCESS_KEY_SECRET, credentials.access_key_secret
            )
            written = True
            if credentials.security_token:
                self._call("write", secrets, backend.set_password, service, SECURITY_TOKEN, credentials.security_token)
            else:
                self._delete(backend, SECURITY_TOKEN, PasswordDeleteError)
            self._call("write", secrets, backend.set_password, service, ACCESS_KEY_ID, credentials.access_key_id)
            # A backend that accepts and drops secrets would otherwise look like success.
            stored = self._call("check", secrets, backend.get_password, service, ACCESS_KEY_SECRET)
            if stored != credentials.access_key_secret:
                raise _BackendUnavailable(_("the keyring did not keep the secret"))
        except _BackendUnavailable:
            if written:
                # Do not leave a new secret next to an old ID: remove what may be half-written.
                for username in (ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN):
                    with contextlib.suppress(_BackendUnavailable):
                        self._delete(backend, username, PasswordDeleteError)
            raise

    def _delete(self, backend: KeyringBackend, username: str, not_found: type[Exception]) -> None:
        try:
            backend.delete_password(self._service, username)
        except not_found:
            pass  # nothing stored under that name
        except Exception as error:
            reason = _reason(error, self._known_secrets())
            logger.warning("Keyring delete failed: %s", reason)
            raise _BackendUnavailable(reason, locked=_is_locked_error(error)) from None

    def clear(self) -> None:
        """Forget the credentials in memory and in the keyring (the environment is not ours to change)."""
        from keyring.errors import PasswordDeleteError

        with self._operation():
            self._last_read = None
            self._memory = None
            self._memory_problem = None
            self._memory_locked = False
            try:
                backend = self._usable_backend()
                for username in (ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN):
                    self._delete(backend, username, PasswordDeleteError)
            except _BackendUnavailable as unavailable:
                if unavailable.reason == _NONE_FOUND:
                    return
                raise CredentialError(
                    _("The saved AccessKey could not be removed from the system keyring ({reason}).").format(
                        reason=unavailable.reason
                    )
                ) from None

    def status(self) -> CredentialStatus:
        with self._operation():
            return self._status_locked()

    def _status_locked(self) -> CredentialStatus:
        name = backend_name(self._resolve_backend())
        backend_ok = name != NO_BACKEND_NAME
        from_env, env_problem = self._from_environment()
        if from_env is not None:
            return self._status(name, backend_ok, CredentialSource.ENVIRONMENT, from_env, None)
        if self._memory is not None:
            return self._status(
                name, False, CredentialSource.MEMORY, self._memory, self._memory_problem, locked=self._memory_locked
            )
        try:
            stored = self._keyring_read()
        except _BackendUnavailable as unavailable:
            problem = env_problem or self._read_message(unavailable)
            if unavailable.reason == _NONE_FOUND:
                problem = env_problem or _(
                    "No system keyring is available, so a saved AccessKey is kept only until you quit."
                )
            return self._status(name, False, CredentialSource.NONE, None, problem, locked=unavailable.locked)
        if stored is not None:
            return self._status(name, True, CredentialSource.KEYRING, stored, env_problem)
        return self._status(name, backend_ok, CredentialSource.NONE, None, env_problem)

    @staticmethod
    def _status(
        name: str,
        persistent: bool,
        source: CredentialSource,
        creds: Credentials | None,
        problem: str | None,
        *,
        locked: bool = False,
    ) -> CredentialStatus:
        return CredentialStatus(
            backend_name=name,
            persistent=persistent,
            source=source,
            has_access_key_id=bool(creds and creds.access_key_id),
            has_secret=bool(creds and creds.access_key_secret),
            has_security_token=bool(creds and creds.security_token),
            problem=problem,
            locked=locked,
        )

    @staticmethod
    def _memory_message(unavailable: _BackendUnavailable) -> str:
        if unavailable.locked:
            return _("The system keyring is locked ({reason}). Your secret is kept only until you quit.").format(
                reason=unavailable.reason
            )
        return _("No system keyring is available ({reason}). Your secret is kept only until you quit.").format(
            reason=unavailable.reason
        )

    @staticmethod
    def _read_message(unavailable: _BackendUnavailable) -> str:
        if unavailable.locked:
            return _(
                "The system keyring is locked, so the saved AccessKey cannot be read. Unlock it "
                "(log in again or open your keyring app) and retry ({reason})."
            ).format(reason=unavailable.reason)
        return _("The saved AccessKey cannot be read from the system keyring ({reason}).").format(
            reason=unavailable.reason
        )

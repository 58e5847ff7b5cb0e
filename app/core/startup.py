"""Builds what one run of the app owns: its settings files, loaded settings and credential store."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from app.core.settings.paths import default_config_paths
from app.core.settings.store import ConfigStore, LoadedConfig

if TYPE_CHECKING:  # the network stack and keyring load on first use, after the window is painted
    import aiohttp
    from keyring.backend import KeyringBackend

    from app.core.access_key import Credentials
    from app.core.client import CccClient
    from app.core.credentials import CredentialStore
    from app.core.proxy import ProxySettings
    from app.core.server_clock import ServerClock
    from app.core.settings.model import Settings

logger = logging.getLogger(__name__)

DEMO_INSTANCE_ID = "ccc-test"
DEMO_USER_ID = "user-test@ccc-test"
# What aims the demo at its own simulator as its own agent: an organisation lock on these would aim
# it at the real service. The organisation's other locks (break codes, polling) still hold.
DEMO_CONNECTION = frozenset({"endpoint", "region", "instance_id", "user_id", "user_domain"})


class RunContext:
    """What one run works with: its settings, their overrides, and the AccessKey's owner. A plain class:
    a dataclass's methods are compiled when the module loads, before the widget's first window."""

    def __init__(
        self,
        config_store: ConfigStore,
        loaded: LoadedConfig,
        make_credentials: Callable[[], CredentialStore],
        overrides: Mapping[str, object] | None = None,
        demo: bool = False,
    ) -> None:
        self.config_store = config_store
        self.loaded = loaded
        # The AccessKey's owner, made on first use: the widget's first paint goes without the keyring's code.
        self.make_credentials = make_credentials
        self.overrides: Mapping[str, object] = {} if overrides is None else overrides
        self.demo = demo
        self._credentials: CredentialStore | None = None
        self._credentials_lock = threading.Lock()

    @property
    def credentials(self) -> CredentialStore:
        with self._credentials_lock:  # first used from the GUI thread or a worker: one store either way
            if self._credentials is None:
                self._credentials = self.make_credentials()
            return self._credentials

    @credentials.setter
    def credentials(self, store: CredentialStore) -> None:
        with self._credentials_lock:
            self._credentials = store

    def reload(self) -> LoadedConfig:
        self.loaded = self.config_store.load(self.overrides)
        return self.loaded


def build_context(
    overrides: Mapping[str, object],
    *,
    demo: bool = False,
    environ: Mapping[str, str] | None = None,
    keyring_in_helper: bool = False,
) -> RunContext:
    """Demo runs use their own settings file and throwaway in-memory credentials, so they never
    touch the agent's real settings or keyring, nor does a lock on the connection aim them elsewhere.
    `keyring_in_helper` (the widget, which runs all day) reads the keyring in a short-lived helper
    process on Linux, so keyring's crypto stack never stays in its memory (app.core.keyring_helper)."""
    environ = os.environ if environ is None else environ
    if demo:
        overrides = {"instance_id": DEMO_INSTANCE_ID, "user_id": DEMO_USER_ID, **overrides}
        store = ConfigStore(default_config_paths("demo", environ=environ), never_locked=DEMO_CONNECTION)
    else:
        store = ConfigStore(default_config_paths(environ=environ))
    make_store = _credential_store_maker(demo, environ, keyring_in_helper)
    return RunContext(store, store.load(overrides), make_store, dict(overrides), demo)


def _credential_store_maker(
    demo: bool, environ: Mapping[str, str], keyring_in_helper: bool
) -> Callable[[], CredentialStore]:
    def make() -> CredentialStore:
        from app.core.credentials import CredentialStore

        if demo:
            return CredentialStore(backend_factory=_memory_keyring, environ={})
        if keyring_in_helper:
            return CredentialStore(environ=environ, backend_factory=_keyring_in_helper)
        return CredentialStore(environ=environ)

    return make


def _keyring_in_helper() -> KeyringBackend | None:
    """The helper, once it has said which keyring it found; None (keyring in-process) where there is
    no helper or it cannot be started: reading the AccessKey matters more than the memory."""
    from app.core.keyring_helper import KeyringHelperError, helper_keyring

    helper = helper_keyring()
    if helper is None:
        return None
    try:
        helper.helper_description  # noqa: B018 - starts it and reads its first line
    except Exception as error:  # KeyringHelperError, or anything unforeseen: the key must still be read
        helper.release()
        reason = str(error) if isinstance(error, KeyringHelperError) else type(error).__name__
        logger.warning("Reading the keyring in-process: %s", reason)
        return None
    return helper  # type: ignore[return-value]  # keyring's backend calls, answered by the helper


# Command-line options named exactly like the settings they override for one run.
OVERRIDABLE_SETTINGS = ("endpoint", "region", "instance_id", "user_id", "device_id", "signature")


def settings_overrides(args: object) -> Mapping[str, object]:
    """The command-line options given for this run (absent ones are not in `args` at all)."""
    return {key: getattr(args, key) for key in OVERRIDABLE_SETTINGS if getattr(args, key, None)}


def _memory_keyring() -> KeyringBackend:
    from app.core.memory_keyring import MemoryKeyring

    return MemoryKeyring()


def client_for(
    session: aiohttp.ClientSession,
    settings: Settings,
    credentials: Credentials,
    clock: ServerClock,
    proxies: ProxySettings,
) -> CccClient:
    """The one way settings become a client, for the widget, the commands and doctor alike.
    `proxies` is read once per run (`ProxySettings.from_system()`), not once per client."""
    from app.core.client import AgentIdentity, CccClient, Timeouts

    return CccClient(
        session,
        endpoint=settings.endpoint_url(),
        identity=AgentIdentity(settings.instance_id, settings.full_user_id(), settings.device_id),
        credentials=credentials,
        signature=settings.signature,
        clock=clock,
        timeouts=Timeouts(total=settings.request_timeout),
        proxies=proxies,
    )

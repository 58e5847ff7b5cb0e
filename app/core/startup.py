"""Builds what one run of the app owns: its settings files, loaded settings and credential store."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp

from app.core.client import AgentIdentity, CccClient, Timeouts
from app.core.credentials import CredentialStore
from app.core.memory_keyring import MemoryKeyring
from app.core.proxy import ProxySettings
from app.core.server_clock import ServerClock
from app.core.settings.model import Settings
from app.core.settings.paths import default_config_paths
from app.core.settings.store import ConfigStore, LoadedConfig
from app.core.signing import Credentials

DEMO_INSTANCE_ID = "ccc-test"
DEMO_USER_ID = "user-test@ccc-test"
# What aims the demo at its own simulator as its own agent: an organisation lock on these would aim
# it at the real service. The organisation's other locks (break codes, polling) still hold.
DEMO_CONNECTION = frozenset({"endpoint", "region", "instance_id", "user_id", "user_domain"})


@dataclass
class RunContext:
    config_store: ConfigStore
    loaded: LoadedConfig
    credentials: CredentialStore
    overrides: Mapping[str, object] = field(default_factory=dict)
    demo: bool = False

    def reload(self) -> LoadedConfig:
        self.loaded = self.config_store.load(self.overrides)
        return self.loaded


def build_context(
    overrides: Mapping[str, object], *, demo: bool = False, environ: Mapping[str, str] | None = None
) -> RunContext:
    """Demo runs use their own settings file and throwaway in-memory credentials, so they never
    touch the agent's real settings or keyring, nor does a lock on the connection aim them elsewhere."""
    environ = os.environ if environ is None else environ
    if demo:
        overrides = {"instance_id": DEMO_INSTANCE_ID, "user_id": DEMO_USER_ID, **overrides}
        store = ConfigStore(default_config_paths("demo", environ=environ), never_locked=DEMO_CONNECTION)
        credentials = CredentialStore(backend=MemoryKeyring(), environ={})
    else:
        store = ConfigStore(default_config_paths(environ=environ))
        credentials = CredentialStore(environ=environ)
    return RunContext(store, store.load(overrides), credentials, dict(overrides), demo)


def client_for(
    session: aiohttp.ClientSession,
    settings: Settings,
    credentials: Credentials,
    clock: ServerClock,
    proxies: ProxySettings,
) -> CccClient:
    """The one way settings become a client, for the widget, the commands and doctor alike.
    `proxies` is read once per run (`ProxySettings.from_system()`), not once per client."""
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

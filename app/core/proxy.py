"""Which proxy a request to the service goes through, decided once per run, never for loopback.

The proxy settings are read once (environment variables first; with none set, the Windows Internet
Settings or the macOS network settings, as `urllib.request.getproxies` reads them) and each client
asks for its endpoint's proxy once. aiohttp's own `trust_env` would instead look them up twice per
request on a thread pool, and would send loopback traffic (the demo simulator) to the proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

from app.core.endpoint import is_loopback_host

# urllib.request (with http.client, ssl and email) loads on first use: the widget builds its
# ProxySettings before the first paint and reads the system's only after it.


class ProxySettings(NamedTuple):
    """Proxy URLs by scheme (`http`, `https`, `all`) and the bypass list (`no`), as urllib gives them."""

    proxies: Mapping[str, str] = MappingProxyType({})  # read-only: one empty default for all
    # On Windows and macOS, with no proxy variable set, the OS's own bypass list applies.
    system_bypass: Callable[[str], bool] = lambda _host: False

    @classmethod
    def from_system(cls) -> ProxySettings:
        import urllib.request

        proxies = urllib.request.getproxies()
        from_environment = bool(urllib.request.getproxies_environment())
        bypass = (lambda _host: False) if from_environment else _system_bypass
        return cls({scheme.lower(): url for scheme, url in proxies.items()}, bypass)

    def proxy_for(self, url: str) -> str | None:
        """The proxy URL for a request to `url`, or None to connect directly."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host or is_loopback_host(host):
            return None  # the demo simulator and test servers are this machine: never via a proxy
        import urllib.request

        bypass_environment = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        proxy = self.proxies.get(parts.scheme) or self.proxies.get("all")
        if not proxy:
            return None  # before any bypass check: the OS's may look names up (DNS), on the GUI thread
        if "no" in self.proxies and bypass_environment(host, dict(self.proxies)):
            return None
        if self.system_bypass(host):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"


def _system_bypass(host: str) -> bool:
    import urllib.request

    try:
        return bool(urllib.request.proxy_bypass(host))
    except OSError:  # an unreadable registry or network configuration: no bypass
        return False

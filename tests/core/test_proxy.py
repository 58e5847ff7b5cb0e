"""Proxies: a corporate proxy carries requests to the real service, never loopback traffic (the demo
simulator), and NO_PROXY is honoured. The "proxy" here is a recording peer on loopback."""

from __future__ import annotations

import pytest

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, open_session
from app.core.errors import CccBreakError
from app.core.proxy import ProxySettings
from tests.fixtures.proxy import RecordingProxy


@pytest.mark.parametrize(
    ("proxies", "url", "expected"),
    [
        ({"https": "http://proxy:3128"}, "https://ccc.cn-shanghai.aliyuncs.com", "http://proxy:3128"),
        ({"all": "proxy:8080"}, "https://ccc.aliyuncs.com", "http://proxy:8080"),
        ({"https": "http://proxy:3128", "no": ".aliyuncs.com"}, "https://ccc.aliyuncs.com", None),
        ({"https": "http://proxy:3128", "no": "other.example"}, "https://ccc.aliyuncs.com", "http://proxy:3128"),
        ({"https": "http://proxy:3128", "no": "*"}, "https://ccc.aliyuncs.com", None),
        ({"http": "http://proxy:3128", "all": "http://proxy:3128"}, "http://127.0.0.1:8787", None),
        ({"http": "http://proxy:3128"}, "http://localhost:8787", None),
        ({"http": "http://proxy:3128"}, "http://[::1]:8787", None),
        ({}, "https://ccc.aliyuncs.com", None),
    ],
)
def test_which_proxy_a_request_takes(proxies: dict[str, str], url: str, expected: str | None) -> None:
    """The service through the proxy, unless NO_PROXY names it; this machine never through one."""
    assert ProxySettings(proxies).proxy_for(url) == expected


def test_proxy_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://corp-proxy:3128")
    monkeypatch.setenv("no_proxy", "intranet.example")
    settings = ProxySettings.from_system()
    assert settings.proxy_for("https://ccc.aliyuncs.com") == "http://corp-proxy:3128"
    assert settings.proxy_for("https://intranet.example") is None


async def test_requests_to_the_service_go_through_the_proxy(every_proxy_variable: RecordingProxy) -> None:
    """Behind a corporate proxy the real endpoint is reached through it (a CONNECT tunnel, so the
    signed headers and STS token travel inside TLS), and its refusal is a plain network message."""
    async with open_session() as session:
        client = CccClient(
            session,
            endpoint="https://ccc.cn-shanghai.aliyuncs.com",
            identity=AgentIdentity("ccc-test", "user-test@ccc-test", "desk-1"),
            credentials=Credentials("key-id", "proxy-DISTINCTIVE-secret"),
            proxies=ProxySettings.from_system(),
        )
        with pytest.raises(CccBreakError):
            await client.poll_user_status()
    assert every_proxy_variable.request_lines
    assert all(
        line == "CONNECT ccc.cn-shanghai.aliyuncs.com:443 HTTP/1.1" for line in every_proxy_variable.request_lines
    )

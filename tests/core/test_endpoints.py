"""Which endpoint the app talks to: a region resolves exactly as the official SDK resolves it, an
endpoint with a default port signs what is really sent, and a malformed endpoint is refused where it
is entered with a message about the endpoint (not a misleading 'wrong secret' later)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alibabacloud_ccc20200701.client import Client as SdkClient
from alibabacloud_tea_openapi.models import Config as SdkConfig

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, open_session
from app.core.endpoint import CENTRAL_REGIONS, endpoint_problem, region_host, signed_host
from app.core.errors import ConfigError
from app.core.settings.paths import ConfigPaths
from app.core.settings.store import ConfigStore
from app.core.settings.values import validate_setting
from app.core.signature_scheme import SignatureScheme
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator

SDK_REGIONS = sorted(
    SdkClient(SdkConfig(access_key_id="x", access_key_secret="y", region_id="cn-shanghai"))._endpoint_map
)


@pytest.mark.parametrize("region", [*SDK_REGIONS, "cn-shanghai", "cn-hangzhou"])
def test_a_region_resolves_as_the_official_sdk_resolves_it(region: str) -> None:
    """An agent in Singapore or Beijing reaches the central endpoint, as the SDK does; regions outside
    its map (cn-shanghai, the main region) use the regional name."""
    sdk = SdkClient(SdkConfig(access_key_id="x", access_key_secret="y", region_id=region))
    assert region_host(region) == sdk._endpoint


def test_our_map_is_the_sdks_map() -> None:
    assert set(SDK_REGIONS) == CENTRAL_REGIONS


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://ccc.aliyuncs.com:443", "ccc.aliyuncs.com"),
        ("https://ccc.aliyuncs.com:8443", "ccc.aliyuncs.com:8443"),
        ("http://127.0.0.1:80", "127.0.0.1"),
        ("http://127.0.0.1:8787/", "127.0.0.1:8787"),
        ("http://[::1]:80", "[::1]"),
        ("http://[::1]:8080", "[::1]:8080"),
    ],
)
def test_the_signed_host_is_the_host_header_a_client_sends(url: str, host: str) -> None:
    assert signed_host(url) == host


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://ccc.aliyuncs.com/api",
        "https://ccc.aliyuncs.com/?Action=x",
        "https://ccc.aliyuncs.com?",
        "https://ccc.aliyuncs.com#top",
        "https://user:pass@ccc.aliyuncs.com",
        "https://ccc.aliyuncs .com",
    ],
    ids=["path", "query", "empty-query", "fragment", "user-info", "space"],
)
def test_a_malformed_endpoint_is_refused_where_it_is_entered(endpoint: str, tmp_path: Path) -> None:
    """In Settings (and the settings files), on the command line and in the client itself, with a
    message about the endpoint."""
    problem = endpoint_problem(endpoint)
    assert problem is not None and "endpoint" in problem.lower()
    assert validate_setting("endpoint", endpoint) == problem
    with pytest.raises(ConfigError, match=r"(?i)endpoint"):
        CccClient(
            None,  # type: ignore[arg-type]  # refused before any use
            endpoint=endpoint,
            identity=AgentIdentity("ccc-test", "u@ccc-test", "d"),
            credentials=Credentials("id", "secret"),
        )
    result = subprocess.run(
        [sys.executable, "-m", "app", "status", "--endpoint", endpoint, "--instance-id", "ccc-test"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"},
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "endpoint" in result.stderr.lower()


@pytest.fixture
async def simulator_on_port_80() -> AsyncIterator[Simulator]:
    """The simulator on a second loopback address at the default HTTP port (binding 80 needs root; CI is root)."""
    if os.geteuid() != 0:
        pytest.fail("this test binds port 80 on 127.0.0.3: run it as root (CI does)")
    simulator = Simulator()
    await simulator.start("127.0.0.3", 80)
    yield simulator
    await simulator.stop()


@pytest.mark.linux_only
@pytest.mark.parametrize("scheme", [SignatureScheme.V3, SignatureScheme.V2])
@pytest.mark.parametrize("endpoint", ["http://127.0.0.3:80", "http://127.0.0.3:80/", "http://127.0.0.3/"])
async def test_an_endpoint_with_its_default_port_or_a_trailing_slash_works(
    simulator_on_port_80: Simulator, endpoint: str, scheme: SignatureScheme
) -> None:
    """`:80` (or `:443` for https) used to be signed as part of the host while the HTTP client left it
    out of the Host header: the agent was told the secret was wrong."""
    async with open_session() as session:
        client = CccClient(
            session,
            endpoint=endpoint,
            identity=AgentIdentity("ccc-test", "user-test@ccc-test", "desk-1"),
            credentials=Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
            signature=scheme,
        )
        status = await client.poll_user_status()
    assert status.user_id == "user-test@ccc-test"


def test_a_region_given_on_the_command_line_beats_an_endpoint_in_a_file(tmp_path: Path) -> None:
    """`--region` was silently ignored when the agent's settings file set an endpoint."""
    user_file = tmp_path / "ccc-break.ini"
    user_file.write_text("[ccc-break]\nendpoint = https://ccc.cn-shanghai.aliyuncs.com\n", encoding="utf-8")
    store = ConfigStore(ConfigPaths(user_file, ()))
    assert store.load({}).settings.endpoint_url() == "https://ccc.cn-shanghai.aliyuncs.com"
    assert store.load({"region": "ap-southeast-1"}).settings.endpoint_url() == "https://ccc.aliyuncs.com"
    assert store.load({"region": "cn-hangzhou"}).settings.endpoint_url() == "https://ccc.cn-hangzhou.aliyuncs.com"
    explicit = store.load({"region": "cn-hangzhou", "endpoint": "https://ccc.example.com"}).settings
    assert explicit.endpoint_url() == "https://ccc.example.com"


@pytest.fixture
async def tls_simulator_on_port_443(tmp_path: Path) -> AsyncIterator[Path]:
    """The simulator over TLS at https://127.0.0.3:443, with a certificate only this test's CA file
    trusts (the client's TLS verification stays on). Binding 443 needs root; CI is root."""
    import ssl

    from aiohttp import web

    if os.geteuid() != 0:
        pytest.fail("this test binds port 443 on 127.0.0.3: run it as root (CI does)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.3", "-addext", "subjectAltName=IP:127.0.0.3"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    runner = web.AppRunner(Simulator().build_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.3", 443, ssl_context=context).start()
    yield cert
    await runner.cleanup()


@pytest.mark.linux_only
@pytest.mark.parametrize("scheme", ["v3", "v2"])
async def test_an_https_endpoint_written_with_port_443_works(tls_simulator_on_port_443: Path, scheme: str) -> None:
    """`https://host:443` was signed with the port while the HTTP client sends the Host without it:
    the agent was told the secret was wrong. The real command line, V3 and V2."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "status", "--endpoint", "https://127.0.0.3:443", "--signature", scheme,
        "--instance-id", "ccc-test", "--user-id", "user-test@ccc-test",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "SSL_CERT_FILE": str(tls_simulator_on_port_443),
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        },
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert "user-test@ccc-test" in out.decode()

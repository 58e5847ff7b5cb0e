"""Which endpoint a region means (exactly as the official SDK resolves it), and which endpoints the app
may talk to: HTTPS anywhere, plain HTTP only to this machine, a bare scheme://host[:port] only."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from app.core.i18n import _

CENTRAL_HOST = "ccc.aliyuncs.com"
# alibabacloud_ccc20200701's Client._endpoint_map: these regions are served by the central endpoint;
# any other region by ccc.<region>.aliyuncs.com (the SDK's "regional" rule), e.g. cn-shanghai.
CENTRAL_REGIONS = frozenset(
    {
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-5",
        "cn-beijing",
        "cn-chengdu",
        "cn-hongkong",
        "cn-huhehaote",
        "cn-qingdao",
        "cn-shenzhen",
        "cn-zhangjiakou",
        "eu-central-1",
        "eu-west-1",
        "me-east-1",
        "us-east-1",
        "us-west-1",
        "cn-hangzhou-finance",
        "cn-shenzhen-finance-1",
        "cn-shanghai-finance-1",
        "cn-north-2-gov-1",
    }
)
DEFAULT_PORTS = {"https": 443, "http": 80}


def region_host(region: str) -> str:
    region = region.strip()
    return CENTRAL_HOST if region in CENTRAL_REGIONS else f"ccc.{region}.aliyuncs.com"


def signed_host(url: str) -> str:
    """The Host header an HTTP client sends for `url`, which is what V3 must sign: the default port
    (https :443, http :80) is dropped, any other kept."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    if parts.port is None or parts.port == DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{parts.port}"


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str) -> str | None:
    """None when `url` is acceptable, else a sentence saying what to fix."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return _("The endpoint is not a valid URL. Use e.g. https://ccc.cn-shanghai.aliyuncs.com.")
    if any(ch.isspace() for ch in url) or parts.username is not None or parts.password is not None:
        return _(
            "The endpoint must be a plain address without spaces or a user name, "
            "e.g. https://ccc.cn-shanghai.aliyuncs.com."
        )
    if not parts.hostname:
        return _("The endpoint must be a full URL, e.g. https://ccc.cn-shanghai.aliyuncs.com.")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in url or "#" in url:
        return _(
            "The endpoint is only the address of the service, with no path, '?' or '#', "
            "e.g. https://ccc.cn-shanghai.aliyuncs.com."
        )
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        if is_loopback_host(parts.hostname):
            return None
        return _("Plain http:// is only allowed to this computer (127.0.0.1). Use https:// for the service.")
    return _("The endpoint must start with https://.")

"""Which endpoints the app may talk to: HTTPS anywhere, plain HTTP only to this machine."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


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
        return "The endpoint is not a valid URL. Use e.g. https://ccc.cn-shanghai.aliyuncs.com."
    if any(ch.isspace() for ch in url) or parts.username is not None or parts.password is not None:
        return "The endpoint must be a plain address without spaces or a user name, e.g. https://ccc.cn-shanghai.aliyuncs.com."
    if not parts.hostname:
        return "The endpoint must be a full URL, e.g. https://ccc.cn-shanghai.aliyuncs.com."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        if is_loopback_host(parts.hostname):
            return None
        return "Plain http:// is only allowed to this computer (127.0.0.1). Use https:// for the service."
    return "The endpoint must start with https://."

"""The network coming back, as the kernel says it: the routing table's default route, and the netlink
socket that wakes when links, addresses or routes change. The real kernel is driven in a private
network namespace (`unshare --net`), so the test changes no route of this machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.default_route import has_default_route

ROOT = Path(__file__).resolve().parents[2]

IPV4_HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
IPV4_DEFAULT = "eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
IPV4_LINK_ONLY = "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
ZERO = "0" * 32
# What a Linux machine without an IPv6 default has anyway: the kernel's "unreachable" default on lo.
IPV6_KERNEL_REJECT = f"{ZERO} 00 {ZERO} 00 {ZERO} ffffffff 00000001 00000000 00200200       lo\n"
IPV6_DEFAULT = f"{ZERO} 00 {ZERO} 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003   wlan0\n"
IPV6_LINK_ONLY = f"fe800000000000000000000000000000 40 {ZERO} 00 {ZERO} 00000100 00000001 00000000 00000001   wlan0\n"


def proc_net(tmp_path: Path, ipv4: str, ipv6: str | None) -> Path:
    (tmp_path / "route").write_text(IPV4_HEADER + ipv4)
    if ipv6 is not None:
        (tmp_path / "ipv6_route").write_text(ipv6)
    return tmp_path


@pytest.mark.parametrize(
    ("ipv4", "ipv6", "online"),
    [
        (IPV4_DEFAULT, IPV6_KERNEL_REJECT, True),
        ("", IPV6_DEFAULT + IPV6_KERNEL_REJECT, True),
        (IPV4_LINK_ONLY, IPV6_KERNEL_REJECT + IPV6_LINK_ONLY, False),
        (IPV4_LINK_ONLY, None, False),  # IPv6 turned off
        (IPV4_DEFAULT.replace("\t0003\t", "\t0202\t"), IPV6_KERNEL_REJECT, False),  # an IPv4 "unreachable"
        (IPV4_DEFAULT.replace("\t0003\t", "\t0002\t"), "", False),  # a default that is not up
    ],
    ids=["ipv4 default", "ipv6 default only", "local networks only", "no ipv6 table", "reject", "down"],
)
def test_the_way_out_is_a_default_route_that_is_up(tmp_path: Path, ipv4: str, ipv6: str | None, online: bool) -> None:
    assert has_default_route(proc_net(tmp_path, ipv4, ipv6)) is online


def test_a_routing_table_it_cannot_read_never_claims_an_outage(tmp_path: Path) -> None:
    """Another OS or a sandbox without /proc/net: the widget must not hold back a poll it could make."""
    assert has_default_route(tmp_path / "missing") is True
    assert has_default_route(proc_net(tmp_path, IPV4_DEFAULT.replace("0003", "up"), "")) is True


IN_NAMESPACE = """
import json, select, subprocess, sys
from app.core.default_route import RouteChanges

changes = RouteChanges()
seen = {"at_start": changes.online}

def after(command):
    subprocess.run(["ip", *command.split()], check=True)
    readable, _, _ = select.select([changes], [], [], 10)  # the kernel queues its news before ip returns
    return bool(readable) and changes.came_back()

seen["lo up"] = after("link set lo up")
seen["default added"] = after("route add default dev lo")
seen["online"] = changes.online
seen["mtu changed while online"] = after("link set lo mtu 1400")
seen["default removed"] = after("route del default dev lo")
seen["offline"] = not changes.online
seen["default back"] = after("route add default dev lo")
changes.close()
print(json.dumps(seen))
"""


@pytest.mark.linux_only
def test_the_kernel_says_when_the_default_route_comes_back_and_only_then() -> None:
    """If this failed, the widget would poll at once on every Wi-Fi blip (a fleet of desktops at
    once), or never notice the network coming back."""
    result = subprocess.run(
        ["unshare", "--net", "--map-root-user", sys.executable, "-c", IN_NAMESPACE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "at_start": False,  # a new namespace: lo down, no route at all
        "lo up": False,  # only local routes: still no way out
        "default added": True,
        "online": True,
        "mtu changed while online": False,
        "default removed": False,
        "offline": True,
        "default back": True,
    }

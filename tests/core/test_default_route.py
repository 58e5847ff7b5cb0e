"""The network coming back, as the kernel says it: the routing table's default route, and the netlink
socket that wakes when links, addresses or routes change. The real kernel is driven in a private
network namespace (`unshare --net`), so the test changes no route of this machine."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.default_route import (
    NETLINK_HEADER,
    NLM_F_DUMP_INTR,
    NLMSG_DONE,
    NLMSG_ERROR,
    ROUTE_MESSAGE,
    RT_TABLE_MAIN,
    RTM_NEWROUTE,
    RTN_UNICAST,
    RTNH_F_LINKDOWN,
    has_default_route,
    way_out_in,
)

ROOT = Path(__file__).resolve().parents[2]
RTN_BLACKHOLE, RTN_UNREACHABLE = 6, 7  # linux/rtnetlink.h
RTA_TABLE = 15
WIREGUARD_TABLE = 51820


def message(kind: int, body: bytes = b"", flags: int = 0) -> bytes:
    length = NETLINK_HEADER.size + len(body)
    return NETLINK_HEADER.pack(length, kind, flags, 1, 0) + body + b"\0" * (-length % 4)


def route(
    *, prefix: int = 0, table: int = RT_TABLE_MAIN, kind: int = RTN_UNICAST, flags: int = 0, family: int = 2
) -> bytes:
    """One RTM_NEWROUTE as the kernel sends it: a table past 255 is 252 in the header, its number in
    the RTA_TABLE attribute."""
    body = ROUTE_MESSAGE.pack(family, prefix, 0, 0, table if table < 256 else 252, 3, 0, kind, flags)
    body += struct.pack("=HHI", 8, RTA_TABLE, table)
    return message(RTM_NEWROUTE, body)


DONE = message(NLMSG_DONE, struct.pack("=i", 0))


@pytest.mark.parametrize(
    ("routes", "online"),
    [
        ([route()], True),
        ([route(prefix=24), route(family=socket.AF_INET6)], True),
        ([route(prefix=24), route(prefix=64, family=socket.AF_INET6)], False),
        # What a Linux machine without an IPv6 default has anyway: the kernel's "unreachable" default.
        ([route(family=socket.AF_INET6, kind=RTN_UNREACHABLE)], False),
        ([route(kind=RTN_BLACKHOLE)], False),
        ([route(flags=RTNH_F_LINKDOWN)], False),  # the cable is out, the route is still listed
        ([route(table=WIREGUARD_TABLE, family=socket.AF_INET6), route(prefix=24)], False),
        ([], False),
    ],
    ids=["ipv4", "ipv6 only", "local only", "kernel unreachable", "blackhole", "link down", "vpn table", "none"],
)
def test_the_way_out_is_a_default_route_of_the_main_table_that_traffic_can_take(
    routes: list[bytes], online: bool
) -> None:
    assert way_out_in([b"".join(routes), DONE]) is online
    assert way_out_in([*routes, DONE]) is online  # one route a datagram, as a long dump comes


@pytest.mark.parametrize(
    "dump",
    [
        [message(NLMSG_ERROR, struct.pack("=i", -1))],  # the kernel refused (a sandbox's policy)
        [route(prefix=24)],  # ended before NLMSG_DONE
        [route()[:-3]],  # cut short
        [NETLINK_HEADER.pack(4, RTM_NEWROUTE, 0, 1, 0)],  # a length shorter than its own header
        [route(prefix=24), message(NLMSG_DONE, struct.pack("=i", -90))],  # the dump itself failed
        [message(RTM_NEWROUTE, route(prefix=24)[NETLINK_HEADER.size :], NLM_F_DUMP_INTR), DONE],
    ],
    ids=["refused", "unfinished", "cut short", "impossible length", "failed at the end", "interrupted"],
)
def test_a_dump_it_cannot_read_never_claims_an_outage(dump: list[bytes]) -> None:
    """A sandbox without netlink, or an answer in a shape we do not know: the widget must not hold back
    a poll it could make."""
    assert has_default_route(lambda: dump) is True


def test_a_dump_that_cannot_be_asked_for_never_claims_an_outage() -> None:
    def refused() -> list[bytes]:
        raise PermissionError(13, "netlink is not allowed here")

    assert has_default_route(refused) is True


def test_a_route_is_read_by_its_header_whatever_its_attributes() -> None:
    """An attribute whose length is wrong (here: says 8 bytes, holds 2) is never read, so it cannot
    turn a usable default into an error."""
    broken = route()[: NETLINK_HEADER.size + ROUTE_MESSAGE.size] + struct.pack("=HHH", 8, RTA_TABLE, 0)
    header = NETLINK_HEADER.pack(len(broken), RTM_NEWROUTE, 0, 1, 0)
    assert way_out_in([header + broken[NETLINK_HEADER.size :] + b"\0\0", DONE]) is True


@pytest.mark.linux_only
def test_asking_the_kernel_all_day_leaves_no_socket_open() -> None:
    """Every route change asks for a dump; one read only in part (a default found early) closes too.
    Counted by the process's own netlink sockets: its other descriptors come and go with whatever
    the earlier tests left for the garbage collector."""
    open_before = open_netlink_sockets()
    answers = {has_default_route() for _ in range(500)}
    assert len(answers) == 1
    assert open_netlink_sockets() == open_before


def open_netlink_sockets() -> set[int]:
    """The socket inodes this process holds open that the kernel lists as netlink sockets."""
    import os

    held = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                held.add(int(target[len("socket:[") : -1]))
    with open("/proc/self/net/netlink", encoding="ascii") as table:
        netlink = {int(line.split()[-1]) for line in table.readlines()[1:] if line.split()}
    return held & netlink


IN_NAMESPACE = """
import json, select, subprocess, sys, time
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
# A veth pair stands for a real interface: IPv6 makes any route over lo an "unreachable" one.
seen["main's default removed"] = after("route del default dev lo")
seen["veth up"] = any([after("link add v0 type veth peer name v1"), after("link set v0 up"), after("link set v1 up")])
# A full-tunnel VPN keeps its default in a table of its own while the Wi-Fi under it is gone.
seen["vpn table default"] = after("-6 route add default dev v0 table 51820")
seen["blackhole default"] = after("route add blackhole default")
seen["blackhole removed"] = after("route del blackhole default")
seen["default, cable out"] = any([after("link set v1 down"), after("route add default dev v0")])
seen["offline still"] = not changes.online

def back_within(seconds):  # the carrier's return reaches the routes a moment after the link's news
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([changes], [], [], left)[0] and changes.came_back():
            return True
    return False

subprocess.run(["ip", "link", "set", "v1", "up"], check=True)
seen["cable back"] = back_within(10)
# IPv6 counts as a way out too, from the main table.
seen["ipv4 default removed"] = after("route del default dev v0")
seen["ipv6 default in main"] = after("-6 route add default dev v0")
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
        "main's default removed": False,
        "veth up": False,
        "vpn table default": False,
        "blackhole default": False,
        "blackhole removed": False,
        "default, cable out": False,
        "offline still": True,
        "cable back": True,
        "ipv4 default removed": False,
        "ipv6 default in main": True,
    }

"""Whether the machine has a way out (a default route), and, on Linux, a socket that wakes when links,
addresses or routes change: "the network is back" without Qt's network module.

This is what GLib's network monitor does on Linux (netlink, then the routing table), which is what Qt's
QNetworkInformation used here: the same answer without QtNetwork, GIO and their plug-ins (over 4 MiB
held all day by a widget that only wants to know when to poll again).
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

# linux/rtnetlink.h: the multicast groups a change of link, IPv4/IPv6 address or route is sent to.
RTMGRP_LINK = 0x1
RTMGRP_IPV4_IFADDR = 0x10
RTMGRP_IPV4_ROUTE = 0x40
RTMGRP_IPV6_IFADDR = 0x100
RTMGRP_IPV6_ROUTE = 0x400
ROUTE_CHANGE_GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE

# linux/route.h
RTF_UP = 0x0001
RTF_REJECT = 0x0200  # "unreachable": the kernel's own IPv6 default on a machine without one

PROC_NET = Path("/proc/net")


def _usable(flags: str) -> bool:
    value = int(flags, 16)
    return bool(value & RTF_UP) and not value & RTF_REJECT


def _ipv4_default(table: str) -> bool:
    # Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, one route per line)
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 8 and fields[1] == fields[7] == "00000000" and _usable(fields[3]):
            return True
    return False


def _ipv6_default(table: str) -> bool:
    # destination prefix-length source prefix-length next-hop metric refcount use flags device
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 10 and int(fields[0], 16) == 0 and fields[1] == "00" and _usable(fields[8]):
            return True
    return False


def has_default_route(proc_net: Path = PROC_NET) -> bool:
    """True when an IPv4 or IPv6 default route is up: the machine can reach beyond its own networks.
    Unreadable tables (another OS, a locked-down sandbox) answer True: never claim an outage we cannot see."""
    try:
        ipv4 = (proc_net / "route").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    try:
        ipv6 = (proc_net / "ipv6_route").read_text(encoding="ascii", errors="replace")
    except OSError:  # IPv6 turned off
        ipv6 = ""
    try:
        return _ipv4_default(ipv4) or _ipv6_default(ipv6)
    except ValueError:  # a table in a shape we do not know
        return True


class RouteChanges:
    """A netlink socket (Linux) that becomes readable when a link, an address or a route changes.
    The owner watches `fileno()` for reading and calls `came_back()` each time it is readable."""

    def __init__(self, proc_net: Path = PROC_NET) -> None:
        self._proc_net = proc_net
        kind = socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC
        self._socket = socket.socket(socket.AF_NETLINK, kind, socket.NETLINK_ROUTE)
        try:
            self._socket.bind((0, ROUTE_CHANGE_GROUPS))
        except OSError:
            self._socket.close()
            raise
        self.online = has_default_route(proc_net)

    def fileno(self) -> int:
        return self._socket.fileno()

    def came_back(self) -> bool:
        """Read what changed; True when the machine has a default route again after having none.
        OSError when the socket cannot be read (a security policy, say): stop watching, or its news
        would wake the owner again at once, for ever."""
        self._drain()
        now = has_default_route(self._proc_net)
        back = now and not self.online
        self.online = now
        return back

    def _drain(self) -> None:
        # The messages themselves are not needed: the routing table after them is the answer.
        while True:
            try:
                if not self._socket.recv(65536):
                    raise OSError(errno.ECONNRESET, "the route socket was closed")
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                if error.errno != errno.ENOBUFS:
                    raise
                # The kernel dropped some under a burst: the table is re-read after the drain anyway.

    def close(self) -> None:
        self._socket.close()

"""Whether the machine has a way out (a default route), and, on Linux, a socket that wakes when links,
addresses or routes change: "the network is back" without Qt's network module.

This is what GLib's network monitor does on Linux (netlink, then the routing table), which is what Qt's
QNetworkInformation used here: the same answer without QtNetwork, GIO and their plug-ins (over 4 MiB
held all day by a widget that only wants to know when to poll again). The tables are asked for over
netlink too (`/proc/net/ipv6_route` lists every table and cannot tell a VPN's own from the main one):
only a default route of the main table counts, unicast and with its link up.
"""

from __future__ import annotations

import errno
import socket
import struct
import sys
from collections.abc import Callable, Iterable, Iterator

# linux/rtnetlink.h: the multicast groups a change of link, IPv4/IPv6 address or route is sent to.
RTMGRP_LINK = 0x1
RTMGRP_IPV4_IFADDR = 0x10
RTMGRP_IPV4_ROUTE = 0x40
RTMGRP_IPV6_IFADDR = 0x100
RTMGRP_IPV6_ROUTE = 0x400
ROUTE_CHANGE_GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE

# linux/netlink.h and linux/rtnetlink.h: a dump of the routing tables and what its routes say.
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_DUMP_INTR = 0x10  # the tables changed while they were dumped: the dump is not to be trusted
NLM_F_DUMP = 0x300
RTM_NEWROUTE = 24
RTM_GETROUTE = 26
RTN_UNICAST = 1  # not unreachable, blackhole, prohibit or throw: a route traffic can take
RT_TABLE_MAIN = 254  # rtm_table; a table numbered past 255 is reported there as 252 (RT_TABLE_COMPAT)
RTNH_F_DEAD = 0x1
RTNH_F_LINKDOWN = 0x10  # its interface has no carrier (Wi-Fi gone, cable out)

NETLINK_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port
ROUTE_MESSAGE = struct.Struct("=BBBBBBBBI")  # rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
DUMP_TIMEOUT = 2.0  # seconds: the kernel answers at once; a sandbox that never does must not hang the watch


def _messages(datagram: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(type, flags, body) of each netlink message in one datagram; ValueError for a malformed one."""
    offset = 0
    while offset < len(datagram):
        if offset + NETLINK_HEADER.size > len(datagram):
            raise ValueError("a netlink header cut short")
        length, kind, flags, _sequence, _port = NETLINK_HEADER.unpack_from(datagram, offset)
        if length < NETLINK_HEADER.size or offset + length > len(datagram):
            raise ValueError("a netlink message of an impossible length")
        yield kind, flags, datagram[offset + NETLINK_HEADER.size : offset + length]
        offset += (length + 3) & ~3  # messages start 4-byte aligned


def _is_way_out(route: bytes) -> bool:
    """A default route of the main table that traffic can take: unicast, its link up."""
    if len(route) < ROUTE_MESSAGE.size:
        raise ValueError("a route message cut short")
    _family, dst_len, _src_len, _tos, table, _protocol, _scope, route_type, flags = ROUTE_MESSAGE.unpack_from(route)
    # Only the main table: a full-tunnel VPN keeps its own default in a table of its own (WireGuard's
    # 51820, Tailscale's 52), which stays there while the Wi-Fi under it is gone. A default with
    # several next hops is marked down per hop, not here: it counts as a way out (as before).
    usable = route_type == RTN_UNICAST and not flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)
    return dst_len == 0 and table == RT_TABLE_MAIN and usable


def _failed(body: bytes) -> bool:
    """An NLMSG_DONE whose error number (the int that starts it) says the dump failed."""
    return len(body) >= 4 and int.from_bytes(body[:4], sys.byteorder, signed=True) < 0


def way_out_in(dump: Iterable[bytes]) -> bool:
    """Whether the datagrams of an RTM_GETROUTE dump, up to its NLMSG_DONE, hold a default route of the
    main table that traffic can take (IPv4 or IPv6). ValueError or OSError when they are not a
    whole, successful dump."""
    for datagram in dump:
        for kind, flags, body in _messages(datagram):
            if flags & NLM_F_DUMP_INTR:
                raise OSError("the routing tables changed while they were read")
            if kind == RTM_NEWROUTE and _is_way_out(body):
                return True
            if kind == NLMSG_ERROR or (kind == NLMSG_DONE and _failed(body)):
                raise OSError("the kernel could not list the routes")
            if kind == NLMSG_DONE:
                return False
    raise ValueError("the route dump ended before it was done")


def kernel_route_dump() -> Iterator[bytes]:
    """The kernel's routing tables, every family, as the datagrams of one netlink dump."""
    socket_type = socket.SOCK_RAW | socket.SOCK_CLOEXEC
    with socket.socket(socket.AF_NETLINK, socket_type, socket.NETLINK_ROUTE) as routes:
        routes.settimeout(DUMP_TIMEOUT)
        request = NETLINK_HEADER.pack(
            NETLINK_HEADER.size + ROUTE_MESSAGE.size, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0
        ) + ROUTE_MESSAGE.pack(socket.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0)
        routes.sendto(request, (0, 0))
        while True:
            datagram = routes.recv(65536)
            if not datagram:
                return
            yield datagram


def has_default_route(dump: Callable[[], Iterable[bytes]] = kernel_route_dump) -> bool:
    """True when an IPv4 or IPv6 default route of the main table is up: the machine can reach beyond
    its own networks. A dump that fails or makes no sense (a locked-down sandbox) answers True: never
    claim an outage we cannot see."""
    try:
        datagrams = dump()
        try:
            return way_out_in(datagrams)
        finally:
            close = getattr(datagrams, "close", None)
            if close is not None:
                close()  # a dump read only in part: its socket closes now, not when collected
    except (OSError, ValueError, struct.error):
        return True


class RouteChanges:
    """A netlink socket (Linux) that becomes readable when a link, an address or a route changes.
    The owner watches `fileno()` for reading and calls `came_back()` each time it is readable."""

    def __init__(self, dump: Callable[[], Iterable[bytes]] = kernel_route_dump) -> None:
        self._dump = dump
        kind = socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC
        self._socket = socket.socket(socket.AF_NETLINK, kind, socket.NETLINK_ROUTE)
        try:
            self._socket.bind((0, ROUTE_CHANGE_GROUPS))
        except OSError:
            self._socket.close()
            raise
        self.online = has_default_route(dump)

    def fileno(self) -> int:
        return self._socket.fileno()

    def came_back(self) -> bool:
        """Read what changed; True when the machine has a default route again after having none.
        OSError when the socket cannot be read (a security policy, say): stop watching, or its news
        would wake the owner again at once, for ever."""
        self._drain()
        now = has_default_route(self._dump)
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

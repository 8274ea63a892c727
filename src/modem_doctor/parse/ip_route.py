"""``ip route`` and ``ip -6 route`` (iproute2 and BusyBox), including ``table all``.

A route line is an optional type (``local``, ``broadcast``, ``multicast``,
``unreachable``...), the destination (``default``, a prefix or an address), then
keyword/value pairs (``via``, ``dev``, ``proto``, ``scope``, ``src``, ``metric``,
``table``, ``pref``, ``mtu``, ``expires``...) and bare flags (``linkdown``, ``onlink``).
A multipath route continues on indented ``nexthop via X dev Y weight N`` lines.

The older ``route -n`` table (net-tools and BusyBox, common in OpenWrt pastes) is read
too: ``Destination Gateway Genmask Flags Metric Ref Use Iface`` for IPv4 and
``Destination Next Hop Flag Met Ref Use If`` for ``route -A inet6 -n``. Its one-letter
flags (U, G, H, n, !) land in ``Route.flags``; a gateway of 0.0.0.0 or :: means none.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import Route, RouteTable
from ._net_common import check_lines, shell_command, strip_fence, to_lines

KIND = "ip_route"
TITLE = "ip route"

_TYPES = (
    "unicast", "local", "broadcast", "multicast", "unreachable", "prohibit",
    "blackhole", "throw", "anycast", "nat",
)  # fmt: skip
_VALUED = (
    "via", "dev", "proto", "scope", "src", "metric", "table", "pref", "mtu", "advmss",
    "expires", "error", "realm", "realms", "from", "tos", "dsfield", "weight", "hoplimit",
    "initcwnd", "initrwnd", "rtt", "rttvar", "window", "cwnd", "ssthresh", "features",
    "quickack", "congctl", "fastopen_no_cookie", "nhid", "encap", "iif", "oif",
)  # fmt: skip
_FLAGS = ("linkdown", "onlink", "dead", "pervasive", "offload", "trap", "notify", "rt_offload", "cache")
_TABLE_HEADINGS = re.compile(
    r"^(?:Kernel IP(?:v6)? routing table|Destination\s+(?:Gateway\s+Genmask|Next Hop)\s+Flags?\b.*)$"
)
_ROUTE_N4 = re.compile(
    r"^(\d+\.\d+\.\d+\.\d+)\s+(\d+\.\d+\.\d+\.\d+|\*)\s+(\d+\.\d+\.\d+\.\d+)\s+([A-Za-z!]+)\s+(-?\d+)\s+\d+\s+\d+\s+(\S+)$"
)
_ROUTE_N6 = re.compile(r"^([0-9a-fA-F:.]+/\d+)\s+([0-9a-fA-F:.]+)\s+([A-Za-z!]+)\s+(-?\d+)\s+\d+\s+\d+\s+(\S+)$")
# Headings reporters put above their output ('Output of "ip -4 route show"', '-----').
_INTRO = re.compile(r'^(?:Output of\s+)?"?ip\b.*\broute\b.*$|^-{5,}$')


def _is_destination(word: str) -> bool:
    if word == "default":
        return True
    address, _, prefix = word.partition("/")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return not prefix or (prefix.isdigit() and int(prefix) <= 128)


def parse_route(text: str, number: int) -> Optional[Route]:
    """One route line, or None when it is not one."""
    words = text.split()
    if not words:
        return None
    rtype = ""
    if words[0] in _TYPES:
        rtype = words[0]
        words = words[1:]
    if not words or not _is_destination(words[0]):
        return None
    destination = words[0]
    fields: Dict[str, str] = {}
    flags: List[str] = []
    position = 1
    while position < len(words):
        word = words[position]
        if word in _VALUED and position + 1 < len(words):
            value = words[position + 1]
            if word == "via" and value in ("inet", "inet6") and position + 2 < len(words):
                value = words[position + 2]  # 'via inet6 fe80::1' (route over another family)
                position += 1
            if word == "mtu" and value == "lock" and position + 2 < len(words):
                value = words[position + 2]
                position += 1
            fields.setdefault(word, value)
            position += 2
        elif word in _FLAGS:
            flags.append(word)
            position += 1
        else:
            return None  # an unknown word: better unread than misread
    if not fields and not flags and not rtype:
        return None  # a bare address is not a route
    family = "inet6" if ":" in destination or ":" in fields.get("via", "") else "inet"
    metric = fields.get("metric")
    return Route(
        destination=destination,
        family=family,
        type=rtype,
        via=fields.get("via", ""),
        dev=fields.get("dev", ""),
        proto=fields.get("proto", ""),
        scope=fields.get("scope", ""),
        src=fields.get("src", ""),
        metric=int(metric) if metric is not None and metric.isdigit() else None,
        table=fields.get("table", ""),
        pref=fields.get("pref", ""),
        flags=tuple(flags),
        line=number,
    )


def _nexthop(text: str) -> Optional[Tuple[str, str]]:
    words = text.split()
    if not words or words[0] != "nexthop":
        return None
    via = dev = ""
    for position, word in enumerate(words[:-1]):
        if word == "via":
            via = words[position + 1]
        elif word == "dev":
            dev = words[position + 1]
    return (via, dev) if via or dev else None


def parse(text: str) -> Parsed[RouteTable]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[RouteTable]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    routes: List[Route] = []
    hops: Dict[int, List[Tuple[str, str]]] = {}  # route index -> its multipath next hops
    for line in lines:
        if not line.text.strip() or shell_command(line.text) is not None:
            continue
        text = strip_fence(line.text).strip()
        if _INTRO.match(text):
            continue
        if _TABLE_HEADINGS.match(text):
            continue
        route = parse_route(text, line.number) or _route_n(text, line.number)
        if route is not None:
            routes.append(route)
            continue
        hop = _nexthop(text)
        if hop is not None and routes:
            hops.setdefault(len(routes) - 1, []).append(hop)
            continue
        unparsed.add(line, "not a route")
    for index, found in hops.items():
        routes[index] = dataclasses.replace(routes[index], nexthops=tuple(found))
    first, last_line = line_span(lines)
    return Parsed(KIND, RouteTable(tuple(routes)), unparsed.freeze(), first, last_line)


def _route_n(text: str, number: int) -> Optional[Route]:
    """One row of ``route -n`` / ``route -A inet6 -n``, or None."""
    match = _ROUTE_N4.match(text)
    if match:
        destination, gateway, genmask, flags, metric, dev = match.groups()
        try:
            network = ipaddress.IPv4Network(f"{destination}/{genmask}", strict=False)
        except ValueError:
            return None
        cidr = "default" if network.prefixlen == 0 else (
            destination if network.prefixlen == 32 else f"{destination}/{network.prefixlen}"
        )
        family = "inet"
        via = "" if gateway in ("0.0.0.0", "*") else gateway
    else:
        match = _ROUTE_N6.match(text)
        if not match or not _is_destination(match.group(1)):
            return None
        destination, gateway, flags, metric, dev = match.groups()
        cidr = "default" if destination == "::/0" else destination
        family = "inet6"
        via = "" if gateway == "::" else gateway
    return Route(
        destination=cidr,
        family=family,
        type="unreachable" if "!" in flags else "",
        via=via,
        dev=dev,
        metric=int(metric) if int(metric) >= 0 else None,
        flags=tuple(flags),
        line=number,
    )

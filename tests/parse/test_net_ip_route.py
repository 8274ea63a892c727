"""``ip route`` parser on real output."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.model.common import Line
from modem_doctor.parse import ip_route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "net"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_ip_route_and_ip6_route() -> None:
    parsed = ip_route.parse(read("ip_route_host.txt"))
    assert parsed.unparsed == ()
    default, local = parsed.value.routes
    assert default.is_default and (default.via, default.dev, default.family) == ("192.0.2.1", "eth0", "inet")
    assert (local.destination, local.proto, local.scope, local.src, local.line) == (
        "192.0.2.0/24", "kernel", "link", "192.0.2.2", 2,
    )  # fmt: skip
    six = ip_route.parse(read("ip6_route_host.txt")).value
    (default6,) = six.defaults()
    assert (default6.via, default6.metric, default6.pref, default6.family) == ("fd00::1", 1024, "medium", "inet6")


def test_table_all_types_and_tables() -> None:
    parsed = ip_route.parse(read("ip_route_table_all_host.txt"))
    assert parsed.unparsed == ()
    routes = parsed.value.routes
    local = [r for r in routes if r.type == "local"]
    assert local and all(r.table == "local" for r in local)
    assert any(r.type == "broadcast" and r.destination == "127.255.255.255" for r in routes)
    assert any(r.type == "multicast" and r.destination == "ff00::/8" and r.family == "inet6" for r in routes)


def test_busybox_ip_route() -> None:
    parsed = ip_route.parse(read("busybox_ip_route_host.txt"))
    assert parsed.unparsed == ()
    assert parsed.value.routes[1].src == "192.0.2.2"
    six = ip_route.parse(read("busybox_ip6_route_host.txt"))
    assert six.unparsed == ()
    assert [r.metric for r in six.value.routes] == [256, 256, 1024, 256]


def test_openwrt_multiwan_routes_and_foreign_lines() -> None:
    parsed = ip_route.parse(read("ip4_route_openwrt_packages16837.txt"))
    defaults = parsed.value.defaults()
    assert [(r.dev, r.metric, r.proto) for r in defaults] == [
        ("pppoe-ct_wan", 20, "static"),
        ("pppoe-cmcc_wan", 30, "static"),
    ]
    assert len(parsed.value.routes) == 13
    # the 'ip -4 rule show' that followed in the paste is not routes
    assert [u.line for u in parsed.unparsed] == [17, 19, 20]


def test_wwan0_routes() -> None:
    (static,) = ip_route.parse(read("ip_route_wwan0_openwrt10791.txt")).value.routes
    assert (static.destination, static.dev, static.proto, static.scope, static.metric) == (
        "172.94.88.1", "wwan0", "static", "link", 90,
    )  # fmt: skip
    (default,) = ip_route.parse(read("ip_route_wwan0_raspap1277.txt")).value.routes
    assert default.is_default and default.via == "10.182.35.145" and default.src == ""


def test_multipath_nexthops() -> None:
    quoted = read("ip_route_multipath_mail_quoted.txt").splitlines()
    lines = [Line(10 + i, text[2:]) for i, text in enumerate(quoted)]  # '> ' removed, numbers kept
    parsed = ip_route.parse_lines(lines)
    assert parsed.unparsed == ()
    (route,) = parsed.value.routes
    assert route.is_default and (route.proto, route.src, route.line) == ("static", "10.179.20.18", 10)
    assert route.nexthops == (("10.179.2.12", "ens17f1"), ("10.179.2.140", "ens17f0"))


def test_junk_is_unparsed() -> None:
    parsed = ip_route.parse("RTNETLINK answers: File exists\n10.0.0.1\ndefault via 1.2.3.4 dev eth0 bogusword x\n")
    assert parsed.value.routes == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3]


def test_route_n_tables_from_net_tools_and_busybox() -> None:
    nettools = ip_route.parse(read("route_n_nettools_host.txt"))
    busybox = ip_route.parse(read("route_n_busybox_host.txt"))
    assert nettools.unparsed == () and busybox.unparsed == ()
    assert nettools.value == busybox.value
    default, local = nettools.value.routes
    assert (default.destination, default.via, default.dev, default.flags, default.line) == (
        "default", "192.0.2.1", "eth0", ("U", "G"), 3,
    )  # fmt: skip
    assert (local.destination, local.via) == ("192.0.2.0/24", "")
    # the same routes as 'ip route' shows, destination and gateway alike
    modern = ip_route.parse(read("ip_route_host.txt")).value.routes
    assert [(r.destination, r.via, r.dev) for r in modern] == [(r.destination, r.via, r.dev) for r in nettools.value.routes]


def test_route_n_ipv6() -> None:
    parsed = ip_route.parse(read("route6_n_nettools_host.txt"))
    assert parsed.unparsed == ()
    routes = parsed.value.routes
    assert len(routes) == 8
    (default,) = [r for r in routes if r.is_default and r.type != "unreachable"]
    assert (default.via, default.metric, default.family) == ("fd00::1", 1024, "inet6")
    assert routes[-1].type == "unreachable" and routes[-1].metric is None


def test_ppp0_routes_with_command_line() -> None:
    parsed = ip_route.parse(read("ppp0_android_mail_ip_route.txt"))
    assert parsed.unparsed == ()  # '# ip route' is the command, not a route
    default, subnet, peer = parsed.value.routes
    assert default.is_default and (default.dev, default.via, default.scope) == ("ppp0", "", "link")
    assert (peer.destination, peer.proto, peer.src) == ("10.0.0.1", "kernel", "10.0.0.2")

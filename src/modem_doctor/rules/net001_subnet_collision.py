"""NET001 subnet-collision

## What it detects
The IPv4 subnet of a modem's network device overlapping the router's LAN or another
interface: a HiLink stick, hotspot or tethered phone that hands the router 192.168.1.x
(or 192.168.8.x, 192.168.0.x) while ``network.lan`` is 192.168.1.1/24, or two link
routes for one prefix on the modem netdev and another device. The LAN comes from
``/etc/config/network`` (``ipaddr``/``netmask`` or CIDR), from commands that set it
(``uci set network.lan.ipaddr=...``, ``sed -i s/old/new/ /etc/config/network``), or from
the addresses and routes shown; the modem side from ``ip addr``/``ifconfig``,
``ip route`` and ``ifstatus``, or from the user saying the device's subnet is fixed
("LAN sides forced to 192.168.1.x"). Changing only the host part of the LAN address
(192.168.1.1 -> 192.168.1.8) is caught too.

A netdev counts as the modem's when a USB network driver registered it in the log,
when it is named like one (``wwanN``, ``usbN``), when a cellular interface in
``/etc/config/network`` uses it, or when the input shows a router-mode / ECM / RNDIS
modem and the netdev is an ``ethN`` (N >= 1) that has an address.

## Why it matters
With the same subnet on both sides the router cannot route between them: replies to LAN
clients leave through the modem (or the other way round), the DHCP lease is obtained
but nothing passes, and the stick's web UI is unreachable. Changing only the host part
of an address does not help.

## Evidence
The LAN's ``ipaddr`` (and ``netmask``) lines, address line or the command that set it,
and the modem netdev's address or route line or the user's words about its subnet.

## Fix
Move the OpenWrt LAN to another subnet (``uci set network.lan.ipaddr='192.168.2.1'``,
commit, reconnect to the new address); the stick's or hotspot's side is often fixed.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context

USBNET_DRIVERS = frozenset({"cdc_ether", "rndis_host", "cdc_ncm", "huawei_cdc_ncm", "qmi_wwan", "cdc_mbim", "sierra_net", "ipheth"})
MODEM_PROTOS = frozenset({"qmi", "mbim", "ncm", "3g", "directip", "modemmanager", "wwan"})
TETHERED_PATHS = frozenset({"hilink", "ecm", "rndis"})
_MODEM_NAME = re.compile(r"^(?:wwan\d+|usb\d+)$")
_ETH_NOT_FIRST = re.compile(r"^eth[1-9]\d*$")

Network = Any  # ipaddress.IPv4Network


def _option(section: Any, name: str) -> Tuple[str, int]:
    for option in getattr(section, "options", ()) or ():
        if getattr(option, "name", None) == name:
            values = getattr(option, "values", ()) or ()
            return (str(values[0]) if values else "", getattr(option, "line", 0))
    return ("", 0)


def _network(address: str, prefix: Optional[int] = None, netmask: str = "") -> Optional[Network]:
    try:
        if "/" in address:
            return ipaddress.ip_interface(address).network
        if netmask:
            return ipaddress.IPv4Interface(f"{address}/{netmask}").network
        if prefix is not None:
            return ipaddress.IPv4Interface(f"{address}/{prefix}").network
    except ValueError:
        return None
    return None


def _lan(ctx: Context) -> Optional[Tuple[Network, List[Evidence], str]]:
    """(network, evidence, device) of network.lan, the last showing winning."""
    found = None
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "config", "") not in ("network", "") or getattr(section, "type", "") != "interface":
            continue
        if getattr(section, "name", None) != "lan":
            continue
        ipaddr, ip_line = _option(section, "ipaddr")
        netmask, mask_line = _option(section, "netmask")
        device, _ = _option(section, "device")
        if not device:
            device, _ = _option(section, "ifname")
        network = _network(ipaddr.split()[0] if ipaddr else "", None, netmask or ("" if "/" in ipaddr else "255.255.255.0"))
        if network is None:
            continue
        evidence = [ctx.cite(artifact, line) for line in (ip_line, mask_line) if line]
        found = (network, evidence, device or "br-lan")
    return found


_UCI_SET_LAN = re.compile(r"\buci\s+set\s+network\.lan\.ipaddr=['\"]?(\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?)")
_SED_NETWORK = re.compile(
    r"\bsed\b.*?\bs([/|#,])(\d{1,3}(?:\\?\.\d{1,3}){3})\1(\d{1,3}(?:\.\d{1,3}){3})\1.*\s/etc/config/network\b"
)


def _lan_from_commands(ctx: Context) -> Optional[Tuple[Network, List[Evidence], str, str]]:
    """The LAN address the user's last command set ('uci set network.lan.ipaddr=...', or a
    sed replacing an address in /etc/config/network, whose address is the LAN's on a stock
    router); a /24 unless the command says otherwise."""
    found = None
    for command in ctx.host.commands:
        match = _UCI_SET_LAN.search(command.text) or _SED_NETWORK.search(command.text)
        if not match:
            continue
        address = match.group(1) if match.re is _UCI_SET_LAN else match.group(3)
        network = _network(address, None, "" if "/" in address else "255.255.255.0")
        if network is None:
            continue
        note = ""
        if match.re is _SED_NETWORK:
            old = match.group(2).replace("\\", "")
            if _network(old, None, "255.255.255.0") == network:
                note = f" Changing the LAN from {old} to {address} changed only the host part: the subnet is the same."
        found = (network, [ctx.cite(command.source or "-", command.line, command.text)], "br-lan", note)
    return found


def _modem_netdevs(ctx: Context) -> Tuple[Set[str], bool]:
    """Netdev names that belong to a modem, and whether a tethered (router-mode/ECM/RNDIS)
    modem is in the input (which lets ethN count too)."""
    names: Set[str] = set()
    for _, event in ctx.host.log_events(LogEventKind.NETDEV_REGISTER, LogEventKind.NETDEV_RENAMED):
        if event.subject and (not event.driver or event.driver in USBNET_DRIVERS):
            names.add(event.subject)
    merged = ctx.host.uci_merged().get("network", {})
    for options in merged.values():
        if options.get(".type") != "interface":
            continue
        if str(options.get("proto", "")) in MODEM_PROTOS:
            for key in ("device", "ifname"):
                value = options.get(key)
                if isinstance(value, str) and not value.startswith("/"):
                    names.add(value)
    tethered = any(m.explanation.recommended.data_path in TETHERED_PATHS for m in ctx.modems)
    return names, tethered


def _is_modem(name: str, names: Set[str], tethered: bool, lan_device: str) -> bool:
    if name in names or _MODEM_NAME.match(name):
        return True
    return tethered and bool(_ETH_NOT_FIRST.match(name)) and name != lan_device


def is_modem_netdev(ctx: Context, name: str) -> bool:
    """Whether netdev ``name`` belongs to a modem (by its driver, its UCI interface, or its name)."""
    names, tethered = _modem_netdevs(ctx)
    return _is_modem(name, names, tethered, "") or bool(_MODEM_LINK.match(name))


# Point-to-point and PCIe modem links netifd or the kernel name by themselves.
_MODEM_LINK = re.compile(r"^(?:3g-\S+|ppp\d+|wwp\S+|mhi_\S+|rmnet\S*|qmimux\d+|wwan\d+mbim\d*)$")


def _networks_by_device(ctx: Context) -> Dict[str, List[Tuple[Network, str, int, str]]]:
    """device -> [(network, artifact, line, what)] from addresses, link routes and ifstatus."""
    by_dev: Dict[str, List[Tuple[Network, str, int, str]]] = {}
    for item in ctx.host.network:
        value = item.value
        for iface in getattr(value, "interfaces", ()) or ():
            for address in getattr(iface, "addresses", ()) or ():
                if getattr(address, "family", "") != "inet":
                    continue
                network = _network(address.address, address.prefix)
                if network is not None and network.prefixlen < 32:
                    by_dev.setdefault(iface.name, []).append(
                        (network, item.artifact, address.line, f"address {address.address}/{network.prefixlen}")
                    )
        for route in getattr(value, "routes", ()) or ():
            if route.via or not route.dev or "/" not in route.destination or getattr(route, "family", "inet") != "inet":
                continue
            network = _network(route.destination)
            if network is not None and network.prefixlen < 32 and not network.is_loopback:
                by_dev.setdefault(route.dev, []).append((network, item.artifact, route.line, f"route {route.destination}"))
        for status in getattr(value, "statuses", ()) or ():
            device = getattr(status, "l3_device", "") or status.device
            for address in getattr(status, "ipv4_addresses", ()) or ():
                network = _network(getattr(address, "address", ""), getattr(address, "prefix", None) or getattr(address, "mask", None))
                if network is not None and device:
                    by_dev.setdefault(device, []).append((network, item.artifact, status.line, f"ifstatus {status.interface}"))
    return by_dev


def check(ctx: Context) -> Iterator[Finding]:
    names, tethered = _modem_netdevs(ctx)
    commanded = _lan_from_commands(ctx)
    lan = commanded[:3] if commanded else _lan(ctx)
    note = commanded[3] if commanded else ""
    lan_device = lan[2] if lan else "br-lan"
    if lan is not None:
        for fact in ctx.host.facts_of("tethered_subnet"):
            stated = _network(fact.value)
            if stated is not None and stated.overlaps(lan[0]):
                yield _finding(
                    ctx, "", stated, fact.value, ctx.cite(fact.source or "-", fact.line, fact.text),
                    "the LAN", lan[0], lan[1], note,
                )
    by_dev = _networks_by_device(ctx)
    modem_devs = [dev for dev in by_dev if _is_modem(dev, names, tethered, lan_device)]
    reported: Set[Tuple[str, str]] = set()
    for dev in modem_devs:
        for network, artifact, line, what in by_dev[dev]:
            # 1. the LAN from /etc/config/network
            if lan is not None and network.overlaps(lan[0]) and (dev, "lan") not in reported:
                reported.add((dev, "lan"))
                yield _finding(ctx, dev, network, what, ctx.cite(artifact, line), "the LAN", lan[0], lan[1], note)
                continue
            # 2. any other device's subnet shown in the same input
            for other, entries in by_dev.items():
                key = "lan" if other in (lan_device, "br-lan") else other
                if other == dev or (dev, key) in reported or (other, dev) in reported:
                    continue
                for other_net, other_artifact, other_line, _ in entries:
                    if network.overlaps(other_net):
                        reported.add((dev, key))
                        label = "the LAN" if key == "lan" else other
                        yield _finding(
                            ctx, dev, network, what, ctx.cite(artifact, line), label, other_net,
                            [ctx.cite(other_artifact, other_line)],
                        )
                        break


def _finding(ctx: Context, dev: str, network: Network, what: str, modem_line: Evidence, other: str,
             other_net: Network, other_lines: List[Evidence], note: str = "") -> Finding:
    """``dev`` '' means the tethered device's subnet is only known from the user's words."""
    evidence = tuple(other_lines) + (modem_line,)
    if other.startswith("the LAN"):
        fix = (
            f"Move the OpenWrt LAN to a free subnet, e.g. uci set network.lan.ipaddr='{_free_subnet(network, other_net)}'; "
            "uci commit network; service network restart (then reconnect to the new address). "
            "The stick's or hotspot's own subnet is often fixed."
        )
    else:
        fix = (
            f"Give {dev} and {other} different subnets: change the address configured on {dev} or the "
            "subnet the modem/hotspot hands out (its web UI), since the router cannot route one subnet "
            "out of two interfaces."
        )
    return Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=(
            f"The modem's {dev} ({what}) is in the same subnet as {other}: {other_net}"
            if dev
            else f"The tethered device's fixed subnet {what} is the same as {other}'s: {other_net}"
        ),
        evidence=evidence,
        why=(
            f"{network} on {dev or 'the tethered device'} overlaps {other_net} on {other}, so the router has two "
            "routes to one subnet: replies go out the wrong side, the lease is obtained but nothing passes, and "
            "the device's own web page is unreachable." + note
        ),
        fix=fix,
        modem=None,
        rule=RULE.name,
    )


def _free_subnet(*taken: Network) -> str:
    """A 192.168.x.1 whose /24 overlaps none of ``taken``."""
    for third in (2, 3, 4, 5, 10, 20, 50, 99):
        candidate = ipaddress.IPv4Network(f"192.168.{third}.0/24")
        if not any(candidate.overlaps(net) for net in taken):
            return f"192.168.{third}.1"
    return "10.10.10.1"


RULE = Rule(
    code="NET001",
    name="subnet-collision",
    severity=Severity.ERROR,
    summary="the modem's (tethered device's) subnet overlaps the LAN or another interface",
    check=check,
)

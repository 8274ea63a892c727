"""NET003 not-in-wan-zone

## What it detects
A cellular interface in ``/etc/config/network`` - proto ``qmi``, ``mbim``, ``ncm``, ``3g``,
``directip``, ``modemmanager`` or ``wwan``, or ``dhcp`` on a modem's network device (a
netdev a USB network driver registered, ``wwanN``, ``usbN``) - that is not listed in the
firewall zone named ``wan`` nor in any other masquerading zone, when the firewall
configuration is part of the input. Without the firewall configuration it stays silent
(the plan adds the zone step anyway).

## Why it matters
The router itself reaches the Internet through the modem, so ``ping`` from the router
works, but LAN clients get nothing: without a zone the interface has no masquerading and
no ``lan`` -> ``wan`` forwarding, and fw4 drops the traffic. LuCI shows the interface in
no zone. This is the classic "connected, but clients have no Internet".

## Evidence
The interface's section and ``proto`` lines, and the ``wan`` zone's ``network`` line that
lacks it.

## Fix
Add the interface to the wan zone (``uci add_list firewall.<wan zone>.network='<iface>'``,
``uci commit firewall``, ``service firewall reload``) or pick the zone in LuCI under the
interface's "Firewall Settings". The ``_4``/``_6`` sub-interfaces inherit it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context

MODEM_PROTOS = frozenset({"qmi", "mbim", "ncm", "3g", "directip", "modemmanager", "wwan"})
DHCP_PROTOS = frozenset({"dhcp", "dhcpv6"})
# Netdev names the kernel gives modem data interfaces (qmi_wwan/cdc_mbim: wwanN; usbnet
# drivers without a MAC of their own: usbN).
_MODEM_NETDEV = re.compile(r"^(?:wwan\d+|usb\d+)$")
USBNET_DRIVERS = frozenset({"cdc_ether", "rndis_host", "cdc_ncm", "huawei_cdc_ncm", "qmi_wwan", "cdc_mbim", "sierra_net"})


def _values(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        out: List[str] = []
        for item in value:
            out.extend(str(item).split())
        return tuple(out)
    return tuple(str(value).split())


def _modem_netdevs(ctx: Context) -> Set[str]:
    """Netdevs that USB network drivers registered, as the logs show."""
    names = set()
    for _, event in ctx.host.log_events(LogEventKind.NETDEV_REGISTER, LogEventKind.NETDEV_RENAMED):
        if event.subject and (not event.driver or event.driver in USBNET_DRIVERS):
            names.add(event.subject)
    return names


def _sections(ctx: Context, config: str, stype: str) -> List[Tuple[str, Any]]:
    """(artifact, section) of one type, the last showing of each name winning."""
    latest: Dict[str, Tuple[str, Any]] = {}
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "config", "") == config and getattr(section, "type", "") == stype:
            key = getattr(section, "name", None) or f"@{stype}[{getattr(section, 'index', 0)}]"
            latest[key] = (artifact, section)
    return list(latest.values())


def _option(section: Any, name: str) -> Optional[Any]:
    for option in getattr(section, "options", ()) or ():
        if getattr(option, "name", None) == name:
            return option
    return None


def _option_value(section: Any, name: str) -> Tuple[str, ...]:
    option = _option(section, name)
    return _values(getattr(option, "values", None)) if option is not None else ()


def _modem_interfaces(ctx: Context) -> List[Tuple[str, Any, str]]:
    """(artifact, section, reason) for each network interface that is a cellular uplink."""
    netdevs = _modem_netdevs(ctx)
    found = []
    for artifact, section in _sections(ctx, "network", "interface"):
        name = getattr(section, "name", None)
        if not name:
            continue
        proto = (_option_value(section, "proto") or ("",))[0]
        if _option_value(section, "disabled")[:1] == ("1",):
            continue
        if proto in MODEM_PROTOS:
            found.append((artifact, section, f"proto {proto}"))
            continue
        if proto in DHCP_PROTOS:
            devices = set(_option_value(section, "device")) | set(_option_value(section, "ifname"))
            modem_dev = sorted(d for d in devices if d in netdevs or _MODEM_NETDEV.match(d))
            if modem_dev:
                found.append((artifact, section, f"proto {proto} on the modem's {modem_dev[0]}"))
    return found


def check(ctx: Context) -> Iterator[Finding]:
    zones = _sections(ctx, "firewall", "zone")
    if not zones:
        return  # firewall not shown: nothing to judge (the plan adds the zone step anyway)
    wan = next(((a, z) for a, z in zones if _option_value(z, "name")[:1] == ("wan",)), None)
    if wan is not None and not _option_value(wan[1], "network"):
        # A wan zone that lists no network at all is a partial paste ('[...]' elided its
        # list lines); the interface may well be in it.
        return
    masq_networks: Set[str] = set()
    zone_of: Dict[str, str] = {}
    for _, zone in zones:
        zone_name = (_option_value(zone, "name") or ("?",))[0]
        for network in _option_value(zone, "network"):
            zone_of.setdefault(network, zone_name)
            if _option_value(zone, "masq")[:1] == ("1",):
                masq_networks.add(network)
    # In the zone named 'wan' is in the wan zone, whether or not its 'masq' line was shown
    # (guides elide it: 'option name wan / [...] / list network wwan').
    in_wan = set(_option_value(wan[1], "network")) if wan is not None else set()
    for artifact, section, reason in _modem_interfaces(ctx):
        name = section.name
        if name in masq_networks or name in in_wan:
            continue
        evidence: List[Evidence] = [ctx.cite(artifact, section.line)] if section.line else []
        proto_option = _option(section, "proto")
        if proto_option is not None and proto_option.line:
            evidence.append(ctx.cite(artifact, proto_option.line))
        zone_text = "the firewall has no zone named 'wan'"
        section_ref = "the wan zone"
        if wan is not None:
            wan_artifact, wan_zone = wan
            listed = _option(wan_zone, "network")
            cite_line = listed.line if listed is not None and listed.line else wan_zone.line
            if cite_line:
                evidence.append(ctx.cite(wan_artifact, cite_line))
            members = ", ".join(_option_value(wan_zone, "network")) or "nothing"
            zone_text = f"the wan zone lists {members}"
            section_ref = (
                f"firewall.{wan_zone.name}" if getattr(wan_zone, "name", None) else f"firewall.@zone[{wan_zone.index}]"
            )
        other = zone_of.get(name)
        where = f"it is only in the non-masquerading zone '{other}'" if other else "it is in no zone"
        yield Finding(
            code=RULE.code,
            severity=Severity.ERROR,
            title=f"Cellular interface '{name}' ({reason}) is not in the wan firewall zone: {where}",
            evidence=tuple(evidence),
            why=(
                f"{zone_text[0].upper()}{zone_text[1:]}. Traffic from LAN clients leaves through '{name}' only "
                "if its zone masquerades and lan may forward to it; otherwise the router itself is online "
                "but its clients are not."
            ),
            fix=(
                f"uci add_list {section_ref}.network='{name}'; uci commit firewall; service firewall reload "
                "(LuCI: the interface's Firewall Settings tab, zone wan)."
            ),
            modem=None,
            rule=RULE.name,
        )


RULE = Rule(
    code="NET003",
    name="not-in-wan-zone",
    severity=Severity.ERROR,
    summary="the modem's interface is missing from the wan firewall zone (clients get no Internet)",
    check=check,
)

"""NET004 connected-but-no-traffic

## What it detects
A cellular interface (proto qmi, mbim, ncm, 3g, modemmanager, directip, wwan, or the
``_4``/``_6`` sub-interface netifd adds for it) that netifd reports up, where the data
path still breaks: its device has no IP address; no default route leaves through it (none
at all, or one with a lower metric goes through another device); DNS lookups fail; or a
ping bound to its device (``ping -I wwan0``, the data-path probe) gets no answer.

## Why it matters
"Connected" in LuCI only means the protocol handler finished: the modem has a data
session. Traffic needs more: qmi.sh and ncm.sh hand the address to a DHCP sub-interface
(``wwan_4``) that can fail on its own, ``option defaultroute 0`` or a higher metric than
the wired WAN keeps the default route elsewhere, ``option peerdns 0`` without ``option
dns`` (or an APN whose DNS does not answer) leaves the resolver with no server, and an
operator that accepts the session but routes nothing (wrong APN, no data plan) drops
every packet.

## Evidence
The interface's status (``ifstatus``), the ``ip addr`` of its device, the default routes
of ``ip route``, the failing ``nslookup`` and the ping summary or error line.

## Fix
Per case: restart the interface and read ``logread -e netifd`` for the DHCP sub-interface
(no address); ``option defaultroute '1'`` and a metric below the other WAN's (route);
``option peerdns '1'`` or ``option dns`` with working servers, and the APN's DNS (DNS);
the APN and the data plan, and that the interface is in the wan zone (ping).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import CELLULAR_PROTOS, cellular_interfaces
from ..model.network import IfStatus, NetInterface, Route
from ..model.reach import LookupResult, PingResult
from . import Rule
from .context import Context

_SUB = re.compile(r"^(?P<base>.+)_[46]$")
_BOUND = re.compile(r"(?:^|\s)-I\s*['\"]?(?P<device>[\w.@-]+)")
_IFSTATUS = re.compile(r"^ifstatus\s+([\w.-]+)\s*$")
_DP = re.compile(r"(?:^|/)dp\.(?P<iface>[A-Za-z0-9_]+)\.")


class _Link:
    """One logical cellular interface with its sub-interfaces, as netifd shows them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.members: List[Tuple[str, IfStatus]] = []  # (artifact, status): the interface and its _4/_6

    @property
    def up(self) -> bool:
        return any(status.up for _, status in self.members)

    @property
    def proto(self) -> str:
        for _, status in self.members:
            if status.interface == self.name and status.proto:
                return status.proto
        return next((status.proto for _, status in self.members if status.proto), "")

    @property
    def devices(self) -> Tuple[str, ...]:
        out: List[str] = []
        for _, status in self.members:
            if status.l3_device and status.l3_device not in out:
                out.append(status.l3_device)
        return tuple(out)

    @property
    def device(self) -> str:
        return self.devices[0] if self.devices else self.name

    def addresses(self) -> Tuple[str, ...]:
        return tuple(a.cidr for _, s in self.members for a in s.ipv4_addresses + s.ipv6_addresses)

    def dns_servers(self) -> Tuple[str, ...]:
        return tuple(d for _, s in self.members for d in s.dns_servers)


def _links(ctx: Context) -> List[_Link]:
    """Cellular interfaces netifd reports, the latest status of each name winning."""
    host = ctx.host
    latest: Dict[str, Tuple[str, IfStatus]] = {}
    for artifact, status in host.interface_statuses():
        name = status.interface or _named_by(ctx, artifact)
        if name and status.exists:
            latest[name] = (artifact, status if status.interface else dataclasses.replace(status, interface=name))
    cellular: Set[str] = {str(getattr(section, "name", "") or "") for _, section in cellular_interfaces(host)}
    cellular.update(name for name, (_, status) in latest.items() if status.proto in CELLULAR_PROTOS)
    links: Dict[str, _Link] = {}
    for name, found in latest.items():
        sub = _SUB.match(name)
        base = sub.group("base") if sub and sub.group("base") in cellular else name
        if base not in cellular:
            continue
        links.setdefault(base, _Link(base)).members.append(found)
    return list(links.values())


def _named_by(ctx: Context, artifact: str) -> str:
    """The interface a status without its name belongs to: 'ifstatus NAME' (a probe frame
    carries the command beside the output, not in it), or the probe's 'dp.NAME.ifstatus'."""
    found = ctx.host.artifact(artifact)
    if found is None:
        return ""
    named = _IFSTATUS.match(found.command or "")
    if named:
        return named.group(1)
    dp = _DP.search(found.source)
    return dp.group("iface") if dp else ""


def _status_line(ctx: Context, artifact: str, status: IfStatus, needle: str) -> Evidence:
    """The line of ``needle`` ('"ipv4-address"') inside a status, else its first line."""
    for number in range(status.line, (status.last_line or status.line) + 1):
        text = ctx.line_text(artifact, number)
        if needle in text:
            return ctx.cite(artifact, number, text)
    return ctx.cite(artifact, status.line)


def _netdevs(ctx: Context) -> Dict[str, Tuple[str, NetInterface]]:
    latest: Dict[str, Tuple[str, NetInterface]] = {}
    for artifact, iface in ctx.host.net_interfaces():
        name = iface.name.split("@", 1)[0]
        latest[name] = (artifact, iface)
    return latest


def _route_table(ctx: Context) -> Optional[Tuple[str, Tuple[Route, ...], bool]]:
    """(artifact, IPv4 routes, filtered by device) of the last ``ip route`` output with any."""
    by_artifact: Dict[str, List[Route]] = {}
    for artifact, route in ctx.host.routes():
        if route.family == "inet" and route.table in ("", "main"):
            by_artifact.setdefault(artifact, []).append(route)
    if not by_artifact:
        return None
    artifact = list(by_artifact)[-1]
    found = ctx.host.artifact(artifact)
    command = (found.command if found else "") or ""
    filtered = bool(re.search(r"\s(?:dev|table)\s", " " + command + " "))
    return artifact, tuple(by_artifact[artifact]), filtered


def _on(route: Route, devices: Tuple[str, ...]) -> bool:
    return route.dev in devices or any(dev in devices for _, dev in route.nexthops)


def _binding(ctx: Context, artifact: str) -> Tuple[str, str]:
    """(device, interface) a ping or lookup artifact was bound to: its command's ``-I`` or
    the probe's capture id 'dp.<iface>.<step>'."""
    found = ctx.host.artifact(artifact)
    if found is None:
        return "", ""
    bound = _BOUND.search(found.command or "")
    device = bound.group("device") if bound and not bound.group("device").startswith("$") else ""
    dp = _DP.search(found.source)
    return device, dp.group("iface") if dp else ""


def _pings(ctx: Context) -> List[Tuple[str, PingResult, str, str]]:
    out: List[Tuple[str, PingResult, str, str]] = []
    for item in ctx.host.network:
        if item.kind != "ping":
            continue
        device, iface = _binding(ctx, item.artifact)
        for result in item.value.results:
            out.append((item.artifact, result, result.device or device, iface))
    return out


def _lookups(ctx: Context) -> List[Tuple[str, LookupResult, str]]:
    out: List[Tuple[str, LookupResult, str]] = []
    for item in ctx.host.network:
        if item.kind != "nslookup":
            continue
        _, iface = _binding(ctx, item.artifact)
        out.extend((item.artifact, lookup, iface) for lookup in item.value.lookups)
    return out


def _finding(severity: Severity, title: str, evidence: List[Evidence], why: str, fix: str) -> Finding:
    return Finding(code=RULE.code, severity=severity, title=title, evidence=tuple(evidence), why=why, fix=fix,
                   modem=None, rule=RULE.name)


def check(ctx: Context) -> Iterator[Finding]:
    links = [link for link in _links(ctx) if link.up]
    if not links:
        return
    netdevs = _netdevs(ctx)
    table = _route_table(ctx)
    pings = _pings(ctx)
    lookups = _lookups(ctx)
    for index, link in enumerate(links):
        label = f"cellular interface '{link.name}'"
        shown = [netdevs[d] for d in link.devices if d in netdevs]
        has_address = bool(link.addresses()) or any(
            iface.ipv4 or any(a.scope in ("global", "Global") for a in iface.ipv6) for _, iface in shown)
        # -- no address: only when something shows the absence (a sub-interface that is up
        # without one, or the device's own 'ip addr'); qmi.sh's parent never holds the
        # address itself when a DHCP sub-interface does.
        if not has_address:
            evidence: List[Evidence] = []
            for artifact, status in link.members:
                if status.interface != link.name and status.up and status.complete:
                    evidence.append(_status_line(ctx, artifact, status, '"ipv4-address"'))
            for artifact, iface in shown:
                evidence.append(ctx.cite(artifact, iface.line))
            if evidence:
                parent = next(((a, s) for a, s in link.members if s.interface == link.name), None)
                if parent:
                    evidence.insert(0, _status_line(ctx, parent[0], parent[1], '"up"'))
                yield _finding(
                    Severity.ERROR,
                    f"Cellular interface '{link.name}' (proto {link.proto or 'unknown'}) is up but {link.device} has no IP address",
                    evidence,
                    "netifd says the interface is up (the data session exists), but no address reached the "
                    f"device, so nothing can be sent through {link.device}.",
                    f"Restart it (ifup {link.name}) and read 'logread -e netifd' for the DHCP sub-interface "
                    f"({link.name}_4) or the handler's address settings; if the modem answers DHCP nothing, "
                    "check the APN and the PDP type the operator gives.",
                )
                continue
        # -- the default route
        has_ipv4 = any(s.ipv4_addresses for _, s in link.members) or any(iface.ipv4 for _, iface in shown)
        if table is not None and has_ipv4:
            artifact, routes, filtered = table
            defaults = [r for r in routes if r.is_default]
            mine = [r for r in defaults if _on(r, link.devices or (link.device,))]
            others = [r for r in defaults if r not in mine]
            mine_metric = min((r.metric or 0 for r in mine), default=None)
            lower = [r for r in others if mine_metric is not None and (r.metric or 0) < mine_metric]
            if not defaults and not filtered:
                device_routes = [ctx.cite(artifact, r.line) for r in routes if r.dev == link.device and r.line][:2]
                yield _finding(
                    Severity.ERROR,
                    f"No default route: nothing leaves through {label} ({link.device})",
                    device_routes or [ctx.cite(artifact, routes[0].line)],
                    f"The routing table has no default route at all, so only the modem's own subnet is reachable "
                    f"through {link.device}.",
                    f"Set option defaultroute '1' on '{link.name}' (uci set network.{link.name}.defaultroute='1'; "
                    f"uci commit network; ifup {link.name}) and check that no static route or mwan3 policy removes it.",
                )
            elif others and (not mine or lower):
                other = (lower or others)[0]
                via = f"{other.dev or other.via}" + (f" (metric {other.metric})" if other.metric is not None else "")
                evidence = [ctx.cite(artifact, other.line)] + [ctx.cite(artifact, r.line) for r in mine[:1]]
                yield _finding(
                    Severity.WARNING,
                    f"The default route goes through {via}, not {label} ({link.device}"
                    + (f", metric {mine_metric})" if mine else ": it has none)"),
                    evidence,
                    "Traffic follows the default route with the lowest metric, so the modem's connection carries "
                    "nothing while the other route exists (right for a backup uplink, wrong otherwise).",
                    f"If the modem should be the uplink: option defaultroute '1' and option metric lower than "
                    f"{other.metric if other.metric is not None else 'the other route'} on '{link.name}' "
                    f"(uci set network.{link.name}.metric='1'), or take the default route off {other.dev or 'the other WAN'}.",
                )
        # -- DNS: bound to this interface (probe), else an unbound lookup counts for the first link
        mine_lookups = [(a, r) for a, r, iface in lookups if iface == link.name or (not iface and index == 0)]
        if mine_lookups:
            artifact, lookup = mine_lookups[-1]
            if lookup.resolved is False:
                servers = link.dns_servers()
                yield _finding(
                    Severity.ERROR,
                    f"DNS lookups fail while {label} is up: {lookup.error}",
                    [ctx.cite(artifact, lookup.line)],
                    "Names do not resolve, so browsers and package managers fail even when packets pass; "
                    + (f"netifd got DNS servers {', '.join(servers)} from the interface."
                       if servers else "netifd shows no DNS server from the interface."),
                    f"Check option peerdns (default '1') on '{link.name}', or set option dns to servers that answer; "
                    "the APN may hand out DNS servers that only answer inside the operator's network; "
                    "and check that the interface is in the wan firewall zone.",
                )
        # -- pings bound to the interface's device
        bound = [(a, r) for a, r, device, iface in pings
                 if (device and device in (link.devices or (link.device,))) or iface == link.name]
        if bound:
            artifact, result = bound[-1]
            if result.answered is False:
                if result.transmitted is not None:
                    said = f"{result.transmitted} sent, {result.received} received"
                else:
                    said = result.error
                yield _finding(
                    Severity.ERROR,
                    f"Pings through {link.device} ({label}) get no answer"
                    + (f" from {result.target}" if result.target and result.target != link.device else "")
                    + f": {said}",
                    [ctx.cite(artifact, result.line)],
                    "Packets bound to the modem's device do not come back: the operator accepts the session "
                    "but routes nothing, or the device is gone or misconfigured.",
                    "Check the APN (the operator's exact name) and that the SIM has a data plan; check that "
                    f"'{link.name}' is in the wan firewall zone and that {link.device} exists (ip addr show dev {link.device}).",
                )


RULE = Rule(
    code="NET004",
    name="connected-but-no-traffic",
    severity=Severity.ERROR,
    summary="a cellular interface is up but has no address, no default route, no DNS or no answer to pings",
    check=check,
)

"""PKG001 modem-is-only-uplink

## What it detects
The router cannot download packages because the modem it is trying to set up is (or is
meant to be) its only way online: ``opkg update`` / ``apk update`` print
``Failed to download the package list``, ``Failed to establish connection``,
``wget returned 4`` or apk's ``network error`` while a modem is in the input (a USB
listing, a named modem, a modem protocol in ``/etc/config/network``), or the user says
the modem is the only Internet connection. A routing table in the input decides it too:
no default route except through the modem's link (``wwan0``, ``3g-wan``...) means no
other WAN is up; a default route through another link (a cable WAN, PPPoE) means the
router has another way out, and the download failure is something else, so the rule
stays silent.

## Why it matters
The kmods and the protocol handler the modem needs (``kmod-usb-net-qmi-wwan``, ``uqmi``,
``kmod-usb-serial-option``...) come from the package feeds, and the feeds are only
reachable through the modem that does not work yet. Advice to "just opkg install" is a
dead end; helpers often miss this.

## Evidence
The package manager's download and network error lines, the user's words about the
only uplink or the modem's model, and the routes that show no other WAN (the default
route through the modem, or the modem's route when there is no default route at all).

## Fix
Build an image that already contains the packages: the Firmware Selector's "Customize
installed packages" (or ``owut``/ASU) or the Image Builder with ``make image
PROFILE=<board> PACKAGES="..."`` (the plan gives the profile and the list), then
sysupgrade. Alternatively connect the router to another uplink for a moment (WAN cable,
Wi-Fi client), or download the ``.ipk``/``.apk`` files on a PC from the same release and
target and copy them over with ``scp``, installing them in dependency order.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.packages import PackageOutput, PackageProblem, ProblemKind
from . import Rule
from .context import Context
from .net001_subnet_collision import is_modem_netdev

# netifd protocols that make an interface a cellular uplink.
MODEM_PROTOS = frozenset({"qmi", "mbim", "ncm", "3g", "directip", "modemmanager", "wwan"})
# uclient-fetch / wget exit codes that mean the server answered (404 and the like): the
# router is online and the feed URL is wrong, which is another problem.
_SERVER_ANSWERED = re.compile(r"wget returned (?:1|8)\b")
MAX_CITED = 3
_RELEASE_URL = re.compile(r"/releases/(\d{2}\.\d{2}\.\d+(?:-rc\d+)?)/")


def _offline_lines(output: PackageOutput) -> List[PackageProblem]:
    """The problem lines that say the feeds were unreachable; none when the server answered."""
    if any(_SERVER_ANSWERED.search(p.detail) or _SERVER_ANSWERED.search(p.text) for p in output.problems):
        return []
    return [p for p in output.problems if p.kind in (ProblemKind.NETWORK_ERROR, ProblemKind.DOWNLOAD_FAILED)]


def _modem_reason(ctx: Context) -> Optional[str]:
    """Why the input says a modem is this router's uplink, or None."""
    if ctx.modems:
        return f"the {ctx.modems[0].label} is the uplink being set up"
    named = ctx.host.facts_of("modem_model")
    if named:
        return f"the {named[-1].value} modem is the uplink being set up"
    for name, options in ctx.host.uci_merged().get("network", {}).items():
        if options.get(".type") == "interface" and str(options.get("proto", "")) in MODEM_PROTOS:
            return f"interface '{name}' (proto {options.get('proto')}) is the cellular uplink"
    return None


def _route_devs(route: object) -> List[str]:
    devs = [getattr(route, "dev", "")] + [dev for _, dev in getattr(route, "nexthops", ())]
    return [dev for dev in devs if dev]


def _uplinks(ctx: Context) -> Tuple[bool, Optional[Tuple[str, str, List[Evidence]]]]:
    """From the IPv4 routing tables shown: whether a default route leaves through a link that
    is not the modem's (another WAN is up), and when none does but the modem's link has
    routes, (phrase, device, evidence) saying that no other WAN is up."""
    routes = [
        (artifact, route) for artifact, route in ctx.host.routes()
        if route.family == "inet" and route.table in ("", "main") and route.type in ("", "unicast")
    ]
    if not routes:
        return False, None
    defaults = [(artifact, route) for artifact, route in routes if route.destination == "default"]
    other = [(a, r) for a, r in defaults if any(not is_modem_netdev(ctx, dev) for dev in _route_devs(r))]
    if other:
        return True, None
    if defaults:
        artifact, route = defaults[0]
        dev = _route_devs(route)[0] if _route_devs(route) else "the modem"
        return False, (f"no other WAN is up: the only default route goes through the modem's {dev}", dev,
                       [ctx.cite(a, r.line) for a, r in defaults[:MAX_CITED] if r.line])
    modem_routes = [(a, r) for a, r in routes if any(is_modem_netdev(ctx, dev) for dev in _route_devs(r))]
    if not modem_routes:
        return False, None
    artifact, route = modem_routes[0]
    dev = _route_devs(route)[0]
    return False, (f"no WAN is up: the routing table has no default route, only the modem's {dev}", dev,
                   [ctx.cite(artifact, route.line)] if route.line else [])


def _release_in(urls: List[str]) -> Optional[str]:
    """'23.05.2' from a feed URL '.../releases/23.05.2/packages/...' (the release the router runs)."""
    for url in urls:
        match = _RELEASE_URL.search(url)
        if match:
            return match.group(1)
    return None


def check(ctx: Context) -> Iterator[Finding]:
    offline: List[Evidence] = []
    urls: List[str] = []
    for item in ctx.host.package_problems:
        output = item.value
        if not isinstance(output, PackageOutput):
            continue
        for problem in _offline_lines(output):
            offline.append(ctx.cite(item.artifact, problem.line, problem.text))
            if problem.url:
                urls.append(problem.url)
    stated = ctx.host.facts_of("only_uplink")
    other_wan, no_other = _uplinks(ctx)
    if other_wan and not stated:
        return  # the router has another way out: the feeds fail for another reason
    reason = _modem_reason(ctx) or (no_other[0] if no_other else None)
    if not stated and not (offline and reason):
        return
    evidence: List[Evidence] = []
    if offline:
        evidence.extend(offline[:MAX_CITED - 1] + offline[-1:] if len(offline) > MAX_CITED else offline)
    if no_other is not None and offline:
        evidence.extend(no_other[2])
    for fact in stated[-1:]:  # the latest statement; earlier ones repeat it
        evidence.append(ctx.cite(fact.source or "-", fact.line, fact.text))
    for fact in ctx.host.facts_of("modem_model")[-1:]:
        if not ctx.modems and not stated:
            evidence.append(ctx.cite(fact.source or "-", fact.line, fact.text))
    if offline and stated:
        title = "The package feeds are unreachable and the modem is the only uplink"
    elif offline and no_other is not None:
        title = f"The package feeds are unreachable and {no_other[0]}"
    elif offline:
        title = f"The package feeds are unreachable while {reason}"
    else:
        title = "The modem is the router's only uplink, so packages cannot be downloaded before it works"
    release = ctx.release_series or _release_in(urls)
    why = (
        "The drivers and the protocol handler the modem needs come from the package feeds, and the router "
        "can reach the feeds only through the modem that is not working yet"
    )
    if offline:
        why += " (the package manager could not connect" + (f" to {urls[0].split('/')[2]}" if urls and "//" in urls[0] else "") + ")"
    why += "."
    image_tool = "the Firmware Selector (firmware-selector.openwrt.org, 'Customize installed packages')"
    fix = (
        f"Build an image that already contains the packages with {image_tool} or the Image Builder "
        "(the plan gives the profile and package list) and sysupgrade to it; or connect the router to another "
        "uplink for a moment; or download the package files "
        + (f"of OpenWrt {release} " if release else "")
        + "for this target on a PC and copy them over with scp."
    )
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence),
        why=why,
        fix=fix,
        modem=ctx.modems[0].key if ctx.modems else None,
        rule=RULE.name,
    )


RULE = Rule(
    code="PKG001",
    name="modem-is-only-uplink",
    severity=Severity.ERROR,
    summary="packages cannot be downloaded because the modem being set up is the only uplink",
    check=check,
)

"""MOD002 router-mode-device

## What it detects
A "router on a stick": a HiLink or hotspot device (Huawei 12d1:14dc/14db, ZTE
19d2:1405/1403, and IDs the catalog marks ``hilink``) or an ECM/RNDIS modem whose
network device holds a private address the stick handed out (192.168.8.x is Huawei's
HiLink default, 192.168.0.x ZTE's, 192.168.1.x others').

## Why it matters
Such a device is a complete router: it dials by itself, runs DHCP and NAT, and keeps
its APN and PIN in its own web interface. It has no AT port and no QMI/MBIM device, so
proto 3g, qmi, ncm or mbim cannot work on it, and a ttyUSB that does not exist is
chased in vain. All OpenWrt needs is a DHCP client on its network device. The price is
double NAT and no public address on the router.

## Evidence
The device's listing line, the private address on its network device, and the UCI
interface configured with a modem protocol when there is one.

## Fix
``proto 'dhcp'`` on the stick's network device in the wan zone; APN and PIN in the
stick's web interface (http://192.168.8.1 for Huawei). For a public IP or no double
NAT, switch the stick to its modem ("stick") mode with another usb-mode.json message or
flash non-HiLink firmware, then use ncm or ppp. Keep the router's LAN out of the
stick's subnet.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context, ModemFacts

# Router-mode IDs named by failure-patterns.md (pattern 7), with the subnet each vendor's
# firmware hands out by default (the user's stick may be configured otherwise).
ROUTER_IDS: Dict[str, str] = {
    "12d1:14dc": "192.168.8.",
    "12d1:14db": "192.168.8.",
    "19d2:1405": "192.168.0.",
    "19d2:1403": "192.168.0.",
}
STICK_SUBNETS = ("192.168.8.", "192.168.0.", "192.168.1.")
NET_DRIVERS = ("cdc_ether", "rndis_host")
MODEM_PROTOS = ("3g", "qmi", "ncm", "mbim", "modemmanager", "directip")


def check(ctx: Context) -> Iterator[Finding]:
    addresses = _addresses(ctx)
    netdevs = _usb_netdevs(ctx)
    for modem in ctx.modems:
        e = modem.explanation
        vid_pid = f"{e.vid}:{e.pid}"
        router_id = vid_pid in ROUTER_IDS or e.recommended.data_path == "hilink" or any(
            c.data_path == "hilink" for c in e.configs)
        names = [name for name, path in netdevs if not e.usb_path or path == e.usb_path]
        # Without a log naming the stick's netdev, a USB-style Ethernet name is taken as
        # its device only for a router-mode ID, and the text says it is a guess.
        on_stick = [(name, item) for name, item in addresses
                    if (name in names or (router_id and not names and name.startswith(("eth", "usb", "enx"))))
                    and item[2].startswith(STICK_SUBNETS)]
        if not router_id and not on_stick:
            continue
        if not router_id and e.recommended.data_path not in ("ecm", "rndis"):
            continue
        yield _finding(ctx, modem, on_stick, bool(names))


def _finding(ctx: Context, modem: ModemFacts, on_stick: List[Tuple[str, Tuple[str, int, str]]],
             mapped: bool) -> Finding:
    e = modem.explanation
    artifact, device = modem.last
    evidence: List[Evidence] = []
    if device.first_line:
        evidence.append(ctx.cite(artifact, device.first_line))
    config = device.active_config
    for iface in config.interfaces if config else ():
        if iface.driver in NET_DRIVERS and iface.line:
            evidence.append(ctx.cite(artifact, iface.line))  # the Ethernet-style function it offers
    for _, (where, line, _address) in on_stick[:2]:
        evidence.append(ctx.cite(where, line))
    configured = _modem_protos(ctx)
    for where, line, text in configured:
        evidence.append(ctx.cite(where, line, text))
    subnet = ROUTER_IDS.get(f"{e.vid}:{e.pid}", "")
    seen = ", ".join(f"{name} has {item[2]}" for name, item in on_stick)
    why = ("This device is a router: it dials, runs DHCP and NAT, and keeps the APN and PIN in its own web "
           "interface. It offers no AT port and no QMI/MBIM control device, so a modem protocol cannot drive it.")
    if seen and mapped:
        why += f" Its network device got its address from the stick: {seen}."
    elif seen:
        why += f" {seen}, a private address of the kind such sticks hand out (likely its network device)."
    elif subnet:
        why += f" It normally hands out {subnet}x addresses."
    if configured:
        why += " The configuration shown uses a modem protocol on it."
    if on_stick:
        subnet = on_stick[0][1][2].rsplit(".", 1)[0] + "."
    fix = ("Configure proto 'dhcp' on its network device (eth1/usb0) and put the interface in the wan zone; set the "
           f"APN and PIN in the stick's web interface{' (http://' + subnet + '1)' if subnet else ''}. For a public "
           "address or no double NAT, switch it to modem (stick) mode or flash non-HiLink firmware, then use ncm or "
           "ppp. Keep the router's LAN out of the stick's subnet.")
    return Finding(
        code=RULE.code,
        severity=Severity.WARNING if configured else Severity.INFO,
        title=(f"{modem.label} is a router-mode (HiLink/hotspot) device: use DHCP on its network device"
               + (", not a modem protocol" if configured else "")),
        evidence=tuple(evidence),
        why=why,
        fix=fix,
        modem=modem.key,
        rule=RULE.name,
    )


def _addresses(ctx: Context) -> List[Tuple[str, Tuple[str, int, str]]]:
    """(interface name, (artifact, line, IPv4 address)) for every address shown."""
    found = []
    for item in ctx.host.network:
        for iface in getattr(item.value, "interfaces", ()) or ():
            for address in getattr(iface, "addresses", ()):
                if address.family == "inet" and address.line:
                    found.append((iface.name, (item.artifact, address.line, address.address)))
    return found


def _usb_netdevs(ctx: Context) -> List[Tuple[str, str]]:
    """(netdev, USB device path) registered by an Ethernet-style USB driver in a log."""
    found = []
    for _, event in ctx.host.log_events(LogEventKind.NETDEV_REGISTER, LogEventKind.NETDEV_RENAMED):
        if event.subject and (event.driver in NET_DRIVERS or event.kind is LogEventKind.NETDEV_RENAMED):
            found.append((event.subject, event.device))
    return found


def _modem_protos(ctx: Context) -> List[Tuple[str, int, str]]:
    """UCI interfaces configured with a modem protocol: (artifact, line, text)."""
    found = []
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "type", "") != "interface":
            continue
        option = section.option("proto") if hasattr(section, "option") else None
        if option is not None and option.value in MODEM_PROTOS and option.line:
            found.append((artifact, option.line, ctx.line_text(artifact, option.line)))
    return found


RULE = Rule(
    code="MOD002",
    name="router-mode-device",
    severity=Severity.WARNING,
    summary="a HiLink/hotspot (router-mode) device is set up, or about to be, as a modem",
    check=check,
)

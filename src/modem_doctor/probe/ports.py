"""Which device nodes to probe, from what the knowledge base says about the modem.

The AT port is the interface whose role is ``at`` (Huawei's PCUI, Quectel's AT port),
then ``modem`` (the PPP data port, which also takes AT commands when no PPP session runs).
``diag`` ports are never written to; ``unknown`` serial ports are only tried with ``ATI``
when no role is known. The kernel names the nodes: a USB interface ('1-1.2:1.2') becomes
``ttyUSB2`` (the dmesg line 'converter now attached to ttyUSB2', or sysfs on this host)
and a QMI/MBIM control interface ``cdc-wdm0``.

Standard library only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

AT_ROLES = ("at", "modem")  # in order of preference
NEVER_WRITE = ("diag", "gps", "adb", "storage")


@dataclass(frozen=True)
class PortChoice:
    kind: str  # 'at', 'qmi', 'mbim', 'ati-candidate'
    device: str  # '/dev/ttyUSB2', '/dev/cdc-wdm0'; '' when only the interface is known
    interface: str = ""  # USB interface id '1-1.2:1.2'
    role: str = ""
    why: str = ""


@dataclass(frozen=True)
class PortPlan:
    modem: str  # 'Huawei MU609 (12d1:1573)'
    vid: str
    at: Tuple[PortChoice, ...] = ()  # best first
    control: Tuple[PortChoice, ...] = ()  # qmi / mbim
    netdevs: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()


def nodes_from_logs(host: object) -> Dict[str, str]:
    """USB interface id -> device node, from the latest dmesg/logread events."""
    from ..model.log import LogEventKind as K

    nodes: Dict[str, str] = {}
    for _artifact, event in host.log_events(K.TTY_ATTACHED, K.CDC_WDM):  # type: ignore[attr-defined]
        if event.interface and event.subject:
            nodes[event.interface] = event.subject
    return nodes


def nodes_from_sysfs(interface: str, root: str = "") -> Tuple[str, ...]:
    """The tty and cdc-wdm nodes under /sys/bus/usb/devices/<interface> on this host."""
    base = os.path.join(root + "/sys/bus/usb/devices", interface)
    found: List[str] = []
    for sub in ("", "tty", "usbmisc"):
        try:
            names = sorted(os.listdir(os.path.join(base, sub) if sub else base))
        except OSError:
            continue
        found.extend(n for n in names if n.startswith(("ttyUSB", "ttyACM", "cdc-wdm")) and
                     (sub or n.startswith("ttyUSB")))
    return tuple(found)


def plan_ports(host: object, sysfs_root: Optional[str] = None) -> Tuple[PortPlan, ...]:
    """One ``PortPlan`` per modem the knowledge base recognises on the host. ``sysfs_root``
    (None: do not look) is used for interfaces the logs do not name."""
    from ..knowledge.explain import explain_host

    logs = nodes_from_logs(host)
    plans: List[PortPlan] = []
    for modem in explain_host(host):
        config = next((c for c in modem.configs if c.active), None)
        if config is None:
            config = next((c for c in modem.configs if c.number == modem.active_config), None)
        name = " ".join(p for p in (modem.vendor, modem.model) if p) or "modem"
        label = f"{name} ({modem.vid}:{modem.pid})"
        if config is None:
            plans.append(PortPlan(label, modem.vid, notes=("the active USB configuration is not known",)))
            continue
        at: List[Tuple[int, PortChoice]] = []
        control: List[PortChoice] = []
        notes: List[str] = []
        unknown: List[PortChoice] = []
        for iface in config.interfaces:
            usb_if = f"{modem.usb_path}:{config.number}.{iface.number}" if modem.usb_path else ""
            node = logs.get(usb_if, "")
            if not node and usb_if and sysfs_root is not None:
                names = nodes_from_sysfs(usb_if, sysfs_root)
                node = names[0] if names else ""
            device = f"/dev/{node}" if node else ""
            if iface.role in AT_ROLES:
                at.append((AT_ROLES.index(iface.role), PortChoice("at", device, usb_if, iface.role,
                                                                 f"interface {iface.number}: {iface.role_detail or iface.role}")))
            elif iface.role in ("qmi", "mbim"):
                if node and not node.startswith("cdc-wdm"):
                    node = ""
                control.append(PortChoice(iface.role, f"/dev/{node}" if node else "", usb_if, iface.role,
                                          f"interface {iface.number}"))
            elif iface.role == "unknown" and (iface.driver_bound or iface.driver_expected or "") in (
                    "option", "qcserial", "cdc_acm", "usbserial_generic", "sierra"):
                unknown.append(PortChoice("ati-candidate", device, usb_if, "unknown",
                                          f"interface {iface.number}: role unknown, tried with ATI only"))
            elif iface.role in NEVER_WRITE and device:
                notes.append(f"{device} ({iface.role}) is never written to")
        chosen = tuple(choice for _rank, choice in sorted(at, key=lambda pair: pair[0]))
        if not chosen:
            chosen = tuple(unknown)
        plans.append(PortPlan(label, modem.vid, chosen, tuple(control), notes=tuple(notes)))
    return tuple(plans)


__all__ = ["AT_ROLES", "NEVER_WRITE", "PortChoice", "PortPlan", "nodes_from_logs", "nodes_from_sysfs", "plan_ports"]

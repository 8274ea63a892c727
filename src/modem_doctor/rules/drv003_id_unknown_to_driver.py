"""DRV003 id-unknown-to-driver

## What it detects
Vendor-specific interfaces of the modem's active configuration (class ``ff`` with a
bulk pair: the serial ports a USB modem offers) that show ``Driver=(none)``, where no
serial driver binds any port of the modem and no entry of Linux 6.1's option, qcserial
or sierra tables matches the modem's ID: the kernel does not know this VID:PID (or
this composition of it), so installing ``kmod-usb-serial-option`` changes nothing.

## Why it matters
This is the "everything is installed and still no ttyUSB" case: young or rare IDs
(2cb7:0001, 19d2:0257), and IDs a vendor mode command produced (Fibocom
``AT+GTUSBMODE``, 2cb7:0109). Without a serial driver there is no AT port, so the
modem can be neither dialled nor switched back.

## Evidence
The ``C:`` line of the active configuration and the unbound ``I:`` lines; a line showing
the driver present (another interface bound, the kmod in the package list) when there
is one.

## Fix
As a stop-gap, give the driver the ID at run time (``new_id``; repeat it at every boot
from ``/etc/rc.local`` or a hotplug script). Better: move the modem to a composition
the kernel knows (the vendor's mode command, when the catalog has it), or run an
OpenWrt release whose kernel has the ID.
"""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from ..knowledge import roles
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.usb import DriverState, UsbInterface
from . import Rule
from .context import Context
from .drv001_driver_package_missing import PRESENT, active_view, driver_presence, unbound

NOT_SERIAL_ROLES = ("adb", "storage") + tuple(sorted(roles.NETWORK_ROLES))


def _bulk_pair(iface: UsbInterface) -> bool:
    """True when the interface has a bulk IN and a bulk OUT endpoint (or, for a listing
    without endpoint lines, at least two endpoints)."""
    if not iface.endpoints:
        return iface.num_endpoints >= 2
    directions = {ep.direction for ep in iface.endpoints if ep.transfer == "bulk"}
    return directions == {"in", "out"}


def check(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        e = modem.explanation
        if e.storage_mode:
            continue  # a storage-mode ID is switched, not bound (USB001)
        state = active_view(modem)
        if state is None:
            continue
        artifact, device, config, views = state
        if any(i.driver_state is DriverState.BOUND and i.driver in roles.SERIAL_DRIVERS for i in config.interfaces):
            continue  # the running kernel knows the ID; a reserved port is left unbound on purpose
        if any(getattr(view, "driver_expected", None) in roles.SERIAL_DRIVERS for view in views.values()):
            continue  # Linux 6.1 knows the ID for some ports: not an unknown ID (DRV001/DRV004)
        ports: List[UsbInterface] = []
        for iface in unbound(config):
            view = views.get(iface.number)
            if iface.cls != 0xFF or not _bulk_pair(iface) or view is None:
                continue
            if getattr(view, "role", "") in NOT_SERIAL_ROLES or getattr(view, "driver_expected", None):
                continue
            if getattr(view, "driver_rule", "") != "usb_match_id":
                continue  # a table matched and the probe refused: reserved on purpose
            ports.append(iface)
        if not ports:
            continue
        present, shown = _serial_driver_present(ctx)
        evidence: Tuple[Evidence, ...] = ctx.cite_config(artifact, config, [i.number for i in ports]) + shown
        other = sorted({str(i.driver) for i in config.interfaces if i.driver_state is DriverState.BOUND})
        numbers = ", ".join(str(i.number) for i in ports)
        why = (f"No entry of Linux 6.1's option, qcserial or sierra tables matches {e.vid}:{e.pid} interfaces "
               f"{numbers}, so no serial driver will take them")
        why += (f" ({present} is on this host and still leaves them alone)" if present else
                " whether or not kmod-usb-serial-option is installed")
        why += "; there is no AT port to dial or to change the modem's mode."
        if other:
            why += f" The kernel does bind {', '.join(other)} to the modem's other interfaces."
        fix = (f"Stop-gap: echo '{e.vid} {e.pid} ff' > /sys/bus/usb-serial/drivers/option1/new_id "
               "(needs kmod-usb-serial-option; repeat it at every boot from /etc/rc.local), then check ls /dev/ttyUSB*. ")
        command = e.mode_command
        if command is not None and command.set:
            fix += f"Better: switch the modem to a composition the kernel knows ({command.name}: {command.set}). "
        fix += "Or use an OpenWrt release whose kernel has this ID."
        yield Finding(
            code=RULE.code,
            severity=Severity.ERROR,
            title=f"{modem.label}: the serial drivers do not know this ID, so its ports {numbers} stay without a driver",
            evidence=evidence,
            why=why,
            fix=fix,
            modem=modem.key,
            rule=RULE.name,
        )


def _serial_driver_present(ctx: Context) -> Tuple[Optional[str], Tuple[Evidence, ...]]:
    for driver in ("option", "qcserial"):
        presence, evidence = driver_presence(ctx, driver, "kmod-usb-serial-option" if driver == "option" else
                                             "kmod-usb-serial-qualcomm")
        if presence in PRESENT:
            return driver, evidence
    return None, ()


RULE = Rule(
    code="DRV003",
    name="id-unknown-to-driver",
    severity=Severity.ERROR,
    summary="the serial drivers' tables do not know the modem's ID, so its ports stay unbound",
    check=check,
)

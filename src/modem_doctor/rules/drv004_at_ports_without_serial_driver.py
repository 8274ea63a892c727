"""DRV004 at-ports-without-serial-driver

## What it detects
Serial ports of the modem's active USB configuration (AT, modem/PPP, diagnostic, GPS)
that show ``Driver=(none)`` although a serial driver (option, qcserial, sierra) would
bind them, in two forms:

- no serial driver binds any port of the modem and its kmod is not known to be
  installed (``kmod-usb-serial-option``, ``kmod-usb-serial-qualcomm``...): the user
  has no AT port at all;
- the same driver binds the modem's other ports but not this one: the driver is there
  and knows the ID, so the port was left without a driver on this host (reported as
  information, with what the listing can and cannot prove).

## Why it matters
Without an AT port there is no ``/dev/ttyUSB*``: no PPP, no ``AT^NDISDUP`` for NCM, no
vendor command to change the USB mode, no way to read the SIM or signal state. A
single port without a driver matters only when it is the one the configuration needs
(proto 3g dials on the modem port).

## Evidence
The ``C:`` line of the active configuration and the unbound ``I:`` lines; for the second
form also the ``I:`` lines of the ports the driver does bind.

## Fix
Install the serial kmod (the plan adds it). For a single port left unbound: nothing
is needed unless that port is used; an unfiltered ``dmesg`` after the switch shows who
released it, and the port can be bound again by hand.
"""

from __future__ import annotations

from typing import Dict, Iterator, List

from ..knowledge import packages, roles
from ..model.findings import Finding, Severity
from ..model.usb import DriverState, UsbInterface
from . import Rule
from .context import Context
from .drv001_driver_package_missing import (MISSING, PRESENT, UNKNOWN, active_view, driver_presence,
                                            package_list_evidence, unbound)

SERIAL_ROLES = ("at", "modem", "diag", "gps")
AT_ROLES = ("at", "modem")
ROLE_NAMES = {"at": "AT", "modem": "modem (PPP)", "diag": "diagnostic", "gps": "GPS/NMEA"}


def check(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        state = active_view(modem)
        if state is None:
            continue
        artifact, device, config, views = state
        by_driver: Dict[str, List[UsbInterface]] = {}
        for iface in unbound(config):
            view = views.get(iface.number)
            driver = getattr(view, "driver_expected", None)
            if driver in roles.SERIAL_DRIVERS and getattr(view, "role", "") in SERIAL_ROLES:
                by_driver.setdefault(str(driver), []).append(iface)
        for driver, ifaces in by_driver.items():
            siblings = [i for i in config.interfaces
                        if i.driver_state is DriverState.BOUND and i.driver == driver]
            if siblings:
                # one port among bound siblings; a lone DIAG port is often reserved on purpose
                ifaces = [i for i in ifaces if getattr(views.get(i.number), "role", "") in AT_ROLES]
                if ifaces:
                    yield _partial(ctx, modem, artifact, config, driver, ifaces, siblings, views)
                continue
            if any(i.driver_state is DriverState.BOUND and i.driver in roles.SERIAL_DRIVERS for i in config.interfaces):
                continue  # another serial driver serves the modem's ports
            package = packages.kmod_for_driver(driver)
            presence, _ = driver_presence(ctx, driver, package)
            if presence in PRESENT:
                continue  # installed yet nothing binds: DRV002 (or DRV003 for an unknown ID)
            names = ", ".join(f"{i.number} ({ROLE_NAMES.get(getattr(views.get(i.number), 'role', ''), 'serial')})"
                              for i in ifaces)
            shown_at = any(getattr(views.get(i.number), "role", "") in AT_ROLES for i in ifaces)
            listed = len({i.number for i in config.interfaces}) < config.num_interfaces
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR if presence != UNKNOWN else Severity.WARNING,
                title=(f"{modem.label}: no serial driver on its "
                       + ("AT ports" if shown_at else "serial ports") + f"; {package or driver} is "
                       + ("not installed" if presence != UNKNOWN else "probably not installed")),
                evidence=ctx.cite_config(artifact, config, [i.number for i in ifaces])
                + (package_list_evidence(ctx) if presence == MISSING else ()),
                why=(f"Linux 6.1's {driver} would bind interface{'s' if len(ifaces) > 1 else ''} {names}, but "
                     f"nothing binds {'them' if len(ifaces) > 1 else 'it'}, so there is "
                     "no /dev/ttyUSB* to send AT commands to: no PPP dialling, no vendor mode command, no "
                     "SIM or signal query."
                     + (f" The listing shows {len({i.number for i in config.interfaces})} of the configuration's "
                        f"{config.num_interfaces} interfaces; {package or driver} drives its other ports too."
                        if listed else "")
                     + (" If the kmod is installed, the running kernel predates this ID." if presence == UNKNOWN else "")),
                fix=(f"Install {package} ({packages.release(ctx.release).install} {package})."
                     if package else f"Find a kernel module that provides {driver}."),
                modem=modem.key,
                rule=RULE.name,
            )


def _partial(ctx, modem, artifact, config, driver, ifaces, siblings, views) -> Finding:
    """One or more ports unbound while the same driver binds the others."""
    e = modem.explanation
    numbers = [i.number for i in ifaces]
    described = ", ".join(
        f"interface {i.number} ({ROLE_NAMES.get(getattr(views.get(i.number), 'role', ''), 'serial')} port, {i.triple})"
        for i in ifaces)
    evidence = ctx.cite_config(artifact, config, numbers + [s.number for s in siblings])
    needed = any(getattr(views.get(n), "role", "") in AT_ROLES for n in numbers) and not any(
        getattr(views.get(s.number), "role", "") in AT_ROLES for s in siblings)
    detach = ""
    if any(entry.get("in_openwrt") for entry in e.modeswitch_entries) and 0 in numbers:
        detach = (f" One candidate: usb-modeswitch-data has an entry for {e.vid}:{e.pid}, so when OpenWrt's "
                  "usb-modeswitch (usbmode) is installed it handles this modem on every USB hotplug event, and "
                  "its default mode detaches the kernel driver from interface 0.")
    path = e.usb_path or "<usb path>"
    echo = _interface0_elsewhere(ctx, modem, config.number) if 0 in numbers else None
    if echo is not None:
        other_artifact, other_config, line = echo
        evidence += (ctx.cite(other_artifact, line),)
        detach += (f" An earlier listing shows the same in configuration {other_config}: interface 0 without a "
                   "driver while other interfaces are bound, which fits something acting on interface 0 rather than "
                   "on one driver.")
    return Finding(
        code=RULE.code,
        severity=Severity.WARNING if needed else Severity.INFO,
        title=(f"{modem.label}: {described} of configuration {config.number} has no driver although "
               f"{driver} binds interface{'s' if len(siblings) > 1 else ''} "
               f"{', '.join(str(s.number) for s in siblings)}"),
        evidence=evidence,
        why=(f"The bound siblings prove that {driver} is loaded, belongs to the running kernel and knows "
             f"{e.vid}:{e.pid}, and Linux 6.1's table matches interface {numbers[0]} as well, so a missing or "
             "mismatched kmod is ruled out. The listing cannot say why this port has none: the driver may have "
             "been detached after binding (by a tool or by hand) or its probe may have failed on this host; "
             f"only the kernel log (lines naming {path}:{config.number}.{numbers[0]}) can tell." + detach
             + (" The port is not needed for the recommended "
                f"{e.recommended.netifd_proto or e.recommended.data_path} set-up." if not needed else "")),
        fix=((f"Bind it again: echo {path}:{config.number}.{numbers[0]} > /sys/bus/usb/drivers/{driver}/bind; "
              f"to see what released it: dmesg | grep -E '{path}:|usbfs'") if needed else
             (f"Nothing to do unless you use this port. To see what happened: dmesg | grep -E '{path}:|usbfs'; "
              f"to bind it again: echo {path}:{config.number}.{numbers[0]} > /sys/bus/usb/drivers/{driver}/bind")),
        modem=modem.key,
        rule=RULE.name,
    )


def _interface0_elsewhere(ctx, modem, current: int):
    """(artifact, configuration, I: line) of an earlier listing of the same modem, in another
    active configuration, whose interface 0 is unbound while other interfaces are bound."""
    for artifact, device in modem.sightings:
        config = device.active_config
        if config is None or config.number == current:
            continue
        first = config.interface(0)
        others = [i for i in config.interfaces if i.number != 0 and i.driver_state is DriverState.BOUND]
        if first is not None and first.driver_state is DriverState.UNBOUND and others and first.line:
            return artifact, config.number, first.line
    return None


RULE = Rule(
    code="DRV004",
    name="at-ports-without-serial-driver",
    severity=Severity.ERROR,
    summary="the modem's AT/serial ports have no serial driver",
    check=check,
)

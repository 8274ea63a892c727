"""DRV001 driver-package-missing

## What it detects
A data interface of the modem's active USB configuration (QMI, MBIM, ECM, NCM or RNDIS
function) that no driver claimed (``Driver=(none)``), while the driver Linux 6.1 would
bind to it is not known to be present: the package list does not show its kmod, or no
package list was given and nothing else (a bound interface, a ``registered new
interface driver`` line, the user's words) shows it.

## Why it matters
Without the driver there is no ``/dev/cdc-wdm0`` and no ``wwan0``/``usb0``/``eth1``:
no netifd protocol can start, and installing ModemManager or uqmi alone does not
help. This is what a factory reset or a minimal image leaves behind.

## Evidence
The ``C:`` line of the active configuration and the unbound ``I:`` lines; the package
list when one was given.

## Fix
Install the kmod that ships the driver (the plan lists the packages with the rest of
the stack). When the modem is the only uplink, the packages come in through an image
built with them (the plan's image route). If the kmod turns out to be installed, the
running kernel predates the modem's ID: see DRV002.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from ..knowledge import packages, roles
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from ..model.usb import DriverState, UsbConfig, UsbDevice, UsbInterface
from . import Rule
from .context import Context, ModemFacts

# How sure we are that a driver is on the host, strongest first.
LOADED = "loaded"  # bound to some interface, or 'registered new interface driver' logged
INSTALLED = "installed"  # the package list shows its kmod
STATED = "stated"  # the user says the kmod is installed
MISSING = "missing"  # a package list is shown and the kmod is not in it
UNKNOWN = "unknown"  # no package list, no other sign either way
PRESENT = (LOADED, INSTALLED, STATED)


def driver_presence(ctx: Context, driver: str, package: Optional[str]) -> Tuple[str, Tuple[Evidence, ...]]:
    """Whether ``driver`` (shipped by ``package``) is on the host, and the lines that say so."""
    for artifact, device in ctx.host.usb_devices():
        config = device.active_config
        for iface in config.interfaces if config else ():
            if iface.driver_state is DriverState.BOUND and iface.driver == driver and iface.line:
                return LOADED, (ctx.cite(artifact, iface.line),)
    for artifact, event in ctx.host.log_events(LogEventKind.DRIVER_REGISTERED):
        if event.driver == driver:
            return LOADED, (ctx.cite(artifact, event.line, event.text),)
    if package:
        for item in ctx.host.packages:
            for entry in getattr(item.value, "packages", ()):
                if entry.name == package:
                    return INSTALLED, (ctx.cite(item.artifact, entry.line),)
        for fact in ctx.host.facts_of("package_installed"):
            if fact.value == package:
                return STATED, (ctx.cite(fact.source, fact.line, fact.text),)
    if ctx.host.has_package_list:
        return MISSING, ()
    return UNKNOWN, ()


def package_list_evidence(ctx: Context) -> Tuple[Evidence, ...]:
    """The first and last lines of the last package list: what a 'not installed' rests on."""
    if not ctx.host.packages:
        return ()
    item = ctx.host.packages[-1]
    entries = [entry for entry in getattr(item.value, "packages", ()) if entry.line]
    if not entries:
        return ()
    ends = [entries[0], entries[-1]] if len(entries) > 1 else [entries[0]]
    return tuple(ctx.cite(item.artifact, entry.line) for entry in ends)


def active_view(modem: ModemFacts) -> Optional[Tuple[str, UsbDevice, UsbConfig, Dict[int, object]]]:
    """The latest listing of the modem, its active configuration, and the knowledge
    base's view (role, expected driver, package) of each interface of that configuration."""
    artifact, device = modem.last
    config = device.active_config
    if config is None:
        return None
    view = next((c for c in modem.explanation.configs if c.number == config.number), None)
    if view is None:
        return None
    return artifact, device, config, {i.number: i for i in view.interfaces}


def unbound(config: UsbConfig) -> List[UsbInterface]:
    """Interfaces of a configuration that the listing shows with ``Driver=(none)``."""
    seen = set()
    found = []
    for iface in config.interfaces:
        if iface.driver_state is DriverState.UNBOUND and iface.number not in seen:
            seen.add(iface.number)
            found.append(iface)
    return found


def check(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        e = modem.explanation
        state = active_view(modem)
        if state is None:
            continue
        artifact, device, config, views = state
        if e.recommended.config is not None and e.recommended.config != config.number:
            continue  # the plan moves the modem to another configuration (USB002)
        bound_here = {i.driver for i in config.interfaces if i.driver_state is DriverState.BOUND}
        wanted: Dict[str, List[UsbInterface]] = {}
        for iface in unbound(config):
            view = views.get(iface.number)
            driver = getattr(view, "driver_expected", None)
            if view is None or driver is None or getattr(view, "role", "") not in roles.NETWORK_ROLES:
                continue
            if driver in bound_here:
                continue  # a CDC function is one driver: its other half is bound
            wanted.setdefault(driver, []).append(iface)
        for driver, ifaces in wanted.items():
            package = packages.kmod_for_driver(driver)
            presence, _ = driver_presence(ctx, driver, package)
            if presence in PRESENT:
                continue  # installed but not binding: DRV002
            numbers = [i.number for i in ifaces]
            which = ("interface " if len(numbers) == 1 else "interfaces ") + ", ".join(map(str, numbers))
            role = getattr(views.get(numbers[0]), "role", "data")
            evidence = ctx.cite_config(artifact, config, numbers)
            if presence == MISSING:
                evidence += package_list_evidence(ctx)
            shipped = f"{package} ships {driver}" if package else f"no OpenWrt package is known for {driver}"
            if presence == MISSING:
                title = f"{modem.label}: the {role.upper()} interface has no driver and {package or driver} is not installed"
                why = (f"Linux would bind {driver} to {which} of configuration "
                       f"{config.number}, but the package list does not have {package or driver}; without it there "
                       "is no control device and no network device for the modem.")
            else:
                title = f"{modem.label}: the {role.upper()} interface has no driver; {package or driver} is probably not installed"
                why = (f"Linux 6.1 binds {driver} to {which} of configuration "
                       f"{config.number} ({shipped}); nothing here shows it installed or loaded. If it is "
                       "installed, the running kernel predates this modem's ID instead.")
            fix = (f"Install {package} ({packages.release(ctx.release).install} {package}) or build an image with it."
                   if package else f"Find a kernel module that provides {driver} for this release.")
            if presence == UNKNOWN and package:
                fix += f" Check first with: {packages.release(ctx.release).list_installed} | grep {package}"
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR if presence == MISSING else Severity.WARNING,
                title=title,
                evidence=evidence,
                why=why,
                fix=fix,
                modem=modem.key,
                rule=RULE.name,
            )


RULE = Rule(
    code="DRV001",
    name="driver-package-missing",
    severity=Severity.ERROR,
    summary="a data interface has no driver because its kmod is not installed",
    check=check,
)

"""USB004 netdev-dropped

## What it detects
A modem's network device registered by a USB network driver and unregistered again
(``cdc_ether 1-1.2:2.0 eth1: register ...`` then ``... unregister ...``), and whether a
``USB disconnect`` of the same device is near the unregister.

## Why it matters
With a disconnect nearby the modem re-enumerated (a firmware reset, a power dip, or a
configuration write); without one the driver was unbound while the modem stayed on
the bus (a configuration change, ``usbmode`` detaching interface 0, or a manual unbind).
Either way the netdev the user configured (``eth1``) is gone, which is why "it worked
for five seconds" or the interface never comes up.

## Evidence
The register and unregister lines, and the disconnect line when there is one.

## Fix
Re-enumeration: look at power and at what resets the modem. Unbind: find what changes
the configuration or detaches the driver; for a multi-configuration modem choose the
configuration deliberately (USB002). A log filtered with ``grep`` may hide the
disconnect: post the unfiltered ``dmesg``.
"""

from __future__ import annotations

from typing import Iterator, List, Optional

from ..knowledge import modeswitch
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context

NEAR_SECONDS = 3.0


def _device_of(event_device: str) -> str:
    """'1-1.2:2.0' -> '1-1.2'."""
    return event_device.split(":", 1)[0]


def check(ctx: Context) -> Iterator[Finding]:
    for item in ctx.host.logs:
        log = item.value
        events = getattr(log, "events", ())
        registered = {}
        for event in events:
            if event.kind is LogEventKind.NETDEV_REGISTER and event.subject:
                registered[(event.subject, _device_of(event.device or ""))] = event
                continue
            if event.kind is not LogEventKind.NETDEV_UNREGISTER or not event.subject:
                continue
            device = _device_of(event.device or "")
            start = registered.pop((event.subject, device), None)
            if start is None:
                continue
            if _configuration_changed(events, event):
                continue  # a deliberate switch: USB002/USB005 speak of it
            disconnect = _near_disconnect(events, device, event.time)
            artifact = ctx.host.artifact(item.artifact)
            filtered = bool(artifact and artifact.command and "grep" in artifact.command)
            evidence = [ctx.cite(item.artifact, start.line, start.text), ctx.cite(item.artifact, event.line, event.text)]
            held = ""
            if start.time is not None and event.time is not None:
                held = f" {event.time - start.time:.1f} s later"
            if disconnect is not None:
                evidence.append(ctx.cite(item.artifact, disconnect.line, disconnect.text))
                cause = "the modem re-enumerated (a USB disconnect comes with it)"
            else:
                cause = "the driver was unbound while the modem stayed connected (no USB disconnect)"
                if filtered:
                    cause += "; the log was filtered with grep, so a disconnect may be hidden"
            suspect = _usbmode_suspect(ctx, event.interface or "") if disconnect is None else ""
            evidence.extend(_later_unbound_listing(ctx, device, start.driver or ""))
            yield Finding(
                code=RULE.code,
                severity=Severity.WARNING,
                title=f"{start.driver or 'the driver'} registered {event.subject} for USB {device} and dropped it{held}: {cause}",
                evidence=tuple(evidence),
                why=(
                    f"{event.subject} no longer exists, so an interface configured on it cannot come up. "
                    "A re-enumeration points at power or a modem reset; an unbind points at a configuration "
                    "change or a tool detaching the driver." + suspect
                ),
                fix=(
                    "Post the unfiltered `dmesg` to see what happened around the unregister."
                    if filtered and disconnect is None
                    else "Find what resets or re-configures the modem; choose its USB configuration deliberately."
                ),
                modem=None,
                rule=RULE.name,
            )


def _usbmode_suspect(ctx: Context, interface: str) -> str:
    """usbmode's default (Generic) handling detaches the kernel driver from interface 0 of
    every device its usb-mode.json lists, on every USB hotplug event (openwrt-stack.md
    section 3): an unbind of exactly interface 0 of such a device fits it."""
    if not interface.endswith(".0") or ":" not in interface:
        return ""
    path = _device_of(interface)
    for modem in ctx.modems:
        e = modem.explanation
        if e.usb_path == path and modeswitch.lookup(f"{e.vid}:{e.pid}"):
            return (
                f" The dropped interface is interface 0, and usb-modeswitch-data lists {e.vid}:{e.pid}: when "
                "OpenWrt's usb-modeswitch package (usbmode) is installed it handles this modem on every USB "
                "hotplug event and its default mode detaches the driver of interface 0, which fits an unbind "
                "a few seconds after boot. `opkg list-installed | grep usb-modeswitch` tells."
            )
    return ""


def _config_of(interface: str) -> str:
    """'1-1.2:2.0' -> '2' (the configuration number in a kernel interface name)."""
    return interface.split(":", 1)[1].split(".", 1)[0] if ":" in interface else ""


def _configuration_changed(events, unregister) -> bool:
    """True when interfaces of another configuration of the same device bind right after
    the unregister: the kernel unbound the old configuration's drivers because the
    configuration was switched (usb_set_configuration), not because a driver let go."""
    old = _config_of(unregister.interface or "")
    device = _device_of(unregister.interface or unregister.device or "")
    if not old:
        return False
    for event in events:
        if event.line <= unregister.line or not event.interface:
            continue
        if unregister.time is not None and event.time is not None and event.time - unregister.time > NEAR_SECONDS:
            break
        if _device_of(event.interface) == device and _config_of(event.interface) not in ("", old):
            return True
    return False


def _near_disconnect(events, device: str, when: Optional[float]):
    for event in events:
        if event.kind is LogEventKind.DISCONNECT and _device_of(event.device or "") == device:
            if when is None or event.time is None or abs(event.time - when) <= NEAR_SECONDS:
                return event
    return None


def _later_unbound_listing(ctx: Context, device_path: str, driver: str) -> List:
    """The I: lines of a listing showing the dropped driver's interfaces now unbound."""
    cited = []
    for artifact, device in ctx.host.usb_devices():
        if device.path != device_path or device.active_config is None:
            continue
        for iface in device.active_config.interfaces:
            if iface.driver_state.value == "unbound" and iface.cls in (0x02, 0x0A) and iface.line:
                cited.append(ctx.cite(artifact, iface.line))
        if cited:
            break
    return cited


RULE = Rule(
    code="USB004",
    name="netdev-dropped",
    severity=Severity.WARNING,
    summary="a modem's network device was registered and then unregistered",
    check=check,
)

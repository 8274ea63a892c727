"""USB005 config-switch-not-persistent

## What it detects
A USB configuration (or mode) switch done by hand - shell commands writing
``bConfigurationValue`` under ``/sys/bus/usb/devices``, ``usb_modeswitch -u N`` - or the
user saying the modem "switches back after a reboot", while nothing in the input makes
the switch persistent: no hotplug script under ``/etc/hotplug.d/usb``, no ``rc.local``
line, no ``/etc/usb-mode.json`` entry is shown.

## Why it matters
``bConfigurationValue`` lives in the kernel's view of the device: every reboot, re-plug
or modem reset enumerates the device afresh and Linux picks its configuration by itself
again (``usb_choose_configuration``). The interface the user set up on ``wwan0`` or
``/dev/cdc-wdm0`` then has no device and stays down, which looks like a new fault each
time. A firmware upgrade also drops any file not listed in ``/etc/sysupgrade.conf``.

## Evidence
The lines of the manual switch commands, the user's words about the reboot, and the
configuration lines of the listings before and after the switch.

## Fix
A hotplug script in ``/etc/hotplug.d/usb/`` that writes ``bConfigurationValue`` each time
the modem appears (the plan writes it), added to ``/etc/sysupgrade.conf``; or a
``usb-mode.json`` entry with ``"config"`` for usbmode (mind that usbmode detaches
interface 0 first).
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.host import ShellCommand
from ..model.usb import UsbConfig
from . import Rule
from .context import Context, ModemFacts

# '/sys/bus/usb/devices/1-1.2/bConfigurationValue' and '/sys/devices/.../1-1.2/bConfigurationValue'
_SYSFS_WRITE = re.compile(r"(?:echo|printf)\s+['\"]?(\d+)['\"]?\s*>\s*\S*/([\d.-]+)/bConfigurationValue")
_MODESWITCH_CONFIG = re.compile(r"\busb_modeswitch\b.*\s(?:-u|--config)\s*(\d+)")
# What would make a switch persistent if the input showed it.
_PERSISTENT = re.compile(r"/etc/hotplug\.d/usb/\S|/etc/rc\.local|usb-mode\.json.*config|/etc/usb_modeswitch\.d/")


def _manual_switches(ctx: Context) -> List[Tuple[ShellCommand, Optional[int], str]]:
    """(command, configuration written or None, usb path or '') for each manual switch."""
    found: List[Tuple[ShellCommand, Optional[int], str]] = []
    for command in ctx.host.commands:
        match = _SYSFS_WRITE.search(command.text)
        if match:
            found.append((command, int(match.group(1)), match.group(2)))
            continue
        match = _MODESWITCH_CONFIG.search(command.text)
        if match:
            found.append((command, int(match.group(1)), ""))
    return found


def _persistence_shown(ctx: Context) -> bool:
    for command in ctx.host.commands:
        if _PERSISTENT.search(command.text) and not _SYSFS_WRITE.search(command.text):
            return True
    for artifact in ctx.host.artifacts:
        if artifact.command and _PERSISTENT.search(artifact.command):
            return True
    return False


def _config_line(ctx: Context, artifact: str, config: Optional[UsbConfig]) -> List[Evidence]:
    return [ctx.cite(artifact, config.line)] if config is not None and config.line else []


def _listing_evidence(ctx: Context, modem: ModemFacts, written: Optional[int]) -> Tuple[List[Evidence], str]:
    """The active C: line of the first listing and of the first later listing that shows
    another configuration active (the switch's result), and a phrase saying what changed."""
    if not modem.sightings:
        return [], ""
    first_artifact, first_device = modem.first
    before = first_device.active_config
    evidence = _config_line(ctx, first_artifact, before)
    for artifact, device in modem.sightings[1:]:
        after = device.active_config
        if after is not None and before is not None and after.number != before.number:
            evidence.extend(_config_line(ctx, artifact, after))
            return evidence, f"the listings show configuration {before.number} before and {after.number} after"
    if before is not None and written is not None and written != before.number:
        return evidence, f"the listing shows configuration {before.number} active"
    return evidence, ""


def check(ctx: Context) -> Iterator[Finding]:
    switches = _manual_switches(ctx)
    reverts = ctx.host.facts_of("reboot_reverts")
    if not switches and not reverts:
        return
    if _persistence_shown(ctx):
        return
    # The configuration the user ended on: the last non-zero value written (0 unconfigures).
    written = next((value for _, value, _ in reversed(switches) if value), None)
    paths = [path for _, _, path in switches if path]
    modem = _modem_for(ctx, paths[-1] if paths else "")
    evidence: List[Evidence] = []
    # A command shown twice (a helper suggests it, the user runs it) is cited where it was
    # last shown: that is the run the listings after it reflect.
    last_shown = {command.text: command for command, _, _ in switches}
    for command in last_shown.values():
        evidence.append(ctx.cite(command.source or "-", command.line, command.text))
    for fact in reverts:
        evidence.append(ctx.cite(fact.source or "-", fact.line, fact.text))
    changed = ""
    if modem is not None:
        listing, changed = _listing_evidence(ctx, modem, written)
        evidence.extend(listing)
    label = modem.label if modem is not None else "the modem"
    usb_path = paths[-1] if paths else (modem.explanation.usb_path if modem is not None else "")
    target = written if written is not None else (modem.explanation.recommended.config if modem is not None else None)
    if switches:
        how = f"configuration {written} was selected by hand" if written else "the configuration was switched by hand"
    else:
        how = "the modem's mode was changed by hand"
    title = f"{label}: {how}, and nothing makes it survive a reboot or re-plug"
    if reverts:
        title += " (reported: it switches back after a reboot)"
    why = (
        "A write to bConfigurationValue lasts until the device enumerates again; at every boot, re-plug "
        "or modem reset Linux picks the configuration by itself, so the interface configured for the "
        "switched state has no device."
    )
    if changed:
        why += f" Here {changed}."
    sysfs = f"/sys/bus/usb/devices/{usb_path}/bConfigurationValue" if usb_path else "bConfigurationValue"
    fix = (
        "Install a hotplug script in /etc/hotplug.d/usb/ that writes "
        + (f"{target} to " if target else "the wanted value to ")
        + f"{sysfs} whenever the modem appears, and list it in /etc/sysupgrade.conf so an upgrade keeps it "
        "(the plan carries both); a usb-mode.json entry with \"config\" does the same through usbmode."
    )
    yield Finding(
        code=RULE.code,
        severity=Severity.WARNING,
        title=title,
        evidence=tuple(evidence),
        why=why,
        fix=fix,
        modem=modem.key if modem is not None else None,
        rule=RULE.name,
    )


def _modem_for(ctx: Context, usb_path: str) -> Optional[ModemFacts]:
    """The modem at the path the commands wrote to; else the only multi-configuration modem;
    else the first modem."""
    for modem in ctx.modems:
        if usb_path and modem.explanation.usb_path == usb_path:
            return modem
    multi = [m for m in ctx.modems if len(m.explanation.configs) > 1]
    if len(multi) == 1:
        return multi[0]
    return ctx.modems[0] if ctx.modems else None


RULE = Rule(
    code="USB005",
    name="config-switch-not-persistent",
    severity=Severity.WARNING,
    summary="a USB configuration switched by hand that nothing repeats after a reboot or re-plug",
    check=check,
)

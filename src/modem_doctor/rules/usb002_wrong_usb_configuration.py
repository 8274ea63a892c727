"""USB002 wrong-usb-configuration

## What it detects
A modem with several USB configurations where Linux picks (or the listing shows active)
a configuration whose data path is worse than another configuration's: the MU609 comes
up in configuration 2 (ECM) while its QMI function lives in configuration 1.

## Why it matters
Linux takes the first configuration whose first interface is not vendor-specific
(``usb_choose_configuration``), not the one OpenWrt handles best. The interfaces of the
other configuration are listed (``C:`` without ``*``, ``Driver=`` empty) but never
instantiated, so no driver can bind them and no ``/dev/cdc-wdm0`` appears until the
configuration is switched.

## Evidence
The ``C:`` lines of the configuration Linux picks and of the better one, and the data
interface of the better one.

## Fix
Select the better configuration by writing ``bConfigurationValue`` and make it
persistent with a hotplug script (the plan writes it), or use the data path of the
configuration that is active.
"""

from __future__ import annotations

from typing import Iterator

from ..model.findings import Finding, Severity
from . import Rule
from .context import Context

DATA_ROLES = ("qmi", "mbim", "ncm", "ecm", "rndis")


def check(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        e = modem.explanation
        better = e.recommended.config
        picked = e.linux_config
        if better is None or picked is None or better == picked or len(e.configs) < 2:
            continue
        artifact, device = modem.first
        switched_now = ctx.config_now(modem) == better
        picked_config = next((c for c in device.configs if c.number == picked), None)
        better_config = next((c for c in device.configs if c.number == better), None)
        if picked_config is None or better_config is None:
            continue
        better_view = next(c for c in e.configs if c.number == better)
        picked_view = next((c for c in e.configs if c.number == picked), None)
        data_ifaces = [i.number for i in better_view.interfaces if i.role in DATA_ROLES]
        evidence = ctx.cite_config(artifact, picked_config) + ctx.cite_config(artifact, better_config, data_ifaces)
        picked_path = picked_view.data_path if picked_view else "unknown"
        now_active = modem.first_config
        title = (
            f"{modem.label} comes up in USB configuration {picked} ({picked_path}); "
            f"its {e.recommended.data_path.upper()} function is in configuration {better}"
        )
        if now_active != better and modem.current_config == better:
            title += " (switched by hand in a later listing" + ("; it reverts at reboot)" if not switched_now else ")")
        elif switched_now:
            # In the better configuration now, but only until Linux chooses again at boot.
            title += f" (configuration {better} is active now, until the next boot or re-plug)"
        yield Finding(
            code=RULE.code,
            severity=Severity.WARNING if switched_now else Severity.ERROR,
            title=title,
            evidence=evidence,
            why=(
                f"Linux picks configuration {picked} by itself ({e.linux_rule or 'usb_choose_configuration'}); "
                f"configuration {better}'s interfaces exist only after a switch, so "
                f"{', '.join(sorted({i.driver_expected for i in better_view.interfaces if i.driver_expected and i.role in DATA_ROLES}))} "
                "cannot bind and OpenWrt has no control device for the modem."
            ),
            fix=(
                f"Switch to configuration {better} (echo {better} > /sys/bus/usb/devices/{e.usb_path}/bConfigurationValue) "
                f"and keep it with a hotplug script; then configure proto '{e.recommended.netifd_proto}'."
            ),
            modem=modem.key,
            rule=RULE.name,
        )


RULE = Rule(
    code="USB002",
    name="wrong-usb-configuration",
    severity=Severity.ERROR,
    summary="a multi-configuration modem comes up in a configuration with a worse data path",
    check=check,
)

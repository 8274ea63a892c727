"""MOD001 wrong-composition

## What it detects
A modem whose current USB composition (set inside the modem by a vendor AT command)
carries its data over RNDIS, ECM, NCM or MBIM (``rndis_host``, ``cdc_ether``,
``cdc_ncm``, ``cdc_mbim`` bound, or expected) while the catalog knows a composition of
the same modem with a better data path for OpenWrt, reached with the vendor's mode
command: Quectel ``AT+QCFG="usbnet",0`` (QMI) instead of 1 (ECM), 2 (MBIM) or 3 (RNDIS),
Fibocom ``AT+GTUSBMODE``, and the like.

## Why it matters
The composition decides which driver and which netifd protocol apply. An RNDIS/ECM
composition gives a plain Ethernet device (often with the modem routing and NAT-ing
behind it); ``/dev/cdc-wdm0`` is missing, so proto qmi cannot work. Users configure
QMI on a modem that is not in QMI mode and get "no device".

## Evidence
The ``I:`` lines of the data interfaces of the active configuration and the drivers
bound to them.

## Fix
Either send the vendor's mode command on an AT port and reset the modem (the plan's
switch step), then configure the matching protocol; or keep the composition and
configure what fits it (proto dhcp on the RNDIS/ECM netdev).
"""

from __future__ import annotations

from typing import Iterator

from ..knowledge import packages
from ..model.findings import Finding, Severity
from ..model.usb import DriverState
from . import Rule
from .context import Context
from .drv001_driver_package_missing import active_view

DATA_DRIVERS = ("rndis_host", "cdc_ether", "cdc_ncm", "cdc_mbim", "huawei_cdc_ncm")
DATA_ROLES = ("rndis", "ecm", "ncm", "mbim")


def check(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        e = modem.explanation
        if e.switch.kind != "vendor-mode" or not e.switch.commands or e.mode_command is None:
            continue
        state = active_view(modem)
        if state is None:
            continue
        artifact, device, config, views = state
        current = next((c for c in e.configs if c.number == config.number), None)
        data = [i for i in config.interfaces
                if getattr(views.get(i.number), "role", "") in DATA_ROLES
                and (i.driver in DATA_DRIVERS or getattr(views.get(i.number), "driver_expected", None) in DATA_DRIVERS)]
        if not data or current is None:
            continue
        drivers = sorted({str(i.driver) for i in data if i.driver_state is DriverState.BOUND and i.driver in DATA_DRIVERS})
        expected = sorted({str(getattr(views.get(i.number), "driver_expected", "")) for i in data} - {""})
        shown = ", ".join(drivers) if drivers else f"{', '.join(expected)} expected, not bound"
        target = _target_path(e)
        proto = packages.protos_for_data_path(target)
        wanted = proto[0] if proto else target
        native = current.data_path in ("mbim", "ncm")
        if native:
            why = (f"{e.switch.reason}. {current.data_path.upper()} works too (proto '{current.data_path}'), but "
                   f"{target.upper()} is the path OpenWrt handles best and the one a proto '{wanted}' set-up needs; "
                   "switch only if the current mode gives trouble or the configuration expects the other.")
        else:
            why = (f"{e.switch.reason}. In {current.data_path.upper()} mode there is no QMI or MBIM control "
                   f"device, so proto '{wanted}' cannot start; this mode offers a plain network device, usually "
                   "with the modem routing and NAT-ing behind it.")
        yield Finding(
            code=RULE.code,
            severity=Severity.INFO if native else Severity.WARNING,
            title=(f"{modem.label} is in its {current.data_path.upper()} composition ({shown}); "
                   f"{e.mode_command.name} can switch it to {target.upper()}"),
            evidence=ctx.cite_config(artifact, config, sorted({i.number for i in data})),
            why=why,
            fix=(f"On an AT port: {'; '.join(e.switch.commands)} (the modem re-enumerates), then configure proto "
                 f"'{wanted}'. Or keep this mode and configure "
                 + (f"proto '{current.data_path}'." if native else "proto dhcp on its network device.")
                 + (f" Note: {e.switch.caveat}" if e.switch.caveat else "")),
            modem=modem.key,
            rule=RULE.name,
        )


def _target_path(e) -> str:
    """The data path the vendor-mode switch leads to (the catalog value it sets)."""
    command = e.mode_command
    for value, meaning in command.values:
        if any(value in step for step in e.switch.commands if command.set and step == command.set.format(value=value)):
            return meaning.split(" ")[0]
    return "qmi"


RULE = Rule(
    code="MOD001",
    name="wrong-composition",
    severity=Severity.WARNING,
    summary="the modem's vendor USB mode gives a worse data path than another mode the catalog knows",
    check=check,
)

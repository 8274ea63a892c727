"""Rules: each detects one way a modem set-up goes wrong, from the model alone.

A rule is one module in this package named ``<code>_<slug>.py`` defining::

    RULE = Rule(code="USB001", name="modem-in-storage-mode", severity=Severity.ERROR,
                summary="...", check=check)
    def check(ctx: Context) -> Iterator[Finding]: ...

and a module docstring that is the rule's documentation, under the headings in
``DOC_HEADINGS``. A rule reads only the ``Context`` (the host model plus static
knowledge) and never runs anything. Codes are an area prefix plus three digits and are
never reused; a renamed rule keeps its old names in ``aliases``.

Adding a rule is one module plus one line in ``RULES``; ``tests/rules`` fails when a
module is missing from the table, lacks a heading, or has no case that fires it and
none that stays silent.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, List, Tuple

from ..model.findings import Finding, Severity

if TYPE_CHECKING:  # pragma: no cover - import cycle guard only
    from .context import Context

DOC_HEADINGS: Tuple[str, ...] = ("What it detects", "Why it matters", "Evidence", "Fix")

# Area prefixes: USB enumeration and configurations, DRV kernel drivers and kmods,
# MOD modem composition and modes, PKG packages, NET interfaces/routing/firewall,
# CTL control channel (QMI/MBIM/AT), SIM SIM and PIN, REG registration and APN.
AREAS: Tuple[str, ...] = ("USB", "DRV", "MOD", "PKG", "NET", "CTL", "SIM", "REG")

# Module names in this package, in the order a forum expert would check
# (enumeration, drivers, composition, session, routing).
RULES: Tuple[str, ...] = (
    "usb001_modem_in_storage_mode",
    "usb002_wrong_usb_configuration",
    "usb003_usb_electrical_errors",
    "usb004_netdev_dropped",
    "usb005_config_switch_not_persistent",
    "usb006_no_modem_enumerated",
    "drv001_driver_package_missing",
    "drv002_kmod_kernel_mismatch",
    "drv003_id_unknown_to_driver",
    "drv004_at_ports_without_serial_driver",
    "mod001_wrong_composition",
    "mod002_router_mode_device",
    "mod003_lte_only_mode_on_3g_module",
    "pkg001_modem_is_only_uplink",
    "pkg002_package_problems",
    "net001_subnet_collision",
    "net003_not_in_wan_zone",
    "net005_ppp_wrong_port",
    # what the modem and the protocol handler say (issue 7): control port, SIM, registration, data
    "ctl001_two_managers_one_port",
    "sim001_sim_absent_or_failed",
    "sim002_pin_needed_or_rejected",
    "sim003_sim_blocked",
    "reg001_registration_denied",
    "reg002_no_coverage",
    "reg003_apn_mismatch",
    "reg004_pdp_type_refused",
    "reg005_data_call_refused",
    "net002_raw_ip_mismatch",
    "net004_connected_but_no_traffic",
)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    check: Callable[["Context"], Iterable[Finding]]
    aliases: Tuple[str, ...] = ()
    doc: str = ""


def load_rules() -> Tuple[Rule, ...]:
    """Every registered rule, with its module docstring as ``doc``."""
    rules: List[Rule] = []
    for module_name in RULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        rule: Rule = module.RULE
        rules.append(
            Rule(rule.code, rule.name, rule.severity, rule.summary, rule.check, rule.aliases, module.__doc__ or "")
        )
    return tuple(rules)


def run_rules(ctx: "Context", rules: Iterable[Rule] = ()) -> Tuple[Finding, ...]:
    """Run rules over a context; findings sorted by severity, then by code."""
    findings: List[Finding] = []
    for rule in tuple(rules) or load_rules():
        for finding in rule.check(ctx):
            findings.append(finding)
    findings.sort(key=lambda f: (f.severity.rank, f.code, f.modem or ""))
    return tuple(findings)

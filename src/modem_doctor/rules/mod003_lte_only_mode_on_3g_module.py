"""MOD003 lte-only-mode-on-3g-module

## What it detects
A modem the catalog knows as 3G-only (radio 2G/3G: Huawei MU609, E173, E1750...),
identified from a USB listing or named by the user, while a UCI interface with a modem
protocol restricts the radio to LTE (or 5G) only:

- proto qmi: ``option modes 'lte'`` (no umts/gsm in the list);
- proto ncm: ``option mode 'lte'`` (and LuCI's ``service 'lte'``, which ncm.sh ignores);
- proto modemmanager: ``option allowedmode '4g'`` (or 5g without 3g);
- proto 3g: ``option service 'lte_only'``-style values.

## Why it matters
A 3G module cannot register on LTE: with the mode locked to LTE it searches forever,
and netifd reports ``NO_REGISTRATION`` / ``Unable to connect`` or times out. LuCI
offers "LTE only" for every modem, and users pick it because LTE is what they want.

## Evidence
The line naming the modem (listing or sentence) and the UCI line of the mode option.

## Fix
Set a mode the module has: ``modes 'umts,gsm'`` (qmi), ``mode 'umts'`` or
``'preferumts'`` (ncm), ``allowedmode '3g|2g'`` (modemmanager), or drop the option; a
module that must use LTE has to be replaced.
"""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from ..knowledge import catalog
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from . import Rule
from .context import Context

LTE_ONLY_WORDS = ("lte", "lteonly", "lte_only", "4g", "5g", "5gnr", "nr5g", "4g|5g", "5g|4g")
LEGACY = ("umts", "gsm", "wcdma", "3g", "2g", "all", "auto", "any", "cdma", "td-scdma", "evdo", "hspa")
SETTINGS = {
    "qmi": ("modes",),
    "ncm": ("mode", "service"),
    "modemmanager": ("allowedmode",),
    "3g": ("service",),
    "mbim": ("modes",),
}


def _lte_only(value: str) -> bool:
    parts = [p.strip().lower() for p in value.replace("|", ",").replace(" ", ",").split(",") if p.strip()]
    if not parts:
        return False
    if any(p.startswith(LEGACY) or "prefer" in p for p in parts):
        return False
    return all(p in LTE_ONLY_WORDS for p in parts)


def _three_g_modems(ctx: Context) -> List[Tuple[str, Evidence]]:
    """(name, evidence line) for every 3G-only modem shown or named."""
    found: List[Tuple[str, Evidence]] = []
    for modem in ctx.modems:
        if modem.explanation.radio in ("2g", "3g"):
            artifact, device = modem.last
            found.append((modem.label, ctx.cite(artifact, device.first_line)))
    if found:
        return found
    for fact in ctx.host.facts_of("modem_model"):
        infos = catalog.find_model(fact.value)
        if infos and all(info.is_3g_only for info in infos):
            found.append((f"{infos[0].vendor} {infos[0].model}", ctx.cite(fact.source, fact.line, fact.text)))
    return found


def check(ctx: Context) -> Iterator[Finding]:
    modems = _three_g_modems(ctx)
    if not modems:
        return
    name, named = modems[0]
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "type", "") != "interface":
            continue
        proto = section.get("proto")
        for option_name in SETTINGS.get(proto or "", ()):
            option = section.option(option_name)
            if option is None or not _lte_only(option.value):
                continue
            ref = getattr(section, "ref", "") or getattr(section, "name", "")
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR,
                title=f"{name} is a 3G module, but interface '{section.name}' allows LTE only ({option_name} '{option.value}')",
                evidence=(named, ctx.cite(artifact, option.line)),
                why=(f"The {name} has no LTE radio. Locked to LTE it keeps searching and never registers, so "
                     f"proto {proto} ends in a registration failure or timeout."
                     + (" (ncm.sh reads 'mode'; LuCI's 'service' is ignored, but says what was meant.)"
                        if proto == "ncm" and option_name == "service" else "")),
                fix=_fix(proto or "", ref),
                modem=None,
                rule=RULE.name,
            )


def _fix(proto: str, ref: Optional[str]) -> str:
    target = ref or "network.<interface>"
    if proto == "qmi":
        return f"uci set {target}.modes='umts,gsm'; uci commit network; ifup {target.split('.')[-1]}"
    if proto == "ncm":
        return f"uci set {target}.mode='preferumts'; uci commit network; ifup {target.split('.')[-1]}"
    if proto == "modemmanager":
        return f"uci set {target}.allowedmode='3g|2g'; uci commit network; ifup {target.split('.')[-1]}"
    return "Remove the LTE-only setting or choose a 3G mode (umts)."


RULE = Rule(
    code="MOD003",
    name="lte-only-mode-on-3g-module",
    severity=Severity.ERROR,
    summary="a 3G-only modem is configured for LTE only",
    check=check,
)

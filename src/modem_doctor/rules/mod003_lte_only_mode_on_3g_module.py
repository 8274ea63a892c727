"""MOD003 lte-only-mode-on-3g-module

## What it detects
A modem the catalog knows as 3G-only (radio 2G/3G: Huawei MU609, E173, E1750...),
identified from a USB listing, from what the modem says of itself (``ATI``, ``+CGMM``,
``qmicli --dms-get-model``) or named by the user, while the radio is restricted to LTE
(or 5G) only, either

- by a UCI interface with a modem protocol:
  - proto qmi: ``option modes 'lte'`` (no umts/gsm in the list);
  - proto ncm: ``option mode 'lte'`` (and LuCI's ``service 'lte'``, which ncm.sh ignores);
  - proto modemmanager: ``option allowedmode '4g'`` (or 5g without 3g);
  - proto 3g: ``option service 'lte_only'``-style values;
- or by the modem's own stored mode, as its answers show it:
  - Huawei ``^SYSCFGEX: "03",...`` (acquisition order LTE only);
  - Quectel ``+QCFG: "nwscanmode",3``;
  - QMI ``Mode preference: 'lte'`` (``qmicli --nas-get-system-selection-preference``), and
    uqmi's network modes.

The latest answer of each command counts. Huawei's older ``^SYSCFG`` cannot express LTE,
so its ``2`` (auto) next to an LTE-only ``^SYSCFGEX`` does not clear it.

## Why it matters
A 3G module cannot register on LTE: with the mode locked to LTE it searches forever,
and netifd reports ``NO_REGISTRATION`` / ``Unable to connect`` or times out. LuCI
offers "LTE only" for every modem, and users pick it because LTE is what they want.

## Evidence
The line naming the modem (listing, identity answer or sentence) and the UCI line of the
mode option or the modem's answer that shows the mode; for the modem's own mode also the
registration answer that shows it searching, when the transcript has one.

## Fix
Set a mode the module has: ``modes 'umts,gsm'`` (qmi), ``mode 'umts'`` or
``'preferumts'`` (ncm), ``allowedmode '3g|2g'`` (modemmanager), or drop the option; on the
modem, ``AT^SYSCFGEX="00",...`` (auto), ``AT+QCFG="nwscanmode",0,1`` or
``qmicli --nas-set-system-selection-preference='gsm|umts'``. A module that must use LTE
has to be replaced.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from ..knowledge import catalog
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import ModemSession, RegistrationFact, SettingFact
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
    said = _model_said(ctx)
    if said is not None:
        name, infos, evidence = said
        return [(name, evidence)] if all(info.is_3g_only for info in infos) else []
    for fact in ctx.host.facts_of("modem_model"):
        infos = catalog.find_model(fact.value)
        if infos and all(info.is_3g_only for info in infos):
            found.append((f"{infos[0].vendor} {infos[0].model}", ctx.cite(fact.source, fact.line, fact.text)))
    return found


def _sessions(ctx: Context) -> List[Tuple[str, ModemSession]]:
    """(artifact id, session) of every modem transcript, in reading order."""
    order = {artifact.id: index for index, artifact in enumerate(ctx.host.artifacts)}
    found = [(item.artifact, item.value) for item in ctx.host.modem if isinstance(item.value, ModemSession)]
    return sorted(found, key=lambda pair: order.get(pair[0], len(order)))


def _model_said(ctx: Context) -> Optional[Tuple[str, tuple, Evidence]]:
    """The model the modem itself reports (ATI, +CGMM, --dms-get-model) when the catalog
    knows it: (name, catalog entries, evidence). The last answer counts."""
    said = None
    for artifact, session in _sessions(ctx):
        for fact in session.identity:
            if fact.field != "model" or not fact.value.strip():
                continue
            infos = catalog.find_model(fact.value)
            if infos:
                said = (f"{infos[0].vendor} {infos[0].model}", infos, ctx.cite(artifact, fact.line, fact.text))
    return said


def _restricts_to_lte(fact: SettingFact) -> bool:
    if fact.techs:
        return set(fact.techs) <= {"lte", "nr5g"}
    if fact.name == "SYSCFG":  # ^SYSCFG has no LTE value; an unknown number is not read as one
        return False
    return _lte_only(fact.value) or fact.meaning.lower() in ("lte only", "lte")


def _modem_modes(ctx: Context) -> List[Tuple[str, SettingFact]]:
    """The modem's own mode settings restricted to LTE: the latest answer of each command."""
    latest: Dict[str, Tuple[str, SettingFact]] = {}
    for artifact, session in _sessions(ctx):
        for fact in session.settings_of("mode"):
            latest[fact.name] = (artifact, fact)
    return [(artifact, fact) for artifact, fact in latest.values() if _restricts_to_lte(fact)]


def _searching(ctx: Context) -> Optional[Tuple[str, RegistrationFact]]:
    """The last registration answer, when it shows the modem not registered."""
    last = None
    for artifact, session in _sessions(ctx):
        for fact in session.registrations:
            last = (artifact, fact)
    if last is not None and last[1].state in ("searching", "not-registered"):
        return last
    return None


def _modem_fix(fact: SettingFact) -> str:
    if fact.name == "SYSCFGEX":
        return ('Set the acquisition order back to automatic on the AT port: AT^SYSCFGEX="00",3FFFFFFF,2,4,'
                '7FFFFFFFFFFFFFFF,, (or "0201" for WCDMA then GSM).')
    if fact.name == "nwscanmode":
        return 'Set the scan mode back to automatic: AT+QCFG="nwscanmode",0,1'
    if fact.name == "network-modes":
        return "uqmi -d /dev/cdc-wdm0 --set-network-modes umts,gsm (or all)"
    if fact.name == "mode-preference":
        return "qmicli -d /dev/cdc-wdm0 --nas-set-system-selection-preference='gsm|umts'"
    return "Set the modem's network mode back to automatic or to a 3G mode."


_TOOL_WORDS = {"SYSCFGEX": "^SYSCFGEX", "SYSCFG": "^SYSCFG", "nwscanmode": 'AT+QCFG="nwscanmode"',
               "mode-preference": "QMI mode preference", "network-modes": "uqmi network modes"}


def check(ctx: Context) -> Iterator[Finding]:
    modems = _three_g_modems(ctx)
    if not modems:
        return
    name, named = modems[0]
    searching = _searching(ctx)
    for artifact, fact in _modem_modes(ctx):
        evidence = [named, ctx.cite(artifact, fact.line, fact.text)]
        if searching is not None:
            evidence.append(ctx.cite(searching[0], searching[1].line, searching[1].text))
        shown = fact.meaning or fact.value
        yield Finding(
            code=RULE.code,
            severity=Severity.ERROR,
            title=f"{name} is a 3G module, but the modem itself is set to LTE only "
                  f"({_TOOL_WORDS.get(fact.name, fact.name)}: {shown})",
            evidence=tuple(evidence),
            why=(f"The {name} has no LTE radio. Its stored network mode allows LTE only, so it searches "
                 f"and never registers" + (" (the registration answer shows it searching)" if searching else "")
                 + ", whatever the router's configuration says. The setting survives reboots."),
            fix=_modem_fix(fact),
            modem=None,
            rule=RULE.name,
        )
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

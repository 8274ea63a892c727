"""CTL001 two-managers-one-control-port

## What it detects
Two programs fighting over one QMI/MBIM control port: ModemManager running (its
``[modem0]`` log lines or state changes) or installed (``modemmanager`` in the package list)
while a ``proto 'qmi'`` or ``'mbim'`` interface drives the same modem through uqmi/umbim; and
the symptom on its own: uqmi's ``Failed to connect to service`` and ``Request timed out``
(in the log as qmi.sh output, or pasted), qmicli/mbimcli transactions that time out, and a
``ps`` listing with a uqmi process still waiting (qmi.sh blocks behind it).

## Why it matters
A cdc-wdm port carries one conversation at a time: ModemManager grabs the port (through
qmi-proxy/mbim-proxy) at boot, and uqmi's requests then time out or get no client ID, so
qmi.sh fails at random steps (SIM state, registration, start-network) and "it works until a
reboot". A uqmi process left hanging by an earlier failure does the same.

## Evidence
The qmi/mbim interface's ``proto`` line, the ModemManager lines or package, and the
timeout / service errors.

## Fix
Use one manager. Either ``proto 'modemmanager'`` (keep ModemManager, drop the qmi/mbim
interface), or remove ModemManager (``service modemmanager stop; service modemmanager
disable`` or ``opkg remove modemmanager luci-proto-modemmanager``) and keep proto qmi/mbim.
Kill stale uqmi processes (``ps | grep uqmi``, then ``kill PID``) or re-plug the modem.
"""

from __future__ import annotations

from typing import Iterator, List

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import cellular_interfaces, facts, option_line, proto_events
from . import Rule
from .context import Context


def _mm_evidence(ctx: Context) -> List[Evidence]:
    out: List[Evidence] = []
    for artifact, process in facts(ctx.host, "processes"):
        if "ModemManager" in process.command.split()[0]:
            out.append(ctx.cite(artifact, process.line, process.text))
            return out
    for artifact, event in ctx.host.log_events("modem_state", "modem_warning"):
        out.append(ctx.cite(artifact, event.line, event.text))
        break
    if not out:
        for item in ctx.host.logs:
            for entry in getattr(item.value, "entries", ()) or ():
                if entry.process == "ModemManager" or "[modem0]" in entry.message or "<inf>" in entry.message[:6]:
                    out.append(ctx.cite(item.artifact, entry.line, entry.text))
                    break
            if out:
                break
    if not out:
        for item in ctx.host.packages:
            for package in getattr(item.value, "packages", ()) or ():
                if getattr(package, "name", "") == "modemmanager":
                    out.append(ctx.cite(item.artifact, getattr(package, "line", 0), getattr(package, "text", None)))
    return out


def check(ctx: Context) -> Iterator[Finding]:
    managed = [(a, s) for a, s in cellular_interfaces(ctx.host, ("qmi", "mbim"))]
    mm = _mm_evidence(ctx)
    symptoms: List[Evidence] = []
    for artifact, event in proto_events(ctx.host, "QMI_SERVICE_FAILED", "TIMEOUT"):
        if len(symptoms) < 4:
            symptoms.append(ctx.cite(artifact, event.line, event.text))
    for artifact, fact in facts(ctx.host, "transport"):
        if len(symptoms) < 6:
            symptoms.append(ctx.cite(artifact, fact.line, fact.text))
    hung = [(a, p) for a, p in facts(ctx.host, "processes") if p.command.split()[0].endswith("uqmi")]
    for artifact, process in hung:
        symptoms.append(ctx.cite(artifact, process.line, process.text))
    iface_ev = [ctx.cite(a, option_line(s, "proto")) for a, s in managed]
    if mm and (managed or symptoms):
        names = ", ".join("'%s' (proto %s)" % (s.name, s.get("proto")) for _, s in managed) or "the qmi.sh interface"
        yield Finding(
            code=RULE.code,
            severity=Severity.ERROR,
            title="ModemManager and %s both drive the modem's control port" % names,
            evidence=tuple(iface_ev + mm + symptoms),
            why=("A cdc-wdm port carries one conversation at a time: ModemManager holds it, so uqmi/umbim requests time "
                 "out or get no client ID and the interface fails at random steps."),
            fix=("Use one manager: either proto 'modemmanager' and remove the qmi/mbim interface, or stop and disable "
                 "ModemManager (service modemmanager stop; service modemmanager disable, or opkg remove modemmanager) "
                 "and keep proto qmi/mbim. Then re-plug the modem or reboot."),
            rule=RULE.name,
        )
    elif symptoms:
        title = "The modem's control port does not answer (Request timed out / Failed to connect to service)"
        if hung and len(hung) == len(symptoms):
            title = "A uqmi request is still waiting for the modem and holds its control port (%s)" % (
                " ".join(hung[0][1].command.split()[1:]))
        yield Finding(
            code=RULE.code,
            severity=Severity.WARNING,
            title=title,
            evidence=tuple(symptoms + iface_ev),
            why=("Something else holds the cdc-wdm port (ModemManager, a hung uqmi, a LuCI status page polling it) or "
                 "the modem's QMI stack has stalled; qmi.sh then fails at random steps."),
            fix=("Look for another user of the port: ps | grep -e uqmi -e ModemManager -e qmi-proxy; kill stale uqmi "
                 "processes by PID, stop ModemManager if it is installed, then re-plug the modem. Modules whose QMI stack "
                 "stalls need a uqmi with timeouts (OpenWrt 24.10 or later)."),
            rule=RULE.name,
        )


RULE = Rule(
    code="CTL001",
    name="two-managers-one-control-port",
    severity=Severity.ERROR,
    summary="ModemManager and uqmi/umbim share one control port, or the port does not answer",
    check=check,
)

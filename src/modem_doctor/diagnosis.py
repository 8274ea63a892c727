"""The main job: read a host, explain its modems, run the rules, plan the fix.

``diagnose(host)`` returns a ``Diagnosis``; ``Diagnosis.to_json()`` is the stable
document every renderer and every consumer reads (schema ``modem-doctor/diagnosis/1``,
issue 4): ``modems`` from the knowledge base, ``findings`` with evidence, ``plan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Tuple

from .knowledge.explain import to_json as modem_json
from .model.common import to_jsonable
from .model.findings import Finding, Plan, Severity
from .model.host import Host
from .plan.builder import build_plan
from .rules import run_rules
from .rules.context import Context, build_context

SCHEMA = "modem-doctor/diagnosis/1"


@dataclass(frozen=True)
class Diagnosis:
    context: Context
    findings: Tuple[Finding, ...]
    plan: Plan

    @property
    def has_problems(self) -> bool:
        """True when any finding is an error or a warning (exit status 1)."""
        return any(f.severity in (Severity.ERROR, Severity.WARNING) for f in self.findings)

    def to_json(self) -> Dict[str, Any]:
        ctx = self.context
        return {
            "schema": SCHEMA,
            "sources": list(ctx.host.sources),
            "system": {
                "release": ctx.release,
                "release_series": ctx.release_series,
                "release_inferred": ctx.release_inferred,
                "kernel": ctx.kernel,
                "board_name": ctx.host.board_name(),
            },
            "modems": [modem_json(m.explanation) for m in ctx.modems],
            "modem_state": _modem_state(ctx.host),
            "findings": [_finding_json(f) for f in self.findings],
            "plan": {
                "packages": list(self.plan.packages),
                "steps": [to_jsonable(step) for step in self.plan.steps],
                "notes": list(self.plan.notes),
            },
        }


def _finding_json(finding: Finding) -> Dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "title": finding.title,
        "evidence": [to_jsonable(e) for e in finding.evidence],
        "why": finding.why,
        "fix": finding.fix,
        "modem": finding.modem,
        "rule": finding.rule,
    }


def _modem_state(host: Host) -> Dict[str, Any]:
    """What the modem says of itself in the transcripts shown (AT, qmicli, uqmi, mbimcli,
    mmcli): the latest value of each, so a report shows the modem even without a USB
    listing. Identities that are secrets (IMEI, IMSI, ICCID) are left out on purpose."""
    from .model.modem import sessions

    state: Dict[str, Any] = {}
    tools = []
    for _, session in sessions(host):
        tools.append(session.tool)
        for field in ("manufacturer", "model", "revision"):
            value = session.ident(field)
            if value:
                state[field] = value
        sim = session.latest_sim()
        if sim:
            state["sim"] = sim.state
        pin = session.latest_pin()
        if pin and (pin.status or pin.pin_retries is not None):
            state["pin"] = {"status": pin.status, "pin_retries": pin.pin_retries, "puk_retries": pin.puk_retries}
        reg = session.latest_registration()
        if reg:
            state["registration"] = {"state": reg.state, "tech": reg.tech, "reject_cause": reg.reject_cause}
        if session.operators:
            op = session.operators[-1]
            state["operator"] = {"name": op.name, "plmn": op.plmn}
        if session.signals:
            signal = session.signals[-1]
            state["signal"] = {key: value for key, value in (
                ("tech", signal.tech), ("rssi_dbm", signal.rssi_dbm), ("rsrp_dbm", signal.rsrp_dbm),
                ("quality_percent", signal.quality_percent), ("no_signal", signal.no_signal)) if value not in (None, "")}
        if session.data_formats:
            state["data_format"] = session.data_formats[-1].link_layer
        if session.contexts:
            state["pdp_contexts"] = [{"cid": c.cid, "pdp_type": c.pdp_type, "apn": c.apn} for c in session.contexts]
    if tools:
        state["tools"] = sorted(set(tools))
    return state


def diagnose(host: Host) -> Diagnosis:
    ctx = build_context(host)
    findings = run_rules(ctx)
    return Diagnosis(ctx, findings, build_plan(ctx, findings))

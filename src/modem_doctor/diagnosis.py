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


def diagnose(host: Host) -> Diagnosis:
    ctx = build_context(host)
    findings = run_rules(ctx)
    return Diagnosis(ctx, findings, build_plan(ctx, findings))

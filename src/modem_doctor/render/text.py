"""Plain text for a terminal or a log file: modems, findings with evidence, the plan."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List

SEVERITY_LABEL = {"error": "ERROR", "warning": "WARN ", "info": "INFO "}


def _wrap(text: str, indent: str) -> List[str]:
    if not text:
        return []
    lines: List[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, width=96, initial_indent=indent, subsequent_indent=indent) or [indent])
    return lines


def modem_lines(modem: Dict[str, Any]) -> List[str]:
    """The identity and configurations of one modem, as the explain command shows them."""
    name = " ".join(part for part in (modem.get("vendor"), modem.get("model")) if part) or "unknown modem"
    head = f"Modem {modem['vid']}:{modem['pid']} {name}"
    extra = [part for part in ((modem.get("radio") or "").upper() or None, modem.get("form_factor")) if part]
    if extra:
        head += f" ({', '.join(extra)})"
    if modem.get("usb_path"):
        head += f" at USB {modem['usb_path']}"
    lines = [head]
    recommended = modem.get("recommended") or {}
    for config in modem.get("configs", []):
        marks = []
        if config.get("active"):
            marks.append("active")
        if config.get("linux_picks"):
            marks.append("Linux picks this")
        if recommended.get("config") == config.get("number"):
            marks.append("recommended")
        mark = f" [{', '.join(marks)}]" if marks else ""
        lines.append(f"  configuration {config['number']}: data path {config.get('data_path', 'unknown')}{mark}")
        for iface in config.get("interfaces", []):
            bound = iface.get("driver_bound")
            expected = iface.get("driver_expected") or "no driver"
            shown = f"bound {bound}" if bound else ("unbound" if config.get("active") else "not active")
            package = f" ({iface['package']})" if iface.get("package") else ""
            lines.append(
                f"    if{iface['number']:<2} {iface['class']}/{iface['subclass']}/{iface['protocol']}"
                f"  {iface.get('role', 'unknown'):<8} {shown:<22} expects {expected}{package}"
            )
    if recommended.get("netifd_proto"):
        where = f" in configuration {recommended['config']}" if recommended.get("config") is not None else ""
        lines.append(
            f"  recommended: {recommended.get('data_path')}{where} with netifd proto '{recommended['netifd_proto']}'"
        )
    elif recommended:
        lines.append("  recommended: no data path OpenWrt can use was found in the configurations shown")
    return lines


def modem_state_line(state: Dict[str, Any]) -> str:
    """One line of what the modem says of itself (AT/QMI/MBIM/mmcli transcripts)."""
    if not state:
        return ""
    parts = []
    name = " ".join(str(state[k]) for k in ("manufacturer", "model") if state.get(k))
    if name:
        parts.append(name + (f" (firmware {state['revision']})" if state.get("revision") else ""))
    if state.get("sim"):
        parts.append(f"SIM {state['sim']}")
    reg = state.get("registration") or {}
    if reg:
        text = f"registration {reg.get('state')}"
        if reg.get("tech"):
            text += f" on {reg['tech']}"
        if reg.get("reject_cause") is not None:
            text += f" (reject cause #{reg['reject_cause']})"
        parts.append(text)
    operator = state.get("operator") or {}
    if operator.get("name") or operator.get("plmn"):
        parts.append(f"operator {operator.get('name') or operator.get('plmn')}")
    if state.get("data_format"):
        parts.append(f"data format {state['data_format']}")
    if not parts:
        return ""
    return "The modem says: " + "; ".join(parts) + f"  [{', '.join(state.get('tools', []))}]"


def render(doc: Dict[str, Any]) -> str:
    out: List[str] = []
    sources = doc.get("sources") or []
    if sources:
        out.append(f"modem-doctor: read {', '.join(sources)}")
        out.append("")
    modems = doc.get("modems", [])
    said = modem_state_line(doc.get("modem_state") or {})
    if not modems and not said:
        out.append("No modem in the USB listings of the input (or no listing: `cat /sys/kernel/debug/usb/devices` shows it).")
    if said:
        out.append(said)
        out.append("")
    for modem in modems:
        out.extend(modem_lines(modem))
        out.append("")
    findings = doc.get("findings", [])
    out.append(f"Findings ({len(findings)})" if findings else "Findings: nothing wrong found.")
    for finding in findings:
        out.append(f"  {SEVERITY_LABEL.get(finding['severity'], finding['severity'])} {finding['code']}  {finding['title']}")
        for item in finding.get("evidence", [])[:6]:
            out.append(f"        {item['artifact']}:{item['line']}  {item['text'].strip()[:110]}")
        more = len(finding.get("evidence", [])) - 6
        if more > 0:
            out.append(f"        ... and {more} more lines")
        out.extend(_wrap(f"why: {finding['why']}", "        ") if finding.get("why") else [])
        out.extend(_wrap(f"fix: {finding['fix']}", "        ") if finding.get("fix") else [])
    plan = doc.get("plan") or {}
    steps = plan.get("steps", [])
    if steps:
        out.append("")
        out.append("Plan")
        if plan.get("packages"):
            out.append(f"  packages: {' '.join(plan['packages'])}")
        for number, step in enumerate(steps, 1):
            alt = " (alternative)" if step.get("alternative") else ""
            out.append(f"  {number}. [{step['kind']}] {step['title']}{alt}")
            out.extend(_wrap(step.get("why", ""), "       "))
            for command in step.get("commands", []):
                for index, line in enumerate(command.splitlines()):
                    out.append(("       $ " if index == 0 else "         ") + line)
            for file in step.get("files", []):
                out.append(f"       file {file['path']}:")
                out.extend("         | " + line for line in file["content"].splitlines())
            if step.get("check"):
                out.append(f"       check: {step['check']}")
            if step.get("expect"):
                out.extend(_wrap(f"expect: {step['expect']}", "       "))
    return "\n".join(out).rstrip() + "\n"

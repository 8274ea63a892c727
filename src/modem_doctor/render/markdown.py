"""A forum reply in Markdown: what the modem is, what is wrong and why, and the fix
step by step, written for the person who asked rather than for a log file."""

from __future__ import annotations

from typing import Any, Dict, List

from .text import modem_state_line

SEVERITY_WORD = {"error": "Problem", "warning": "Warning", "info": "Note"}
DATA_PATH_NAMES = {
    "qmi": "QMI",
    "mbim": "MBIM",
    "ncm": "NCM",
    "ecm": "ECM (Ethernet)",
    "rndis": "RNDIS",
    "hilink": "HiLink router mode",
    "ppp": "PPP over a serial port",
    "directip": "Sierra DirectIP",
    "storage": "storage (CD-ROM) mode",
    "none": "no data interface",
    "unknown": "unknown",
}


def _fence(text: str, language: str = "sh") -> List[str]:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return [f"{ticks}{language}", text.rstrip("\n"), ticks]


def _modem_section(modem: Dict[str, Any]) -> List[str]:
    name = " ".join(part for part in (modem.get("vendor"), modem.get("model")) if part) or "An unknown modem"
    facts = [part for part in ((modem.get("radio") or "").upper() or None, modem.get("form_factor")) if part]
    where = f" at USB port `{modem['usb_path']}`" if modem.get("usb_path") else ""
    lines = [f"**{name}** (`{modem['vid']}:{modem['pid']}`){' — ' + ', '.join(facts) if facts else ''}{where}."]
    configs = modem.get("configs", [])
    recommended = modem.get("recommended") or {}
    if len(configs) > 1:
        lines.append("")
        lines.append(f"It offers {len(configs)} USB configurations:")
        lines.append("")
        lines.append("| configuration | data path | drivers | state |")
        lines.append("|---|---|---|---|")
        for config in configs:
            drivers = sorted({i["driver_expected"] for i in config.get("interfaces", []) if i.get("driver_expected")})
            state = []
            if config.get("active"):
                state.append("active now")
            if config.get("linux_picks"):
                state.append("Linux picks it by itself")
            if recommended.get("config") == config.get("number"):
                state.append("**recommended**")
            path = DATA_PATH_NAMES.get(config.get("data_path", "unknown"), config.get("data_path", ""))
            lines.append(
                f"| {config['number']} | {path} | {', '.join(f'`{d}`' for d in drivers) or '—'} | {'; '.join(state)} |"
            )
    if recommended.get("netifd_proto"):
        path = DATA_PATH_NAMES.get(recommended.get("data_path", ""), recommended.get("data_path", ""))
        where = f" in configuration {recommended['config']}" if recommended.get("config") is not None else ""
        lines.append("")
        lines.append(f"Best way to use it: **{path}**{where}, with OpenWrt's `{recommended['netifd_proto']}` protocol.")
    elif recommended:
        lines.append("")
        lines.append("No data interface OpenWrt can use shows in the configurations you posted.")
    return lines


def _summary(doc: Dict[str, Any]) -> List[str]:
    """Two or three sentences up front: what is wrong and the way out."""
    findings = [f for f in doc.get("findings", []) if f["severity"] in ("error", "warning")]
    steps = (doc.get("plan") or {}).get("steps", [])
    if not findings and not steps:
        return []
    lines = ["**In short:**"]
    if findings:
        more = len(findings) - 1
        lines.append(f"{findings[0]['title'].rstrip('.')}." + (f" ({more} more finding{'s' if more > 1 else ''} below.)" if more else ""))
    main = [s["title"].rstrip(".") for s in steps if not s.get("alternative") and s["kind"] != "verify"]
    if main:
        lines.append("The fix, step by step below: " + "; ".join(m[0].lower() + m[1:] for m in main) + ".")
    return [" ".join(lines), ""]


def _follow_up(doc: Dict[str, Any]) -> List[str]:
    """What to post next if the plan does not get the modem online."""
    verify = next((s for s in (doc.get("plan") or {}).get("steps", []) if s["kind"] == "verify"), None)
    if verify is None:
        return []
    return [
        "### If it still does not connect",
        "",
        "Post the output of these commands (run `modem-doctor diagnose --share` on it first to hide "
        "your IMEI, SIM numbers and addresses):",
        "",
        *_fence("\n".join(verify.get("commands", []))),
        "",
    ]


def render(doc: Dict[str, Any]) -> str:
    out: List[str] = []
    modems = doc.get("modems", [])
    findings = doc.get("findings", [])
    plan = doc.get("plan") or {}
    out.extend(_summary(doc))
    out.append("### Your modem")
    out.append("")
    said = modem_state_line(doc.get("modem_state") or {})
    if said:
        out.append(said.split("  [")[0] + ".")
        out.append("")
    if not modems:
        out.append("I could not find the modem's USB listing in what you posted. Please post the output of "
                   "`cat /sys/kernel/debug/usb/devices` (or `usb-devices`) and `dmesg`.")
        out.append("")
    for modem in modems:
        out.extend(_modem_section(modem))
        out.append("")
    out.append("### What is wrong")
    out.append("")
    if not findings:
        out.append("Nothing wrong found in what you posted.")
        out.append("")
    for number, finding in enumerate(findings, 1):
        word = SEVERITY_WORD.get(finding["severity"], finding["severity"])
        out.append(f"{number}. **{word}: {finding['title']}** (`{finding['code']}`)")
        evidence = finding.get("evidence", [])
        if evidence:
            out.append("")
            quoted = "\n".join(f"{e['text'].rstrip()}" for e in evidence[:6])
            # Every line of a fence inside a list item carries the item's indent, or
            # Markdown ends the item (and the fence) at the first unindented line.
            out.extend("   " + line for block in _fence(quoted, "text") for line in block.split("\n"))
            where = ", ".join(sorted({f"line {e['line']}" for e in evidence[:6]}, key=lambda s: int(s.split()[1])))
            out.append(f"   <sub>from your post, {where}</sub>")
        if finding.get("why"):
            out.append("")
            out.append(f"   {finding['why']}")
        if finding.get("fix"):
            out.append("")
            out.append(f"   *Fix:* {finding['fix']}")
        out.append("")
    steps = plan.get("steps", [])
    if steps:
        out.append("### How to fix it")
        out.append("")
        for number, step in enumerate(steps, 1):
            alt = " *(alternative)*" if step.get("alternative") else ""
            out.append(f"**{number}. {step['title']}**{alt}")
            out.append("")
            if step.get("why"):
                out.append(step["why"])
                out.append("")
            for file in step.get("files", []):
                out.append(f"File `{file['path']}`:")
                out.append("")
                out.extend(_fence(file["content"], "sh"))
                out.append("")
            if step.get("commands"):
                out.extend(_fence("\n".join(step["commands"])))
                out.append("")
            if step.get("check"):
                check = f"Check: `{step['check']}`" if "\n" not in step["check"] else "Check:"
                out.append(check + (f" — {step['expect']}" if step.get("expect") else ""))
                out.append("")
    for note in plan.get("notes", []):
        out.append(f"*Note:* {note}")
        out.append("")
    out.extend(_follow_up(doc))
    out.append("<sub>Diagnosed by modem-doctor; every finding quotes the lines of your post it is based on.</sub>")
    return "\n".join(out).rstrip() + "\n"

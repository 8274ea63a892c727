"""SIM002 and REG002 on LuCI's rendering of netifd errors in the bundled rm502q-sim-pin
example (Quectel forum 36169): 'Error: PIN code rejected' (line 12) is PIN_FAILED and
'Error: Unknown error (NO_REGISTRATION)' (lines 10, 14) is NO_REGISTRATION."""

from __future__ import annotations

from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.rules.context import build_context
from modem_doctor.rules.reg002_no_coverage import check as reg002
from modem_doctor.rules.sim002_pin_needed_or_rejected import check as sim002


def test_pin_code_rejected_is_sim002() -> None:
    (finding,) = list(sim002(build_context(load_example("rm502q-sim-pin"))))
    assert finding.title == "The configured SIM PIN was refused"
    assert [(e.line, e.text) for e in finding.evidence] == [(12, "Error: PIN code rejected")]


def test_no_registration_is_reg002() -> None:
    (finding,) = list(reg002(build_context(load_example("rm502q-sim-pin"))))
    assert [e.line for e in finding.evidence] == [10, 14]
    assert all(e.text == "Error: Unknown error (NO_REGISTRATION)" for e in finding.evidence)


def test_without_the_luci_lines_neither_rule_fires() -> None:
    kept = [line for number, line in enumerate(read_example("rm502q-sim-pin").splitlines(), 1)
            if number not in (10, 12, 14)]
    context = build_context(load_text("\n".join(kept), "post.txt"))
    assert list(sim002(context)) == []
    assert list(reg002(context)) == []

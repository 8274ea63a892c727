"""MOD003: LTE-only settings are recognised in the forms real configurations use, and the
rule stays silent for an LTE modem set to LTE only and for the case thread (a 3G modem
with no LTE-only setting shown).

No real forum text pairing a 3G-only module with an LTE-only UCI setting has been found
yet (see tests/fixtures/rules/mod003/SOURCE.md). The rule fires on the modem's own mode,
read from real pyserial and qmicli transcripts against the project's simulators."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.knowledge import catalog
from modem_doctor.load import load_example, load_paths, load_text
from modem_doctor.model.findings import Finding
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.mod003_lte_only_mode_on_3g_module import _lte_only, _modem_modes, _three_g_modems, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _context(relative: str):  # type: ignore[no-untyped-def]
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        return build_context(load_text(handle.read(), os.path.basename(path)))


def _findings(relative: str) -> List[Finding]:
    return list(check(_context(relative)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "MOD003"]
    assert rule.name == "lte-only-mode-on-3g-module"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_values_from_real_configurations() -> None:
    assert _lte_only("lte")  # option modes 'lte' (openwrt#15694), option mode 'lte' (the E3372 blog)
    assert _lte_only("4g")  # modemmanager allowedmode
    assert not _lte_only("preferlte")  # ncm mode in the E3372h gist: falls back to 3G
    assert not _lte_only("umts")  # proto 3g service in forum 50795
    assert not _lte_only("all")  # qmi modes in luci#275
    assert not _lte_only("lte,umts")
    assert not _lte_only("3g|4g")


def test_lte_modem_set_to_lte_only_stays_silent() -> None:
    ctx = _context("rules/mod003/blog-e3372h-153-ncm-mode-lte.txt")
    # the LTE-only option is there and read ...
    (artifact, section), = [(a, s) for a, s in ctx.host.uci_sections() if s.get("proto") == "ncm"]
    assert _lte_only(section.get("mode"))
    # ... but the modem the user names is an LTE modem
    assert [info.radio for info in catalog.find_model("E3372h-153")] == ["4g", "4g"]
    assert _three_g_modems(ctx) == []
    assert list(check(ctx)) == []


def test_case_thread_names_a_3g_modem_but_shows_no_lte_only_setting() -> None:
    ctx = build_context(load_example("we826-mu609"))
    (name, evidence), = _three_g_modems(ctx)
    assert name == "Huawei MU609 (12d1:1573)" and evidence.line == 202  # its listing in the third dump
    assert list(check(ctx)) == []


def test_3g_modem_named_in_words_is_found() -> None:
    ctx = _context("pastes/forum-178738-p2-mu609.txt")  # "Huawei MU609 is a 3G modem."
    (name, evidence), = _three_g_modems(ctx)
    assert name == "Huawei MU609" and "MU609" in evidence.text
    assert list(check(ctx)) == []  # no configuration shown


# ---------------------------------------------------------------- the modem's own mode
# Real transcripts of pyserial and the real qmicli 1.32.2 talking to the project's AT and QMI
# simulators (see tests/fixtures/rules/mod003/SOURCE.md for how each was captured).


def _paths(*names: str):  # type: ignore[no-untyped-def]
    return build_context(load_paths([os.path.join(FIXTURES, "rules", "mod003", name) for name in names]))


def test_mu609_reporting_syscfgex_lte_only_over_at() -> None:
    (finding,) = list(check(_paths("sim-mu609-lte-only-at.txt")))
    assert finding.code == "MOD003" and finding.severity.value == "error"
    assert "Huawei MU609 is a 3G module" in finding.title and "^SYSCFGEX" in finding.title
    named, mode, searching = finding.evidence
    assert named.text == "Model: MU609"  # the ATI answer names the modem
    assert mode.text.startswith('^SYSCFGEX: "03",')
    assert searching.text == "^SYSINFO:0,4,0,0,1,,0"  # no service: the last registration answer
    assert 'AT^SYSCFGEX="00"' in finding.fix
    # ^SYSCFG answers 2 (auto) in the same transcript: it cannot say LTE, so it clears nothing
    assert "^SYSCFG:2,0,3FFFFFFF,1,2" in open(os.path.join(FIXTURES, "rules", "mod003", "sim-mu609-lte-only-at.txt")).read()


def test_mu609_reporting_lte_mode_preference_over_qmi() -> None:
    (finding,) = list(check(_paths("sim-mu609-lte-only-qmicli.txt")))
    named, mode, searching = finding.evidence
    assert named.text.strip() == "Model: 'MU609'"
    assert mode.text.strip() == "Mode preference: 'lte'"
    assert searching.text.strip() == "Registration state: 'not-registered-searching'"
    assert "--nas-set-system-selection-preference='gsm|umts'" in finding.fix


def test_mu609_in_the_ready_scenario_stays_silent() -> None:
    assert list(check(_paths("sim-mu609-ready-at.txt"))) == []  # ^SYSCFGEX: "00" (auto)
    assert list(check(_paths("sim-mu609-ready-qmicli.txt"))) == []  # 'gsm, umts, lte'


def test_lte_modem_set_to_lte_only_on_the_modem_stays_silent() -> None:
    # the EC25 answers +QCFG: "nwscanmode",3 and Mode preference: 'lte', and is registered on LTE
    for name in ("sim-ec25-lte-only-at.txt", "sim-ec25-lte-only-qmicli.txt"):
        ctx = _paths(name)
        assert [fact.meaning for _a, fact in _modem_modes(ctx)] in (["LTE only"], ["lte"])
        assert _three_g_modems(ctx) == []
        assert list(check(ctx)) == []


def test_modem_named_by_its_usb_listing_in_the_lab() -> None:
    # the lab's real-kernel listing of the MU609 in configuration 1, then the AT transcript
    ctx = build_context(load_paths([os.path.join(FIXTURES, "lab", "mu609", "config1", "lsusb.txt"),
                                    os.path.join(FIXTURES, "rules", "mod003", "sim-mu609-lte-only-at.txt")]))
    (finding,) = list(check(ctx))
    assert finding.title.startswith("Huawei MU609 (12d1:1573) is a 3G module")
    assert "12d1:1573" in finding.evidence[0].text


def test_a_later_answer_of_the_same_command_wins() -> None:
    at = open(os.path.join(FIXTURES, "rules", "mod003", "sim-mu609-lte-only-at.txt"), encoding="utf-8").read()
    ready = open(os.path.join(FIXTURES, "rules", "mod003", "sim-mu609-ready-at.txt"), encoding="utf-8").read()
    # the user set the mode back and asked again: the second ^SYSCFGEX answer is "00"
    assert list(check(build_context(load_text(at + ready, "two-sessions")))) == []
    assert len(list(check(build_context(load_text(ready + at, "two-sessions"))))) == 1

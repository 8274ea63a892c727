"""MOD003: LTE-only settings are recognised in the forms real configurations use, and the
rule stays silent for an LTE modem set to LTE only and for the case thread (a 3G modem
with no LTE-only setting shown).

No real text pairing a 3G-only module with an LTE-only setting has been found yet (see
tests/fixtures/rules/mod003/SOURCE.md), so no test here makes the rule fire."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.knowledge import catalog
from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.mod003_lte_only_mode_on_3g_module import _lte_only, _three_g_modems, check

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

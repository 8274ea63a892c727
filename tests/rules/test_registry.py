"""Conformance of the rule registry: every rule module is registered once, has a unique
code of the right shape, documents itself under the four headings, and is exercised by
a test file that names its code (each of those files holds a firing and a silent case)."""

from __future__ import annotations

import re
from pathlib import Path

import modem_doctor.rules as rules_pkg
from modem_doctor.rules import AREAS, DOC_HEADINGS, RULES, load_rules

RULES_DIR = Path(rules_pkg.__file__).parent
TESTS_DIR = Path(__file__).parent


def test_every_rule_module_is_registered_once() -> None:
    modules = sorted(p.stem for p in RULES_DIR.glob("*.py") if re.match(r"^[a-z]{3}\d{3}_", p.stem))
    assert sorted(RULES) == modules
    assert len(set(RULES)) == len(RULES)


def test_codes_are_unique_well_formed_and_match_the_module_name() -> None:
    seen = set()
    for module_name, rule in zip(RULES, load_rules()):
        assert re.match(r"^[A-Z]{3}\d{3}$", rule.code), rule.code
        assert rule.code[:3] in AREAS, rule.code
        assert module_name.startswith(rule.code.lower() + "_"), (module_name, rule.code)
        assert rule.code not in seen
        seen.add(rule.code)
        for alias in rule.aliases:
            assert alias not in seen


def test_every_rule_documents_itself() -> None:
    for rule in load_rules():
        assert rule.doc.splitlines()[0].startswith(f"{rule.code} {rule.name}"), rule.code
        for heading in DOC_HEADINGS:
            assert f"## {heading}" in rule.doc, (rule.code, heading)
        assert rule.summary and rule.name == rule.name.lower()


def test_every_rule_has_tests() -> None:
    texts = "\n".join(p.read_text() for p in TESTS_DIR.glob("test_*.py") if p.name != Path(__file__).name)
    for rule in load_rules():
        module = next(m for m in RULES if m.startswith(rule.code.lower()))
        assert rule.code in texts or module in texts, f"no test names {rule.code}"

"""End-to-end goldens: real inputs diagnosed into JSON and Markdown, compared byte for
byte with reviewed files. Regenerate with ``pytest tests/golden --update-golden`` and
review the diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_paths
from modem_doctor.render import render

HERE = Path(__file__).parent
CASES: List[Path] = sorted(p for p in HERE.iterdir() if p.is_dir() and (p / "input.txt").exists())


def _check(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{path.name} did not exist; written, review it and commit")
        return
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs; rerun with --update-golden and review the diff"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(case: Path, update_golden: bool) -> None:
    host = load_paths([str(case / "input.txt")])
    # The input's absolute path differs between machines: every mention becomes 'input.txt'.
    doc = json.loads(json.dumps(diagnose(host).to_json()).replace(json.dumps(str(case / "input.txt"))[1:-1], "input.txt"))
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    _check(case / "expected.json", text, update_golden)
    _check(case / "expected.md", render(doc, "md"), update_golden)


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 1

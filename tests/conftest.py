"""Shared pytest options. ``--update-golden`` rewrites golden files from the current
output, so a change in a report is reviewed as a diff in git instead of edited by hand."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden expected outputs from the current code")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))

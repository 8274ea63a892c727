from __future__ import annotations

from modem_doctor.cli import main


def test_no_command_is_usage_error() -> None:
    assert main([]) == 2


def test_unknown_option_is_usage_error() -> None:
    assert main(["--no-such-option"]) == 2

"""Values written into shell, UCI and AT stay inert; checked by running a real shell."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from modem_doctor.errors import InputError
from modem_doctor.plan.quote import at_string, is_valid_apn, shell_quote, uci_name, uci_value

HOSTILE = ["a'b;reboot", "$(reboot)", "`id`", "x\"; rm -rf / #", "line\nbreak", "", "plain.apn", "-n"]
SHELLS = [name for name in ("busybox", "dash", "sh") if shutil.which(name)]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("shell", SHELLS)
def test_shell_quote_round_trips_through_a_real_shell(shell: str, value: str) -> None:
    argv = [shell, "sh", "-c"] if shell == "busybox" else [shell, "-c"]
    script = f"printf '%s' {shell_quote(value)}"
    result = subprocess.run(argv + [script], capture_output=True, text=True, check=True)
    assert result.stdout == value


@pytest.mark.parametrize("value", HOSTILE)
def test_uci_value_is_shell_inert_as_well(value: str) -> None:
    # UCI's tokenizer and sh agree on single quotes and '\'' joins.
    result = subprocess.run(["sh", "-c", f"printf '%s' {uci_value(value)}"], capture_output=True, text=True, check=True)
    assert result.stdout == value


def test_apn_validation_follows_ts_23_003() -> None:
    assert is_valid_apn("internet")
    assert is_valid_apn("web.vodafone.de")
    assert is_valid_apn("mms-x.op1")
    assert not is_valid_apn("a'b;reboot")
    assert not is_valid_apn("bad..apn")
    assert not is_valid_apn("-lead")


def test_at_string_refuses_what_at_cannot_carry() -> None:
    assert at_string("internet") == '"internet"'
    with pytest.raises(InputError):
        at_string('a"b')
    with pytest.raises(InputError):
        at_string("a\rATZ")


def test_uci_name_refuses_punctuation() -> None:
    assert uci_name("wwan") == "wwan"
    with pytest.raises(InputError):
        uci_name("wwan;reboot")

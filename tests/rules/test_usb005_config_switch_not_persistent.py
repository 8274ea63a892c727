"""USB005 on the case thread (manual bConfigurationValue writes, "it switches back after a
reboot") and on texts where nothing was switched or the switch was made persistent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.usb005_config_switch_not_persistent import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _run(text: str, source: str = "thread.txt") -> List[Finding]:
    return list(check(build_context(load_text(text, source))))


def test_fires_on_the_case_thread_with_commands_and_reboot_line() -> None:
    (finding,) = list(check(build_context(load_example("we826-mu609"))))
    assert finding.code == "USB005" and finding.severity is Severity.WARNING
    assert finding.modem == "12d1:1573@1-1.2"
    assert "configuration 1 was selected by hand" in finding.title
    assert "reported: it switches back after a reboot" in finding.title
    by_line = {e.line: e.text for e in finding.evidence}
    # the user's manual switch (echo 0, echo 1), cited where it was run; the helper's
    # identical suggestion at lines 101-102 is not repeated
    for line in (181, 182):
        assert by_line[line].endswith("/sys/bus/usb/devices/1-1.2/bConfigurationValue")
    assert by_line[181].startswith("echo 0 >") and by_line[182].startswith("echo 1 >")
    assert 101 not in by_line and 102 not in by_line
    assert len(finding.evidence) == 5
    assert by_line[265].startswith("After each device reboot, it switches back")
    # the active C: line before (first listing, config 2) and after (third listing, config 1)
    listing = [e for e in finding.evidence if e.artifact.endswith(("4-78", "185-259"))]
    assert [(e.artifact.rsplit(":", 1)[1], e.line) for e in listing] == [("4-78", 47), ("185-259", 207)]
    assert "configuration 2 before and 1 after" in finding.why
    assert "/etc/hotplug.d/usb/" in finding.fix and "/etc/sysupgrade.conf" in finding.fix
    assert "writes 1 to /sys/bus/usb/devices/1-1.2/bConfigurationValue" in finding.fix


def test_fires_on_the_switch_alone_before_the_user_reports_the_revert() -> None:
    text = "\n".join(read_example("we826-mu609").splitlines()[:259])
    (finding,) = _run(text)
    assert "switches back" not in finding.title
    assert {e.line for e in finding.evidence} >= {181, 182}
    assert 265 not in {e.line for e in finding.evidence}


def test_silent_when_the_persistent_hotplug_script_is_shown() -> None:
    # The user comes back having run the plan's switch step: the hotplug script and the
    # sysupgrade.conf line now appear among the commands.
    diagnosis = diagnose(load_example("we826-mu609"))
    (switch,) = [s for s in diagnosis.plan.steps if s.kind.value == "switch"]
    typed = "\n".join("root@OpenWrt:~# " + command.splitlines()[0] for command in switch.commands)
    assert _run(read_example("we826-mu609") + "\n" + typed) == []
    # ...and listing the directory alone is not a script
    assert len(_run(read_example("we826-mu609") + "\nroot@OpenWrt:~# ls /etc/hotplug.d/usb/\n")) == 1


def test_silent_when_nothing_was_switched() -> None:
    for relative in ("pastes/forum-190811-we826-t2.txt", "pastes/forum-14926-ec25e.txt", "lab/mu609/config2/debugfs-usb-devices.txt"):
        with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
            assert _run(handle.read(), os.path.basename(relative)) == [], relative


def test_rule_metadata() -> None:
    assert RULE.code == "USB005" and RULE.name == "config-switch-not-persistent"

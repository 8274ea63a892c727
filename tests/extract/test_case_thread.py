"""The motivating case (OpenWrt forum thread, ZBT WE826-32M with a Huawei MU609) read end to
end: blocks, commands, stated facts, and the Host built from them, also after the damage
mail and forums do to pasted text."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from paste_damage import DAMAGES, SAME_LINES

from modem_doctor.extract import extract
from modem_doctor.load import load_example, load_text
from modem_doctor.model.host import Host
from modem_doctor.model.log import LogEventKind
from modem_doctor.model.usb import DriverState

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes"
THREAD = (PASTES / "we826-mu609.txt").read_text(encoding="utf-8")
DEBUGFS = "cat /sys/kernel/debug/usb/devices"


def test_blocks_kinds_ranges_and_commands() -> None:
    found = [(b.kind, b.first_line, b.last_line, b.command, b.prompt_shown) for b in extract(THREAD, "t").blocks]
    assert found == [
        ("usb_debugfs", 4, 78, DEBUGFS, True),
        ("dmesg", 88, 90, "dmesg | grep cdc_ether", False),  # bare command line, no prompt
        ("usb_debugfs", 105, 179, DEBUGFS, False),
        ("usb_debugfs", 185, 259, DEBUGFS, True),
    ]


def test_block_lines_keep_original_numbers() -> None:
    block = extract(THREAD, "t").blocks[1]
    assert [line.number for line in block.lines] == [88, 89, 90]
    assert block.lines[0].text.startswith("[ 20.091055] cdc_ether 1-1.2:2.0 eth1: register")


def test_prose_is_not_in_blocks() -> None:
    extraction = extract(THREAD, "t")
    in_blocks = {line.number for block in extraction.blocks for line in block.lines}
    prose = {line.number for line in extraction.prose}
    assert not in_blocks & prose
    # the reply right after the first listing, and the helper's explanation
    assert {79, 80, 91, 92, 180, 260} <= prose


def test_shell_commands_shown() -> None:
    commands = [(c.line, c.text, c.prompt_shown) for c in extract(THREAD, "t").commands]
    config = "/sys/bus/usb/devices/1-1.2/bConfigurationValue"
    assert (101, f"echo 0 > {config}", False) in commands  # the helper's instructions
    assert (102, f"echo 1 > {config}", False) in commands
    assert (181, f"echo 0 > {config}", False) in commands  # what the user ran
    assert (182, f"echo 1 > {config}", True) in commands
    assert (84, "run dmesg | grep cdc_ether", True) in commands  # a failed command is still shown
    # prose that mentions a command is not a command
    assert not any(line in (83, 86, 103) for line, _, _ in commands)
    # the '^C' prompt is not a command
    assert not any(line == 183 for line, _, _ in commands)


def test_stated_facts() -> None:
    facts = {(f.kind, f.value, f.line) for f in extract(THREAD, "t").facts}
    assert ("package_installed", "kmod-usb-net-cdc-ether", 81) in facts
    assert ("reboot_reverts", "yes", 265) in facts
    assert ("modem_model", "MU609", 86) in facts
    # advice is not a statement of what is installed (line 98: "You will need to install ...")
    assert not any(kind == "package_installed" and line in (98, 263) for kind, _, line in facts)


def _usb_view(host: Host) -> List[Tuple[str, Tuple[Tuple[int, bool, Tuple[Tuple[int, str, str, str], ...]], ...]]]:
    """What the listings say about the modem, without line numbers."""
    view = []
    for _, device in host.usb_devices("12d1:1573"):
        configs = tuple(
            (
                config.number,
                config.active,
                tuple((i.number, i.triple, i.driver or "", i.driver_state.value) for i in config.interfaces),
            )
            for config in device.configs
        )
        view.append((device.path, configs))
    return view


def _check_host(host: Host) -> None:
    listings = host.usb_devices("12d1:1573")
    assert len(listings) == 3
    for (_, device), active in zip(listings, (2, 2, 1)):
        assert [config.number for config in device.configs] == [1, 2]
        assert device.active_config is not None and device.active_config.number == active
        assert device.path == "1-1.2"
    first, third = listings[0][1], listings[2][1]
    drivers_before = {i.number: (i.driver, i.driver_state) for i in first.configs[1].interfaces}
    assert drivers_before[0] == (None, DriverState.UNBOUND)
    assert drivers_before[1] == (None, DriverState.UNBOUND)
    assert all(drivers_before[n] == ("option", DriverState.BOUND) for n in range(2, 7))
    assert all(i.driver_state == DriverState.INACTIVE for i in first.configs[0].interfaces)
    drivers_after = {i.number: i.driver for i in third.configs[0].interfaces}
    assert drivers_after == {0: None, 1: "option", 2: "option", 3: "option", 4: "option", 5: "qmi_wwan"}
    latest = host.latest_usb_listing()
    assert latest is not None and latest[0] == listings[2][0]

    registered = host.log_events(LogEventKind.NETDEV_REGISTER)
    unregistered = host.log_events(LogEventKind.NETDEV_UNREGISTER)
    assert [(e.time, e.driver, e.subject, e.device) for _, e in registered] == [(20.091055, "cdc_ether", "eth1", "1-1.2")]
    assert [(e.time, e.driver, e.subject, e.device) for _, e in unregistered] == [(25.11809, "cdc_ether", "eth1", "1-1.2")]

    config_writes = host.commands_matching(r"bConfigurationValue")
    assert [c.text.split()[1] for c in config_writes] == ["0", "1", "0", "1"]


def test_host_from_case_thread() -> None:
    host = load_text(THREAD, "we826-mu609.txt")
    _check_host(host)
    assert [a.id for a in host.artifacts] == [
        "we826-mu609.txt:4-78",
        "we826-mu609.txt:88-90",
        "we826-mu609.txt:105-179",
        "we826-mu609.txt:185-259",
    ]
    # evidence lines point into the user's text
    register = host.log_events(LogEventKind.NETDEV_REGISTER)[0][1]
    assert THREAD.splitlines()[register.line - 1] == register.text
    assert not host.problems


def test_bundled_example_is_the_case_thread() -> None:
    host = load_example("we826-mu609")
    _check_host(host)
    assert host.sources == ("example:we826-mu609",)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_thread_reads_the_same(damage: str) -> None:
    damaged = DAMAGES[damage](THREAD)
    original = extract(THREAD, "t")
    result = extract(damaged, "t")
    assert [(b.kind, b.command) for b in result.blocks] == [(b.kind, b.command) for b in original.blocks]
    if damage in SAME_LINES:
        assert [(b.first_line, b.last_line) for b in result.blocks] == [
            (b.first_line, b.last_line) for b in original.blocks
        ]
        assert [(c.line, c.text) for c in result.commands] == [(c.line, c.text) for c in original.commands]
    assert [c.text for c in result.commands if "bConfigurationValue" in c.text] == [
        c.text for c in original.commands if "bConfigurationValue" in c.text
    ]
    host = load_text(damaged, "t")
    _check_host(host)
    assert _usb_view(host) == _usb_view(load_text(THREAD, "t"))


def _lines(first: int, last: int) -> List[str]:
    return THREAD.splitlines()[first - 1 : last]


def test_two_listings_glued_together_are_two_blocks() -> None:
    """The listing before the switch and the one after, pasted with nothing between."""
    text = "\n".join(_lines(3, 78) + _lines(185, 259))
    blocks = extract(text, "t").blocks
    assert [(b.kind, b.first_line, b.last_line) for b in blocks] == [("usb_debugfs", 2, 76), ("usb_debugfs", 77, 151)]
    host = load_text(text, "t")
    assert [d.active_config.number for _, d in host.usb_devices("12d1:1573") if d.active_config] == [2, 1]


def test_two_dmesg_runs_glued_together_are_two_blocks() -> None:
    """The MDM9200 post's two 'dmesg | grep usb' runs without the prompt between: the time
    going back shows a second capture."""
    post = (PASTES / "forum-26730-mdm9200.txt").read_text(encoding="utf-8").splitlines()
    text = "\n".join(post[8:13] + post[17:28])
    blocks = extract(text, "t").blocks
    assert [(b.kind, b.first_line, b.last_line) for b in blocks] == [("dmesg", 1, 5), ("dmesg", 6, 16)]


def test_prompt_in_the_middle_of_a_listing_splits_it() -> None:
    """A prompt line pasted inside the output (the user pressed Enter while it printed)."""
    text = "\n".join(_lines(3, 40) + ["root@OpenWrt:~#"] + _lines(41, 78))
    blocks = extract(text, "t").blocks
    assert [(b.first_line, b.last_line) for b in blocks] == [(2, 38), (40, 77)]
    assert blocks[0].command == DEBUGFS and blocks[1].command is None

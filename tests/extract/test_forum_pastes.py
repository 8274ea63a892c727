"""Real forum posts (see fixtures/pastes/SOURCE.md): every output found with its kind,
lines and command, nothing recognised in prose, and the same post damaged by a site
(whitespace collapsed, indentation lost) read to the same facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
from paste_damage import DAMAGES

from modem_doctor.extract import extract
from modem_doctor.load import load_paths
from modem_doctor.model.common import to_jsonable

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes"

Expected = List[Tuple[str, int, int, Optional[str]]]

EXPECTED = {
    "forum-26730-mdm9200.txt": [
        ("lsusb", 7, 7, "lsusb"),
        ("dmesg", 9, 13, "dmesg | grep usb"),
        ("dmesg", 18, 28, "dmesg | grep usb"),
        ("dmesg", 30, 30, None),  # after the prose line 'Plugging the modem in:'
        ("lsusb", 33, 33, "lsusb"),
    ],
    "developerload-slm730.txt": [("lsusb_tree", 20, 28, "lsusb -t"), ("dmesg", 33, 45, "dmesg")],
    "stackoverflow-kiwix-slm730.txt": [("lsusb_tree", 11, 19, "lsusb -t"), ("dmesg", 22, 38, "dmesg")],
    "forum-190811-we826-t2.txt": [("uci_config", 18, 71, "cat /etc/config/network")],
    "forum-14926-ec25e.txt": [("logread", 9, 26, None)],
    "forum-248352-rm500u.txt": [
        ("luci_errors", 4, 4, None),  # LuCI's 'Error: Unknown error (NO_REGISTRATION)'
        ("lsusb", 7, 11, "lsusb"),
        ("ls_dev", 14, 14, "ls -l /dev/cdc-wdm0"),
        ("mmcli", 25, 44, "mmcli -m 0"),  # cut off by the excerpt
    ],
    "forum-188967-mf286d.txt": [("uci_config", 13, 49, None), ("logread", 53, 58, None)],
    "forum-171787-fibocom.txt": [
        ("dmesg", 13, 13, "dmesg | grep cdc"),
        ("lsusb", 27, 29, "lsusb"),
        ("ls_dev", 34, 39, "ls /dev | grep ttyUSB"),
    ],
    "forum-178738-p2-mu609.txt": [("opkg_errors", 23, 26, None)],
    # prompts in <b>...</b> and **...**, a bold span inside an lsusb line
    "bananapi-14680-rm502q-markup.txt": [
        ("dmesg", 16, 25, "dmesg | grep modem"),
        ("lsusb", 27, 30, "lsusb"),
        ("ls_dev", 33, 34, "ls -l /dev/"),
    ],
    # the same post where a scraper's e-mail obfuscation made 'root@OpenWrt' '[email protected]'
    "bananapi-14680-rm502q-obfuscated.txt": [
        ("dmesg", 16, 25, "dmesg | grep modem"),
        ("lsusb", 27, 30, "lsusb"),
        ("ls_dev", 33, 34, "ls -l /dev/"),
    ],
}


def _read(name: str) -> str:
    return (PASTES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_blocks_found(name: str) -> None:
    blocks = extract(_read(name), name).blocks
    assert [(b.kind, b.first_line, b.last_line, b.command) for b in blocks] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_block_parses_without_leftovers(name: str) -> None:
    host = load_paths([str(PASTES / name)])
    assert not host.problems
    assert len(host.artifacts) == len(EXPECTED[name])
    # forum excerpts end mid-line; only such a cut line may be left unparsed
    last_line = len(_read(name).splitlines())
    leftovers = [item.line for entry in host.unparsed for item in entry.lines]
    assert all(line == last_line for line in leftovers), leftovers


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damage_keeps_the_blocks(name: str, damage: str) -> None:
    text = _read(name)
    original = [(b.kind, b.command) for b in extract(text, name).blocks]
    assert [(b.kind, b.command) for b in extract(DAMAGES[damage](text), name).blocks] == original


def _without_lines(value: Any, drop: Tuple[str, ...] = ("line", "first_line", "last_line", "text")) -> Any:
    if isinstance(value, dict):
        return {k: _without_lines(v, drop) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_without_lines(item, drop) for item in value]
    return value


def test_site_damaged_copy_reads_the_same() -> None:
    """The kiwix copy of the SLM730 question lost its indentation and double spaces.

    Everything but the topology survives: without indentation, ``lsusb -t`` no longer
    says whether port 2 hangs off the hub or the root, so level and path may differ."""
    original = load_paths([str(PASTES / "developerload-slm730.txt")])
    damaged = load_paths([str(PASTES / "stackoverflow-kiwix-slm730.txt")])
    drop = ("line", "first_line", "last_line", "text", "level", "parent_devnum", "path")
    tree = _without_lines(to_jsonable(original.usb[0].value), drop)
    assert tree == _without_lines(to_jsonable(damaged.usb[0].value), drop)
    assert [d.path for d in original.usb[0].value.devices][-1] == "1-1.2"
    assert [(a.kind, a.command) for a in original.artifacts] == [(a.kind, a.command) for a in damaged.artifacts]
    entries = [(e.time, e.message.split()[0]) for e in original.logs[0].value.entries]
    assert len(entries) == 13
    # the two excerpts were cut at different places: compare what both show in full
    assert entries[:12] == [(e.time, e.message.split()[0]) for e in damaged.logs[0].value.entries][:12]
    drivers = {(d.vid_pid, i.number): i.driver for d in original.usb[0].value.devices for c in d.configs for i in c.interfaces}
    assert "qmi_wwan" in drivers.values() and "option" in drivers.values()


def test_mail_quoted_log_in_a_forum_post() -> None:
    """The MF286D post quotes its logread lines with '> ' as a mail would."""
    host = load_paths([str(PASTES / "forum-188967-mf286d.txt")])
    log = host.logs[0].value
    assert [entry.line for entry in log.entries] == [53, 54, 55, 56, 57, 58]
    assert all(not entry.text.startswith(">") for entry in log.entries)
    sections = host.uci_merged()["network"]
    assert sections["lte"]["apn"] == "internet.v6.telekom"
    assert sections["lte"]["proto"] == "qmi"


def test_outputs_between_bullet_points() -> None:
    host = load_paths([str(PASTES / "forum-171787-fibocom.txt")])
    assert host.usb_ids() == ("1d6b:0001", "2cb7:0001", "1d6b:0002")
    names = [getattr(entry, "name", None) for entry in getattr(host.network[0].value, "entries", ())]
    assert names == ["ttyUSB0", "ttyUSB1", "ttyUSB2", "ttyUSB3", "ttyUSB4", "ttyUSB5"]


def _apply(text: str, names: Tuple[str, ...]) -> str:
    for name in names:
        text = DAMAGES[name](text)
    return text


PAIRS = [(a, b) for a in sorted(DAMAGES) for b in sorted(DAMAGES) if a != b and "everything" not in (a, b)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_damage_in_any_order_keeps_the_blocks(name: str) -> None:
    """Two kinds of damage one after the other, in either order (a mail wrapped, then quoted
    in a reply and squeezed by a forum...)."""
    text = _read(name)
    original = [(b.kind, b.command) for b in extract(text, name).blocks]
    for pair in PAIRS:
        assert [(b.kind, b.command) for b in extract(_apply(text, pair), name).blocks] == original, pair


def test_prose_right_after_output_with_trailing_spaces_stays_prose() -> None:
    """iproute2 ends every route line with a space; in a forum post (not wrapped) that is
    no soft break, so a sentence glued below the output is not taken into it."""
    routes = (Path(__file__).resolve().parents[1] / "fixtures" / "net" / "ip4_route_openwrt_packages16837.txt").read_text(
        encoding="utf-8"
    ).splitlines()[2:15]
    assert all(line.endswith(" ") for line in routes)
    sentence = _read("forum-26730-mdm9200.txt").splitlines()[30]
    assert sentence.startswith("Automatic mode switch is not working")
    extraction = extract("\n".join(routes + [sentence]), "t")
    assert [(b.kind, b.first_line, b.last_line) for b in extraction.blocks] == [("ip_route", 1, 13)]
    assert [line.number for line in extraction.prose] == [14]


def test_prose_after_a_cut_off_json_object_stays_prose() -> None:
    """An ifstatus output cut off by the forum (its braces never close), then the poster's
    next sentence: the block ends where the JSON does."""
    status = (Path(__file__).resolve().parents[1] / "fixtures" / "net" / "ifstatus_att_omr3542_truncated.txt").read_text(
        encoding="utf-8"
    ).splitlines()
    sentence = _read("forum-190811-we826-t2.txt").splitlines()[11]
    assert sentence == "The model interface displays: Network device is not present"
    extraction = extract("\n".join(status + [sentence]), "t")
    assert [(b.kind, b.last_line) for b in extraction.blocks] == [("ifstatus", len(status))]
    assert [line.number for line in extraction.prose][-1] == len(status) + 1

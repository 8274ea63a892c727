"""Every listing of the real corpus parses completely (tests/fixtures/corpus/SOURCE.md).

The expected values are read from each file's own text with deliberately simple
line-by-line patterns, independent of the parser, and from INDEX.tsv.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from modem_doctor.model.common import Line, number_lines
from modem_doctor.model.usb import DriverState, ListingFormat
from modem_doctor.parse import parse_lines as registry_parse_lines
from modem_doctor.parse._usb_common import detect_usb_format, looks_like_usb_line, path_matches

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "usb-listings"
FILES = sorted(CORPUS.glob("*.txt"))
KIND_OF_FORMAT = {"debugfs": "usb_debugfs", "usb-devices": "usb_devices"}

# Lines of a listing that may land in ``unparsed``, per file, with the reason they are junk.
# The corpus holds none today; a new listing with a stray line must be listed here.
UNPARSED_EXCEPTIONS: Dict[str, Tuple[str, ...]] = {}

_I_LINE = re.compile(
    r"^[> \t]*I:([* ]) *If#= *(0x[0-9a-f]+|\d+) +Alt= *(\d+) +#EPs= *(\d+) +Cls=([0-9a-f]{2})\([^)]*\) +"
    r"Sub=([0-9a-f]{2}) +Prot=([0-9a-f]{2}) +Driver=(\S*)"
)


def _index() -> Dict[str, Dict[str, str]]:
    with (CORPUS / "INDEX.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _split(path: Path) -> Tuple[str, List[Line]]:
    """The header's format and the listing's lines with their numbers in the file."""
    lines = number_lines(path.read_text(encoding="utf-8"))
    header = [line.text for line in lines if line.text.startswith("# ")]
    fmt = next(text.split(":", 1)[1].strip() for text in header if text.startswith("# format:"))
    body = [line for line in lines if not line.text.startswith("# ")]
    return fmt, body


def test_corpus_is_complete() -> None:
    assert len(FILES) == 257
    assert set(_index()) == {path.name for path in FILES}
    assert (CORPUS / "README.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_listing_parses_completely(path: Path) -> None:
    fmt, body = _split(path)
    kind = KIND_OF_FORMAT[fmt]
    assert detect_usb_format(body) == kind
    parsed = registry_parse_lines(kind, body)
    assert parsed.kind == kind

    # only genuine junk is left over
    leftover = tuple(item.text for item in parsed.unparsed)
    assert leftover == UNPARSED_EXCEPTIONS.get(path.name, ())
    for line in body:
        if line.text.strip():
            assert looks_like_usb_line(line.text), line

    row = _index()[path.name]
    assert len(parsed.value.devices) == 1
    device = parsed.value.devices[0]
    assert device.vid_pid == f"{row['vid']}:{row['pid']}".lower()
    assert len(device.configs) == int(row["configs_shown"])
    assert device.listing_format is (ListingFormat.DEBUGFS if fmt == "debugfs" else ListingFormat.USB_DEVICES)

    # every configuration shown is the active one (README: only active ones were posted)
    assert all(config.active for config in device.configs)

    # every I: line became an interface with its class triple and driver state
    by_line = {item.line: item for config in device.configs for item in config.interfaces}
    expected_lines = []
    for line in body:
        match = _I_LINE.match(line.text)
        if "I:" in line.text[:8]:
            assert match is not None, f"test pattern misses {line}"
        if match is None:
            continue
        expected_lines.append(line.number)
        star, number, alt, eps, cls, sub, prot, driver = match.groups()
        item = by_line[line.number]
        assert item.number == int(number, 0)
        assert item.alt == int(alt)
        assert item.num_endpoints == int(eps)
        assert (item.cls, item.subclass, item.protocol) == (int(cls, 16), int(sub, 16), int(prot, 16))
        if driver == "(none)" or driver == "":
            assert item.driver_state is DriverState.UNBOUND and item.driver is None
        else:
            assert item.driver_state is DriverState.BOUND and item.driver == driver
        if fmt == "debugfs":
            assert item.active == (star == "*")
        else:
            assert item.active
    assert sorted(by_line) == expected_lines

    # every E: line became an endpoint of the interface above it
    endpoint_lines = [line.number for line in body if re.match(r"^[> \t]*E:", line.text)]
    got = sorted(ep.line for config in device.configs for item in config.interfaces for ep in item.endpoints)
    assert got == endpoint_lines

    # the port path follows from the T: line even though the parents are not shown
    t_line = next((line.text for line in body if re.match(r"^[> \t]*T:", line.text)), None)
    if t_line is None:
        assert device.path == ""
    else:
        bus, level, port = (int(v) for v in re.search(r"Bus= *(\d+) +Lev= *(\d+) +Prnt= *\d+ +Port= *(\d+)", t_line).groups())
        assert (device.bus, device.level, device.port) == (bus, level, port)
        if level == 1:
            assert device.path == f"{bus}-{port + 1}" and device.path_exact
        else:
            assert not device.path_exact
            assert device.path.endswith(f".{port + 1}") and device.path.count(".") == level - 1
            # any real path with that shape matches the partial one
            assert path_matches(device.path, f"{bus}-" + ".".join(["3"] * (level - 1) + [str(port + 1)]))


@pytest.mark.parametrize("path", FILES[::8], ids=[path.name for path in FILES[::8]])
def test_whole_file_leaves_only_the_corpus_header(path: Path) -> None:
    """Given the file as it is, the parser leaves exactly the '# ' header lines over."""
    fmt, _body = _split(path)
    text = path.read_text(encoding="utf-8")
    parsed = registry_parse_lines(KIND_OF_FORMAT[fmt], number_lines(text))
    header = [line for line in number_lines(text) if line.text.startswith("# ")]
    assert [(item.line, item.text) for item in parsed.unparsed] == [(line.number, line.text) for line in header]
    assert len(parsed.value.devices) == 1

"""The 257 real USB listings of the corpus (tests/fixtures/corpus/usb-listings, see its
README), given to the extractor as whole files: each is found as exactly one block, of the
format INDEX.tsv records for it (usb-devices or debugfs, told apart by content alone), and
nothing but the '# ' header is left outside it, stray and wrapped lines included."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, List

import pytest

from modem_doctor.extract import extract

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "usb-listings"
KIND = {"usb-devices": "usb_devices", "debugfs": "usb_debugfs"}


def _index() -> List[Dict[str, str]]:
    with open(CORPUS / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _index()


def test_index_is_the_whole_corpus() -> None:
    assert len(ROWS) == 257
    assert {row["format"] for row in ROWS} == set(KIND)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["file"])
def test_listing_is_one_block_of_its_format(row: Dict[str, str]) -> None:
    extraction = extract((CORPUS / row["file"]).read_text(encoding="utf-8"), row["file"])
    assert [block.kind for block in extraction.blocks] == [KIND[row["format"]]]
    assert all(line.text.startswith("# ") for line in extraction.prose)
    assert not extraction.commands

"""The diagnosis JSON contract, version 1 (issue 4), checked on every bundled example and
on the lab's real-kernel captures, plus the Markdown and text renderers' structure."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from modem_doctor.cli import main
from modem_doctor.diagnosis import diagnose
from modem_doctor.load import example_names, load_example, load_paths
from modem_doctor.render import render

DATA_PATHS = {"qmi", "mbim", "ncm", "ecm", "rndis", "hilink", "ppp", "directip", "storage", "none", "unknown"}
PROTOS = {"qmi", "mbim", "ncm", "3g", "dhcp", "directip", "modemmanager"}
STEP_KINDS = {"install", "image", "switch", "configure", "firewall", "verify"}
HEX4 = re.compile(r"^[0-9a-f]{4}$")
HEX2 = re.compile(r"^[0-9a-f]{2}$")
LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab"


def _docs() -> List[Dict[str, Any]]:
    docs = [diagnose(load_example(name)).to_json() for name in example_names()]
    for state in ("mu609/config1", "mu609/config2", "storage-stick/cdrom"):
        folder = LAB / state
        if folder.is_dir():
            files = sorted(str(p) for p in folder.iterdir() if p.suffix == ".txt")
            docs.append(diagnose(load_paths(files)).to_json())
    return docs


DOCS = _docs()


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: ",".join(d["sources"])[-40:])
def test_document_follows_contract_v1(doc: Dict[str, Any]) -> None:
    assert doc["schema"] == "modem-doctor/diagnosis/1"
    json.dumps(doc)  # plain JSON all the way down
    for modem in doc["modems"]:
        assert HEX4.match(modem["vid"]) and HEX4.match(modem["pid"])
        assert isinstance(modem["vendor"], str) and isinstance(modem["model"], str)
        assert isinstance(modem["usb_path"], str)
        assert modem["active_config"] is None or isinstance(modem["active_config"], int)
        for config in modem["configs"]:
            assert isinstance(config["number"], int) and isinstance(config["active"], bool)
            assert config["data_path"] in DATA_PATHS
            for iface in config["interfaces"]:
                assert isinstance(iface["number"], int)
                for field in ("class", "subclass", "protocol"):
                    assert HEX2.match(iface[field]) or iface[field] == "??", iface
                assert isinstance(iface["role"], str)
                assert iface["driver_bound"] is None or isinstance(iface["driver_bound"], str)
                assert iface["driver_expected"] is None or isinstance(iface["driver_expected"], str)
                assert iface["package"] is None or iface["package"].startswith("kmod-")
                if not config["active"]:
                    assert iface["driver_bound"] is None  # an inactive configuration binds nothing
        rec = modem["recommended"]
        assert rec["data_path"] in DATA_PATHS
        assert rec["netifd_proto"] is None or rec["netifd_proto"] in PROTOS
        assert rec["config"] is None or isinstance(rec["config"], int)
    for finding in doc["findings"]:
        assert re.match(r"^[A-Z]{3}\d{3}$", finding["code"])
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["title"] and finding["fix"]
        assert finding["evidence"], finding["code"]
        for evidence in finding["evidence"]:
            assert set(evidence) >= {"artifact", "line", "text"}
            assert isinstance(evidence["line"], int) and evidence["line"] > 0
            assert evidence["text"].strip(), (finding["code"], evidence)  # evidence quotes a real line
    assert isinstance(doc["plan"]["packages"], list)
    for step in doc["plan"]["steps"]:
        assert step["kind"] in STEP_KINDS and step["title"]
        assert isinstance(step["commands"], list)
        for file in step["files"]:
            assert set(file) >= {"path", "content"}


def test_case_thread_matches_the_contract_example() -> None:
    doc = diagnose(load_example("we826-mu609")).to_json()
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["vendor"], modem["model"], modem["usb_path"]) == (
        "12d1", "1573", "Huawei", "MU609", "1-1.2")
    config1 = next(c for c in modem["configs"] if c["number"] == 1)
    qmi = next(i for i in config1["interfaces"] if i["number"] == 5)
    assert (qmi["class"], qmi["subclass"], qmi["protocol"], qmi["role"]) == ("ff", "01", "07", "qmi")
    assert (qmi["driver_expected"], qmi["package"]) == ("qmi_wwan", "kmod-usb-net-qmi-wwan")
    assert modem["recommended"] == {**modem["recommended"], "data_path": "qmi", "config": 1, "netifd_proto": "qmi"}
    codes = {f["code"] for f in doc["findings"]}
    assert {"USB002", "USB004", "USB005"} <= codes
    usb004 = next(f for f in doc["findings"] if f["code"] == "USB004")
    assert [e["line"] for e in usb004["evidence"]][:2] == [88, 90]


def test_markdown_fences_are_balanced_and_inside_their_list_items() -> None:
    text = render(diagnose(load_example("we826-mu609")).to_json(), "md")
    fences = [line for line in text.splitlines() if line.lstrip().startswith("```")]
    assert len(fences) % 2 == 0
    inside = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("```"):
            inside = not inside
            indent = line[: len(line) - len(stripped)]
            continue
        if inside and line:
            assert line.startswith(indent), line  # a fence line never falls out of its item
    assert text.startswith("**In short:**")
    assert "### If it still does not connect" in text


def test_exit_status_says_whether_problems_were_found(capsys: pytest.CaptureFixture) -> None:
    assert main(["diagnose", "--example", "we826-mu609", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["schema"] == "modem-doctor/diagnosis/1"
    assert main(["diagnose"]) == 2


def test_several_files_with_json_give_one_document_per_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    first = LAB / "mu609" / "config2" / "debugfs-usb-devices.txt"
    second = LAB / "mu609" / "config1" / "debugfs-usb-devices.txt"
    main(["diagnose", "--format", "json", str(first), str(second)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["modems"][0]["active_config"] for line in lines] == [2, 1]

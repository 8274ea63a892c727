"""Bundles and the collector's stream, without any host: framing, round trips, --share,
and every kind of bad bundle giving one InputError line."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from modem_doctor.collect import Progress
from modem_doctor.collect import bundle as bundle_mod
from modem_doctor.collect.bundle import (Bundle, CaptureResult, bundle_from_bytes, extractions, looks_like_bundle,
                                         read_bundle, split_stream)
from modem_doctor.collect.specs import CAPTURES, script, spec_for
from modem_doctor.errors import InputError
from modem_doctor.load import build_host, load_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NONCE = b"8d0e6a52-5f3b-4d36-9b1e-0c6f1e0f4a11"


def frame(capture_id: str, out: bytes, err: bytes = b"", rc: str = "0", flags: str = "-", cmd: str = "cmd") -> bytes:
    return (b"==MD== %s cap %s rc=%s ms=10 out=%d err=%d flags=%s\n%s\n" % (
        NONCE, capture_id.encode(), rc.encode(), len(out), len(err), flags.encode(), cmd.encode())) + out + err


def stream(*frames: bytes, end: bool = True) -> bytes:
    head = b"Welcome banner\n==MD== %s begin v=1 uid=0 ms=1000\n" % NONCE
    return head + b"".join(frames) + (b"==MD== %s end ms=1500\n" % NONCE if end else b"")


def debugfs_text() -> bytes:
    return (FIXTURES / "usb/we826-listing1-L4-78.txt").read_bytes()


def test_stream_frames_are_byte_counted() -> None:
    # Output without a trailing newline and output that looks like a frame header stay data.
    tricky = b"line one\n==MD== not-a-frame cap x\nno newline at end"
    bundle = split_stream(stream(frame("dmesg", tricky), frame("logread", b"", b"logread: not found\n", rc="127")))
    assert [c.id for c in bundle.captures] == ["dmesg", "logread"]
    assert bundle.captures[0].data == tricky
    assert bundle.captures[1].status == "missing"
    assert bundle.problems == ()
    assert bundle.meta["collector_ms"] == 500


def test_stream_cut_short_keeps_what_came() -> None:
    data = stream(frame("usb.debugfs", debugfs_text()), frame("dmesg", b"x" * 100), end=False)
    cut = data[:-50]  # the connection dropped inside the dmesg capture
    bundle = split_stream(cut)
    assert [c.id for c in bundle.captures] == ["usb.debugfs"]
    assert len(bundle.problems) == 1 and "ended inside capture 'dmesg'" in bundle.problems[0]
    whole = split_stream(data)
    assert [c.id for c in whole.captures] == ["usb.debugfs", "dmesg"]
    assert "ended early" in whole.problems[0]


def test_stream_garbage_and_foreign_nonce() -> None:
    assert "nothing recognisable" in split_stream(b"sh: can't open\n").problems[0]
    damaged = stream(frame("dmesg", b"ok\n")) .replace(b"==MD== %s end" % NONCE, b"==MD== other end")
    bundle = split_stream(damaged)
    assert [c.id for c in bundle.captures] == ["dmesg"] and "damaged" in bundle.problems[0]


def test_capture_statuses_and_one_line_problems() -> None:
    cases = {
        "timeout": CaptureResult("logread", "logread", None, 2000, b"partial\n", "", ("timeout",)),
        "truncated": CaptureResult("dmesg", "dmesg", None, 50, b"x" * 64, "", ("truncated",)),
        "binary": CaptureResult("logread", "logread", 0, 5, b"ab\x00\x00cd", ""),
        "failed": CaptureResult("board", "ubus call system board", 4, 5, b"", "Command failed: Not found\n"),
        "missing": CaptureResult("uci.network", "uci show network", 127, 1, b"", "sh: uci: not found\n"),
        "ok": CaptureResult("dmesg", "dmesg", 0, 1, b"[ 1.0] x\n"),
        "empty": CaptureResult("raw_ip", "md_raw_ip", 0, 1, b""),
    }
    for status, capture in cases.items():
        assert capture.status == status
        line = capture.problem()
        if status in ("ok", "empty"):
            assert line is None
        else:
            assert line and "\n" not in line and line.startswith(capture.id + ": ")


def test_every_capture_names_a_known_parser_kind() -> None:
    from modem_doctor.parse import PARSERS

    for capture in CAPTURES:
        assert capture.kind is None or capture.kind in PARSERS, capture.id
    assert spec_for("ifstatus.wwan").kind == "ifstatus"
    assert spec_for("dmesg.x") is None
    assert "# @CAPTURES@" not in script()


def test_round_trip_and_kinds_without_guessing(tmp_path: Path) -> None:
    # A uci_show text in a capture whose spec says uci_show is read as such even though it
    # is short and bare: the manifest's kind decides, not content sniffing.
    captures = (
        CaptureResult("usb.debugfs", "cat /sys/kernel/debug/usb/devices", 0, 5, debugfs_text()),
        CaptureResult("dmesg", "dmesg", 0, 5, (FIXTURES / "log/case-we826-dmesg-grep.txt").read_bytes().split(b"\n", 1)[1]),
        CaptureResult("uci.network", "uci show network", 0, 5, b"network.wwan=interface\nnetwork.wwan.proto='qmi'\n"),
        CaptureResult("processes", "md_procs", 0, 5, b"1234 /usr/sbin/ModemManager\n"),
    )
    path = tmp_path / "router.tar.gz"
    Bundle(captures, {"transport": "test"}, ("a problem",), "router").write(str(path))
    assert looks_like_bundle(str(path))
    again = read_bundle(str(path))
    assert [c.data for c in again.captures] == [c.data for c in captures]
    assert again.problems == ("a problem",)
    manifest = json.loads(tarfile.open(path).extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert [(e["id"], e["kind"]) for e in manifest["captures"]] == [
        ("usb.debugfs", "usb_debugfs"), ("dmesg", "dmesg"), ("uci.network", "uci_show"), ("processes", None)]
    found = extractions(again, "router.tar.gz")
    assert [(e.source, e.blocks[0].kind) for e in found] == [
        ("router.tar.gz/usb.debugfs", "usb_debugfs"), ("router.tar.gz/dmesg", "dmesg"), ("router.tar.gz/uci.network", "uci_show")]
    host = load_paths([str(path)])
    assert [a.id for a in host.artifacts][0] == "router.tar.gz/usb.debugfs:1-75"
    assert host.uci and host.usb and not host.problems


def test_share_redacts_before_writing(tmp_path: Path) -> None:
    mac = b"00:a0:c6:10:05:70"
    captures = (CaptureResult("dmesg", "dmesg", 0, 5, b"[ 20.0] cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether' " + mac + b"\n"),
                CaptureResult("usb.debugfs", "cat", 0, 5, b"S:  SerialNumber=0123456789ABCDEF\n"))
    shared = Bundle(captures, {"target": "root@93.184.216.34"}).redacted()
    data = shared.to_bytes()
    raw = gzip.decompress(data)
    assert mac not in raw and b"0123456789ABCDEF" not in raw and b"93.184.216.34" not in raw
    assert b"00:a0:c6:" in raw  # the vendor OUI stays
    manifest = json.loads(tarfile.open(fileobj=io.BytesIO(data)).extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["redacted"] is True and manifest["redactions"]["MAC"] == 1


def _tar(members: dict, mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.SYMTYPE
                info.linkname = "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


GOOD_MANIFEST = json.dumps({"schema": "modem-doctor/bundle/1", "captures": [
    {"id": "dmesg", "kind": "dmesg", "command": "dmesg", "rc": 0, "ms": 1, "flags": []}]}).encode()


@pytest.mark.parametrize("name, data, message", [
    ("text", b"just some text\n", "not a gzip-compressed tar"),
    ("gzip-not-tar", gzip.compress(b"hello" * 100), "not a readable bundle"),
    ("truncated", _tar({"manifest.json": GOOD_MANIFEST, "captures/dmesg.txt": (FIXTURES / "lab/mu609/config1/dmesg.txt").read_bytes()})[:700],
     "truncated"),
    ("no-manifest", _tar({"captures/dmesg.txt": b"x\n"}), "manifest.json is missing"),
    ("traversal", _tar({"manifest.json": GOOD_MANIFEST, "../../etc/cron.d/x": b"x"}), "not a manifest or capture name"),
    ("absolute", _tar({"/etc/passwd": b"x"}), "not a manifest or capture name"),
    ("symlink", _tar({"manifest.json": GOOD_MANIFEST, "captures/dmesg.txt": None}), "is a link or device"),
    ("bad-json", _tar({"manifest.json": b"{nope", "captures/dmesg.txt": b"x"}), "not valid JSON"),
    ("wrong-schema", _tar({"manifest.json": b'{"schema": "other"}'}), "manifest"),
    ("listed-missing", _tar({"manifest.json": GOOD_MANIFEST}), "captures/dmesg.txt is missing"),
])
def test_bad_bundles_give_one_input_error_line(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / f"{name}.tar.gz"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_paths([str(path)])
    text = str(caught.value)
    assert message in text and "\n" not in text and text.startswith(str(path))


def test_huge_member_refused_before_reading(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(bundle_mod, "MAX_MEMBER_BYTES", 1000)
    path = tmp_path / "huge.tar.gz"
    path.write_bytes(_tar({"manifest.json": GOOD_MANIFEST, "captures/dmesg.txt": b"y" * 5000}))
    with pytest.raises(InputError, match="is 5000 bytes; the limit is 1000"):
        read_bundle(str(path))
    with pytest.raises(InputError, match="no such file"):
        read_bundle(str(tmp_path / "absent.tar.gz"))


def test_binary_and_failed_captures_are_kept_not_parsed() -> None:
    bundle = Bundle((CaptureResult("logread", "logread", 0, 5, b"\x00\x01binary\x00" * 10),
                     CaptureResult("dmesg", "dmesg", None, 2000, b"[ 1.000] usb 1-1: new high-speed USB device number 2 using ehci-platform\n",
                                   "", ("timeout",))), name="b")
    again = bundle_from_bytes(bundle.to_bytes(), "b")
    assert again.captures[0].data == bundle.captures[0].data
    host = build_host(extractions(again))
    assert [a.source for a in host.artifacts] == ["b/dmesg"]  # partial output of a timed-out capture is read


def test_progress_is_quiet_when_piped() -> None:
    quiet = io.StringIO()
    progress = Progress("collecting", quiet)
    progress.feed(stream(frame("dmesg", b"x\n")))
    progress.done()
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    progress = Progress("collecting", loud, enabled=True)
    progress.feed(stream(frame("dmesg", b"x\n"), frame("logread", b"y\n")))
    progress.done()
    assert "collecting: 2 captures" in loud.getvalue()


def test_replay_share_redacts_a_saved_bundle(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from modem_doctor.cli import main

    mac = b"00:a0:c6:10:05:70"
    original = tmp_path / "raw.tar.gz"
    Bundle((CaptureResult("dmesg", "dmesg", 0, 5, b"[ 20.0] cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether' " + mac + b"\n"),),
           {"transport": "ssh"}).write(str(original))
    shared = tmp_path / "shared.tar.gz"
    assert main(["collect", "--replay", str(original), "--share", "-o", str(shared)]) == 0
    assert mac not in gzip.decompress(shared.read_bytes())
    assert read_bundle(str(shared)).meta["redacted"] is True
    err = capsys.readouterr().err
    assert err.startswith(f"wrote {shared} (redacted): 1 captures")
    # a damaged bundle given to --replay: one line, exit 2, nothing written
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(original.read_bytes()[:40])
    assert main(["collect", "--replay", str(bad), "-o", str(tmp_path / "out.tar.gz")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "truncated" in lines[0] and not (tmp_path / "out.tar.gz").exists()


def test_diagnose_local_runs_on_this_host(capsys: pytest.CaptureFixture) -> None:
    from modem_doctor.cli import main

    code = main(["diagnose", "--local", "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert json.loads(out)["schema"] == "modem-doctor/diagnosis/1"
    assert all(line.startswith("modem-doctor: ") for line in err.splitlines() if line.strip())


@pytest.mark.parametrize("name, active, codes", [
    ("lab-mu609-config2", 2, ["USB002"]),
    ("lab-mu609-config1-nodebugfs", 1, []),
])
def test_replay_of_bundles_collected_in_the_lab(name: str, active: int, codes: list) -> None:
    """Bundles the collector wrote against the lab's real kernel (tests/fixtures/collect)."""
    from modem_doctor.diagnosis import diagnose

    bundle = read_bundle(str(FIXTURES / "collect" / f"{name}.tar.gz"))
    assert bundle.meta["shell"] == "/bin/busybox sh" and bundle.problems == ()
    host = load_paths([str(FIXTURES / "collect" / f"{name}.tar.gz")])
    assert not host.problems
    doc = diagnose(host).to_json()
    assert [m["model"] for m in doc["modems"]] == ["MU609"] and doc["modems"][0]["active_config"] == active
    assert [f["code"] for f in doc["findings"] if f["severity"] in ("error", "warning")] == codes


def test_manifest_kind_used_for_ids_this_version_does_not_know() -> None:
    data = _tar({"manifest.json": json.dumps({"schema": "modem-doctor/bundle/1", "captures": [
        {"id": "uci.wireless", "kind": "uci_show", "command": "uci show wireless", "rc": 0, "ms": 1, "flags": []},
        {"id": "future.thing", "kind": "no_such_parser", "command": "x", "rc": 0, "ms": 1, "flags": []}]}).encode(),
        "captures/uci.wireless.txt": b"wireless.radio0=wifi-device\nwireless.radio0.channel='36'\n",
        "captures/future.thing.txt": b"something\n"})
    bundle = bundle_from_bytes(data, "new")
    assert [c.kind for c in bundle.captures] == ["uci_show", None]
    assert [e.blocks[0].kind for e in extractions(bundle)] == ["uci_show"]

"""Inputs to a Host (files, stdin, bundled examples, refusals) and the ``parse`` command."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import List

import pytest

from modem_doctor import parse as parsers
from modem_doctor.cli import main
from modem_doctor.errors import InputError
from modem_doctor.load import example_names, load_example, load_paths, load_text
from modem_doctor.model.common import to_jsonable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
THREAD = FIXTURES / "pastes" / "we826-mu609.txt"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# ----- load ---------------------------------------------------------------------------


def test_a_raw_output_file_is_one_block() -> None:
    host = load_paths([str(FIXTURES / "usb" / "we826-listing3-L185-259.txt")])
    assert [(a.kind, a.first_line, a.last_line, a.command) for a in host.artifacts] == [("usb_debugfs", 1, 75, None)]
    (_, device), = host.usb_devices("12d1:1573")
    assert device.active_config is not None and device.active_config.number == 1


def test_several_files_describe_one_host_in_order() -> None:
    paths = [
        str(FIXTURES / "usb" / "we826-listing1-L4-78.txt"),
        str(FIXTURES / "log" / "case-we826-dmesg-grep.txt"),
        str(FIXTURES / "usb" / "we826-listing3-L185-259.txt"),
    ]
    host = load_paths(paths)
    assert host.sources == tuple(paths)
    assert [a.source for a in host.artifacts] == paths
    assert [a.kind for a in host.artifacts] == ["usb_debugfs", "dmesg", "usb_debugfs"]
    actives = [d.active_config.number for _, d in host.usb_devices("12d1:1573") if d.active_config]
    assert actives == [2, 1]
    assert host.latest_usb_listing()[0] == host.artifacts[2].id  # type: ignore[index]
    assert len(host.log_events("netdev_register")) == 1


def test_same_lines_in_two_sources_get_distinct_ids() -> None:
    path = str(FIXTURES / "usb" / "we826-listing1-L4-78.txt")
    host = load_paths([path, path])
    assert len({a.id for a in host.artifacts}) == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, THREAD.read_bytes())
    host = load_paths(["-"])
    assert host.sources == ("-",)
    assert len(host.usb_devices("12d1:1573")) == 3


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _write(tmp / "bin", b"\x7fELF\x02\x01\x01\x00" + THREAD.read_bytes()), "binary"),
    ],
)
def test_unreadable_inputs(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError) as caught:
        load_paths([str(path)])
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_input_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsers, "MAX_INPUT_BYTES", 4096)
    path = _write(tmp_path / "big.txt", THREAD.read_bytes())
    with pytest.raises(InputError, match="limit"):
        load_paths([str(path)])


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_examples() -> None:
    assert "we826-mu609" in example_names()
    with pytest.raises(InputError, match="no such example"):
        load_example("no-such-example")


def test_host_is_json_serialisable() -> None:
    host = load_text(THREAD.read_text(encoding="utf-8"), "thread")
    data = json.loads(json.dumps(host.to_json()))
    assert data["schema"] == "modem-doctor/host/1"
    assert [a["kind"] for a in data["artifacts"]] == ["usb_debugfs", "dmesg", "usb_debugfs", "usb_debugfs"]
    assert [item["artifact"] for item in data["usb"]] == [a["id"] for a in data["artifacts"] if a["kind"] == "usb_debugfs"]
    assert [fact["kind"] for fact in data["facts"]][:3] == ["asks_image", "router_model", "package_installed"]


def test_accessors_on_real_outputs() -> None:
    packages = load_paths([str(FIXTURES / "packages" / "github-packages-10565-opkg-list-installed.txt")])
    names = packages.installed_packages()
    assert len(names) > 40 and list(names) == sorted(names)
    assert packages.has_package_list

    release = load_paths([str(FIXTURES / "system" / "github-v2ray-199-etc-release-23.05.5.txt")])
    assert (release.release(), release.release_series()) == ("23.05.5", "23.05")

    board = load_paths([str(FIXTURES / "system" / "github-luci-8113-ubus-board-truncated.txt")])
    assert board.board_name() == "glinet,gl-mt6000"

    uci = load_paths([str(FIXTURES / "uci" / "network_qmi_luci5283.conf")])
    merged = uci.uci_merged()
    (config,) = merged
    assert merged[config]["skinny"]["proto"] == "qmi"
    assert merged[config]["skinny"][".type"] == "interface"


def test_stated_release_is_the_fall_back() -> None:
    host = load_paths([str(FIXTURES / "pastes" / "forum-175362-mf286d.txt")])
    assert host.release() == "22.03.5"  # 'installed 23.05.0 (then reverted to 22.03.5)'
    assert host.release_series() == "22.03"
    empty = load_text("I use the latest v21.02.3 version", "s")
    assert empty.release() is None and empty.release_series() is None


# ----- the parse command --------------------------------------------------------------


def _run(argv: List[str], capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_parse_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["parse", str(THREAD)], capsys)
    assert status == 0 and err == ""
    assert "[1] usb_debugfs  lines 4-78" in out
    assert "`cat /sys/kernel/debug/usb/devices`" in out
    assert "[2] dmesg  lines 88-90" in out
    assert "netdev_register 1" in out and "netdev_unregister 1" in out
    assert "20.091055" in out and "25.118090" in out
    assert out.count("12d1:1573 at 1-1.2 Huawei Technologies HUAWEI Mobile") == 3
    assert out.count("configurations: 1, 2; active: 2") == 2
    assert out.count("configurations: 1, 2; active: 1") == 1
    assert "5:ff/01/07=qmi_wwan" in out
    assert "unparsed lines: 0" in out
    assert "echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue" in out
    assert "reboot_reverts = yes" in out


def test_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["parse", "--format", "json", str(THREAD)], capsys)
    assert status == 0
    data = json.loads(out)
    assert len(data["usb"]) == 3 and len(data["logs"]) == 1
    assert data == json.loads(json.dumps(to_jsonable(load_paths([str(THREAD)])) | {"schema": data["schema"]}))


def test_parse_example_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = _run(["parse", "--example", "we826-mu609"], capsys)
    assert status == 0 and out.startswith("example:we826-mu609: 4 block(s)")
    _stdin(monkeypatch, THREAD.read_bytes())
    status, out_stdin, _ = _run(["parse", "-"], capsys)
    assert status == 0 and out_stdin.startswith("-: 4 block(s)")


def test_nothing_recognisable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a real post with no output, command or detail in it (fixtures/pastes/SOURCE.md)
    prose = "\n".join((FIXTURES / "pastes" / "forum-26730-mdm9200.txt").read_text(encoding="utf-8").splitlines()[33:35])
    path = _write(tmp_path / "prose.txt", prose.encode())
    status, out, err = _run(["parse", str(path)], capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and "nothing recognisable" in err


def test_file_and_example_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(["parse", str(THREAD), "--example", "we826-mu609"], capsys)
    assert status == 2 and err.count("\n") == 1


def test_network_accessors_and_the_prompt_that_names_things() -> None:
    """'ifstatus ATT' names the interface, 'ls -l /dev/cdc-wdm0' the directory,
    'cat /etc/config/network' the config: the parsers see the prompt line."""
    host = load_paths(
        [
            str(FIXTURES / "net" / "ifstatus_att_omr3542_truncated.txt"),
            str(FIXTURES / "pastes" / "forum-248352-rm500u.txt"),
            str(FIXTURES / "net" / "ip_addr_host.txt"),
            str(FIXTURES / "net" / "ip_route_host.txt"),
            str(FIXTURES / "packages" / "github-packages-2029-opkg-kernel-dep.txt"),
        ]
    )
    # the paste's LuCI error line (line 4) is an interface status too, of an unnamed interface
    assert [status.interface for _, status in host.interface_statuses()] == ["ATT", ""]
    assert [status.error_codes() for _, status in host.interface_statuses()][1] == ("NO_REGISTRATION",)
    assert [(entry.name, entry.directory) for _, entry in host.dev_entries()] == [("cdc-wdm0", "/dev")]
    assert [iface.name for _, iface in host.net_interfaces()] == ["lo", "ifb0", "ifb1", "eth0"]
    assert [route.destination for _, route in host.routes()] == ["default", "192.0.2.0/24"]
    assert [problem.kind.value for _, problem in host.package_problems_found()] == ["kernel_mismatch", "install_failed"]
    assert not host.unparsed

"""``python -m modem_doctor.sim`` as a process: prints the pty, links it, stops cleanly."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys

import pytest

from modem_doctor.sim.__main__ import main


def _start(args, tmp_path):
    # sys.executable, not a pyenv shim: the PID we signal must be the simulator itself.
    return subprocess.Popen([sys.executable, "-m", "modem_doctor.sim", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(tmp_path))


def _lines(proc: subprocess.Popen, count: int, timeout: float = 20.0) -> list:
    # Raw reads on the pipe: a buffered readline could swallow the next line unseen by select.
    data = b""
    fd = proc.stdout.fileno()
    while data.count(b"\n") < count:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"simulator printed only {data!r}"
        chunk = os.read(fd, 4096)
        assert chunk, f"simulator exited after {data!r}"
        data += chunk
    return data.decode().splitlines()[:count]


def _first_line(proc: subprocess.Popen) -> str:
    return _lines(proc, 1)[0].strip()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_signal_and_removes_link(tmp_path, sig) -> None:
    link = str(tmp_path / "ttyUSB2")
    proc = _start(["at", "--profile", "ec25", "--scenario", "ready", "--link", link], tmp_path)
    try:
        path, shown_link = _first_line(proc).split()
        assert shown_link == link and os.path.realpath(link) == path
        fd = os.open(link, os.O_RDWR | os.O_NOCTTY)
        try:
            import tty
            tty.setraw(fd)
            os.write(fd, b"AT+CGMM\r")
            data = b""
            while b"OK\r\n" not in data:
                assert select.select([fd], [], [], 5)[0], data
                data += os.read(fd, 256)
            assert b"\r\nEC25\r\n" in data
        finally:
            os.close(fd)
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
        assert not os.path.lexists(link)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_unknown_profile_is_a_clear_error(tmp_path) -> None:
    proc = _start(["qmi", "--profile", "nokia3310"], tmp_path)
    try:
        assert proc.wait(timeout=20) == 2
        assert "unknown simulator profile 'nokia3310'" in proc.stderr.read()
    finally:
        proc.stdout.close()
        proc.stderr.close()


def test_list(capsys) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "profile  mu609" in out and "scenario wrong-apn" in out


def test_bad_override_syntax() -> None:
    with pytest.raises(SystemExit):
        main(["qmi", "--set", "novalue"])


def test_modem_serves_ports_sharing_one_state(tmp_path) -> None:
    at_link, qmi_link = str(tmp_path / "ttyUSB2"), str(tmp_path / "cdc-wdm0")
    proc = _start(["modem", "--scenario", "pin-required", "--at", at_link, "--qmi", qmi_link], tmp_path)
    try:
        lines = [line.split() for line in _lines(proc, 2)]
        assert [(k, link) for k, _, link in lines] == [("at", at_link), ("qmi", qmi_link)]
        from modem_doctor.sim import qmux
        fd = os.open(qmi_link, os.O_RDWR | os.O_NOCTTY)
        try:
            import tty
            tty.setraw(fd)
            os.write(fd, bytes.fromhex("010c0000020100010043000000"))  # DMS UIM Get IMSI
            data = b""
            while not qmux.split_frames(data):
                assert select.select([fd], [], [], 5)[0]
                data += os.read(fd, 256)
            # The PIN is still needed: the QMI port refuses, like the AT port would.
            assert qmux.decode(qmux.split_frames(data)[0]).tlvs[0x02] != qmux.result_tlv()
        finally:
            os.close(fd)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert not os.path.lexists(at_link) and not os.path.lexists(qmi_link)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_output_nobody_reads_is_dropped_not_blocking() -> None:
    from modem_doctor.sim.pty import start
    simulator = start("at", "mu609", "ready")
    simulator.write_wait = 0.01
    try:
        for _ in range(200):  # far more URC bytes than a pty buffers, and no reader
            simulator.engine.urc("^RSSI:21" + "x" * 1000)
            simulator._write(simulator.engine.take_unsolicited())
            if simulator.dropped:
                break
        assert simulator.dropped > 0
    finally:
        simulator.stop()


def test_stop_closes_every_descriptor(tmp_path) -> None:
    from modem_doctor.sim.pty import start
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        start("qmi", "mu609", "ready", link=str(tmp_path / "q")).stop()
    assert len(os.listdir("/proc/self/fd")) == before


def test_link_in_missing_directory_fails_without_leaking(tmp_path) -> None:
    from modem_doctor.sim.pty import start
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError):
        start("at", link=str(tmp_path / "no" / "such" / "dir" / "ttyUSB0"))
    assert len(os.listdir("/proc/self/fd")) == before

"""The real mbimcli (libmbim-utils) judges the MBIM simulator on a raw pty."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.tools


def test_device_caps(sim, mbimcli) -> None:
    result = mbimcli(sim("mbim", "em7455"), "--query-device-caps")
    assert result.returncode == 0, result.stderr
    assert "Device ID: '353123456789037'" in result.stdout
    assert "Data class: 'gprs, edge, umts, hsdpa, hsupa, lte'" in result.stdout
    assert "Hardware info: '1.0'" in result.stdout


def test_device_caps_of_a_3g_module(sim, mbimcli) -> None:
    out = mbimcli(sim("mbim", "mu609"), "--query-device-caps").stdout
    assert "Data class: 'gprs, edge, umts, hsdpa, hsupa'" in out


def test_subscriber_ready_states(sim, mbimcli) -> None:
    ready = mbimcli(sim("mbim", "em7455"), "--query-subscriber-ready-status").stdout
    assert "Ready state: 'initialized'" in ready
    assert "Subscriber ID: '001010123456789'" in ready
    assert "SIM ICCID: '8900100000000000001'" in ready
    assert "'sim-not-inserted'" in mbimcli(sim("mbim", "em7455", "sim-absent"), "--query-subscriber-ready-status").stdout
    assert "'device-locked'" in mbimcli(sim("mbim", "em7455", "pin-required"), "--query-subscriber-ready-status").stdout


def test_pin_locked_then_entered(sim, mbimcli) -> None:
    simulator = sim("mbim", "em7455", "pin-required")
    state = mbimcli(simulator, "--query-pin-state").stdout
    assert "PIN state: 'locked'" in state and "PIN type: 'pin1'" in state
    assert mbimcli(simulator, "--enter-pin=1234").returncode == 0
    assert "PIN state: 'unlocked'" in mbimcli(simulator, "--query-pin-state").stdout


def test_register_state(sim, mbimcli) -> None:
    home = mbimcli(sim("mbim", "em7455"), "--query-registration-state").stdout
    assert "Register state: 'home'" in home
    assert "Provider ID: '00101'" in home
    assert "Provider name: 'Fake Tel.'" in home
    denied = mbimcli(sim("mbim", "em7455", "registration-denied"), "--query-registration-state").stdout
    assert "Register state: 'denied'" in denied
    assert "Network error: 'plmn-not-allowed'" in denied
    searching = mbimcli(sim("mbim", "em7455", "no-coverage"), "--query-registration-state").stdout
    assert "Register state: 'searching'" in searching


def test_packet_service_connect_and_ip_configuration(sim, mbimcli) -> None:
    simulator = sim("mbim", "em7455")
    assert "Packet service state: 'attached'" in mbimcli(simulator, "--query-packet-service-state").stdout
    connect = mbimcli(simulator, "--connect=access-string=internet,ip-type=ipv4v6", "--no-close")
    assert connect.returncode == 0, connect.stderr
    assert "Activation state: 'activated'" in connect.stdout
    ip = mbimcli(simulator, "--query-ip-configuration").stdout
    assert "IP [0]: '10.45.67.89/30'" in ip
    assert "IP [0]: '2001:db8:1:2::10/64'" in ip
    assert "Gateway: '10.45.67.90'" in ip


def test_connect_with_a_rejected_apn_fails(sim, mbimcli) -> None:
    result = mbimcli(sim("mbim", "em7455", "wrong-apn"), "--connect=access-string=internet")
    assert result.returncode != 0
    assert "Failure" in result.stderr


def test_unknown_cid_is_no_device_support(sim, mbimcli) -> None:
    result = mbimcli(sim("mbim", "em7455"), "--query-visible-providers")
    assert result.returncode != 0
    assert "NoDeviceSupport" in result.stderr

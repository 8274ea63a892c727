"""The real qmicli (libqmi-utils) judges the QMI simulator on a raw pty."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.tools


def test_dms_ids_print_the_simulated_imei(sim, qmicli) -> None:
    result = qmicli(sim("qmi", "mu609"), "--dms-get-ids")
    assert result.returncode == 0, result.stderr
    assert "IMEI: '353123456789012'" in result.stdout


@pytest.mark.parametrize("profile,imei", [("ec25", "353123456789029"), ("em7455", "353123456789037")])
def test_each_profile_has_its_own_identity(sim, qmicli, profile: str, imei: str) -> None:
    simulator = sim("qmi", profile)
    assert f"IMEI: '{imei}'" in qmicli(simulator, "--dms-get-ids").stdout
    model = qmicli(simulator, "--dms-get-model").stdout
    assert profile.upper() in model.replace("-", "").upper()


def test_manufacturer_revision_capabilities(sim, qmicli) -> None:
    simulator = sim("qmi", "mu609")
    assert "Manufacturer: 'Huawei Technologies Co., Ltd.'" in qmicli(simulator, "--dms-get-manufacturer").stdout
    assert "Revision: '12.105.29.00.00'" in qmicli(simulator, "--dms-get-revision").stdout
    caps = qmicli(simulator, "--dms-get-capabilities").stdout
    assert "Networks: 'gsm, umts'" in caps  # the MU609 has no LTE


def test_signal_strength_on_umts_and_lte(sim, qmicli) -> None:
    umts = qmicli(sim("qmi", "mu609"), "--nas-get-signal-strength")
    assert umts.returncode == 0, umts.stderr
    assert "Network 'umts': '-71 dBm'" in umts.stdout
    lte = qmicli(sim("qmi", "ec25"), "--nas-get-signal-strength").stdout
    assert "Network 'lte': '-65 dBm'" in lte
    assert "-95 dBm" in lte  # RSRP


def test_serving_system_registered(sim, qmicli) -> None:
    out = qmicli(sim("qmi", "mu609"), "--nas-get-serving-system").stdout
    assert "Registration state: 'registered'" in out
    assert "PS: 'attached'" in out
    assert "[0]: 'umts'" in out
    assert "Description: 'Fake Tel.'" in out


def test_serving_system_denied_and_reject_cause_in_system_info(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "registration-denied")
    assert "Registration state: 'registration-denied'" in qmicli(simulator, "--nas-get-serving-system").stdout
    info = qmicli(simulator, "--nas-get-system-info").stdout
    assert "Registration reject: 'cs-ps' (plmn-not-allowed)" in info


def test_reject_cause_is_a_parameter(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "registration-denied", overrides={"registration.reject_cause": 15})
    info = qmicli(simulator, "--nas-get-system-info").stdout
    assert "(no-suitable-cells-in-location-area)" in info


def test_lte_only_mode_on_3g_module_keeps_searching(sim, qmicli) -> None:
    simulator = sim("qmi", "mu609", "lte-only-mode-on-3g-module")
    assert "not-registered-searching" in qmicli(simulator, "--nas-get-serving-system").stdout
    assert "Mode preference: 'lte'" in qmicli(simulator, "--nas-get-system-selection-preference").stdout


def test_card_status_ready_and_absent(sim, qmicli) -> None:
    ready = qmicli(sim("qmi", "mu609"), "--uim-get-card-status")
    assert ready.returncode == 0, ready.stderr
    assert "Card state: 'present'" in ready.stdout
    assert "Application state: 'ready'" in ready.stdout
    absent = qmicli(sim("qmi", "mu609", "sim-absent"), "--uim-get-card-status").stdout
    assert "Card state: 'absent'" in absent


def test_pin_required_then_verified(sim, qmicli) -> None:
    simulator = sim("qmi", "mu609", "pin-required")
    status = qmicli(simulator, "--uim-get-card-status").stdout
    assert "Application state: 'pin1-or-upin-pin-required'" in status
    assert "PIN1 state: 'enabled-not-verified'" in status
    wrong = qmicli(simulator, "--uim-verify-pin=PIN1,0000")
    assert wrong.returncode != 0 and "IncorrectPin" in wrong.stderr
    assert qmicli(simulator, "--uim-verify-pin=PIN1,1234").returncode == 0
    assert "Registration state: 'registered'" in qmicli(simulator, "--nas-get-serving-system").stdout


def test_puk_required(sim, qmicli) -> None:
    out = qmicli(sim("qmi", "mu609", "puk-required"), "--uim-get-card-status").stdout
    assert "Application state: 'puk1-or-upin-puk-required'" in out
    assert "PIN1 state: 'blocked'" in out


def test_data_format_get_and_raw_ip_only(sim, qmicli) -> None:
    ready = sim("qmi", "mu609")
    assert "Link layer protocol: 'raw-ip'" in qmicli(ready, "--wda-get-data-format").stdout
    assert "'802-3'" in qmicli(ready, "--wda-set-data-format=link-layer-protocol=802-3").stdout
    raw_only = sim("qmi", "mu609", "raw-ip-only")
    answer = qmicli(raw_only, "--wda-set-data-format=link-layer-protocol=802-3")
    assert answer.returncode == 0, answer.stderr
    assert "Link layer protocol: 'raw-ip'" in answer.stdout


def test_start_network_succeeds_when_ready(sim, qmicli) -> None:
    simulator = sim("qmi", "mu609")
    started = qmicli(simulator, "--wds-start-network=apn=internet,ip-type=4", "--client-no-release-cid")
    assert started.returncode == 0, started.stderr
    assert "Network started" in started.stdout
    assert "Connection status: 'connected'" in qmicli(simulator, "--wds-get-packet-service-status").stdout
    settings = qmicli(simulator, "--wds-get-current-settings").stdout
    assert "IPv4 address: 10.45.67.89" in settings
    assert "IPv4 gateway address: 10.45.67.90" in settings
    assert "IPv4 primary DNS: 10.11.12.13" in settings
    assert "MTU: 1500" in settings


def test_start_network_fails_with_the_scenario_reason(sim, qmicli) -> None:
    failed = qmicli(sim("qmi", "ec25", "wrong-apn"), "--wds-start-network=apn=internet,ip-type=4",
                    "--client-no-release-cid")
    assert failed.returncode != 0
    assert "CallFailed" in failed.stderr
    assert "verbose call end reason (6,33): [3gpp] option-unsubscribed" in failed.stderr


def test_unknown_apn_reason_is_a_parameter(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "wrong-apn", overrides={"data.apn_reject_cause": 27})
    failed = qmicli(simulator, "--wds-start-network=apn=internet,ip-type=4")
    assert "verbose call end reason (6,27)" in failed.stderr


def test_wrong_apn_scenario_accepts_the_operator_apn(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "wrong-apn")
    ok = qmicli(simulator, "--wds-start-network=apn=fake.operator.apn,ip-type=4", "--client-no-release-cid")
    assert ok.returncode == 0, ok.stderr


def test_ipv6_refused(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "ipv6-refused")
    v6 = qmicli(simulator, "--wds-start-network=apn=internet,ip-type=6")
    assert v6.returncode != 0
    assert "(6,50): [3gpp] ipv4-only-allowed" in v6.stderr
    v4 = qmicli(simulator, "--wds-start-network=apn=internet,ip-type=4", "--client-no-release-cid")
    assert v4.returncode == 0, v4.stderr


def test_unknown_message_degrades_to_not_supported(sim, qmicli) -> None:
    # DMS Get Time (0x2F) is not modelled: qmicli must report an error, not hang.
    result = qmicli(sim("qmi", "mu609"), "--dms-get-time")
    assert result.returncode != 0
    assert "NotSupported" in result.stderr


def test_version_info(sim, qmicli) -> None:
    out = qmicli(sim("qmi", "ec25"), "--get-service-version-info").stdout
    assert "ctl (1.5)" in out and "wda (1.16)" in out


def test_apn_credentials_over_qmi(sim, qmicli) -> None:
    simulator = sim("qmi", "ec25", "apn-auth-failed")
    failed = qmicli(simulator, "--wds-start-network=apn=internet,ip-type=4")
    assert "verbose call end reason (6,29)" in failed.stderr
    ok = qmicli(simulator, "--wds-start-network=apn=internet,username=fake,password=fake,auth=pap,ip-type=4",
                "--client-no-release-cid")
    assert ok.returncode == 0, ok.stderr


def test_sim_blocked(sim, qmicli) -> None:
    out = qmicli(sim("qmi", "mu609", "sim-blocked"), "--uim-get-card-status").stdout
    assert "PIN1 state: 'permanently-blocked'" in out

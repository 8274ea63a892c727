"""Profiles and scenarios are data: they load, compose, take overrides and stay consistent."""

from __future__ import annotations

import pytest

from modem_doctor.errors import KnowledgeError
from modem_doctor.sim import load_profile, load_scenario, profile_names, scenario_names
from modem_doctor.sim.state import ModemState

REQUIRED_SCENARIOS = {"ready", "sim-absent", "pin-required", "puk-required", "registration-denied",
                      "no-coverage", "wrong-apn", "ipv6-refused", "raw-ip-only", "lte-only-mode-on-3g-module"}


def test_required_profiles_and_scenarios_exist() -> None:
    assert {"mu609", "ec25", "em7455"} <= set(profile_names())
    assert REQUIRED_SCENARIOS <= set(scenario_names())


@pytest.mark.parametrize("name", profile_names())
def test_profile_is_consistent(name: str) -> None:
    profile = load_profile(name)
    data = profile.data
    assert profile.identity["imei"].startswith("35312345678")
    assert data["composition"] in data["compositions"]
    for value, composition in data["usb_mode"]["settings"].items():
        assert composition in data["compositions"], (value, composition)
    for composition in data["compositions"].values():
        for config in composition["configurations"]:
            numbers = [i["number"] for i in config["interfaces"]]
            assert numbers == sorted(set(numbers))


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_runs_on_every_profile(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.description
    for profile in profile_names():
        state = ModemState(profile, scenario)
        state.registration()
        state.start_call("internet", "ipv4v6")


def test_scenarios_extend_ready() -> None:
    wrong = load_scenario("wrong-apn")
    assert wrong.state["data"]["apns"] == ["fake.operator.apn"]
    assert wrong.state["sim"]["imsi"] == "001010123456789"  # inherited
    assert wrong.fault == "apn-rejected"


def test_composed_and_overridden_scenarios() -> None:
    both = load_scenario("registration-denied+ipv6-refused", {"registration.reject_cause": 15})
    assert both.state["registration"] == {"state": "denied", "reject_cause": 15}
    assert both.state["data"]["ip_types"] == ["ipv4"]
    assert ModemState("ec25", both).registration() == ("denied", 15)


def test_unknown_names_are_knowledge_errors() -> None:
    with pytest.raises(KnowledgeError, match="unknown simulator profile"):
        load_profile("nokia3310")
    with pytest.raises(KnowledgeError, match="unknown simulator scenario"):
        load_scenario("ready+martian")
    with pytest.raises(KnowledgeError):
        load_profile("../profiles/mu609")


@pytest.mark.parametrize("profile,expected", [("mu609", ("searching", None)), ("ec25", ("home", None))])
def test_lte_only_mode_depends_on_the_module(profile: str, expected) -> None:
    assert ModemState(profile, "lte-only-mode-on-3g-module").registration() == expected


def test_ipv4v6_narrowed_to_ipv4() -> None:
    result = ModemState("ec25", "ipv6-refused").start_call("internet", "ipv4v6")
    assert result.ok and result.ip_types == ("ipv4",) and result.partial_cause == 50

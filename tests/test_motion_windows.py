"""Motion window actions: list, add, update and remove (spec 5.4, 5.1.1.6)."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from simulator import PROFILES, Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, call_device_action

LISTING = "/param.cgi"


async def call(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: str,
    context: Context | None = None,
    **data: Any,
) -> Any:
    """Call a motion window action on ``entry``; its response when it has one."""
    answers = service in ("list_motion_windows", "add_motion_window")
    return await call_device_action(
        hass, entry, service, context, response=answers, **data
    )


def requests(sim: Simulator) -> int:
    """param.cgi requests the device answered so far."""
    return sim.counters.requests.get(LISTING, 0)


async def test_add_list_update_remove(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    entry = await setup(simulator)
    assert await call(hass, entry, "list_motion_windows") == {"windows": []}
    added = await call(
        hass,
        entry,
        "add_motion_window",
        name="Hall & door/1",
        top=500,
        bottom=7000,
        left="5000",
        right=8500.0,
    )
    assert added == {"window": "M0"}
    assert simulator.params["Motion.M0.Name"] == "Hall & door/1"
    assert await call(hass, entry, "add_motion_window") == {"window": "M1"}
    listed = await call(hass, entry, "list_motion_windows")
    assert listed["windows"][0] == {
        "window": "M0",
        "name": "Hall & door/1",
        "top": 500,
        "bottom": 7000,
        "left": 5000,
        "right": 8500,
        "parameters": {
            "ImageSource": "0",
            "WindowType": "include",
            "Sensitivity": "90",
            "History": "90",
            "ObjectSize": "15",
        },
    }
    assert [window["window"] for window in listed["windows"]] == ["M0", "M1"]

    await call(hass, entry, "update_motion_window", window="Motion.M0", top=1500)
    await call(hass, entry, "update_motion_window", window="M1", name="Gate")
    assert simulator.params["Motion.M0.Top"] == "1500"
    assert simulator.params["Motion.M0.Bottom"] == "7000"
    assert simulator.params["Motion.M1.Name"] == "Gate"

    await call(hass, entry, "remove_motion_window", windows="M0, Motion.M1")
    assert await call(hass, entry, "list_motion_windows") == {"windows": []}


@pytest.mark.parametrize(
    ("service", "data", "key", "field"),
    [
        ("add_motion_window", {"top": 10000}, "value_out_of_range", None),
        ("add_motion_window", {"left": -1}, "value_out_of_range", None),
        ("add_motion_window", {"top": 1.5}, "invalid_argument", "top"),
        (
            "add_motion_window",
            {"top": 700, "bottom": 700},
            "invalid_argument",
            "bottom",
        ),
        ("add_motion_window", {"left": 9000, "right": 1}, "invalid_argument", "right"),
        ("add_motion_window", {"name": ""}, "invalid_argument", "name"),
        ("add_motion_window", {"name": "a\nb"}, "invalid_argument", "name"),
        (
            "update_motion_window",
            {"window": "E1", "top": 1},
            "invalid_argument",
            "window",
        ),
        ("update_motion_window", {"top": 1}, "invalid_argument", "window"),
        ("update_motion_window", {"window": "M0"}, "nothing_to_set", None),
        ("remove_motion_window", {"windows": []}, "invalid_argument", "windows"),
        ("remove_motion_window", {"windows": 3}, "invalid_argument", "windows"),
        (
            "remove_motion_window",
            {"windows": [f"M{n}" for n in range(33)]},
            "invalid_argument",
            "windows",
        ),
    ],
)
async def test_refused_before_any_request(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    service: str,
    data: dict[str, Any],
    key: str,
    field: str | None,
) -> None:
    entry = await setup(simulator)
    before = requests(simulator)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, entry, service, **data)
    assert info.value.translation_key == key
    if field is not None:
        assert info.value.translation_placeholders["field"] == field
    assert requests(simulator) == before


async def test_update_checks_the_window_it_would_make(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The new top with the kept bottom must still make a window."""
    entry = await setup(simulator)
    await call(hass, entry, "add_motion_window", top=500, bottom=7000)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, entry, "update_motion_window", window="M0", top=8000)
    assert info.value.translation_key == "invalid_argument"
    assert info.value.translation_placeholders == {
        "field": "top",
        "error": "must be less than bottom (7000)",
    }
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, entry, "update_motion_window", window="M0", bottom=500)
    assert info.value.translation_placeholders == {
        "field": "bottom",
        "error": "must be greater than top (500)",
    }
    assert simulator.params["Motion.M0.Top"] == "500"
    assert simulator.params["Motion.M0.Bottom"] == "7000"
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, entry, "update_motion_window", window="M7", top=1)
    assert info.value.translation_key == "motion_window_not_found"
    assert info.value.translation_placeholders["window"] == "M7"


async def test_a_window_outside_the_assumed_rules_can_be_changed(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Only what is sent is checked: the device's own odd values are kept.

    The device holds a bottom past 9999 and a right below 0, then a top
    greater than its bottom; the window can still be renamed, and a coordinate is
    checked only against a partner within 0..9999.
    """
    entry = await setup(simulator)
    await call(hass, entry, "add_motion_window")
    simulator.params.update(
        {
            "Motion.M0.Top": "9000",
            "Motion.M0.Bottom": "12000",
            "Motion.M0.Left": "8000",
            "Motion.M0.Right": "-1",
        }
    )
    await call(hass, entry, "update_motion_window", window="M0", name="Gate")
    assert simulator.params["Motion.M0.Name"] == "Gate"
    simulator.params["Motion.M0.Bottom"] = "100"
    await call(hass, entry, "update_motion_window", window="M0", name="Door")
    assert simulator.params["Motion.M0.Name"] == "Door"

    # The right is out of range: any left; the bottom (100) is in range.
    await call(hass, entry, "update_motion_window", window="M0", left=9500, top=50)
    assert (simulator.params["Motion.M0.Left"], simulator.params["Motion.M0.Top"]) == (
        "9500",
        "50",
    )
    before = requests(simulator)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, entry, "update_motion_window", window="M0", top=100)
    assert info.value.translation_placeholders == {
        "field": "top",
        "error": "must be less than bottom (100)",
    }
    assert requests(simulator) == before + 1  # the listing, no update
    assert simulator.params["Motion.M0.Top"] == "50"


async def test_every_device_answer(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Created without values (named), not removed, an update refused."""
    entry = await setup(simulator)
    long_name = "n" * 65  # longer than the device keeps
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, entry, "add_motion_window", name=long_name, top=100)
    assert info.value.translation_key == "motion_window_values_not_set"
    assert info.value.translation_placeholders["window"] == "M0"
    assert "longer than 64" in info.value.translation_placeholders["message"]
    assert simulator.params["Motion.M0.Name"] == ""

    with pytest.raises(HomeAssistantError) as info:
        await call(hass, entry, "remove_motion_window", windows=["M0", "M5"])
    assert info.value.translation_key == "motion_window_not_removed"
    assert info.value.translation_placeholders["windows"] == "M0, M5"
    assert "Request failed" in info.value.translation_placeholders["message"]
    assert "Motion.M0.Name" in simulator.params  # all or none

    with pytest.raises(HomeAssistantError) as info:
        await call(hass, entry, "update_motion_window", window="M0", name=long_name)
    assert info.value.translation_key == "request_refused"


async def test_device_without_motion_detection(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    sim = await simulator_factory(dynamic_groups=("Event",))
    entry = await setup(sim)
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, entry, "add_motion_window", name="Gate")
    assert info.value.translation_key == "motion_window_not_created"
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, entry, "list_motion_windows")
    assert info.value.translation_key == "request_refused"
    for service, data in (
        ("add_motion_window", {}),
        ("update_motion_window", {"window": "M0", "top": 1}),
        ("remove_motion_window", {"windows": "M0"}),
    ):
        sim.faults.status_next(500)
        with pytest.raises(HomeAssistantError) as info:
            await call(hass, entry, service, **data)
        assert info.value.translation_key == "motion_window_failed"
        assert "500" in info.value.translation_placeholders["error"]


async def test_admin_only(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    hass_read_only_user: MockUser,
) -> None:
    entry = await setup(simulator)
    before = requests(simulator)
    with pytest.raises(Unauthorized):
        await call(
            hass,
            entry,
            "list_motion_windows",
            context=Context(user_id=hass_read_only_user.id),
        )
    assert requests(simulator) == before


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_on_every_profile(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    profile: str,
) -> None:
    sim = await simulator_factory(**PROFILES[profile])
    entry = await setup(sim)
    added = await call(
        hass, entry, "add_motion_window", name="Entrance", top=500, bottom=7000
    )
    await call(hass, entry, "update_motion_window", window=added["window"], left=10)
    listed = await call(hass, entry, "list_motion_windows")
    window = listed["windows"][0]
    assert (window["name"], window["top"], window["bottom"], window["left"]) == (
        "Entrance",
        500,
        7000,
        10,
    )
    await call(hass, entry, "remove_motion_window", windows=[added["window"]])
    assert sim.params.keys().isdisjoint({f"Motion.{added['window']}.Name"})

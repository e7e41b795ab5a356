"""Event rules and motion windows: ``client.events`` and ``client.motion``.

Against the simulator on every device profile, and against the spec's
printed answers (5.1.1.4 to 5.1.1.6, 5.4) served byte for byte.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from cgi_camera_api import (
    CameraClient,
    CameraGroupValuesNotSetError,
    CameraRequestRefusedError,
    CameraValueError,
    EventRule,
    MotionWindow,
)
from cgi_camera_api.dynamic_groups import (
    check_window,
    parse_event_rules,
    parse_motion_windows,
)
from simulator import PROFILES, Simulator
from tests.simulator.helpers import ROOT

from . import spec_examples as spec
from .conftest import ClientFactory, SimulatorFactory
from .helpers import RawDevice, served

EMPTY_LISTING = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\n"
"""5.1.1.2's list output format with no parameter pair (no window yet)."""


class ScriptedDevice(RawDevice):
    """Answers each request with the next canned answer for its action."""

    def __init__(self) -> None:
        """No answers yet."""
        super().__init__()
        self.answers: dict[str, list[bytes]] = {}

    def answer(self, target: str) -> bytes:
        """The next answer for the target's ``action=``."""
        action = target.split("action=", 1)[1].split("&", 1)[0]
        return self.answers[action].pop(0)


@pytest.fixture
async def device(
    session: aiohttp.ClientSession,
) -> AsyncIterator[tuple[ScriptedDevice, CameraClient]]:
    """A scripted device on loopback and a client for it."""
    raw = ScriptedDevice()
    async with served(raw, session, "pass") as client:
        yield raw, client


# -- the spec's printed answers ------------------------------------------------------


async def test_event_rules_of_the_spec_listing(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    raw, client = device
    raw.answers["list"] = [spec.EVENT_E0_LISTING]
    assert await client.events.event_rules() == (EventRule("E0", "MyEvent", True),)
    assert raw.targets == ["/param.cgi?action=list&group=Event"]


async def test_add_motion_window_spec_example(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    """5.4.1's request with specified values, byte for byte; its M3 OK answer."""
    raw, client = device
    raw.answers = {"list": [EMPTY_LISTING], "add": [spec.MOTION_ADD_OK]}
    window = await client.motion.add_window(
        name="Entrance", top=500, bottom=7000, left=5000, right=8500
    )
    assert window == "M3"
    assert raw.targets[-1] == (
        "/param.cgi?action=add&group=Motion&template=motion"
        "&Motion.M.Name=Entrance&Motion.M.Top=500&Motion.M.Bottom=7000"
        "&Motion.M.Left=5000&Motion.M.Right=8500"
    )


async def test_add_motion_window_with_defaults_spec_example(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    """5.4.1's request with default values: no listing is needed first."""
    raw, client = device
    raw.answers = {"add": [spec.MOTION_ADD_OK]}
    assert await client.motion.add_window() == "M3"
    assert raw.targets == ["/param.cgi?action=add&group=Motion&template=motion"]


async def test_values_not_set_names_the_new_window_from_the_listings(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    """5.1.1.6's answer names no group: the listings before and after do."""
    raw, client = device
    raw.answers = {
        "list": [
            EMPTY_LISTING + b"Motion.M1.Name=Old\n",
            EMPTY_LISTING + b"Motion.M1.Name=Old\nMotion.M4.Name=\n",
        ],
        "add": [spec.ADD_CREATED_NOT_SET],
    }
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        await client.motion.add_window(name="Gate")
    assert info.value.group_id == "M4"
    assert info.value.message == (
        "<additional error information>\n# Error: <error message>"
    )


async def test_values_not_set_unnamed_when_the_listing_is_refused(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    raw, client = device
    raw.answers = {"list": [spec.PARAM_ERROR], "add": [spec.ADD_CREATED_NOT_SET]}
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        await client.motion.add_window(name="Gate")
    assert info.value.group_id is None
    assert len(raw.targets) == 2  # nothing listed after a refused listing


async def test_values_not_set_unnamed_when_the_listings_tell_nothing(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    raw, client = device
    raw.answers = {
        "list": [EMPTY_LISTING, EMPTY_LISTING],
        "add": [spec.ADD_CREATED_NOT_SET],
    }
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        await client.motion.add_window(top=1)
    assert info.value.group_id is None


async def test_add_not_created_and_remove_failed(
    device: tuple[ScriptedDevice, CameraClient],
) -> None:
    raw, client = device
    raw.answers = {
        "list": [EMPTY_LISTING],
        "add": [spec.ADD_NOT_CREATED],
        "remove": [spec.REMOVE_FAILED, spec.REMOVE_OK],
    }
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.motion.add_window(name="Gate")
    assert not isinstance(info.value, CameraGroupValuesNotSetError)
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.motion.remove_windows(["M3", "Motion.M5"])
    assert info.value.message.startswith("# Request failed: <error message>")
    await client.motion.remove_windows(["M3"])
    assert raw.targets[-2:] == [
        "/param.cgi?action=remove&group=Motion.M3,Motion.M5",
        "/param.cgi?action=remove&group=Motion.M3",
    ]


async def test_update_spec_example(device: tuple[ScriptedDevice, CameraClient]) -> None:
    """5.4.3's update, byte for byte."""
    raw, client = device
    raw.answers = {"update": [spec.REMOVE_OK]}  # "OK\r\n"
    await client.motion.update_window("M1", top=1500, bottom=8000)
    assert raw.targets == [
        "/param.cgi?action=update&Motion.M1.Top=1500&Motion.M1.Bottom=8000"
    ]


# -- parsing -------------------------------------------------------------------------


def test_parse_rules_by_number_and_odd_values() -> None:
    params = {
        "Event.E10.Name": "Ten",
        "Event.E10.Enabled": "YES",
        "Event.E2.Enabled": "maybe",
        "Event.Other": "x",
        "Events.E1.Name": "not an event rule",
        "Event.N1.Name": "not an E group",
    }
    assert parse_event_rules(params) == (
        EventRule("E2", "", None),
        EventRule("E10", "Ten", True),
    )


def test_parse_windows_keeps_other_parameters() -> None:
    params = {
        "Motion.M1.Name": "Door",
        "Motion.M1.Top": "100",
        "Motion.M1.Bottom": "x",
        "Motion.M1.Sensitivity": "90",
        "Motion.M0.Left": " 5 ",
    }
    assert parse_motion_windows(params) == (
        MotionWindow("M0", "", None, None, 5, None),
        MotionWindow("M1", "Door", 100, None, None, None, {"Sensitivity": "90"}),
    )


# -- refused before any request -------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.motion.add_window(top=10000), "top"),
        (lambda c: c.motion.add_window(left=-1), "left"),
        (lambda c: c.motion.add_window(top=True), "top"),
        (lambda c: c.motion.add_window(top=1.5), "top"),
        (lambda c: c.motion.add_window(top=500, bottom=500), "bottom"),
        (lambda c: c.motion.add_window(left=9000, right=10), "right"),
        (lambda c: c.motion.add_window(name="two\nlines"), "name"),
        (lambda c: c.motion.update_window("M1"), "window"),
        (lambda c: c.motion.update_window("E1", top=1), "window"),
        (lambda c: c.motion.update_window("Motion.M", top=1), "window"),
        (lambda c: c.motion.remove_windows([]), "windows"),
        (lambda c: c.motion.remove_windows("M1"), "windows"),
        (lambda c: c.motion.remove_windows(["M1", "Event.E1"]), "windows"),
        (lambda c: c.events.set_event_rule_enabled("M1", True), "group"),
        (lambda c: c.events.set_event_rule_enabled(1, True), "group"),
    ],
)
async def test_refused_before_any_request(
    device: tuple[ScriptedDevice, CameraClient],
    call: Callable[[CameraClient], object],
    argument: str,
) -> None:
    raw, client = device
    with pytest.raises(CameraValueError) as info:
        await call(client)  # type: ignore[misc]
    assert info.value.argument == argument
    assert raw.targets == []


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ({}, {"top": 9000, "bottom": 100, "left": 5, "right": 5}),
        ({"top": 50}, {"top": 9000, "bottom": 100}),
        ({"top": 500}, {"bottom": 12000}),
        ({"bottom": 1}, {"top": -1}),
        ({"left": 9000}, {"right": None}),
        ({"right": 10}, {"left": 20000}),
        ({"left": 9000, "right": 9001}, {"left": 1, "right": 2}),
    ],
)
def test_kept_coordinates_outside_the_assumed_rules_are_left_alone(
    given: dict[str, int], kept: dict[str, int | None]
) -> None:
    """Only the given coordinates are checked; a kept partner only in 0..9999."""
    check_window(given, kept)


@pytest.mark.parametrize(
    ("given", "kept", "argument", "reason"),
    [
        ({"top": 8000}, {"bottom": 7000}, "top", "must be less than bottom (7000)"),
        ({"bottom": 500}, {"top": 500}, "bottom", "must be greater than top (500)"),
        ({"left": 0}, {"right": 0}, "left", "must be less than right (0)"),
        ({"right": 1}, {"left": 9999}, "right", "must be greater than left (9999)"),
        ({"top": 10000}, {}, "top", None),
    ],
)
def test_a_given_coordinate_out_of_order_with_its_kept_partner(
    given: dict[str, int],
    kept: dict[str, int | None],
    argument: str,
    reason: str | None,
) -> None:
    with pytest.raises(CameraValueError) as info:
        check_window(given, kept)
    assert info.value.argument == argument
    if reason is not None:
        assert str(info.value) == f"{argument}: {reason}"


# -- against the simulator, on every profile ------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_event_rules_on_every_profile(
    profile: str, simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    sim = await simulator_factory(**PROFILES[profile])
    client = client_for(sim)
    assert await client.events.event_rules() == ()
    first = await client.params.add_group(
        "Event", "event", {"Event.E.Name": "Door & gate", "Event.E.Enabled": "yes"}
    )
    second = await client.params.add_group("Event", "event")
    assert await client.events.event_rules() == (
        EventRule(first, "Door & gate", True),
        EventRule(second, "", False),
    )
    await client.events.set_event_rule_enabled(f"Event.{first}", False)
    await client.events.set_event_rule_enabled(second, True)
    assert sim.params[f"Event.{first}.Enabled"] == "no"
    assert [rule.enabled for rule in await client.events.event_rules()] == [
        False,
        True,
    ]


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_motion_windows_on_every_profile(
    profile: str, simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    sim = await simulator_factory(**PROFILES[profile])
    client = client_for(sim)
    name = "Hall/1 & 2=ok?"
    window = await client.motion.add_window(
        name=name, top=500, bottom=7000, left=5000, right=8500
    )
    default = await client.motion.add_window()
    assert sim.params[f"Motion.{window}.Name"] == name  # sent URL-encoded
    windows = await client.motion.windows()
    assert [w.group for w in windows] == [window, default]
    assert (windows[0].name, windows[0].top, windows[0].bottom) == (name, 500, 7000)
    assert (windows[0].left, windows[0].right) == (5000, 8500)
    await client.motion.update_window(window, top=1500, name="Entrance")
    updated = (await client.motion.windows())[0]
    assert (updated.name, updated.top, updated.bottom) == ("Entrance", 1500, 7000)
    await client.motion.remove_windows([window, default])
    assert await client.motion.windows() == ()


async def test_device_answers_of_the_simulator(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """Every 5.1.1.6 answer the simulator gives reads as the spec means it."""
    sim = await simulator_factory()
    client = client_for(sim)
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        await client.motion.add_window(name="x" * 65, top=100)
    assert info.value.group_id == "M0"
    assert sim.params["Motion.M0.Name"] == ""  # created, the name not set
    with pytest.raises(CameraRequestRefusedError) as refused:
        await client.motion.remove_windows(["M0", "M9"])
    assert "Request failed" in refused.value.message
    assert "Motion.M0.Name" in sim.params  # all or nothing
    with pytest.raises(CameraRequestRefusedError):
        await client.motion.update_window("M9", top=1)


async def test_device_without_dynamic_groups(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    sim = await simulator_factory(dynamic_groups=())
    client = client_for(sim)
    with pytest.raises(CameraRequestRefusedError):
        await client.events.event_rules()
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.motion.add_window(name="Gate")
    assert not isinstance(info.value, CameraGroupValuesNotSetError)
    assert not any(name.startswith("Motion.") for name in sim.params)


async def test_spec_remove_spelling_accepted_by_the_simulator(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """5.4.2 prints ``group=Motion.M3,group=Motion.M5``: the simulator takes it."""
    sim: Simulator = await simulator_factory()
    client = client_for(sim)
    first = await client.motion.add_window()
    second = await client.motion.add_window()
    async with aiohttp.ClientSession() as http:
        response = await http.get(
            f"{sim.url}/param.cgi?action=remove&group=Motion.{first},group=Motion.{second}",
            headers=ROOT,
        )
        assert await response.text() == "OK\r\n"
    assert await client.motion.windows() == ()

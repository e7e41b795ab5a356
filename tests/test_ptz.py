"""PTZ actions, preset select, PTZ buttons and position sensors (simulator)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import entity_registry as er
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockUser
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera import ptz as ptz_module
from custom_components.cgi_camera.api import CameraValueError
from custom_components.cgi_camera.const import DOMAIN
from custom_components.cgi_camera.coordinator import PART_SETTLE_SECONDS
from custom_components.cgi_camera.ptz import (
    PtzTarget,
    async_center,
    async_stop,
)
from simulator import Simulator
from simulator.handlers import ptz as sim_ptz
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    wait_for_state,
)

CAMERA = "camera.cgi_camera"
SELECT = "select.cgi_camera_ptz_preset"
PAN = "sensor.cgi_camera_ptz_pan"


async def call(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call a PTZ action on the camera."""
    await hass.services.async_call(
        DOMAIN, service, {ATTR_ENTITY_ID: CAMERA, **data}, blocking=True
    )


@contextmanager
def no_request(sim: Simulator) -> Iterator[None]:
    """Assert that nothing reaches the simulator."""
    before = dict(sim.counters.requests)
    yield
    assert dict(sim.counters.requests) == before


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration):
    """A PTZ camera, set up."""
    return await setup(simulator)


def restrict_info(monkeypatch: pytest.MonkeyPatch, *removed: str) -> None:
    """Make the simulator's info=1 leave out ``removed`` commands."""
    monkeypatch.setattr(
        sim_ptz, "INFO", tuple(item for item in sim_ptz.INFO if item[0] not in removed)
    )


# ------------------------------------------------------------- happy paths


async def test_move(hass: HomeAssistant, simulator: Simulator, entry) -> None:
    """ptz_move moves one step per direction."""
    await call(hass, "ptz_move", direction="right")
    await call(hass, "ptz_move", direction="Up")
    position = simulator.ptz_position()
    assert position["pan"] > 0
    assert position["tilt"] > 0
    await call(hass, "ptz_move", direction="downleft")
    position = simulator.ptz_position()
    assert position["pan"] == pytest.approx(0)
    assert position["tilt"] == pytest.approx(0)


async def test_move_home_refused(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A device that refuses (no home position) raises HomeAssistantError."""
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "ptz_move", direction="home")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "request_refused"


async def test_absolute_and_relative(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """Absolute and relative moves reach the head."""
    await call(hass, "ptz_absolute", pan=-120.5, tilt=30, zoom=2000, focus=100, iris=9)
    position = simulator.ptz_position()
    assert position["pan"] == pytest.approx(-120.5)
    assert position["tilt"] == pytest.approx(30)
    assert position["zoom"] == pytest.approx(2000)
    assert position["focus"] == pytest.approx(100)
    assert position["iris"] == pytest.approx(9)
    await call(hass, "ptz_relative", pan=20, tilt=-10.5, zoom=-1000)
    position = simulator.ptz_position()
    assert position["pan"] == pytest.approx(-100.5)
    assert position["tilt"] == pytest.approx(19.5)
    assert position["zoom"] == pytest.approx(1000)
    await call(hass, "ptz_absolute", pan="12.5")
    assert simulator.ptz_position()["pan"] == pytest.approx(12.5)


async def test_continuous_with_duration(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A continuous move stops by itself after the duration."""
    await call(hass, "ptz_continuous", pan=50, duration=5)
    assert simulator.ptz_position()["moving"]
    fire_time(hass, 2)
    await hass.async_block_till_done()
    assert simulator.ptz_position()["moving"]
    fire_time(hass, 6)
    await hass.async_block_till_done()
    assert not simulator.ptz_position()["moving"]


async def test_continuous_timer_replaced_and_stop(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A new command replaces the timer; ptz_stop stops every axis."""
    await call(hass, "ptz_continuous", zoom=20, duration=5)
    await call(hass, "ptz_continuous", tilt=-30, focus=10, iris=-10)
    before = simulator.counters.requests["/com/ptz.cgi"]
    fire_time(hass, 10)
    await hass.async_block_till_done()
    assert simulator.counters.requests["/com/ptz.cgi"] == before
    assert simulator.ptz_position()["moving"]
    await call(hass, "ptz_stop")
    assert not simulator.ptz_position()["moving"]


async def test_continuous_timer_cancelled_on_unload(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """The stop timer belongs to the entry."""
    await call(hass, "ptz_continuous", pan=10, duration=5)
    assert entry.runtime_data.ptz.sources[1].stop_timer is not None
    await hass.config_entries.async_unload(entry.entry_id)
    before = simulator.counters.total_requests
    fire_time(hass, 10)
    await hass.async_block_till_done()
    assert simulator.counters.total_requests == before


async def test_timed_stop_failure_is_logged(
    hass: HomeAssistant,
    simulator: Simulator,
    entry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing automatic stop is logged, not raised."""
    await call(hass, "ptz_continuous", pan=10, duration=1)
    simulator.faults.status_next(500)
    fire_time(hass, 2)
    await hass.async_block_till_done()
    assert "Cannot stop the continuous move" in caplog.text


async def test_center_and_areazoom(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """center uses the source's image size; a zoom factor makes it areazoom."""
    await call(hass, "ptz_center", x=320, y=240)
    assert simulator.ptz_position()["pan"] == pytest.approx(0, abs=0.01)
    await call(hass, "ptz_center", x=640, y=240)
    assert simulator.ptz_position()["pan"] > 0
    await call(
        hass, "ptz_center", x=160, y=120, zoom=300, image_width=320, image_height=240
    )
    assert simulator.ptz_position()["zoom"] > 1
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_center", x=641, y=10)
    assert err.value.translation_key == "value_out_of_range"


async def test_center_image_size_learnt_lazily(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """Without a known image size, the first center asks the device once."""
    entry.runtime_data.ptz.sources[1].image_size = None
    await call(hass, "ptz_center", x=320, y=240)
    assert entry.runtime_data.ptz.sources[1].image_size is not None
    entry.runtime_data.ptz.sources[1].image_size = None
    simulator.faults.status_next(500)
    target = PtzTarget(hass, entry, 1, CAMERA)
    # The size stays unknown: the device judges the coordinates.
    await async_center(target, 10, 10)


async def test_presets(hass: HomeAssistant, simulator: Simulator, entry) -> None:
    """Set, go to (by name and number) and remove presets; the select follows.

    Without presets the select is unavailable (nothing to choose); the first
    saved preset makes it available, removing the last one unavailable again.
    """
    state = hass.states.get(SELECT)
    assert state.state == STATE_UNAVAILABLE
    assert state.attributes["options"] == []
    await call(hass, "ptz_absolute", pan=45, tilt=10)
    await call(hass, "ptz_set_preset", preset="Door", home=True)
    state = hass.states.get(SELECT)
    assert state.state == STATE_UNKNOWN  # available, nothing chosen yet
    assert state.attributes["options"] == ["Door"]
    await call(hass, "ptz_absolute", pan=-45)
    await call(hass, "ptz_set_preset", preset=7)
    position = simulator.ptz_position()
    assert position["presets"] == {1: "Door", 7: "Preset 7"}
    assert position["home"] == 1
    assert hass.states.get(SELECT).attributes["options"] == ["Door", "Preset 7"]

    await call(hass, "ptz_goto_preset", preset="Door")
    assert simulator.ptz_position()["pan"] == pytest.approx(45)
    await call(hass, "ptz_goto_preset", preset="7")
    assert simulator.ptz_position()["pan"] == pytest.approx(-45)
    await call(hass, "ptz_move", direction="home")
    assert simulator.ptz_position()["pan"] == pytest.approx(45)

    # The select moves there too.
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: SELECT, "option": "Preset 7"},
        blocking=True,
    )
    assert simulator.ptz_position()["pan"] == pytest.approx(-45)
    assert hass.states.get(SELECT).state == "Preset 7"

    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_goto_preset", preset="Window")
    assert err.value.translation_key == "ptz_unknown_preset"
    with no_request(simulator), pytest.raises(ServiceValidationError):
        await call(hass, "ptz_remove_preset", preset=3)

    await call(hass, "ptz_remove_preset", preset=7)
    assert simulator.ptz_position()["presets"] == {1: "Door"}
    state = hass.states.get(SELECT)
    assert state.attributes["options"] == ["Door"]
    assert state.state == STATE_UNKNOWN
    # Chosen, then saved again (the presets are re-read): the choice stays.
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: SELECT, "option": "Door"},
        blocking=True,
    )
    await call(hass, "ptz_set_preset", preset="Door")
    assert hass.states.get(SELECT).state == "Door"
    await call(hass, "ptz_remove_preset", preset="Door")
    assert simulator.ptz_position()["presets"] == {}
    state = hass.states.get(SELECT)
    assert state.state == STATE_UNAVAILABLE
    assert state.attributes["options"] == []


async def test_preset_named_like_a_number(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A preset named "12" is found by name when no preset has number 12."""
    await call(hass, "ptz_set_preset", preset="name 12")
    head = simulator.state.ptz[1]
    head.presets[1].name = "12"
    await ptz_module.async_refresh_presets(PtzTarget(hass, entry, 1, CAMERA))
    await call(hass, "ptz_goto_preset", preset=12)
    await call(hass, "ptz_remove_preset", preset="12")
    assert simulator.ptz_position()["presets"] == {}


async def test_preset_refused_by_device(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A preset known to HA but gone from the device: the device refuses."""
    await call(hass, "ptz_set_preset", preset="Door")
    simulator.state.ptz[1].presets.clear()
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "ptz_goto_preset", preset="Door")
    assert not isinstance(err.value, ServiceValidationError)
    # The select keeps the option until presets are re-read (after set/remove).
    with pytest.raises(HomeAssistantError):
        await call(hass, "ptz_remove_preset", preset="Door")
    assert hass.states.get(SELECT).attributes["options"] == []


async def test_preset_refresh_failure(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A failed re-read keeps the old presets."""
    await call(hass, "ptz_set_preset", preset="Door")
    target = PtzTarget(hass, entry, 1, CAMERA)
    simulator.faults.status_next(500)
    await ptz_module.async_refresh_presets(target)
    assert hass.states.get(SELECT).attributes["options"] == ["Door"]


async def test_speed_focus_iris_auxiliary(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """Speed, autofocus, autoiris and auxiliary functions."""
    await call(hass, "ptz_set_speed", speed=100)
    await call(hass, "ptz_autofocus", enabled=False)
    await call(hass, "ptz_autoiris", enabled="off")
    await call(hass, "ptz_auxiliary", function="wiper")
    position = simulator.ptz_position()
    assert position["speed"] == 100
    assert position["autofocus"] is False
    assert position["autoiris"] is False
    assert position["auxiliary"] == ["wiper"]
    await call(hass, "ptz_autofocus", enabled=True)
    assert simulator.ptz_position()["autofocus"] is True


# -------------------------------------------------------------- validation

OUT_OF_RANGE: list[tuple[str, dict[str, Any], str]] = [
    ("ptz_move", {"direction": "sideways"}, "invalid_argument"),
    ("ptz_move", {"direction": ""}, "invalid_argument"),
    ("ptz_move", {"direction": "up", "speed": 5}, "invalid_argument"),
    ("ptz_absolute", {"pan": 180.1}, "value_out_of_range"),
    ("ptz_absolute", {"tilt": -181}, "value_out_of_range"),
    ("ptz_absolute", {"zoom": 0}, "value_out_of_range"),
    ("ptz_absolute", {"focus": 10000}, "value_out_of_range"),
    ("ptz_absolute", {"iris": 1.5}, "invalid_argument"),
    ("ptz_absolute", {"pan": "nan"}, "invalid_argument"),
    ("ptz_absolute", {"pan": "inf"}, "value_out_of_range"),
    ("ptz_absolute", {"pan": 10**400}, "value_out_of_range"),
    ("ptz_absolute", {"pan": True}, "invalid_argument"),
    ("ptz_absolute", {}, "ptz_nothing_to_do"),
    ("ptz_absolute", {"pan": None}, "invalid_argument"),
    ("ptz_relative", {"pan": 360.5}, "value_out_of_range"),
    ("ptz_relative", {"tilt": -361}, "value_out_of_range"),
    ("ptz_relative", {"zoom": -10000}, "value_out_of_range"),
    ("ptz_relative", {"iris": "x"}, "invalid_argument"),
    ("ptz_continuous", {"pan": 101}, "value_out_of_range"),
    ("ptz_continuous", {"focus": -101}, "value_out_of_range"),
    ("ptz_continuous", {"zoom": 10, "duration": 0}, "value_out_of_range"),
    ("ptz_continuous", {"zoom": 10, "duration": 3601}, "value_out_of_range"),
    ("ptz_continuous", {"duration": 5}, "ptz_nothing_to_do"),
    ("ptz_center", {"x": -1, "y": 0}, "value_out_of_range"),
    ("ptz_center", {"x": 0, "y": 10000}, "value_out_of_range"),
    ("ptz_center", {"x": 0, "y": 0, "zoom": 0}, "value_out_of_range"),
    ("ptz_center", {"x": 0, "y": 0, "image_width": 0}, "value_out_of_range"),
    ("ptz_center", {"x": 1, "y": 481}, "value_out_of_range"),
    ("ptz_center", {"x": 1}, "invalid_argument"),
    ("ptz_goto_preset", {"preset": 0}, "value_out_of_range"),
    ("ptz_goto_preset", {"preset": "a\nb"}, "invalid_argument"),
    ("ptz_goto_preset", {"preset": "x" * 129}, "invalid_argument"),
    ("ptz_goto_preset", {"preset": ["list"]}, "invalid_argument"),
    ("ptz_goto_preset", {"preset": "0"}, "value_out_of_range"),
    ("ptz_set_preset", {"preset": 10000}, "value_out_of_range"),
    ("ptz_set_preset", {"preset": "  "}, "invalid_argument"),
    ("ptz_remove_preset", {"preset": -3}, "value_out_of_range"),
    ("ptz_set_speed", {"speed": 0}, "value_out_of_range"),
    ("ptz_set_speed", {"speed": 101}, "value_out_of_range"),
    ("ptz_autofocus", {"enabled": "maybe"}, "invalid_argument"),
    ("ptz_autoiris", {}, "invalid_argument"),
    ("ptz_auxiliary", {"function": ""}, "invalid_argument"),
    ("ptz_auxiliary", {"function": None}, "invalid_argument"),
]


@pytest.mark.parametrize(("service", "data", "key"), OUT_OF_RANGE)
async def test_invalid_values(
    hass: HomeAssistant,
    simulator: Simulator,
    entry,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Wrong values: translated ServiceValidationError, no request."""
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, service, **data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key


async def test_range_error_names_field_and_bounds(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """An out-of-range value names its field, its range and the value given."""
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_absolute", pan="200", zoom=5)
    assert err.value.translation_key == "value_out_of_range"
    assert err.value.translation_placeholders == {
        "name": "pan",
        "minimum": "-180",
        "maximum": "180",
        "value": "200",
    }


UNSUPPORTED: list[tuple[str, dict[str, Any], tuple[str, ...], str]] = [
    ("ptz_move", {"direction": "up"}, ("move",), "move"),
    ("ptz_absolute", {"pan": 1, "iris": 5}, ("iris",), "iris"),
    ("ptz_relative", {"focus": 5}, ("rfocus",), "rfocus"),
    (
        "ptz_continuous",
        {"tilt": 5},
        ("continuouspantiltmove",),
        "continuouspantiltmove",
    ),
    ("ptz_center", {"x": 1, "y": 1}, ("center",), "center"),
    ("ptz_center", {"x": 1, "y": 1, "zoom": 200}, ("areazoom",), "areazoom"),
    ("ptz_set_speed", {"speed": 5}, ("speed",), "speed"),
    ("ptz_autofocus", {"enabled": True}, ("autofocus",), "autofocus"),
    ("ptz_autoiris", {"enabled": True}, ("autoiris",), "autoiris"),
    ("ptz_auxiliary", {"function": "wiper"}, ("auxiliary",), "auxiliary"),
    (
        "ptz_stop",
        {},
        (
            "continuouspantiltmove",
            "continuouszoommove",
            "continuousfocusmove",
            "continuousirismove",
        ),
        "continuous moves",
    ),
]


@pytest.mark.parametrize(("service", "data", "removed", "command"), UNSUPPORTED)
async def test_unsupported_command(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
    service: str,
    data: dict[str, Any],
    removed: tuple[str, ...],
    command: str,
) -> None:
    """A command the source does not list in info=1 is refused by name."""
    restrict_info(monkeypatch, *removed)
    await setup(simulator)
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, service, **data)
    assert err.value.translation_key == "ptz_unsupported"
    assert err.value.translation_placeholders["command"] == command


async def test_goto_preset_unsupported(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Going to a preset by name needs gotoserverpresetname."""
    restrict_info(monkeypatch, "gotoserverpresetname")
    entry = await setup(simulator)
    await call(hass, "ptz_set_preset", preset="Door")
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_goto_preset", preset="Door")
    assert err.value.translation_placeholders["command"] == "gotoserverpresetname"
    # The buttons the source cannot serve are not created.
    assert entry.state is ConfigEntryState.LOADED


async def test_unsupported_buttons_not_created(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Buttons need the command they send."""
    restrict_info(monkeypatch, "move")
    await setup(simulator)
    assert hass.states.get("button.cgi_camera_ptz_up") is None
    assert hass.states.get("button.cgi_camera_ptz_zoom_in") is not None


async def test_info_unavailable_at_setup(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Without info=1 at setup, every button exists and info is learnt lazily."""
    with patch.object(sim_ptz, "INFO", ()):  # an answer without commands fails
        entry = await setup(simulator)
    state = entry.runtime_data.ptz.sources[1]
    state.info = None
    assert hass.states.get("button.cgi_camera_ptz_up") is not None
    await call(hass, "ptz_move", direction="up")
    assert state.info is not None
    # Unknown support (info=1 fails again): the device judges the command.
    state.info = None
    simulator.faults.status_next(500)
    await call(hass, "ptz_move", direction="up")
    assert state.info is None
    target = PtzTarget(hass, entry, 1, CAMERA)
    await async_stop(target)  # ptz_stop without info: pan/tilt and zoom


async def test_not_a_ptz_camera(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A camera without PTZ: no PTZ entities, actions refused."""
    sim = await simulator_factory(ptz=False)
    await setup(sim)
    assert hass.states.get(SELECT) is None
    assert hass.states.get("button.cgi_camera_ptz_up") is None
    with no_request(sim), pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_move", direction="up")
    assert err.value.translation_key == "ptz_not_supported"


async def test_targets(
    hass: HomeAssistant,
    simulator: Simulator,
    entry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only loaded cameras of the integration are acted on; others are logged."""
    with no_request(simulator):
        await hass.services.async_call(
            DOMAIN,
            "ptz_stop",
            {ATTR_ENTITY_ID: "button.cgi_camera_ptz_up"},
            blocking=True,
        )
    assert "button.cgi_camera_ptz_up are missing" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    caplog.clear()
    with no_request(simulator):
        await call(hass, "ptz_stop")
    assert f"{CAMERA} are missing" in caplog.text


async def test_permissions(
    hass: HomeAssistant, simulator: Simulator, entry, hass_read_only_user: MockUser
) -> None:
    """Presets are admin-only; moves need control of the camera."""
    context = Context(user_id=hass_read_only_user.id)
    for service, data in (
        ("ptz_set_preset", {"preset": "Door"}),
        ("ptz_move", {"direction": "up"}),
    ):
        with no_request(simulator), pytest.raises(Unauthorized):
            await hass.services.async_call(
                DOMAIN,
                service,
                {ATTR_ENTITY_ID: CAMERA, **data},
                blocking=True,
                context=context,
            )
    # A user who controls the camera may move it, but not change presets.
    user_group = await hass.auth.async_get_group(GROUP_ID_USER)
    user = MockUser(groups=[user_group]).add_to_hass(hass)
    await hass.services.async_call(
        DOMAIN,
        "ptz_move",
        {ATTR_ENTITY_ID: CAMERA, "direction": "up"},
        blocking=True,
        context=Context(user_id=user.id),
    )
    for service in ("ptz_set_preset", "ptz_remove_preset"):
        with no_request(simulator), pytest.raises(Unauthorized):
            await hass.services.async_call(
                DOMAIN,
                service,
                {ATTR_ENTITY_ID: CAMERA, "preset": "Door"},
                blocking=True,
                context=Context(user_id=user.id),
            )
    unknown = Context(user_id="no-such-user")
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "ptz_stop",
            {ATTR_ENTITY_ID: CAMERA},
            blocking=True,
            context=unknown,
        )


async def test_admin_may(
    hass: HomeAssistant, simulator: Simulator, entry, hass_admin_user: MockUser
) -> None:
    """An admin may set presets."""
    await hass.services.async_call(
        DOMAIN,
        "ptz_set_preset",
        {ATTR_ENTITY_ID: CAMERA, "preset": "Door"},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert simulator.ptz_position()["presets"] == {1: "Door"}


async def test_api_range_error_translated(
    hass: HomeAssistant, simulator: Simulator, entry
) -> None:
    """A CameraValueError from the client becomes a ServiceValidationError."""
    target = PtzTarget(hass, entry, 1, CAMERA)

    async def fail(_target: PtzTarget, _data: dict[str, Any]) -> None:
        raise CameraValueError("pan", "bad", minimum=-1, maximum=1)

    async def fail_plain(_target: PtzTarget, _data: dict[str, Any]) -> None:
        raise CameraValueError("function", "bad")

    with pytest.raises(ServiceValidationError) as err:
        await ptz_module.async_run(target, fail, {})
    assert err.value.translation_key == "value_out_of_range"
    with pytest.raises(ServiceValidationError) as err:
        await ptz_module.async_run(target, fail_plain, {})
    assert err.value.translation_key == "invalid_argument"


# ----------------------------------------------------------------- entities


async def test_entities_snapshot(
    hass: HomeAssistant,
    simulator: Simulator,
    entry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Preset select, PTZ buttons, sync button and position sensors."""
    entries = sorted(
        (
            e
            for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
            if "ptz" in e.unique_id or "sync_time" in e.unique_id
        ),
        key=lambda e: e.entity_id,
    )
    assert entries
    # Stable fields only: registry entries gain fields with new HA versions.
    for reg in entries:
        described = {
            "unique_id": reg.unique_id,
            "translation_key": reg.translation_key,
            "entity_category": reg.entity_category,
            "disabled_by": reg.disabled_by,
            "original_device_class": reg.original_device_class,
            "unit_of_measurement": reg.unit_of_measurement,
            "capabilities": None
            if reg.capabilities is None
            else {str(k): v for k, v in reg.capabilities.items()},
        }
        assert described == snapshot(name=f"{reg.entity_id}-entry")
        state = hass.states.get(reg.entity_id)
        shown = (
            None
            if state is None
            else (state.state, {str(k): v for k, v in state.attributes.items()})
        )
        assert shown == snapshot(name=f"{reg.entity_id}-state")


async def test_buttons(hass: HomeAssistant, simulator: Simulator, entry) -> None:
    """The PTZ buttons send their command."""

    async def press(name: str) -> None:
        await hass.services.async_call(
            "button",
            "press",
            {ATTR_ENTITY_ID: f"button.cgi_camera_ptz_{name}"},
            blocking=True,
        )

    await press("right")
    await press("up")
    position = simulator.ptz_position()
    assert position["pan"] > 0
    assert position["tilt"] > 0
    await press("left")
    await press("down")
    await press("zoom_in")
    assert simulator.ptz_position()["zoom"] > 1
    await press("zoom_out")
    assert simulator.ptz_position()["zoom"] == pytest.approx(1)
    await call(hass, "ptz_continuous", pan=20)
    await press("stop")
    assert not simulator.ptz_position()["moving"]
    with pytest.raises(HomeAssistantError):
        await press("home")  # no home position on the device
    await call(hass, "ptz_set_preset", preset="Home", home=True)
    home = simulator.ptz_position()["pan"]
    await press("right")
    await press("home")
    assert simulator.ptz_position()["pan"] == pytest.approx(home)


async def test_position_sensors(
    hass: HomeAssistant,
    simulator: Simulator,
    entry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Position sensors poll only while enabled and follow PTZ commands."""
    assert simulator.counters.requests["/com/ptz.cgi"] == 2  # info + presets
    for axis in ("pan", "tilt", "zoom"):
        entity_registry.async_update_entity(
            f"sensor.cgi_camera_ptz_{axis}", disabled_by=None
        )
    fire_time(hass, POLL_SECONDS)  # the registry reloads the entry
    await hass.async_block_till_done()
    assert hass.states.get(PAN).state == "0.0"
    assert hass.states.get("sensor.cgi_camera_ptz_zoom").state == "1.0"
    await call(hass, "ptz_absolute", pan=33, tilt=-4, zoom=500)
    await wait_for_state(hass, PAN, "33.0")  # read again after the command
    assert hass.states.get("sensor.cgi_camera_ptz_tilt").state == "-4.0"
    assert hass.states.get("sensor.cgi_camera_ptz_zoom").state == "500.0"
    # A real head is still moving at that first read: once it has settled,
    # the position is read once more (here it moved on, by the device alone).
    await entry.runtime_data.client.ptz.absolute(pan=40)
    assert hass.states.get(PAN).state == "33.0"
    fire_time(hass, PART_SETTLE_SECONDS + 1)
    await wait_for_state(hass, PAN, "40.0")
    await entry.runtime_data.client.ptz.absolute(pan=33)
    # A refused position read: only the position sensors are unavailable.
    coordinator = entry.runtime_data.coordinator
    simulator.faults.error_next("/com/ptz.cgi")
    await coordinator.async_refresh()
    await wait_for_state(hass, PAN, STATE_UNAVAILABLE)
    assert hass.states.get("switch.cgi_camera_output_1").state == "off"
    await coordinator.async_refresh()
    await wait_for_state(hass, PAN, "33.0")
    # Disabling every sensor stops the position polling and refresh.
    for axis in ("pan", "tilt", "zoom"):
        entity_registry.async_update_entity(
            f"sensor.cgi_camera_ptz_{axis}", disabled_by=er.RegistryEntryDisabler.USER
        )
    await hass.async_block_till_done()
    assert entry.runtime_data.ptz.sources[1].position_refresh is None
    queries = simulator.counters.requests["/com/ptz.cgi"]
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert simulator.counters.requests["/com/ptz.cgi"] == queries


async def test_video_server(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """On a video server each PTZ source is addressed with camera=<n>."""
    sim = await simulator_factory(sources=4)
    entry = await setup(sim)
    sources = sorted(entry.runtime_data.device.capabilities.ptz_sources)
    assert sources
    registry = er.async_get(hass)
    source = sources[-1]
    camera = registry.async_get_entity_id(
        "camera", DOMAIN, f"{entry.runtime_data.device.mac}-camera_{source}"
    )
    assert camera is not None
    select = registry.async_get_entity_id(
        "select", DOMAIN, f"{entry.runtime_data.device.mac}-ptz_preset_{source}"
    )
    assert select is not None
    reg = registry.async_get(select)
    assert reg.translation_key == "ptz_preset_source"
    await hass.services.async_call(
        DOMAIN,
        "ptz_absolute",
        {ATTR_ENTITY_ID: camera, "pan": 12},
        blocking=True,
    )
    assert sim.ptz_position(source)["pan"] == pytest.approx(12)


# --------------------------------------------------------------- hypothesis

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-20000, max_value=20000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["up", "home", "downleft", "on", "off", "3", "1e3", "-0.5"]),
)
FIELDS: dict[str, tuple[str, ...]] = {
    "ptz_move": ("direction",),
    "ptz_absolute": ("pan", "tilt", "zoom", "focus", "iris"),
    "ptz_relative": ("pan", "tilt", "zoom", "focus", "iris"),
    "ptz_continuous": ("pan", "tilt", "zoom", "focus", "iris", "duration"),
    "ptz_stop": (),
    "ptz_center": ("x", "y", "zoom", "image_width", "image_height"),
    "ptz_goto_preset": ("preset",),
    "ptz_set_preset": ("preset", "home"),
    "ptz_remove_preset": ("preset",),
    "ptz_set_speed": ("speed",),
    "ptz_autofocus": ("enabled",),
    "ptz_autoiris": ("enabled",),
    "ptz_auxiliary": ("function",),
}


@st.composite
def ptz_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A PTZ action with random values for a random subset of its fields."""
    service = draw(st.sampled_from(sorted(FIELDS)))
    names = (
        draw(st.sets(st.sampled_from(FIELDS[service]))) if FIELDS[service] else set()
    )
    return service, {name: draw(ANY_VALUE) for name in sorted(names)}


async def test_random_values(hass: HomeAssistant, simulator: Simulator, entry) -> None:
    """Random values: success or ServiceValidationError, never anything else.

    The simulator answers ``Error:`` to any value outside its ranges, which
    the client raises as a refusal: a HomeAssistantError other than
    ServiceValidationError would mean an invalid value reached the device.
    """
    await call(hass, "ptz_set_preset", preset="Home", home=True)
    examples: list[tuple[str, dict[str, Any]]] = []

    @settings(
        max_examples=400,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(ptz_calls())
    def collect(example: tuple[str, dict[str, Any]]) -> None:
        examples.append(example)

    collect()
    outcomes = {"ok": 0, "invalid": 0}
    for service, data in examples:
        before = simulator.counters.total_requests
        try:
            await call(hass, service, **data)
        except ServiceValidationError:
            outcomes["invalid"] += 1
            assert simulator.counters.total_requests == before, (service, data)
        else:
            outcomes["ok"] += 1
        head = simulator.state.ptz[1]
        if head.home not in head.presets:  # a random removal took it
            await call(hass, "ptz_set_preset", preset="Home", home=True)
    assert outcomes["ok"]
    assert outcomes["invalid"]

"""Config flow: user, reauth, reconfigure and options, against the simulator."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.cgi_camera.api import CameraForbiddenError
from custom_components.cgi_camera.const import (
    CONF_BACKUPS_TO_KEEP,
    CONF_FRAME_RATE,
    CONF_QUAD_CAMERA,
    CONF_SNAPSHOT_RESOLUTION,
    CONF_STREAM_RESOLUTION,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, entry_data, sim_mac

GET_INFO = "custom_components.cgi_camera.api.CameraClient.get_device_info"


async def _start_user_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


async def test_user_flow_creates_entry(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The device info names the entry; the MAC is the unique ID."""
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "cgi-camera"
    assert result["data"] == entry_data(simulator)
    assert result["options"] == DEFAULT_OPTIONS
    assert result["result"].unique_id == sim_mac(simulator)
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_user_flow_title_falls_back_to_model(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Without a device name the model is the title."""
    simulator.params["Network.HostName"] = ""
    result = await _start_user_flow(hass)
    with patch("custom_components.cgi_camera.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], entry_data(simulator)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "CGI-211"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, "invalid_auth"),
        ({CONF_PORT: 1}, "cannot_connect"),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant,
    simulator: Simulator,
    change: dict[str, Any],
    error: str,
) -> None:
    """A wrong password or port shows an error; fixing it creates the entry."""
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator, **change)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    with patch("custom_components.cgi_camera.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], entry_data(simulator)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("exception", "error"),
    [
        (CameraForbiddenError("forbidden"), "insufficient_rights"),
        (RuntimeError("boom"), "unknown"),
    ],
)
async def test_user_flow_rights_and_unknown(
    hass: HomeAssistant, simulator: Simulator, exception: Exception, error: str
) -> None:
    """403 means insufficient rights; anything unexpected is unknown."""
    result = await _start_user_flow(hass)
    with patch(GET_INFO, side_effect=exception):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], entry_data(simulator)
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The same device twice aborts, and the address is updated."""
    entry = await setup(simulator)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == simulator.host


async def test_reauth_flow(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A wrong password is refused; the right one updates and reloads the entry."""
    entry = await setup(simulator)
    simulator.change_password("root", "new-pass")
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["username"] == "root"
    assert result["description_placeholders"]["host"] == simulator.host
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "still-wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-pass"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == "new-pass"
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_flow_other_device(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    """Reauth refuses to move the entry to a different device."""
    entry = await setup(simulator)
    other = await simulator_factory(mac="00:40:8C:AA:BB:CC")
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_PORT: other.port}
    )
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "pass"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"


async def test_reconfigure_flow(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    """Reconfigure: errors, a different device is refused, the same one moves."""
    entry = await setup(simulator)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator, password="wrong")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    other = await simulator_factory(mac="00:40:8C:AA:BB:CC")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(other)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert entry.data[CONF_PORT] == simulator.port

    # The same device on a new address (a second simulator with its MAC).
    moved = await simulator_factory()
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(moved)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PORT] == moved.port
    assert entry.state is ConfigEntryState.LOADED


async def test_options_flow(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Options are saved and applied without a restart."""
    entry = await setup(simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    new = {
        CONF_SNAPSHOT_RESOLUTION: "QVGA",
        CONF_STREAM_RESOLUTION: "640x480",
        CONF_FRAME_RATE: 5,
        CONF_QUAD_CAMERA: False,
        CONF_BACKUPS_TO_KEEP: 3,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], new)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == new
    # Read live by the platforms: no reload was needed.
    assert entry.runtime_data.options == new
    assert entry.state is ConfigEntryState.LOADED

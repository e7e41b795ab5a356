"""Config flow: user, reauth, reconfigure, DHCP and options, against the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_DHCP,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.loader import async_get_dhcp
import pytest
import voluptuous as vol

from custom_components.cgi_camera.api import CameraForbiddenError
from custom_components.cgi_camera.const import (
    CONF_BACKUPS_TO_KEEP,
    CONF_DOORBELL_INPUTS,
    CONF_FRAME_RATE,
    CONF_HTTPS,
    CONF_SNAPSHOT_RESOLUTION,
    CONF_STREAM_RESOLUTION,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, entry_data, sim_mac
from tests.reliability.test_security import _self_signed

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
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    tmp_path: Path,
) -> None:
    """The same device twice aborts; its new address, HTTPS and SSL setting apply.

    The device moved to another port and now serves HTTPS with a self-signed
    certificate (a second simulator with the same MAC): the entry takes the
    new port, https and verify_ssl, and reloads with them.
    """
    entry = await setup(simulator)
    old_runtime = entry.runtime_data
    moved = await simulator_factory(ssl=_self_signed(tmp_path))
    assert moved.port != simulator.port
    result = await _start_user_flow(hass)
    new = entry_data(moved, **{CONF_HTTPS: True, CONF_VERIFY_SSL: False})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], new)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_PORT] == moved.port
    assert entry.data[CONF_HTTPS] is True
    assert entry.data[CONF_VERIFY_SSL] is False
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not old_runtime
    assert entry.runtime_data.client.base_url == moved.url
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_reauth_flow(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A wrong password is refused; the right one updates and reloads the entry."""
    entry = await setup(simulator)
    old_runtime = entry.runtime_data
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
    assert entry.runtime_data is not old_runtime


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
    assert entry.runtime_data.client.base_url == moved.url


def _password_field(schema: vol.Schema) -> vol.Marker:
    (field,) = (key for key in schema.schema if key == CONF_PASSWORD)
    return field


@pytest.mark.parametrize("empty", [{}, {CONF_PASSWORD: ""}])
async def test_reconfigure_keeps_password_when_empty(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    empty: dict[str, str],
) -> None:
    """The form never shows the password; left empty, the stored one stays.

    The frontend leaves an empty optional field out or sends "": both keep it.
    """
    entry = await setup(simulator)
    result = await entry.start_reconfigure_flow(hass)
    field = _password_field(result["data_schema"])
    assert isinstance(field, vol.Optional)
    assert field.default is vol.UNDEFINED
    assert (field.description or {}).get("suggested_value") is None

    moved = await simulator_factory()
    user_input = {
        key: value for key, value in entry_data(moved).items() if key != CONF_PASSWORD
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**user_input, **empty}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data == entry_data(moved)  # the password is "pass" again
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.base_url == moved.url


async def test_reconfigure_new_password(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A password typed in reconfigure replaces the stored one."""
    entry = await setup(simulator)
    simulator.change_password("root", "changed")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], entry_data(simulator, **{CONF_PASSWORD: "changed"})
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == "changed"
    assert entry.data[CONF_USERNAME] == "root"
    assert entry.state is ConfigEntryState.LOADED


def _dhcp(sim: Simulator, ip: str) -> DhcpServiceInfo:
    """What Home Assistant's DHCP watcher reports (MAC without colons)."""
    return DhcpServiceInfo(
        ip=ip,
        hostname=sim.config.hostname,
        macaddress=sim.config.mac.replace(":", "").lower(),
    )


async def _dhcp_flow(hass: HomeAssistant, info: DhcpServiceInfo) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=info
    )


async def test_manifest_dhcp_matcher_is_for_registered_devices(
    hass: HomeAssistant,
) -> None:
    """Home Assistant reads one matcher: devices in the registry, by MAC."""
    matchers = [m for m in await async_get_dhcp(hass) if m["domain"] == DOMAIN]
    assert matchers == [{"domain": DOMAIN, "registered_devices": True}]


async def test_dhcp_new_address_updates_and_reloads(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A known device seen at a new IP address: the entry follows and reloads.

    The entry stores the device's old address (192.0.2.10); the device now
    answers at the simulator's address, which DHCP reports.
    """
    entry = await setup(simulator)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "192.0.2.10"}
    )
    old_runtime = entry.runtime_data
    result = await _dhcp_flow(hass, _dhcp(simulator, simulator.host))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == entry_data(simulator)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not old_runtime
    assert entry.runtime_data.client.base_url == simulator.url


async def test_dhcp_same_address_no_reload(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A known device at its known address: nothing changes, no reload."""
    entry = await setup(simulator)
    old_runtime = entry.runtime_data
    result = await _dhcp_flow(hass, _dhcp(simulator, simulator.host))
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data == entry_data(simulator)
    assert entry.runtime_data is old_runtime


async def test_dhcp_keeps_a_host_name(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An entry set up with a host name keeps it: the name follows the device."""
    entry = await setup(simulator)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "camera.example"}
    )
    old_runtime = entry.runtime_data
    result = await _dhcp_flow(hass, _dhcp(simulator, "192.0.2.20"))
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data[CONF_HOST] == "camera.example"
    assert entry.runtime_data is old_runtime


async def test_dhcp_device_back_retries_at_once(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An entry waiting to retry its setup is set up when DHCP sees its device."""
    await simulator.stop()
    entry = await setup(simulator)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    await simulator.start()  # the same port again
    result = await _dhcp_flow(hass, _dhcp(simulator, simulator.host))
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_dhcp_unknown_device_aborts(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    """A MAC no entry has: no discovery of new devices, and no entry changes."""
    entry = await setup(simulator)
    other = await simulator_factory(mac="00:40:8C:AA:BB:CC")
    result = await _dhcp_flow(hass, _dhcp(other, "192.0.2.30"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown_device"
    assert hass.config_entries.async_entries(DOMAIN) == [entry]
    assert entry.data == entry_data(simulator)


async def test_options_flow(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Options are saved and applied without a reload."""
    entry = await setup(simulator)
    runtime = entry.runtime_data
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    new = {
        CONF_SNAPSHOT_RESOLUTION: "QVGA",
        CONF_STREAM_RESOLUTION: "640x480",
        CONF_FRAME_RATE: 5,
        CONF_BACKUPS_TO_KEEP: 3,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], new)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == new
    # Read live from entry.options where they are used: the entry was not
    # reloaded (a reload would have set up new runtime data).
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is runtime


async def test_options_flow_doorbell_inputs_reload_the_entry(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Marking an input as a doorbell reloads the entry; the same set again does not."""
    entry = await setup(simulator)
    runtime = entry.runtime_data
    result = await hass.config_entries.options.async_init(entry.entry_id)
    field = next(
        key for key in result["data_schema"].schema if key == CONF_DOORBELL_INPUTS
    )
    choices = result["data_schema"].schema[field].config["options"]
    assert [choice["value"] for choice in choices] == ["1", "2"]
    chosen = {**DEFAULT_OPTIONS, CONF_DOORBELL_INPUTS: ["2"]}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], chosen
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_DOORBELL_INPUTS] == ["2"]
    assert entry.state is ConfigEntryState.LOADED
    reloaded = entry.runtime_data
    assert reloaded is not runtime

    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], chosen)
    await hass.async_block_till_done()
    assert entry.runtime_data is reloaded


async def test_options_flow_without_a_loaded_entry_offers_no_doorbells(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An entry that is not loaded has no inputs to choose from and is not reloaded."""
    entry = await setup(simulator)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert CONF_DOORBELL_INPUTS not in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], dict(DEFAULT_OPTIONS)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_options_flow_clip_options(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """Codec and retention are saved; a changed lookback reloads, the same does not.

    A video server has a lookback per source.
    """
    sim = await simulator_factory(sources=4)
    entry = await setup(sim)
    runtime = entry.runtime_data
    result = await hass.config_entries.options.async_init(entry.entry_id)
    fields = [str(key) for key in result["data_schema"].schema]
    assert [field for field in fields if field.startswith("lookback_")] == [
        "lookback_1",
        "lookback_2",
        "lookback_3",
        "lookback_4",
    ]
    clips = {**DEFAULT_OPTIONS, "clip_codec": "mjpeg", "clip_retention_days": 3}
    result = await hass.config_entries.options.async_configure(result["flow_id"], clips)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == clips
    assert entry.runtime_data is runtime

    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {**clips, "lookback_3": 5}
    )
    await hass.async_block_till_done()
    assert entry.options["lookback_3"] == 5
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not runtime
    # The reloaded entry's hub keeps 5 s of source 3, and nothing of the others.
    hub = entry.runtime_data.live_streams
    assert hub is not None
    assert hub is not runtime.live_streams
    rings = {source: hub.stream(source).lookback for source in range(1, 5)}
    assert rings[3] is not None
    assert rings[3].seconds == 5
    assert [rings[source] for source in (1, 2, 4)] == [None, None, None]

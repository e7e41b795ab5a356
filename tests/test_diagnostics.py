"""Diagnostics: redacted, with the coordinator and push state."""

from __future__ import annotations

import json
from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.cgi_camera.api import CameraConnectionError
from custom_components.cgi_camera.diagnostics import _jsonable
from custom_components.cgi_camera.redact import REDACTED
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, wait_for_inputs

OUTPUT_1 = "switch.cgi_camera_output_1"


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup: SetupIntegration,
    snapshot: SnapshotAssertion,
) -> None:
    """No password, user or secret parameter leaks; the state is there."""
    entry = await setup(simulator)
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert "pass" not in set(result["entry"]["data"].values())
    for name, value in result["parameters"].items():
        if any(word in name.lower() for word in ("password", "passwd", "secret")):
            assert value in ("**REDACTED**", ""), name
    assert "Network.PPPoE.Password" in result["parameters"]
    push = result["coordinator"]["push"]
    assert push["connected"] is True
    assert push["reconnect_count"] == 0
    # The log's lines carry the simulator's clock: checked, not snapshotted.
    log = result["system_log"]["lines"]
    assert log[0].endswith("**REDACTED** System started")
    assert result == snapshot(
        exclude=props("connected_since", "port", "events", "system_log")
    )


async def test_diagnostics_without_parameters(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup: SetupIntegration,
) -> None:
    """If the device does not answer, diagnostics still come, without the tree."""
    entry = await setup(simulator)
    with patch(
        "custom_components.cgi_camera.api.ParamsApi.list",
        side_effect=CameraConnectionError("refused"),
    ):
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert result["parameters"] == {"error": "CameraConnectionError"}
    assert "lines" in result["system_log"]
    assert result["device"]["mac"] == "**REDACTED**"


async def test_diagnostics_show_no_address_host_name_or_user_name(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    """An error text holding the address, the parameters, the names: all redacted.

    The input monitor is cut and sent elsewhere by a redirect, so its error
    text names the device's address ("to another origin (http://<host>:9)");
    the device answers again when the diagnostics are taken, so the
    parameter tree (addresses, host name) is in them too.
    """
    sim = await simulator_factory(username="camadmin")
    entry = await setup(
        sim,
        platforms=[Platform.SWITCH, Platform.BINARY_SENSOR],
        data={"username": "camadmin"},
    )
    coordinator = entry.runtime_data.coordinator
    push = coordinator.push
    # Reconnect at once until the error names the address, then not again.
    coordinator.backoff = lambda attempt: (
        3600.0 if sim.host in (push.last_error or "") else 0.0
    )
    sim.faults.redirect_next(f"http://{sim.host}:9/moved", n=20)
    sim.faults.cut_streams("io")
    await wait_for_inputs(coordinator, lambda: sim.host in (push.last_error or ""))
    sim.faults.clear()

    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = json.dumps(result).lower()
    for word in (sim.host, sim.config.hostname, "camadmin"):
        assert word.lower() not in text, word
    for address in ("192.168.0.90", "192.168.0.1", "192.168.0.255"):
        assert address not in text
    assert REDACTED in result["coordinator"]["push"]["last_error"]
    assert result["entry"]["title"] == REDACTED  # the device's host name
    assert result["parameters"]["Network.IPAddress"] == REDACTED
    assert result["parameters"]["Brand.ProdNbr"] == "CGI-211"  # the rest is kept


async def test_diagnostics_system_log(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup: SetupIntegration,
) -> None:
    """The last 500 log lines, user names and addresses redacted; or its error."""
    entry = await setup(simulator)
    simulator.state.users.add("joe", "x1y2z3", "axuser", ("axview",), "")
    for number in range(600):
        simulator.state.add_log(f"Account joe: login {number} from 10.1.2.3")
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    lines = result["system_log"]["lines"]
    assert len(lines) == 500
    assert lines[-1].endswith("Account **REDACTED**: login 599 from **REDACTED**")
    text = json.dumps(result["system_log"])
    assert "joe" not in text
    assert "10.1.2.3" not in text
    with patch(
        "custom_components.cgi_camera.api.SystemApi.log",
        side_effect=CameraConnectionError("refused"),
    ):
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert result["system_log"] == {"error": "CameraConnectionError"}


def test_values_become_json_types() -> None:
    """Sets, tuples and mappings become sorted lists, lists and string-keyed dicts."""
    assert _jsonable({1: (frozenset({3, 2}), [4])}) == {"1": [[2, 3], [4]]}

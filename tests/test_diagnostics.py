"""Diagnostics: redacted, with the coordinator and push state."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.cgi_camera.api import CameraConnectionError
from simulator import Simulator
from tests.helpers import SetupIntegration


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
    assert result == snapshot(exclude=props("connected_since", "port", "events"))


async def test_diagnostics_without_parameters(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup: SetupIntegration,
) -> None:
    """If the device does not answer, diagnostics still come, without the tree."""
    entry = await setup(simulator)
    with patch(
        "custom_components.cgi_camera.api.CameraClient.list_params",
        side_effect=CameraConnectionError("refused"),
    ):
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert result["parameters"] == {"error": "CameraConnectionError"}
    assert result["device"]["mac"] == "**REDACTED**"

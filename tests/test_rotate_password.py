"""rotate_password: a new password for the integration's own account."""

from __future__ import annotations

import asyncio
import contextvars
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.api import CameraConnectionError
from custom_components.cgi_camera.api.transport import Transport
from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.helpers import SetupIntegration
from tests.secret_guard import SecretGuard

OUTPUT_1 = "switch.cgi_camera_output_1"
API = "custom_components.cgi_camera.api"


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration, tmp_path: Path
) -> MockConfigEntry:
    """A camera, set up (with its input monitor stream open)."""
    hass.config.config_dir = str(tmp_path)
    return await setup(simulator)


async def rotate(
    hass: HomeAssistant, entry: MockConfigEntry, *, response: bool = False, **data: Any
) -> Any:
    """Call rotate_password on the entry."""
    return await hass.services.async_call(
        DOMAIN,
        "rotate_password",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=response,
    )


def device_password(sim: Simulator, entry: MockConfigEntry) -> str:
    """The password the device has for the integration's account."""
    return sim.state.users.accounts[entry.data[CONF_USERNAME]].password


async def test_generated_and_returned(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    no_secret_leaks: SecretGuard,
) -> None:
    """24 letters and digits, set, verified, stored; no reload, no reauth.

    The response is the one place the password may appear (asked for): the
    secret guard is told so; logs and everything else are still checked.
    """
    runtime = entry.runtime_data
    old = entry.data[CONF_PASSWORD]
    result = await rotate(hass, entry, response=True, return_password=True)
    new = result["password"]
    expected = ("response of action ('cgi_camera', 'rotate_password')", repr(result))
    no_secret_leaks.texts.remove(expected)
    assert len(new) == 24
    assert new.isalnum()
    assert new.isascii()
    assert new != old
    assert device_password(simulator, entry) == new
    assert entry.data[CONF_PASSWORD] == new
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is runtime  # not reloaded
    await runtime.coordinator.async_refresh()
    assert runtime.coordinator.last_update_success
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_given_password_is_not_returned(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A given password is set; the response is empty; asking for it is refused."""
    assert await rotate(hass, entry, response=True, password="Abcdefgh1234") == {}
    assert device_password(simulator, entry) == "Abcdefgh1234"
    assert entry.data[CONF_PASSWORD] == "Abcdefgh1234"
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError) as err:
        await rotate(hass, entry, password="Zyxwvuts9876", return_password=True)
    assert err.value.translation_key == "password_not_returned"
    with pytest.raises(ServiceValidationError) as err:
        await rotate(hass, entry, password="Abcdefgh1234")
    assert err.value.translation_key == "password_unchanged"
    assert simulator.counters.total_requests == before
    # Without return_password, a generated password is not in the response.
    assert await rotate(hass, entry, response=True) == {}
    assert entry.data[CONF_PASSWORD] == device_password(simulator, entry)


async def test_refused_keeps_the_old_password(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The device refuses: a translated error; the old password still works."""
    old = entry.data[CONF_PASSWORD]
    simulator.faults.error_next("/pwdgrp.cgi", text="# Request failed: not allowed")
    with pytest.raises(HomeAssistantError) as err:
        await rotate(hass, entry)
    assert err.value.translation_key == "rotate_password_refused"
    assert device_password(simulator, entry) == old
    assert entry.data[CONF_PASSWORD] == old
    await entry.runtime_data.coordinator.async_refresh()
    assert entry.runtime_data.coordinator.last_update_success
    simulator.faults.status_next(403)
    with pytest.raises(HomeAssistantError) as err:
        await rotate(hass, entry)
    assert err.value.translation_key.startswith("action_forbidden_")
    assert device_password(simulator, entry) == old


async def test_unverified_keeps_the_entry(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The check request fails: the entry keeps the old password, and says so."""
    old = entry.data[CONF_PASSWORD]
    with (
        patch(f"{API}.SystemApi.ping", side_effect=CameraConnectionError("away")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await rotate(hass, entry)
    assert err.value.translation_key == "rotate_password_unverified"
    assert entry.data[CONF_PASSWORD] == old


async def test_no_request_fails_in_the_window(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A poll refused (401) while the password changes waits and succeeds.

    The input monitor stream stays open throughout, and the next poll works.
    """
    coordinator = entry.runtime_data.coordinator
    client = entry.runtime_data.client
    assert simulator.counters.open_connections["io"] == 1
    waiting = asyncio.Event()
    polls: list[asyncio.Task[None]] = []
    wait_for_credentials = Transport._wait_for_credentials

    async def spy(self: Transport) -> bool:
        waited = wait_for_credentials(self)
        if self._credentials_changed is not None:
            waiting.set()
        return await waited

    real_update = client.users.update

    async def update_then_poll(*args: Any, **kwargs: Any) -> None:
        await real_update(*args, **kwargs)
        # A poll of its own task (as Home Assistant's timer starts it), signed
        # with the old password, reaches the device after the change.
        polls.append(
            hass.loop.create_task(
                coordinator.async_refresh(), context=contextvars.Context()
            )
        )
        await waiting.wait()

    with (
        patch.object(Transport, "_wait_for_credentials", spy),
        patch.object(client.users, "update", update_then_poll),
    ):
        await rotate(hass, entry)
    await polls[0]
    assert coordinator.last_update_success
    assert simulator.counters.open_connections["io"] == 1
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    await coordinator.async_refresh()  # a poll right after
    assert coordinator.last_update_success
    assert hass.states.get(OUTPUT_1).state == STATE_OFF
    assert entry.data[CONF_PASSWORD] == device_password(simulator, entry)


@pytest.mark.parametrize(
    "data",
    [
        {"password": "short1"},
        {"password": "x" * 65},
        {"password": "has space 123"},
        {"password": "umlaut\u00e4\u00e4\u00e4\u00e4"},
        {"password": "a&b=c%20def"},
        {"password": 12345678},
        {"return_password": "perhaps"},
    ],
)
async def test_invalid_values(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    data: dict[str, Any],
) -> None:
    """Wrong values: translated ServiceValidationError, no request, no echo."""
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError) as err:
        await rotate(hass, entry, **data)
    assert err.value.translation_key == "invalid_argument"
    assert simulator.counters.total_requests == before
    if isinstance(data.get("password"), str):
        assert data["password"] not in str(err.value.translation_placeholders)


async def test_two_rotations_at_once(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """One after the other: the entry ends with the device's password."""
    await asyncio.gather(rotate(hass, entry), rotate(hass, entry))
    assert entry.data[CONF_PASSWORD] == device_password(simulator, entry)
    await entry.runtime_data.coordinator.async_refresh()
    assert entry.runtime_data.coordinator.last_update_success

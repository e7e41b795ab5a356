"""Helpers for the integration's tests (no sleeping: everything awaits events)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import Enum
import gc
from pathlib import Path
from types import AsyncGeneratorType, CoroutineType, FrameType
from typing import Any
from unittest.mock import patch

from aiohttp import ClientResponse
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.api import (
    CameraConnectionError,
    MultipartStreamReader,
)
from custom_components.cgi_camera.camera import BOUNDARY
from custom_components.cgi_camera.const import (
    DEFAULT_OPTIONS,
    DOMAIN,
    SCAN_INTERVAL_SECONDS,
)
from custom_components.cgi_camera.coordinator import CgiCameraCoordinator
from simulator import Simulator

type SetupIntegration = Callable[..., Awaitable[MockConfigEntry]]

STREAM_URL = "/api/camera_proxy_stream/{}"

WAIT_TIMEOUT = 15.0
# Seconds to fire so that the next poll runs.
POLL_SECONDS = SCAN_INTERVAL_SECONDS + 1


def entity_object(hass: HomeAssistant, entity_id: str) -> Entity:
    """Return the integration's entity object of ``entity_id``."""
    domain = entity_id.split(".", 1)[0]
    return hass.data[DATA_DOMAIN_PLATFORM_ENTITIES][(domain, DOMAIN)][entity_id]


def entry_data(sim: Simulator, **overrides: Any) -> dict[str, Any]:
    """Return config entry data pointing at ``sim``."""
    return {
        CONF_HOST: sim.host,
        CONF_PORT: sim.port,
        "https": False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: "root",
        CONF_PASSWORD: "pass",
        **overrides,
    }


def sim_mac(sim: Simulator) -> str:
    """Return the simulator's MAC in the integration's normalised form."""
    return sim.config.mac.lower()


async def setup_integration(
    hass: HomeAssistant,
    sim: Simulator,
    *,
    platforms: list[Platform] | None = None,
    options: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    wait_inputs: bool = True,
) -> MockConfigEntry:
    """Add and set up an entry for ``sim``; optionally only some platforms."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="cgi-camera",
        unique_id=sim_mac(sim),
        data=entry_data(sim, **(data or {})),
        options={**DEFAULT_OPTIONS, **(options or {})},
    )
    entry.add_to_hass(hass)
    if platforms is None:
        await hass.config_entries.async_setup(entry.entry_id)
    else:
        with patch("custom_components.cgi_camera.PLATFORMS", platforms):
            await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if wait_inputs and entry.state is ConfigEntryState.LOADED:
        coordinator = entry.runtime_data.coordinator
        if coordinator.channels:
            # Every monitor connected and resynced: no resync request is left
            # in flight to take a fault a test injects next.
            await wait_for_inputs(
                coordinator,
                lambda: all(
                    channel.state.connected for channel in coordinator.channels
                ),
            )
    return entry


async def wait_for_state(
    hass: HomeAssistant,
    entity_id: str,
    expected: str | Callable[[State], bool],
    limit: float = WAIT_TIMEOUT,
) -> State:
    """Wait (on state-change events, not sleeps) until the state matches."""

    def matches() -> State | None:
        state = hass.states.get(entity_id)
        if state is None:
            return None
        ok = state.state == expected if isinstance(expected, str) else expected(state)
        return state if ok else None

    if (state := matches()) is not None:
        return state
    done = asyncio.Event()

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        if matches() is not None:
            done.set()

    unsub = async_track_state_change_event(hass, [entity_id], _changed)
    try:
        async with asyncio.timeout(limit):
            await done.wait()
    except TimeoutError:
        raise AssertionError(
            f"{entity_id} never matched {expected!r}; now {hass.states.get(entity_id)}"
        ) from None
    finally:
        unsub()
    state = matches()
    assert state is not None
    return state


async def wait_for_inputs(
    coordinator: CgiCameraCoordinator,
    condition: Callable[[], bool],
    limit: float = WAIT_TIMEOUT,
) -> None:
    """Wait until ``condition()`` holds after an input notification.

    The coordinator notifies input listeners on every event, resync and
    stream loss: this awaits those notifications instead of sleeping.
    """
    if condition():
        return
    done = asyncio.Event()

    @callback
    def _update() -> None:
        if condition():
            done.set()

    unsub = coordinator.async_add_input_listener(_update)
    try:
        async with asyncio.timeout(limit):
            await done.wait()
    finally:
        unsub()


def fire_time(hass: HomeAssistant, seconds: float) -> None:
    """Move Home Assistant's timers ``seconds`` ahead (backoff, polling)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))


async def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry_id: str,
    domain: str,
) -> None:
    """Snapshot one platform's entities in a form stable across HA versions.

    snapshot_platform() serialises the whole registry entry, whose fields
    change between Home Assistant releases (2025.4 vs 2026.x), so the same
    snapshot cannot pass on both; this keeps what the integration decides.
    """
    entries = [
        entry
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry_id)
        if entry.domain == domain
    ]
    assert entries
    for entry in sorted(entries, key=lambda item: item.entity_id):
        assert entry.disabled_by is None, "enable every entity"
        state = hass.states.get(entry.entity_id)
        assert state is not None, entry.entity_id
        attributes = _without_access_token(dict(state.attributes))
        assert _plain(
            {
                "unique_id": entry.unique_id,
                "translation_key": entry.translation_key,
                "original_name": entry.original_name,
                "original_device_class": entry.original_device_class,
                "entity_category": entry.entity_category,
                "capabilities": entry.capabilities,
                "unit_of_measurement": entry.unit_of_measurement,
                "state": state.state,
                "attributes": attributes,
            }
        ) == snapshot(name=entry.entity_id)


ACCESS_TOKEN = "<access token>"


def _without_access_token(attributes: dict[str, Any]) -> dict[str, Any]:
    """A camera's attributes with its random access token as ACCESS_TOKEN.

    The token is a fresh random number; it must be there, and the picture's
    URL carries it.
    """
    token = attributes.get("access_token")
    if token is None:
        return attributes
    assert isinstance(token, str)
    assert token
    assert f"token={token}" in attributes["entity_picture"]
    return {
        name: value.replace(token, ACCESS_TOKEN) if isinstance(value, str) else value
        for name, value in attributes.items()
    }


def _plain(value: Any) -> Any:
    """Return ``value`` with enums (keys too) as their plain values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


_OURS = str(Path(__file__).parent.parent / "custom_components" / "cgi_camera")


def _ours(obj: object) -> str | None:
    """Name ``obj`` if it is the integration's (an instance, frame or coroutine)."""
    kind = type(obj)
    if kind.__module__.startswith("custom_components.cgi_camera"):
        return kind.__qualname__
    if isinstance(obj, FrameType):
        code = obj.f_code
    elif isinstance(obj, CoroutineType):
        code = obj.cr_code
    elif isinstance(obj, AsyncGeneratorType):
        code = obj.ag_code
    else:
        return None
    if code.co_filename.startswith(_OURS):
        return f"{kind.__name__} {code.co_qualname}"
    return None


@contextmanager
def no_cycle_garbage_of_ours() -> Iterator[None]:
    """Fail if the block leaves the integration's objects in reference cycles.

    Such garbage waits for Python's next full collection, which can be an
    hour away on a busy Home Assistant: its buffers show as growing memory.
    The collector is off in the block; afterwards one collection that keeps
    what it finds (``DEBUG_SAVEALL``) tells what only a collection would free.
    """
    gc.collect()
    gc.disable()
    try:
        yield
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        ours = sorted(filter(None, map(_ours, gc.garbage)))
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.enable()
    assert not ours, f"left in reference cycles: {ours}"


class Viewer:
    """An HTTP client of the camera's MJPEG stream."""

    def __init__(self, response: ClientResponse) -> None:
        self.response = response
        self.reader = MultipartStreamReader(
            response.content.iter_any(), BOUNDARY, max_part_bytes=4 * 1024 * 1024
        )

    async def frame(self) -> bytes | None:
        """Return the next frame, None when the stream ended."""
        async with asyncio.timeout(WAIT_TIMEOUT):
            part = await self.reader.next_part()
        if part is None:
            return None
        assert part.headers["content-type"] == "image/jpeg"
        assert int(part.headers["content-length"]) == len(part.body)
        return part.body

    async def frames(self, count: int) -> list[bytes]:
        """Read ``count`` frames."""
        result = []
        for _ in range(count):
            frame = await self.frame()
            assert frame is not None
            result.append(frame)
        return result

    async def ended(self) -> None:
        """Read until the server ends the stream (closing boundary or EOF)."""
        async with asyncio.timeout(WAIT_TIMEOUT):
            try:
                while await self.reader.next_part() is not None:
                    pass
            except CameraConnectionError:
                pass  # Cut without a closing boundary: also an end.

    def close(self) -> None:
        """Leave."""
        self.response.close()


RESPONSE_ACTIONS = frozenset(
    {"get_parameters", "get_system_log", "ip_filter_list", "list_motion_windows"}
)
"""Device actions that only answer (called with return_response)."""


async def call_device_action(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: str,
    context: Context | None = None,
    response: bool | None = None,
    **data: Any,
) -> Any:
    """Call the device action ``service`` on ``entry`` (its response, if any).

    ``response``: ask for the response of an action that answers optionally
    (default: only of those that only answer, RESPONSE_ACTIONS).
    """
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=service in RESPONSE_ACTIONS if response is None else response,
        context=context,
    )

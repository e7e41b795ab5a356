"""Measure event-loop lag inside Home Assistant for the benchmarks.

A timer asks to run every 10 ms and records how late it ran. The websocket
command `bench_probe/lag` returns the samples since the last call and clears them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components import websocket_api
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

DOMAIN = "bench_probe"
INTERVAL = 0.01


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start sampling and register the websocket command."""
    samples: list[float] = []
    loop = asyncio.get_running_loop()
    handle: asyncio.TimerHandle | None = None

    def tick(expected: float) -> None:
        nonlocal handle
        samples.append(max(0.0, loop.time() - expected))
        handle = loop.call_at(loop.time() + INTERVAL, tick, loop.time() + INTERVAL)

    handle = loop.call_at(loop.time() + INTERVAL, tick, loop.time() + INTERVAL)

    @callback
    def stop(event: Event) -> None:
        if handle:
            handle.cancel()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)

    @websocket_api.websocket_command({vol.Required("type"): "bench_probe/lag"})
    @callback
    def ws_lag(
        hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: Any
    ) -> None:
        connection.send_result(msg["id"], {"lag": list(samples)})
        samples.clear()

    websocket_api.async_register_command(hass, ws_lag)
    return True

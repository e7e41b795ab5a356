"""Helpers of the fault matrix: log checks and driving time until recovery."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.core import HomeAssistant
import pytest

from custom_components.cgi_camera.const import DOMAIN
from tests.helpers import fire_time, wait_for_state

INPUT_1 = "binary_sensor.cgi_camera_input_1"
INPUT_2 = "binary_sensor.cgi_camera_input_2"
OUTPUT_1 = "switch.cgi_camera_output_1"
OUTPUT_2 = "switch.cgi_camera_output_2"
CAMERA = "camera.cgi_camera"
OURS = "custom_components.cgi_camera"
# The backoff cap (60 s) plus a margin: one step of simulated time after
# which a device that is back must be in use again.
CAP_STEP = 61.0


class LogCheck:
    """What the log may hold around one fault."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        """Capture everything from here on."""
        self.caplog = caplog
        caplog.set_level(logging.DEBUG, logger=OURS)
        caplog.clear()

    def _ours(self) -> list[logging.LogRecord]:
        return [r for r in self.caplog.records if r.name.startswith(OURS)]

    def unavailable_lines(self) -> list[str]:
        """The integration's WARNING+ lines (the coordinator's "unavailable")."""
        return [r.getMessage() for r in self._ours() if r.levelno >= logging.WARNING]

    def back_lines(self) -> list[str]:
        """The integration's "back" lines."""
        return [r.getMessage() for r in self._ours() if "recovered" in r.getMessage()]

    def assert_clean(self) -> None:
        """No traceback and no unhandled task exception anywhere in the log."""
        for record in self.caplog.records:
            message = record.getMessage()
            where = f"{record.name}: {message}"
            assert "Task exception was never retrieved" not in message, where
            assert "Traceback" not in message, where
            assert "Error doing job" not in message, where
            assert "Unexpected error" not in message, where
            if record.levelno >= logging.WARNING:
                assert record.exc_info is None, where
                assert record.exc_text is None, where

    def assert_once(self, *, away: bool) -> None:
        """One "unavailable" and one "back" line when the device was away.

        A fault that leaves the device reachable (only one stream broken,
        reconnected at once) logs neither.
        """
        self.assert_clean()
        expected = 1 if away else 0
        lost, back = self.unavailable_lines(), self.back_lines()
        assert len(lost) == expected, lost
        assert len(back) == expected, back


# Background tasks that live as long as the entry (never "settle").
LONG_LIVED = ("input monitor", "relay monitor", "I/O monitor")
SETTLE_LIMIT = 10.0


def _push_idle(hass: HomeAssistant) -> bool:
    """Whether every input monitor waits (backoff, open stream or reauth).

    This reads the coordinator's private state: nothing public tells a
    monitor waiting out its backoff from one whose connect is in flight (the
    device sees neither), and only the latter must be waited for.
    """
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        for channel in entry.runtime_data.coordinator.channels:
            waiting = bool(channel.wake._waiters)
            streaming = channel.stream_open != 0
            if not (waiting or streaming or channel.state.auth_failed):
                return False
    return True


async def settle(hass: HomeAssistant) -> None:
    """Yield until no request of ours is in flight.

    Moving the timers while a request is in flight would fire its timeout:
    the request would fail for the test's sake, not the device's. This only
    yields to the loop (``sleep(0)``) until polls, resyncs and reconnect
    attempts are done; it never waits for a state. The integration's tasks
    are found by their names (every one starts with the domain).
    """
    async with asyncio.timeout(SETTLE_LIMIT):
        while True:
            await hass.async_block_till_done()
            busy = [
                task
                for task in asyncio.all_tasks()
                if task.get_name().startswith(f"{DOMAIN} ")
                and not task.done()
                and not task.get_name().endswith(LONG_LIVED)
            ]
            if not busy and _push_idle(hass):
                return
            await asyncio.sleep(0)


async def step(
    hass: HomeAssistant, seconds: float = CAP_STEP, *, hanging: bool = False
) -> None:
    """Let pending work settle, then move the timers ``seconds`` ahead.

    ``hanging``: requests wait for a device that never answers; moving the
    timers is what ends them (their timeouts), so do not wait for them.
    """
    if hanging:
        # Not even async_block_till_done: it would wait for the hung poll.
        fire_time(hass, seconds)
        for _ in range(10):
            await asyncio.sleep(0)
        return
    await settle(hass)
    fire_time(hass, seconds)
    await settle(hass)


async def recover(
    hass: HomeAssistant, expected: dict[str, str], *, steps: int = 2
) -> int:
    """Drive time in backoff-cap steps until every entity shows ``expected``.

    Returns how many steps it took; fails after ``steps``.
    """
    for done in range(1, steps + 1):
        await step(hass)
        try:
            for entity_id, state in expected.items():
                await wait_for_state(hass, entity_id, state, limit=3.0)
        except AssertionError:
            if done == steps:
                raise
            continue
        return done
    raise AssertionError("unreachable")  # pragma: no cover

"""Clock drift repair issue and its fix flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from unittest.mock import patch

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval as track
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest

from custom_components.cgi_camera.api import CameraConnectionError
from custom_components.cgi_camera.api.parsers_text import parse_time_zone
from custom_components.cgi_camera.const import DOMAIN
from custom_components.cgi_camera.repairs import (
    ClockDriftRepairFlow,
    async_create_fix_flow,
    clock_drift,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration

REPAIRS = "custom_components.cgi_camera.repairs"


def _issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"clock_drift_{entry_id}")


async def _fix(hass: HomeAssistant, entry_id: str) -> dict:
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(
        DOMAIN, data={"issue_id": f"clock_drift_{entry_id}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    return await manager.async_configure(result["flow_id"], {})


async def test_clock_issue_and_fix(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A device clock 10 minutes off raises the issue; the fix flow syncs it."""
    simulator.set_clock_offset(600)
    entry = await setup(simulator)
    issue = _issue(hass, entry.entry_id)
    assert issue is not None
    assert issue.is_fixable
    assert 598 <= int(issue.translation_placeholders["drift"]) <= 602
    result = await _fix(hass, entry.entry_id)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _issue(hass, entry.entry_id) is None
    assert abs(simulator.state.now() - dt_util.utcnow()) < timedelta(seconds=5)


async def test_fix_flow_failure(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The device refuses the new time: the form shows an error."""
    simulator.set_clock_offset(-300)
    entry = await setup(simulator)
    simulator.faults.status_next(500)
    result = await _fix(hass, entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "sync_failed"}
    assert _issue(hass, entry.entry_id) is not None


async def test_clock_checked_hourly(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """No issue while in time; the hourly check notices drift and recovery."""
    checks = []

    def spy(hass_: HomeAssistant, action, interval, **kwargs):
        checks.append((action, interval))
        return track(hass_, action, interval, **kwargs)

    with patch(f"{REPAIRS}.async_track_time_interval", spy):
        entry = await setup(simulator)
    assert _issue(hass, entry.entry_id) is None
    check, interval = checks[0]
    assert interval == timedelta(hours=1)
    simulator.set_clock_offset(120)
    check(dt_util.utcnow())
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is not None
    simulator.set_clock_offset(30)
    check(dt_util.utcnow())
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is None
    # The device does not answer: nothing changes.
    simulator.set_clock_offset(120)
    with patch.object(
        entry.runtime_data.client.system,
        "get_date",
        side_effect=CameraConnectionError("x"),
    ):
        check(dt_util.utcnow())
        await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is None


async def test_issue_removed_on_unload(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Unloading the entry removes its issue; the flow then aborts."""
    simulator.set_clock_offset(600)
    entry = await setup(simulator)
    assert _issue(hass, entry.entry_id) is not None
    await hass.config_entries.async_unload(entry.entry_id)
    assert _issue(hass, entry.entry_id) is None
    flow = await async_create_fix_flow(
        hass, f"clock_drift_{entry.entry_id}", {"entry_id": entry.entry_id}
    )
    assert isinstance(flow, ClockDriftRepairFlow)
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GMT", timedelta(0)),
        ("UTC", timedelta(0)),
        ("GMT+1", timedelta(hours=1)),
        ("GMT-05:30", timedelta(hours=-5, minutes=-30)),
        ("utc +0200", timedelta(hours=2)),
        ("CET-1CEST", None),
        (None, None),
    ],
)
def test_parse_time_zone(value: str | None, expected: timedelta | None) -> None:
    """Time zone parameters the check understands."""
    assert parse_time_zone(value) == expected


def test_clock_drift_any_zone() -> None:
    """A naive device time: the smallest difference with UTC or HA's zone."""
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    local = datetime(2025, 1, 1, 13, 0, 30)
    with patch(f"{REPAIRS}.dt_util.now", return_value=now):
        assert clock_drift(local, now) == timedelta(hours=1, seconds=30)
    berlin = now.astimezone(timezone(timedelta(hours=1)))
    with patch(f"{REPAIRS}.dt_util.now", return_value=berlin):
        assert clock_drift(local, now) == timedelta(seconds=30)
    aware = datetime(2025, 1, 1, 13, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert clock_drift(aware, now) == timedelta(seconds=30)


async def test_clock_checked_without_a_time_zone_parameter(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A device without ``Time.TimeZone`` (not in the spec) is checked all the same."""
    sim = await simulator_factory(param_tree="minimal")
    sim.set_clock_offset(600)
    entry = await setup(sim)
    issue = _issue(hass, entry.entry_id)
    assert issue is not None
    assert 598 <= int(issue.translation_placeholders["drift"]) <= 602

"""Clock drift repair: the device clock differs from Home Assistant's.

The clock is read at setup and then once an hour (one ``date.cgi`` request;
the client reads the device's time zone hint once, and does without it).
When it differs by more than a minute a fixable issue appears; its fix flow
sets the device clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, cast

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .action_support import camera_error
from .api import CameraError
from .const import DOMAIN

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

CLOCK_CHECK_INTERVAL = timedelta(hours=1)
MAX_CLOCK_DRIFT = timedelta(minutes=1)


def issue_id(entry: CgiCameraConfigEntry) -> str:
    """Return the clock issue id of an entry."""
    return f"clock_drift_{entry.entry_id}"


def clock_drift(device_time: datetime, now: datetime) -> timedelta:
    """Return how far the device clock is from Home Assistant's.

    An aware ``device_time`` (the device's zone is known) is compared as it
    is.  A naive one is the device's local time in an unknown zone: the
    smallest difference with UTC or Home Assistant's own zone counts.
    """
    if device_time.tzinfo is not None:
        return abs(device_time - now)
    naive_utc = now.astimezone(dt_util.UTC).replace(tzinfo=None)
    offsets = {timedelta(0), dt_util.now().utcoffset() or timedelta(0)}
    return min(abs(device_time - (naive_utc + offset)) for offset in offsets)


class ClockChecker:
    """Reads the device clock rarely and keeps the issue in step."""

    def __init__(self, hass: HomeAssistant, entry: CgiCameraConfigEntry) -> None:
        """Initialise the checker of ``entry``."""
        self.hass = hass
        self.entry = entry

    async def async_check(self, _now: datetime | None = None) -> None:
        """Read the clock; raise or clear the issue.

        A device that does not answer is checked again at the next hour;
        the coordinator already reports it unavailable.
        """
        try:
            device_time = await self.entry.runtime_data.client.system.get_date()
        except CameraError as err:
            _LOGGER.debug("Cannot read the clock of %s: %s", self.entry.title, err)
            return
        drift = clock_drift(device_time, dt_util.utcnow())
        if drift <= MAX_CLOCK_DRIFT:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id(self.entry))
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(self.entry),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="clock_drift",
            translation_placeholders={
                "name": self.entry.title,
                "drift": str(round(drift.total_seconds())),
            },
            data={"entry_id": self.entry.entry_id},
        )


@callback
def async_start_clock_check(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> None:
    """Check the clock now and every hour, for as long as the entry is loaded."""
    checker = ClockChecker(hass, entry)

    @callback
    def check(_now: datetime | None = None) -> None:
        # A task of the entry: one still running at unload cannot bring the
        # issue back after it was deleted.
        entry.async_create_task(hass, checker.async_check(), f"{DOMAIN} clock check")

    check()
    entry.async_on_unload(
        async_track_time_interval(
            hass, check, CLOCK_CHECK_INTERVAL, cancel_on_shutdown=True
        )
    )
    entry.async_on_unload(lambda: ir.async_delete_issue(hass, DOMAIN, issue_id(entry)))


async def async_sync_time(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> None:
    """Set the device clock from Home Assistant's, in GMT; clear the issue."""
    try:
        await entry.runtime_data.client.system.set_date(dt_util.utcnow(), gmt=True)
    except CameraError as err:
        raise camera_error(err, "sync_time_failed") from err
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))


class ClockDriftRepairFlow(RepairsFlow):
    """Set the device clock from Home Assistant's."""

    def __init__(self, entry_id: str) -> None:
        """Initialise the flow for one entry."""
        self.entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Ask, then sync the clock."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        entry = cast("CgiCameraConfigEntry", entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await async_sync_time(self.hass, entry)
            except HomeAssistantError:
                errors["base"] = "sync_failed"
            else:
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"name": entry.title},
            errors=errors,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the fix flow of a clock issue."""
    return ClockDriftRepairFlow(str((data or {}).get("entry_id", "")))

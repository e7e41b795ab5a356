"""Delete a device's clips once they are older than the retention option.

Once at start and then daily, the files of the device's clip folder (see
:mod:`.clip_paths`) whose modification time is older than the option's days
go, and so do the day folders they leave empty.  A clip being written has a
hidden temporary name (:func:`.recorder.is_temporary`) and is never pruned.
Clips that a file name template put elsewhere are the user's to manage.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from pathlib import Path
import time
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .clip_paths import CLIP_SUFFIX, device_folder
from .const import CONF_CLIP_RETENTION_DAYS, DEFAULT_CLIP_RETENTION_DAYS, DOMAIN
from .recorder import is_temporary

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

PRUNE_INTERVAL = timedelta(days=1)
SECONDS_PER_DAY = 86400


def prune_clips(folder: Path, days: int, now: float) -> list[Path]:
    """Delete the clips under ``folder`` older than ``days``; return them.

    Blocking: run it in the executor.
    """
    if not folder.is_dir():
        return []
    oldest_kept = now - days * SECONDS_PER_DAY
    removed = []
    for clip in folder.rglob(f"*{CLIP_SUFFIX}"):
        if is_temporary(clip) or not clip.is_file():
            continue
        try:
            if clip.stat().st_mtime < oldest_kept:
                clip.unlink()
                removed.append(clip)
        except OSError as err:
            _LOGGER.warning("Could not remove the old clip %s: %s", clip, err)
    # Deepest first, so that a camera folder whose days went goes too.
    for directory in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return removed


@callback
def async_start_clip_retention(
    hass: HomeAssistant, entry: CgiCameraConfigEntry
) -> None:
    """Prune the entry's clips now and daily, until the entry unloads."""
    folder = device_folder(hass, entry.runtime_data.device.title)

    async def async_prune(_now: datetime | None = None) -> None:
        days = int(
            entry.options.get(CONF_CLIP_RETENTION_DAYS, DEFAULT_CLIP_RETENTION_DAYS)
        )
        removed = await hass.async_add_executor_job(
            prune_clips, folder, days, time.time()
        )
        if removed:
            _LOGGER.debug("Removed %d clips older than %d days", len(removed), days)

    entry.async_on_unload(
        async_track_time_interval(
            hass, async_prune, PRUNE_INTERVAL, name=f"{DOMAIN} clip retention"
        )
    )
    # A short task of the entry (the unload waits for it), not a background one.
    entry.async_create_task(hass, async_prune(), f"{DOMAIN} clip retention")

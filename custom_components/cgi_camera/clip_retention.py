"""Delete a device's clips once they are older than the retention option.

Once at start and then daily, the files of the device's clip folders (see
:mod:`.clip_paths`: one per name the device has had, each ending with its
identity) whose modification time is older than the option's days go, and
so do the day folders they leave empty.  A clip being written has a hidden
temporary name (:func:`.clip_paths.is_temporary`): it goes only when it is
much older than any recording lasts (a crash left it there).  Clips that a
file name template put elsewhere are the user's to manage.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
import logging
from pathlib import Path
import time
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .clip_paths import CLIP_SUFFIX, clip_root, device_folders, is_temporary
from .const import (
    CONF_CLIP_RETENTION_DAYS,
    DEFAULT_CLIP_RETENTION_DAYS,
    DOMAIN,
    MAX_CLIP_SECONDS,
)

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

PRUNE_INTERVAL = timedelta(days=1)
SECONDS_PER_DAY = 86400
# A recording writes its temporary file for MAX_CLIP_SECONDS at most (and a
# little more for its lookback and the finish): one a day older is a crash's.
STALE_TEMPORARY_SECONDS = MAX_CLIP_SECONDS + SECONDS_PER_DAY


def prune_clips(folder: Path, days: int, now: float) -> list[Path]:
    """Delete the clips under ``folder`` older than ``days``; return them.

    Blocking: run it in the executor.
    """
    if not folder.is_dir():
        return []
    oldest_clip = now - days * SECONDS_PER_DAY
    oldest_temporary = now - STALE_TEMPORARY_SECONDS
    removed = []
    for clip in folder.rglob(f"*{CLIP_SUFFIX}"):
        if not clip.is_file():
            continue
        oldest_kept = oldest_temporary if is_temporary(clip) else oldest_clip
        try:
            if clip.stat().st_mtime < oldest_kept:
                clip.unlink()
                removed.append(clip)
        except OSError as err:
            _LOGGER.warning("Could not remove the old clip %s: %s", clip, err)
    # Deepest first, so that a camera folder whose days went goes too.
    for directory in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        # A folder may be refused, or a recording may start in it meanwhile.
        with contextlib.suppress(OSError):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
    return removed


def prune_device_clips(root: Path, identity: str, days: int, now: float) -> list[Path]:
    """Prune every clip folder of one device (see :func:`prune_clips`).

    Blocking: run it in the executor.
    """
    return [
        clip
        for folder in device_folders(root, identity)
        for clip in prune_clips(folder, days, now)
    ]


@callback
def async_start_clip_retention(
    hass: HomeAssistant, entry: CgiCameraConfigEntry
) -> None:
    """Prune the entry's clips now and daily, until the entry unloads."""
    root = clip_root(hass)
    identity = entry.runtime_data.device.unique_id

    async def async_prune(_now: datetime | None = None) -> None:
        days = int(
            entry.options.get(CONF_CLIP_RETENTION_DAYS, DEFAULT_CLIP_RETENTION_DAYS)
        )
        removed = await hass.async_add_executor_job(
            prune_device_clips, root, identity, days, time.time()
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

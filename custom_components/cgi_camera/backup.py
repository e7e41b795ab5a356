"""Save device backups under <config>/cgi_camera/backups, atomically and privately."""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
import re
import tempfile
from typing import BinaryIO

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .api import CameraClient, sanitise_filename
from .const import BACKUP_FOLDER

_DOTS = re.compile(r"\.+")
_MAX_STEM = 80
FOLDER_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class SavedBackup:
    """A backup written to disk."""

    path: Path
    size: int


def backup_folder(hass: HomeAssistant) -> Path:
    """Return the integration's backups folder (not under www/)."""
    return Path(hass.config.path(BACKUP_FOLDER))


def safe_stem(filename: str, fallback: str) -> str:
    """Return a bare, safe file name stem for a name the device suggested.

    The file name is the API's :func:`~.api.sanitise_filename` (no folders,
    only ``A-Za-z0-9._-``); the stem also loses ``.tar`` and every other dot,
    so that ``<stem>_<stamp>.tar`` names only this device's backups.
    """
    name = sanitise_filename(filename, "")
    if name.lower().endswith(".tar"):
        name = name[:-4]
    stem = _DOTS.sub("_", name).strip("_-")[:_MAX_STEM]
    return stem or fallback


def _prepare(folder: Path) -> tuple[BinaryIO, Path]:
    """Create the folder (0700) and a private temporary file inside it."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    folder.parent.chmod(FOLDER_MODE)
    fd, temp = tempfile.mkstemp(prefix=".partial-", suffix=".tar", dir=folder)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb"), Path(temp)


def _finish(
    file: BinaryIO, temp: Path, stem: str, stamp: str, keep: int
) -> SavedBackup:
    """Move the complete file into place and prune old ones of this device."""
    file.flush()
    os.fsync(file.fileno())
    file.close()
    folder = temp.parent
    final = folder / f"{stem}_{stamp}.tar"
    os.replace(temp, final)
    size = final.stat().st_size
    pattern = re.compile(rf"^{re.escape(stem)}_\d{{8}}-\d{{6}}-\d{{6}}\.tar$")
    mine = sorted(p for p in folder.iterdir() if pattern.match(p.name))
    for old in mine[: max(0, len(mine) - keep)]:
        old.unlink(missing_ok=True)
    return SavedBackup(final, size)


def _discard(file: BinaryIO, temp: Path) -> None:
    file.close()
    temp.unlink(missing_ok=True)


async def async_save_backup(
    hass: HomeAssistant, client: CameraClient, *, fallback_stem: str, keep: int
) -> SavedBackup:
    """Stream backup.cgi into the backups folder; keep the newest ``keep``.

    The client yields the chunks; each is written here, in the executor.
    Errors writing the file propagate as they are (``OSError``).
    """
    folder = backup_folder(hass)
    file, temp = await hass.async_add_executor_job(_prepare, folder)
    try:
        async with client.system.backup() as download:
            async for chunk in download:
                await hass.async_add_executor_job(file.write, chunk)
    except BaseException:
        await hass.async_add_executor_job(_discard, file, temp)
        raise
    stem = safe_stem(download.filename, fallback_stem)
    stamp = dt_util.utcnow().strftime("%Y%m%d-%H%M%S-%f")
    return await hass.async_add_executor_job(_finish, file, temp, stem, stamp, keep)

"""Where clips go: the default name, the user's template, and what is allowed.

By default a clip is ``<media>/cgi_camera/<device>/<camera>/<YYYY-MM-DD>/
<HH-MM-SS>.mp4`` in Home Assistant's local media folder, so the media
browser shows the clips by device, camera and day.  ``<device>`` is the
device's name followed by its identity (``front_door_00408c123456``): two
devices of the same name never share a folder, so neither's retention
touches the other's clips.  A template may name any
other file, but only in a media folder or in ``allowlist_external_dirs``.
A clip being written has a hidden temporary name beside its own.
"""

from __future__ import annotations

from datetime import datetime
import errno
import os
from pathlib import Path
import secrets
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers.template import Template
from homeassistant.util import slugify

from .action_support import invalid
from .const import CLIP_FOLDER

CLIP_SUFFIX = ".mp4"


def media_root(hass: HomeAssistant) -> Path:
    """Return Home Assistant's local media folder."""
    media_dirs = hass.config.media_dirs
    folder = media_dirs.get("local") or next(iter(media_dirs.values()), None)
    return Path(folder or hass.config.path("media"))


def clip_root(hass: HomeAssistant) -> Path:
    """Return the folder that holds the clips of every device."""
    return media_root(hass) / CLIP_FOLDER


def identity_suffix(identity: str) -> str:
    """Return the end of a device's folder names: ``_`` and its identity.

    A MAC loses its colons (``_00408c123456``).
    """
    return "_" + slugify(identity.replace(":", ""))


def device_folder(hass: HomeAssistant, device_name: str, identity: str) -> Path:
    """Return the folder of one device's clips: its name, then its identity."""
    name = slugify(device_name) or "camera"
    return clip_root(hass) / (name + identity_suffix(identity))


def device_folders(root: Path, identity: str) -> list[Path]:
    """Return the clip folders of one device, under every name it has had.

    Blocking: run it in the executor.
    """
    if not root.is_dir():
        return []
    suffix = identity_suffix(identity)
    return sorted(
        folder
        for folder in root.iterdir()
        if folder.name.endswith(suffix) and folder.is_dir()
    )


def default_clip_path(
    hass: HomeAssistant, device_name: str, identity: str, camera: str, now: datetime
) -> Path:
    """Return the default file of a clip that starts at ``now`` (local time)."""
    day = now.strftime("%Y-%m-%d")
    folder = device_folder(hass, device_name, identity)
    return folder / camera / day / f"{now:%H-%M-%S}.mp4"


def render_clip_path(template: Template, variables: dict[str, Any]) -> Path:
    """Render the user's file name; a relative one lies in the media folder.

    Raises a translated ServiceValidationError when it does not render.
    """
    try:
        rendered = str(template.async_render(variables, parse_result=False)).strip()
    except TemplateError as err:
        raise invalid("clip_path_invalid", error=str(err)) from err
    if not rendered:
        raise invalid("clip_path_invalid", error="empty")
    path = Path(rendered)
    if path.suffix.lower() != CLIP_SUFFIX:
        path = path.with_name(path.name + CLIP_SUFFIX)
    return path


def temporary_path(path: Path) -> Path:
    """Return a hidden name, unique to one recording, for the clip being written."""
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}")


def is_temporary(path: Path) -> bool:
    """Return whether ``path`` is a clip still being written."""
    return path.name.startswith(".") and ".part" in path.suffixes


def check_clip_path(hass: HomeAssistant, path: Path) -> Path:
    """Return ``path`` made absolute and free; refuse one outside the allowed folders.

    Blocking (it resolves the path): run it in the executor.  An existing
    file is not overwritten: the clip gets a numbered name beside it.  A
    name the file system refuses (a NUL, too long) is refused here, before
    the recording joins the stream.
    """
    if not path.is_absolute():
        path = media_root(hass) / path
    try:
        resolved = path.resolve()
        allowed = [Path(folder).resolve() for folder in hass.config.media_dirs.values()]
        if not hass.config.is_allowed_path(str(resolved)) and not any(
            resolved.is_relative_to(folder) for folder in allowed
        ):
            raise invalid("clip_path_not_allowed", path=str(path))
        return _free_path(resolved)
    except OSError as err:
        raise invalid("clip_path_invalid", error=err.strerror or err) from err
    except ValueError as err:  # a NUL in the name
        raise invalid("clip_path_invalid", error=err) from err


def _free_path(path: Path) -> Path:
    """Return ``path``, or a numbered name beside it if that is taken."""
    candidate, number = path, 1
    while _taken(candidate):
        candidate = path.with_name(f"{path.stem}_{number}{path.suffix}")
        number += 1
    _check_name_lengths(candidate)
    return candidate


def _taken(path: Path) -> bool:
    """Return whether a file (or a dangling link) has this name.

    Unlike ``Path.exists``, whose newer versions answer False for any
    error, a name the system refuses raises OSError or ValueError.
    """
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def _check_name_lengths(path: Path) -> None:
    """Raise OSError when a folder's or the temporary file's name is too long.

    Folders that do not exist yet are created only when the recording
    starts, and the temporary name is the longest one the clip will have.
    """
    existing = next(folder for folder in path.parents if os.path.isdir(folder))
    limit = os.pathconf(existing, "PC_NAME_MAX")
    names = [*path.parent.parts[1:], temporary_path(path).name]
    if 0 < limit < max(len(os.fsencode(name)) for name in names):
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))

"""Parsing of the storage answers (``list.cgi``) with a parser that refuses DTDs.

``xml.etree`` would expand internal entities ("billion laughs"), so the XML is
read with expat directly: any DOCTYPE or entity declaration raises, and
references to undeclared entities are errors in expat anyway.  Only the
elements' names and attributes are needed, so no tree is built.

The spec's own recordings example (5.9.4) ends without ``</root>``: a
document whose only fault is elements left open at its end is read as far as
it goes.  One cut inside a tag, or with anything malformed, still raises.
"""

from __future__ import annotations

from datetime import datetime
import logging
from typing import Any, NoReturn
from xml.parsers import expat

from .errors import CameraResponseError
from .models import Recording, StorageDisk

_LOGGER = logging.getLogger(__name__)

MAX_XML_BYTES = 4 * 1024 * 1024
_NO_ELEMENTS = expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]


class _RefusedError(Exception):
    """A DTD or entity declaration in the answer."""


def _refuse(*_args: Any) -> NoReturn:
    raise _RefusedError


def parse_elements(data: bytes, names: frozenset[str]) -> list[dict[str, str]]:
    """Attributes of every element whose name is in ``names``, in order."""
    if len(data) > MAX_XML_BYTES:
        raise CameraResponseError("the XML answer is too large")
    found: list[dict[str, str]] = []
    depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if name in names:
            found.append(dict(attributes))

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        # the spec's examples indent the XML declaration; expat refuses that
        parser.Parse(data.lstrip(), False)
        parser.Parse(b"", True)
    except _RefusedError:
        raise CameraResponseError("the XML answer declares a DTD or entities") from None
    except expat.ExpatError as err:
        # "no element found" at the very end with elements open: unterminated
        if err.code != _NO_ELEMENTS or depth <= 0:
            raise CameraResponseError(f"malformed XML answer: {err}") from None
        _LOGGER.debug("The XML answer ends with %d element(s) left open", depth)
    except (ValueError, LookupError):  # e.g. an encoding Python cannot decode
        raise CameraResponseError("malformed XML answer") from None
    return found


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise CameraResponseError(f"not a number: {value[:20]!r}") from None


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in ("yes", "true", "1")


def _time(value: str | None) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise CameraResponseError(f"not a time: {value[:40]!r}") from None


def parse_disks(data: bytes) -> tuple[StorageDisk, ...]:
    """``<disk .../>`` elements of ``list.cgi?diskid=...``."""
    disks: list[StorageDisk] = []
    for attributes in parse_elements(data, frozenset({"disk"})):
        disk_id = attributes.get("diskid", "")
        if not disk_id:
            raise CameraResponseError("a disk without diskid")
        disks.append(
            StorageDisk(
                disk_id=disk_id,
                total_kib=_int(attributes.get("totalsize")) or 0,
                free_kib=_int(attributes.get("freesize")) or 0,
                cleanup_level=_int(attributes.get("cleanuplevel")),
                cleanup_max_age=_int(attributes.get("cleanupmaxage")),
                cleanup_policy=attributes.get("cleanuppolicy") or None,
                locked=_yes(attributes.get("locked")),
                full=_yes(attributes.get("full")),
                readonly=_yes(attributes.get("readonly")),
                status=attributes.get("status", ""),
            )
        )
    return tuple(disks)


def parse_recordings(data: bytes) -> tuple[Recording, ...]:
    """``<recording ...>`` elements of ``list.cgi?recordingid=...``."""
    recordings: list[Recording] = []
    for attributes in parse_elements(data, frozenset({"recording"})):
        recording_id = attributes.get("recordingid", "")
        if not recording_id:
            raise CameraResponseError("a recording without recordingid")
        recordings.append(
            Recording(
                recording_id=recording_id,
                disk_id=attributes.get("diskid", ""),
                start_time=_time(attributes.get("starttime")),
                stop_time=_time(attributes.get("stoptime")),
                recording_type=attributes.get("recordingtype", ""),
                event_id=attributes.get("eventid", ""),
                status=attributes.get("recordingstatus", ""),
                locked=_yes(attributes.get("locked")),
            )
        )
    return tuple(recordings)

"""Parsers of the small plain-text answers the client reads.

``imagesize.cgi``, ``videostatus.cgi``, ``date.cgi?action=get`` and
``ipfilter.cgi?action=list``.  Each takes the decoded answer and raises only
:class:`~.errors.CameraError` subclasses; lines it does not know are skipped
(logged once per kind), but the values asked for must be there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
import re

from .errors import CameraResponseError
from .lines import skip_line, text_lines
from .models import ImageSize, IpFilter
from .params import refusal, refused

_MONTHS = {
    name: index
    for index, name in enumerate(
        (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ),
        start=1,
    )
}
_DATE_RE = re.compile(
    r"^\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*$"
)
_SIZE_RE = re.compile(
    r"^\s*(?:image\s*)?(width|height)\s*[=:]\s*(\d{1,9})\s*$", re.IGNORECASE
)
_VIDEO_RE = re.compile(
    r"^\s*Video\s*(\d{1,9})\s*[=:]\s*(\S(?:.*\S)?)\s*$", re.IGNORECASE
)
_FILTER_LINE_RE = re.compile(
    r"^\s*(accept addresses|deny addresses|enabled|policy)\s*:(.*)$", re.IGNORECASE
)
_VERIFICATION = "Verification failed:"
_REJECTED_RE = re.compile(r'IP\s+address\s+"([^"]*)"|IP\s+address\s+(\S+)', re.I)


def parse_image_size(text: str) -> ImageSize:
    """``image width = 176`` / ``image height = 144`` (spec 5.2.1)."""
    sizes: dict[str, int] = {}
    for line in text_lines(text):
        if match := _SIZE_RE.match(line):
            sizes[match.group(1).lower()] = int(match.group(2))
        elif line.strip():
            skip_line("imagesize.cgi", line)
    if set(sizes) != {"width", "height"}:
        raise CameraResponseError("no image size in the answer")
    return ImageSize(sizes["width"], sizes["height"])


def parse_video_status(text: str, sources: Sequence[int]) -> dict[int, bool]:
    """``Video 1 = video`` / ``Video 2 = no video`` lines (spec 5.2.2)."""
    result: dict[int, bool] = {}
    for line in text_lines(text):
        if match := _VIDEO_RE.match(line):
            result[int(match.group(1))] = match.group(2).lower() == "video"
        elif line.strip():
            skip_line("videostatus.cgi", line)
    missing = [source for source in sources if source not in result]
    if missing:
        raise CameraResponseError(f"no video status for {missing}")
    return {source: result[source] for source in sources}


_GMT_OFFSET_RE = re.compile(
    r"^\s*(?:GMT|UTC|Z|Etc/UTC)\s*"
    r"(?:(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*$",
    re.IGNORECASE,
)


def parse_time_zone(value: str | None) -> timedelta | None:
    """``GMT``, ``UTC+1``, ``GMT-05:30`` -> the offset; anything else -> None.

    The spec prints no time-zone parameter; firmware commonly has
    ``Time.TimeZone``, whose value may also be a POSIX rule (``CET-1CEST``),
    which is not read.
    """
    if value is None or not (match := _GMT_OFFSET_RE.match(value)):
        return None
    if match["sign"] is None:
        return timedelta(0)
    offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
    return -offset if match["sign"] == "-" else offset


def parse_date(text: str, zone: tzinfo | None = None) -> datetime:
    """``Apr 03, 2003 15:16:04`` (spec 5.1.12.1), in ``zone`` (naive if None)."""
    for line in text_lines(text):
        match = _DATE_RE.match(line)
        if match is None:
            if line.strip():
                skip_line("date.cgi", line)
            continue
        month = _MONTHS.get(match.group(1).lower())
        if month is None:
            raise CameraResponseError(f"not a date: {line.strip()[:40]!r}")
        try:
            return datetime(
                int(match.group(3)),
                month,
                int(match.group(2)),
                int(match.group(4)),
                int(match.group(5)),
                int(match.group(6)),
                tzinfo=zone,
            )
        except ValueError:
            raise CameraResponseError(f"not a date: {line.strip()[:40]!r}") from None
    raise CameraResponseError(f"not a date: {text.strip()[:40]!r}")


def _verification(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines without the ``Verification failed:`` sentence, and the sentence.

    The sentence may be wrapped over lines: it runs to the next settings line
    (or refusal, or blank line).
    """
    starts = (
        i for i, line in enumerate(lines) if line.lstrip().startswith(_VERIFICATION)
    )
    start = next(starts, None)
    if start is None:
        return lines, None
    end = start + 1
    while end < len(lines) and not (
        not lines[end].strip()
        or _FILTER_LINE_RE.match(lines[end])
        or refusal(lines[end]) is not None
    ):
        end += 1
    sentence = " ".join(line.strip() for line in lines[start:end])
    return lines[:start] + lines[end:], sentence


def parse_ip_filter(
    text: str, *, verify: bool | None = None, redact: Callable[[str], str] = str
) -> IpFilter:
    """``Accept addresses: ...`` / ``Deny addresses: ...`` / ``Enabled: ...``.

    With ``verify=yes`` the device adds ``Verification failed: IP address "x"
    is not an accepted address`` (spec 5.7.2, maybe wrapped over lines) when
    the client would be locked out: :attr:`IpFilter.verified` is ``False`` and
    :attr:`IpFilter.rejected_address` the address; ``True`` when verification
    was asked for and did not fail; ``None`` otherwise.  The policy is the
    ``Policy:`` line if any, else ``"deny"`` for ``Deny addresses`` and
    ``"allow"`` for ``Accept addresses``.  Other refusals, or a verification
    failure without settings, raise :class:`CameraRequestRefusedError` (its
    message passed through ``redact``).
    """
    lines, sentence = _verification(text_lines(text))
    message = refusal("\n".join(lines))
    if message is not None:
        raise refused(redact(message))
    values: dict[str, str] = {}
    for line in lines:
        if match := _FILTER_LINE_RE.match(line):
            values.setdefault(match.group(1).lower(), match.group(2).strip())
        elif line.strip():
            skip_line("ipfilter.cgi", line)
    accept, deny = values.get("accept addresses"), values.get("deny addresses")
    if accept is None and deny is None and "enabled" not in values:
        if sentence is not None:
            raise refused(redact(sentence))
        raise CameraResponseError("no IP filter settings in the answer")
    policy = values.get("policy", "").lower() or None
    if policy is None and (accept is None) != (deny is None):
        policy = "allow" if deny is None else "deny"
    addresses = deny if policy == "deny" and deny is not None else accept
    if addresses is None:
        addresses = deny or ""
    verified: bool | None = True if verify else None
    rejected: str | None = None
    if sentence is not None:
        verified = False
        if match := _REJECTED_RE.search(sentence):
            rejected = match.group(1) or match.group(2)
    return IpFilter(
        addresses=tuple(addresses.split()),
        enabled=values.get("enabled", "").lower() == "yes",
        policy=policy,
        verified=verified,
        rejected_address=rejected,
    )

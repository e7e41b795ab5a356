"""Line helpers shared by the plain-text parsers.

Devices add lines the spec does not print (banners, blank or wrapped lines,
``Content-Type:`` echoes).  A parser skips a line it does not know and says so
once at debug level per kind of line (digits ignored, so ``IO7:?`` and
``IO8:?`` are one kind), never once per answer or per stream part.
"""

from __future__ import annotations

import logging
import re

_LOGGER = logging.getLogger(__name__)

MAX_LOGGED_KINDS = 256
"""Distinct skipped kinds remembered; beyond them nothing more is logged."""

_LINE_END_RE = re.compile(r"\r\n|\n|\r")
_DIGITS_RE = re.compile(r"\d+")
_PARAM_NAME_RE = re.compile(r"^[^\s=#][^\s=]*$")
_logged: set[tuple[str, str]] = set()


def text_lines(text: str) -> list[str]:
    r"""Lines ended by ``\\r\\n``, ``\\n`` or ``\\r`` (nothing else).

    Unlike :meth:`str.splitlines` a Latin-1 ``\\x85`` or a ``\\x0c`` inside a
    value does not end the line.
    """
    return _LINE_END_RE.split(text)


def line_kind(line: str) -> str:
    """What makes two skipped lines "the same kind": digits ignored."""
    return _DIGITS_RE.sub("0", line.strip()[:200])[:40]


def skip_line(answer: str, line: str) -> None:
    """Skip an unknown ``line`` of ``answer``: logged once per kind of line."""
    key = (answer, line_kind(line))
    if key in _logged or len(_logged) >= MAX_LOGGED_KINDS:
        return
    _logged.add(key)
    _LOGGER.debug(
        "Skipping a line the %s answer should not have (logged once): %r",
        answer,
        line[:80],
    )


def forget_skipped_lines() -> None:
    """Log every kind again (for tests)."""
    _logged.clear()


def split_param_line(line: str) -> tuple[str, str] | None:
    """``name=value`` as ``(name, value)``; ``None`` if it is no such line.

    The value is kept as it is (inner and outer spaces) after ``name=``; in
    the spaced form ``name = value`` the spaces around ``=`` belong to the
    separator and are dropped (with any trailing blanks).  A name has no
    blanks and does not start with ``#``.
    """
    name, sep, value = line.partition("=")
    stripped = name.strip()
    if not sep or not _PARAM_NAME_RE.match(stripped):
        return None
    if name != name.rstrip():
        value = value.strip()
    return stripped, value

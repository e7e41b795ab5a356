"""Parsing of ``param.cgi`` and the other plain-text answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import re

from .errors import (
    CameraGroupValuesNotSetError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraVerificationError,
)
from .lines import skip_line, split_param_line, text_lines

REFUSAL_PREFIXES: tuple[str, ...] = (
    "# Error:",
    "# Request failed:",
    "Request failed:",
    "Verification failed:",
    "Error:",  # com/ptz.cgi answers "Error: <text>"
)

_MAC_RE = re.compile(r"^[0-9a-f]{12}$")

SECRET_NAME = re.compile(
    r"pass|pwd|secret|key|user|token|community|macaddress|serialnumber", re.I
)
"""Parameter names whose values are secret (passwords, keys, user lists) or
identify the device (MAC, serial): never echoed in errors, hidden in
diagnostics and ``get_parameters``."""


def secret_values(values: Mapping[str, str]) -> list[str]:
    """The values of ``values`` whose names :data:`SECRET_NAME` marks."""
    return [value for name, value in values.items() if SECRET_NAME.search(name)]


# "OK" in any case: a device that answers "E7 ok" created E7 all the same.
_ADD_OK_RE = re.compile(r"^\s*(\S+)\s+OK\s*$", re.IGNORECASE)
_ID_OK_RE = re.compile(r"^\s*([A-Za-z]+\d+)\s+OK\s*$", re.IGNORECASE)
_ID_SEARCH_CHARS = 256
_CREATED_RES = (
    re.compile(
        r"(?<![\w.])(?:\w+\.)*([A-Za-z]+\d+)\s+(?:was\s+|has\s+been\s+)?created\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bcreated:?\s+(?:new\s+)?(?:group\s+)?(?:\w+\.)*([A-Za-z]+\d+)\b",
        re.IGNORECASE,
    ),
)


def refusal(text: str) -> str | None:
    """The device's error text if the answer carries one, else ``None``.

    The message starts at the first refusal line and keeps what follows.
    """
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(REFUSAL_PREFIXES):
            return "\n".join(part.strip() for part in lines[index:] if part.strip())
    return None


def refused(message: str) -> CameraRequestRefusedError:
    """The error for a refusal ``message``.

    A failed IP filter verification is a :class:`CameraVerificationError`.
    """
    if message.startswith("Verification failed:"):
        return CameraVerificationError(message)
    return CameraRequestRefusedError(message)


def raise_for_refusal(text: str) -> None:
    """Raise :class:`CameraRequestRefusedError` if the answer carries an error."""
    message = refusal(text)
    if message is not None:
        raise refused(message)


def parse_params(text: str, *, skip_errors: bool = False) -> dict[str, str]:
    r"""Parse ``name=value`` lines (``\\n`` or ``\\r\\n``) into an ordered dict.

    ``name = value`` loses the spaces around ``=`` (see
    :func:`~.lines.split_param_line`).  Other lines are skipped (logged once),
    but an answer of only such lines raises :class:`CameraResponseError`.
    With ``skip_errors`` the device's ``# Error:`` lines (and the information
    lines around them) are ignored, otherwise they raise
    :class:`CameraRequestRefusedError`.
    """
    if not skip_errors:
        raise_for_refusal(text)
    result: dict[str, str] = {}
    skipped = errors = False
    for line in text_lines(text):
        if not line.strip():
            continue
        if skip_errors and line.lstrip().startswith("#"):
            errors = True
            continue
        pair = split_param_line(line)
        if pair is None:
            skip_line("param.cgi", line)
            skipped = True
            continue
        result[pair[0]] = pair[1]
    if skipped and not result and not errors:
        raise CameraResponseError("no parameters in the answer")
    return result


def normalise_mac(value: str) -> str | None:
    """``00:40:8C:12:34:56`` / ``00408c123456`` / ``00-40-..`` -> lower colon form."""
    digits = re.sub(r"[:\-. ]", "", value.strip()).lower()
    if not _MAC_RE.match(digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _added_id(lines: list[str], group: str | None) -> str | None:
    """The id of the group an add answer names (``E7 OK``, ``E7 created``).

    Only the first :data:`_ID_SEARCH_CHARS` characters of a line are searched.
    """
    short = [line[:_ID_SEARCH_CHARS] for line in lines]
    for line in short:
        if match := _ID_OK_RE.match(line):
            return match.group(1)
    patterns = list(_CREATED_RES)
    if group:
        patterns.append(re.compile(rf"(?<![\w.]){re.escape(group)}\.([A-Za-z]+\d+)\b"))
    for pattern in patterns:
        for line in short:
            if match := pattern.search(line):
                return match.group(1)
    return None


def parse_add_answer(
    text: str, group: str | None = None, *, redact: Callable[[str], str] = str
) -> str:
    """``E7 OK`` -> ``"E7"`` (spec 5.1.1.6).

    ``# Request failed:`` (nothing created) raises
    :class:`CameraRequestRefusedError`; ``# Error:`` (the group was created,
    its values not set) raises :class:`CameraGroupValuesNotSetError` carrying
    the new group's id when the answer names it: ``E7 OK``, ``E7 created``
    or, given the parent ``group``, ``Event.E7``.  Error messages pass
    through ``redact`` (the client's password redaction).
    """
    lines = text_lines(text)
    refusals = (line for line in lines if line.lstrip().startswith(REFUSAL_PREFIXES))
    first = next(refusals, None)
    if first is None:
        for line in lines:
            if match := _ADD_OK_RE.match(line):
                return match.group(1)
        raise CameraResponseError("no group id in the answer")
    message = redact("\n".join(part.strip() for part in lines if part.strip()))
    if first.lstrip().startswith("# Error:"):
        raise CameraGroupValuesNotSetError(message, _added_id(lines, group))
    raise CameraRequestRefusedError(message)


def parse_user_groups(text: str) -> dict[str, tuple[str, ...]]:
    """``admin="root,joe"`` lines -> ``{"admin": ("root", "joe")}``.

    Other lines are skipped (logged once); an answer of only such lines
    raises :class:`CameraResponseError`.
    """
    raise_for_refusal(text)
    result: dict[str, tuple[str, ...]] = {}
    skipped = False
    for line in text_lines(text):
        if not line.strip():
            continue
        pair = split_param_line(line)
        if pair is None:
            skip_line("pwdgrp.cgi", line)
            skipped = True
            continue
        name, value = pair[0], pair[1].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        result[name] = tuple(user.strip() for user in value.split(",") if user.strip())
    if skipped and not result:
        raise CameraResponseError("no groups in the answer")
    return result

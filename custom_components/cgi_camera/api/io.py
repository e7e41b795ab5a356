"""I/O ports: pulse sequences, check answers and monitor parts.

Port numbers in this API are 1-based, as in the spec's requests.  Devices may
answer zero-based, or report port 1 alone as ``IO0`` (the spec's monitor
example); :class:`PortNumbering` decides how one source of answers (the
check answers, or one monitor path) numbers its ports, from what it reports.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterable, Sequence
from dataclasses import dataclass
import logging
import re
from typing import Literal

from .errors import CameraResponseError, CameraValueError
from .lines import skip_line, text_lines
from .models import IoEvent

_LOGGER = logging.getLogger(__name__)

MAX_WAIT_MS = 3_600_000
"""Longest wait accepted in a pulse sequence (one hour)."""

_STEP_RE = re.compile(r"([/\\])|(\d+)")
# "IO0:/", also "io0:h" and "IO0:\\" (the spec prints "IO0:\\n" for "IO0:\" + LF).
_IO_LINE_RE = re.compile(r"^\s*IO(\d{1,9})\s*:\s*([/HL]|\\+)\s*$", re.IGNORECASE)
_HEADER_LIKE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:\s")
# "input1=1", "1=active", "IO0:/", "input 1 = 1", "Input1 = no signal"
_CHECK_LINE_RE = re.compile(
    r"^\s*(?:[A-Za-z_]+\s*)?(\d{1,9})\s*[=:]\s*(\S(?:.*\S)?)\s*$",
)
_BARE_VALUE_RE = re.compile(r"^\s*[^\s=:]+\s*$")
_VALUE_SEPARATOR_RE = re.compile(r"[\s,]+")

_ACTIVE_WORDS = {"1": True, "0": False, "active": True, "inactive": False}
_ACTIVE_WORDS |= {"/": True, "\\": False, "h": True, "l": False}
_ACTIVE_WORDS |= {"high": True, "low": False, "on": True, "off": False}
# Words a check answer may list bare, one per requested port in order.
_IN_ORDER_WORDS = frozenset(_ACTIVE_WORDS) | {"input", "output"}


def check_port(argument: str, port: int) -> int:
    """Validate a 1-based port number."""
    if isinstance(port, bool) or not isinstance(port, int) or port < 1:
        raise CameraValueError(argument, f"must be a port number >= 1, got {port!r}")
    return port


def check_ports(ports: Sequence[int]) -> tuple[int, ...]:
    """Validate a non-empty list of distinct port numbers."""
    result = tuple(check_port("ports", port) for port in ports)
    if not result:
        raise CameraValueError("ports", "at least one port is needed")
    if len(set(result)) != len(result):
        raise CameraValueError("ports", "ports must be distinct")
    return result


@dataclass(frozen=True)
class PulseSequence:
    r"""A validated output action: ``[<id>:]<a>[<wait><a>...]``.

    ``steps`` holds ``"/"`` (active), ``"\\"`` (inactive) and waits in
    milliseconds.  ``str(sequence)`` is the ``action=`` value.
    """

    steps: tuple[str | int, ...]
    port: int | None = None

    def __post_init__(self) -> None:
        """Validate the steps (one relay, at least one action, sane waits)."""
        if not any(step in ("/", "\\") for step in self.steps):
            raise CameraValueError("sequence", "needs at least one action / or \\")
        previous_wait = False
        for step in self.steps:
            if isinstance(step, str):
                if step not in ("/", "\\"):
                    raise CameraValueError("sequence", f"unknown action {step!r}")
                previous_wait = False
                continue
            if isinstance(step, bool) or not 1 <= step <= MAX_WAIT_MS:
                raise CameraValueError(
                    "sequence",
                    f"waits must be 1..{MAX_WAIT_MS} ms",
                    minimum=1,
                    maximum=MAX_WAIT_MS,
                )
            if previous_wait:
                raise CameraValueError("sequence", "two waits in a row")
            previous_wait = True
        if self.port is not None:
            check_port("port", self.port)

    @classmethod
    def pulses(cls, on_ms: int, off_ms: int, count: int) -> PulseSequence:
        """``count`` pulses of ``on_ms`` separated by ``off_ms``."""
        if isinstance(count, bool) or not 1 <= count <= 1000:
            raise CameraValueError(
                "count", "must be between 1 and 1000", minimum=1, maximum=1000
            )
        for name, value in (("on_ms", on_ms), ("off_ms", off_ms)):
            if isinstance(value, bool) or not 1 <= value <= MAX_WAIT_MS:
                raise CameraValueError(
                    name,
                    f"must be between 1 and {MAX_WAIT_MS}",
                    minimum=1,
                    maximum=MAX_WAIT_MS,
                )
        steps: list[str | int] = []
        for index in range(count):
            if index:
                steps.append(off_ms)
            steps += ["/", on_ms, "\\"]
        return cls(tuple(steps))

    @classmethod
    def parse(cls, text: str) -> PulseSequence:
        r"""Parse ``"1:/300\\500/300\\"``; one relay per request."""
        port: int | None = None
        body = text
        if ":" in text:
            head, body = text.split(":", 1)
            if not head.isdigit() or not head.isascii():
                raise CameraValueError("sequence", f"bad port in {text!r}")
            port = int(head)
        steps: list[str | int] = []
        pos = 0
        while pos < len(body):
            match = _STEP_RE.match(body, pos)
            if match is None:
                raise CameraValueError(
                    "sequence",
                    f"unexpected {body[pos]!r} (only one relay per request)"
                    if body[pos] in ",:"
                    else f"unexpected {body[pos]!r}",
                )
            if match.group(1):
                steps.append(match.group(1))
            else:
                if not match.group(2).isascii():
                    raise CameraValueError("sequence", "waits are ASCII digits")
                steps.append(int(match.group(2)))
            pos = match.end()
        return cls(tuple(steps), port)

    @property
    def body(self) -> str:
        """The steps without the port prefix."""
        return "".join(str(step) for step in self.steps)

    def __str__(self) -> str:
        """The ``action=`` value."""
        return f"{self.port}:{self.body}" if self.port is not None else self.body

    def for_port(self, port: int) -> str:
        """The action value for ``port`` (refusing a sequence for another relay)."""
        check_port("port", port)
        if self.port is not None and self.port != port:
            raise CameraValueError(
                "sequence", f"is for port {self.port}, not port {port}"
            )
        return f"{port}:{self.body}"


class PortNumbering:
    """How one source of answers numbers its ports, decided once.

    A device may number its check answers as requested and its monitor
    parts as the spec's monitor example does (port 1 as ``IO0``), so each
    source (the check answers, each monitor path) keeps its own numbering.

    Requests always use the spec's 1-based numbers.  Answers come in one of
    three forms: as requested (``IO1`` is port 1), zero-based (``IO0`` is
    port 1, ``IO1`` port 2), or port 1 alone as ``IO0`` with the others as
    requested (the spec's own monitor example).  The numbers a device
    reports for a set of ports tell them apart:

    * the highest port's own number can only be as requested (or ``IO0``
      for port 1): numbering is one-based, ``IO0`` meaning port 1;
    * ``0`` and ``1`` both reported for a set of two or more ports can only
      be zero-based.

    The first conclusive report decides for the whole source, and nothing
    changes it afterwards.  Until then a source follows ``fallback`` where
    that has decided (a monitor path falls back to what the check answers
    decided); else a port set that has reported ``0`` is read zero-based,
    any other one-based.
    """

    def __init__(self, fallback: PortNumbering | None = None) -> None:
        """Start undecided, leaning on ``fallback`` until evidence comes."""
        self.mode: Literal["undecided", "one", "zero"] = "undecided"
        self.saw_io0 = False
        self._fallback = fallback
        self._seen: dict[frozenset[int], set[int]] = {}

    @property
    def description(self) -> str:
        """What was decided, in words (diagnostics)."""
        if self.mode == "zero":
            return "zero-based"
        if self.mode == "one":
            return "one-based, port 1 as IO0" if self.saw_io0 else "one-based"
        return "undecided"

    def learn(self, ports: frozenset[int], numbers: Iterable[int]) -> None:
        """Take the numbers of one report about ``ports``."""
        seen = self._seen.setdefault(ports, set())
        seen.update(numbers)
        self.saw_io0 = self.saw_io0 or 0 in seen
        if self.mode != "undecided" or len(ports) < 2:
            return
        if max(ports) in seen:
            self.mode = "one"
        elif {0, 1} <= seen:
            self.mode = "zero"
        if self.mode != "undecided":
            _LOGGER.debug("Port numbering decided: %s", self.description)

    def port(self, ports: frozenset[int], number: int) -> int | None:
        """The requested port that ``number`` stands for (``None``: none)."""
        port = number + 1 if self._zero_based(ports) else number or 1
        return port if port in ports else None

    def _zero_based(self, ports: frozenset[int]) -> bool:
        """Whether ``ports`` are read zero-based: decided, fallback, own 0.

        A lone ``0`` does not outweigh a decided fallback: one-based answers
        may name port 1 ``IO0`` (the spec's monitor example), and ``0`` then
        reads as port 1 either way.
        """
        if self.mode != "undecided":
            return self.mode == "zero"
        if self._fallback is not None and self._fallback.mode != "undecided":
            return self._fallback.mode == "zero"
        return 0 in self._seen.get(ports, ())


class PortMapper:
    """A device's :class:`PortNumbering` applied to one set of requested ports."""

    def __init__(
        self, ports: Iterable[int], numbering: PortNumbering | None = None
    ) -> None:
        """Map for the requested ``ports`` (a fresh numbering by default)."""
        self._ports = frozenset(ports)
        self.numbering = numbering or PortNumbering()

    def learn(self, numbers: Iterable[int]) -> None:
        """Take the numbers of one report."""
        self.numbering.learn(self._ports, numbers)

    def port(self, number: int) -> int | None:
        """The requested port a device number stands for (``None``: unknown)."""
        return self.numbering.port(self._ports, number)


def parse_active(word: str) -> bool:
    r"""``1``/``0``, ``active``/``inactive``, ``/``/``\\``, ``H``/``L``."""
    try:
        return _ACTIVE_WORDS[word.strip().lower()]
    except KeyError:
        raise CameraResponseError(f"unknown port state {word[:20]!r}") from None


def parse_monitor_part(body: bytes) -> list[tuple[int, bool]]:
    """``IO<n>:<char>`` lines of one monitor part (device numbering).

    Blank lines and MIME-header-like lines are ignored; any other line
    (``IO1:?``, a banner) is skipped and logged once per kind of line: one
    odd line never ends the stream.
    """
    text = body.decode("latin-1")
    result: list[tuple[int, bool]] = []
    for line in text_lines(text):
        if not line.strip():
            continue
        match = _IO_LINE_RE.match(line)
        if match is None:
            if not _HEADER_LIKE_RE.match(line):
                skip_line("I/O monitor", line)
            continue
        # One state character; a doubled backslash is still "inactive".
        result.append((int(match.group(1)), parse_active(match.group(2)[0])))
    return result


def is_unreadable(body: bytes) -> bool:
    """Whether a part without port states said something (a garbled part)."""
    return any(
        line.strip() and not _HEADER_LIKE_RE.match(line)
        for line in text_lines(body.decode("latin-1"))
    )


async def monitor_events(
    bodies: AsyncIterable[bytes],
    mapper: PortMapper,
    on_unreadable: Callable[[], None] | None = None,
) -> AsyncGenerator[IoEvent]:
    """Events of monitor parts: each port's first state, then its changes.

    ``on_unreadable`` hears of each part that carried text but no state.
    """
    last: dict[int, bool] = {}
    async for body in bodies:
        reports = parse_monitor_part(body)
        if not reports and is_unreadable(body):
            # The change it carried is lost: report the next state whatever
            # it is, and let the caller read the ports again.
            last.clear()
            if on_unreadable is not None:
                on_unreadable()
        mapper.learn(number for number, _ in reports)
        for number, active in reports:
            port = mapper.port(number)
            if port is not None and last.get(port) != active:
                last[port] = active
                yield IoEvent(port, active)


def parse_check(
    text: str, ports: Sequence[int], mapper: PortMapper | None = None
) -> dict[int, str]:
    r"""Parse a check/checkactive/checkdirection answer into ``{port: word}``.

    Accepts ``input1=1``, ``1=1``, ``IO0:/``, ``input 1 = 1``-style lines.
    Without them, bare values answer the requested ports in request order
    when there are exactly as many (``1``; ``1\r\n0``, ``1,0`` or
    ``active inactive`` for two ports).  Other lines are skipped (logged
    once); a requested port without a state raises
    :class:`CameraResponseError`.
    """
    lines = [line.strip() for line in text_lines(text) if line.strip()]
    parsed: list[tuple[int, str]] = []
    unknown: list[str] = []
    for line in lines:
        if match := _CHECK_LINE_RE.match(line):
            parsed.append((int(match.group(1)), match.group(2)))
        else:
            unknown.append(line)
    if not parsed and len(ports) == 1:
        bare = [line for line in unknown if _BARE_VALUE_RE.match(line)]
        if len(unknown) == 1 or len(bare) == 1:
            value = (bare or unknown)[0]
            for line in unknown:
                if line is not value:
                    skip_line("I/O check", line)
            return {ports[0]: value}
    if not parsed and (in_order := _values_in_request_order(unknown, len(ports))):
        return dict(zip(ports, in_order, strict=True))
    for line in unknown:
        skip_line("I/O check", line)
    mapper = mapper or PortMapper(ports)
    mapper.learn(number for number, _ in parsed)
    result: dict[int, str] = {}
    for number, word in parsed:
        port = mapper.port(number)
        if port is not None:
            result[port] = word
    missing = [port for port in ports if port not in result]
    if missing:
        raise CameraResponseError(f"no state for port(s) {missing}")
    return result


def _values_in_request_order(lines: list[str], count: int) -> list[str] | None:
    """``count`` state or direction words from un-numbered lines, or ``None``.

    A line of such words only (separated by commas or blanks) gives values;
    any other line is skipped and logged.  ``None`` unless that makes exactly
    ``count`` values.
    """
    if count < 2:
        return None
    values: list[str] = []
    skipped: list[str] = []
    for line in lines:
        words = [word for word in _VALUE_SEPARATOR_RE.split(line) if word]
        if all(word.lower() in _IN_ORDER_WORDS for word in words):
            values += words
        else:
            skipped.append(line)
    if len(values) != count:
        return None
    for line in skipped:
        skip_line("I/O check", line)
    return values

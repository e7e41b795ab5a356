"""I/O ports: pulse sequences, check answers and monitor parts.

Port numbers in this API are 1-based, as in the spec's requests.  Some devices
report port 1 as ``IO0`` in monitor streams (and check answers); the
:class:`PortMapper` learns the device's numbering from what it reports.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Iterable, Sequence
from dataclasses import dataclass
import re

from .errors import CameraResponseError, CameraValueError
from .models import IoEvent

MAX_WAIT_MS = 3_600_000
"""Longest wait accepted in a pulse sequence (one hour)."""

_STEP_RE = re.compile(r"([/\\])|(\d+)")
_IO_LINE_RE = re.compile(r"^\s*IO(\d+)\s*:\s*([/\\HL])\s*$")
_HEADER_LIKE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:\s")
_CHECK_LINE_RE = re.compile(
    r"^\s*(?:[A-Za-z_]*?)(\d+)\s*[=:]\s*(\S+)\s*$",
)

_ACTIVE_WORDS = {"1": True, "0": False, "active": True, "inactive": False}
_ACTIVE_WORDS |= {"/": True, "\\": False, "h": True, "l": False}
_ACTIVE_WORDS |= {"high": True, "low": False, "on": True, "off": False}


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


class PortMapper:
    """Map the device's port numbers to the requested 1-based ports.

    A device either numbers ports as requested (``IO1`` is port 1) or from
    zero (``IO0`` is port 1).  A report of ``IO0`` or of a number that only
    makes sense zero-based switches to zero-based numbering; one that only
    makes sense one-based switches back.  Ambiguous reports follow the current
    numbering (one-based until evidence says otherwise).
    """

    def __init__(self, ports: Iterable[int], *, zero_based: bool | None = None) -> None:
        """Map for the requested ``ports``."""
        self._ports = frozenset(ports)
        self._zero = frozenset(port - 1 for port in self._ports)
        self.zero_based = bool(zero_based)

    def learn(self, numbers: Iterable[int]) -> None:
        """Decide the numbering from the numbers of one report."""
        for number in numbers:
            if number in self._zero and number not in self._ports:
                self.zero_based = True
                return
            if number in self._ports and number not in self._zero:
                self.zero_based = False
                return

    def port(self, number: int) -> int | None:
        """The requested port a device number stands for (``None``: unknown)."""
        port = number + 1 if self.zero_based else number
        return port if port in self._ports else None


def parse_active(word: str) -> bool:
    r"""``1``/``0``, ``active``/``inactive``, ``/``/``\\``, ``H``/``L``."""
    try:
        return _ACTIVE_WORDS[word.strip().lower()]
    except KeyError:
        raise CameraResponseError(f"unknown port state {word[:20]!r}") from None


def parse_monitor_part(body: bytes) -> list[tuple[int, bool]]:
    """``IO<n>:<char>`` lines of one monitor part (device numbering).

    Blank lines and MIME-header-like lines are ignored; anything else raises
    :class:`CameraResponseError`.
    """
    text = body.decode("latin-1")
    result: list[tuple[int, bool]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _IO_LINE_RE.match(line)
        if match is None:
            if _HEADER_LIKE_RE.match(line):
                continue
            raise CameraResponseError(f"unexpected monitor line {line[:40]!r}")
        result.append((int(match.group(1)), parse_active(match.group(2))))
    return result


async def monitor_events(
    bodies: AsyncIterable[bytes], mapper: PortMapper
) -> AsyncGenerator[IoEvent]:
    """Events of monitor parts: each port's first state, then its changes."""
    last: dict[int, bool] = {}
    async for body in bodies:
        reports = parse_monitor_part(body)
        mapper.learn(number for number, _ in reports)
        for number, active in reports:
            port = mapper.port(number)
            if port is not None and last.get(port) != active:
                last[port] = active
                yield IoEvent(port, active)


def parse_check(
    text: str, ports: Sequence[int], mapper: PortMapper | None = None
) -> dict[int, str]:
    """Parse a check/checkactive/checkdirection answer into ``{port: word}``.

    Accepts ``input1=1``, ``1=1``, ``IO0:/``-style lines; a single bare value
    answers a single requested port.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(ports) == 1 and len(lines) == 1 and not _CHECK_LINE_RE.match(lines[0]):
        return {ports[0]: lines[0]}
    mapper = mapper or PortMapper(ports)
    parsed: list[tuple[int, str]] = []
    for line in lines:
        match = _CHECK_LINE_RE.match(line)
        if match is None:
            raise CameraResponseError(f"unexpected answer line {line[:40]!r}")
        parsed.append((int(match.group(1)), match.group(2)))
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

"""Fault injection switches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

type CorruptMode = Literal["truncate", "boundary", "garbage"]
CORRUPT_MODES: tuple[CorruptMode, ...] = ("truncate", "boundary", "garbage")
STREAM_KINDS = ("video", "io", "audio")
GARBAGE = b"\x89\xfe\x00\xffGARBAGE<\x01\x02>\r\n\xc3(" * 8
REDIRECT_CODES = (301, 302, 303, 307, 308)
TRANSMIT_REFUSALS = (401, 403, 503)


@dataclass
class Faults:
    """What goes wrong next; the simulator consults this on each request."""

    refuse: int = 0
    reset: int = 0
    hang: int = 0
    delay_seconds: float = 0.0
    status_code: int = 0
    status_count: int = 0
    #: Only requests to this path get the status (None: any request).
    status_path: str | None = None
    garbage: int = 0
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    #: Pending redirects, oldest first: (Location or None for none, status).
    redirects: list[tuple[str | None, int]] = field(default_factory=list)
    _on_refuse: Callable[[], None] | None = None
    _on_stream_fault: Callable[[str | None, str], int] | None = None
    #: HTTP statuses the next audio/transmit.cgi requests get, oldest first.
    transmit_refusals: list[int] = field(default_factory=list)
    #: Body bytes after which the next audio/transmit.cgi is cut (RST).
    transmit_cuts: list[int] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    def refuse_next(self, n: int = 1) -> None:
        """Close the next ``n`` new connections at once (nothing is read).

        Idle keep-alive connections are closed too, so the next request
        has to open a new connection.
        """
        self.refuse = max(0, n)
        self.history.append(f"refuse {n}")
        if self._on_refuse is not None:
            self._on_refuse()

    def reset_next(self, n: int = 1) -> None:
        """Reset (TCP RST) the connection of the next ``n`` requests.

        Idle keep-alive connections are closed too, so a client cannot hide
        the reset by retrying on a reused connection.
        """
        self.reset = max(0, n)
        self.history.append(f"reset {n}")
        if self._on_refuse is not None:
            self._on_refuse()

    def hang_next(self, n: int = 1) -> None:
        """Accept the next ``n`` requests and never answer them."""
        self.hang = max(0, n)
        self.history.append(f"hang {n}")

    def delay(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 stops delaying)."""
        self.delay_seconds = max(0.0, seconds)
        self.history.append(f"delay {seconds}")

    def status_next(self, code: int = 500, n: int = 1, path: str | None = None) -> None:
        """Answer the next ``n`` requests (to ``path``, or any) with HTTP ``code``.

        A path keeps a stream reconnecting in the background from taking
        the status meant for a poll.
        """
        if not 400 <= code <= 599:
            raise ValueError("status code must be 4xx or 5xx")
        self.status_code = code
        self.status_count = max(0, n)
        self.status_path = path
        self.history.append(f"status {code} {n} {path or ''}".rstrip())

    def garbage_next(self, n: int = 1) -> None:
        """Answer the next ``n`` requests with a garbage body."""
        self.garbage = max(0, n)
        self.history.append(f"garbage {n}")

    def error_next(
        self, path: str | None = None, n: int = 1, text: str = "# Error: refused"
    ) -> None:
        """Answer the next ``n`` requests (to ``path``, or any) 200 + ``text``."""
        self.errors.extend([(path, text)] * max(0, n))
        self.history.append(f"error {path} {n}")

    def redirect_next(self, location: str | None, n: int = 1, code: int = 302) -> None:
        """Answer the next ``n`` requests ``code`` with ``Location: location``.

        ``location`` may be relative or absolute (any host); ``None`` sends
        the redirect without a ``Location`` header.  Calls queue up in order,
        so a chain of different targets is several calls.
        """
        if code not in REDIRECT_CODES:
            raise ValueError(
                f"redirect code must be one of {', '.join(map(str, REDIRECT_CODES))}"
            )
        if location is not None and any(char in location for char in "\r\n"):
            raise ValueError("location must be one line")
        self.redirects.extend([(location, code)] * max(0, n))
        self.history.append(f"redirect {code} {location} {n}")

    def refuse_transmit(self, code: int = 503, n: int = 1) -> None:
        """Answer the next ``n`` audio/transmit.cgi ``code`` before reading a byte.

        401, 403 and 503 are what a device refuses a speaker with (bad
        credentials, a viewer account, another client talking).
        """
        if code not in TRANSMIT_REFUSALS:
            raise ValueError(
                f"code must be one of {', '.join(map(str, TRANSMIT_REFUSALS))}"
            )
        self.transmit_refusals.extend([code] * max(0, n))
        self.history.append(f"transmit refuse {code} {n}")

    def cut_transmit(self, after: int = 0) -> None:
        """Reset the next audio/transmit.cgi's connection after ``after`` bytes."""
        if after < 0:
            raise ValueError("after must not be negative")
        self.transmit_cuts.append(after)
        self.history.append(f"transmit cut {after}")

    def take_transmit_fault(self) -> tuple[int | None, int | None]:
        """Consume the next transmit's faults: (refusal status, cut after)."""
        refusal = self.transmit_refusals.pop(0) if self.transmit_refusals else None
        if refusal is not None:
            return refusal, None
        return None, self.transmit_cuts.pop(0) if self.transmit_cuts else None

    def take_redirect(self) -> tuple[str | None, int] | None:
        """Consume one pending redirect: (Location or None, status)."""
        return self.redirects.pop(0) if self.redirects else None

    def take_error(self, path: str) -> str | None:
        """Consume a pending device refusal for ``path``."""
        for index, (wanted, text) in enumerate(self.errors):
            if wanted in (None, path):
                del self.errors[index]
                return text
        return None

    def cut_streams(self, kind: str | None = None) -> int:
        """Cut running multipart streams (all, or one kind); return how many."""
        return self._stream_fault(kind, "cut")

    def silence_streams(self, kind: str | None = None) -> int:
        """Running streams send nothing more, keep-alives included, but stay open.

        A device that hangs with its connection still up.
        """
        return self._stream_fault(kind, "silence")

    def corrupt_streams(self, kind: str | None = None, mode: str = "truncate") -> int:
        """Corrupt the next part of running streams; return how many."""
        if mode not in CORRUPT_MODES:
            raise ValueError(f"mode must be one of {', '.join(CORRUPT_MODES)}")
        return self._stream_fault(kind, mode)

    def _stream_fault(self, kind: str | None, action: str) -> int:
        if kind is not None and kind not in STREAM_KINDS:
            raise ValueError(f"kind must be one of {', '.join(STREAM_KINDS)}")
        self.history.append(f"{action} {kind or 'all'}")
        if self._on_stream_fault is None:
            return 0
        return self._on_stream_fault(kind, action)

    def clear(self) -> None:
        """Stop every pending fault."""
        self.refuse = self.reset = self.hang = self.garbage = 0
        self.status_code = self.status_count = 0
        self.status_path = None
        self.delay_seconds = 0.0
        self.errors.clear()
        self.redirects.clear()
        self.transmit_refusals.clear()
        self.transmit_cuts.clear()
        self.history.append("clear")

    def take(self, name: Literal["refuse", "reset", "hang", "garbage"]) -> bool:
        """Consume one pending fault of ``name``."""
        pending: int = getattr(self, name)
        if pending > 0:
            setattr(self, name, pending - 1)
            return True
        return False

    def take_status(self, path: str) -> int | None:
        """Consume one pending status answer for a request to ``path``."""
        if self.status_count > 0 and self.status_path in (None, path):
            self.status_count -= 1
            return self.status_code
        return None

    def snapshot(self) -> dict[str, object]:
        """JSON-friendly view."""
        return {
            "refuse": self.refuse,
            "reset": self.reset,
            "hang": self.hang,
            "delay": self.delay_seconds,
            "status_code": self.status_code,
            "status_count": self.status_count,
            "status_path": self.status_path,
            "garbage": self.garbage,
            "errors": len(self.errors),
            "redirects": len(self.redirects),
            "transmit_refusals": list(self.transmit_refusals),
            "transmit_cuts": list(self.transmit_cuts),
        }

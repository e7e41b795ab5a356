"""Incremental reader for the device's multipart/x-mixed-replace streams.

One parser serves the MJPEG video stream, the I/O monitor stream and
multipart audio.  It reads from any async iterator of byte chunks (aiohttp's
``response.content.iter_any()`` in the client, an in-memory source in tests).

Why not :class:`aiohttp.MultipartReader`: it is built for finite
``multipart/form-data`` bodies and does not cope with what these devices
send: ``multipart/x-mixed-replace`` streams that never send a closing
boundary, a boundary declared *with* its leading ``--`` (``boundary=--myb``,
spec 5.8.4) while parts use either form, extra blank lines before, inside and
after parts (spec 5.5.1.1), parts whose headers lack the blank line that ends
them (spec 5.8.4 example), and frames that must be refused above a size cap
before they are buffered.  aiohttp's ``parse_mimetype`` is still used for the
Content-Type header.

Rules:

* a part's ``Content-Length`` is used when present and valid, the boundary
  otherwise;
* never more than one part (plus one network chunk) is held in memory; a part
  above ``max_part_bytes`` raises :class:`CameraResponseError`;
* a closing boundary (``--b--``), or the end of the stream between parts,
  ends the iteration normally (x-mixed-replace streams never close: the
  server closing the connection is their end); the end of the stream inside
  a part raises :class:`CameraConnectionError` (the stream was cut);
* input that is not a multipart stream raises :class:`CameraResponseError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
import re

from aiohttp.helpers import parse_mimetype

from .errors import CameraConnectionError, CameraResponseError

MAX_HEADER_LINE = 8192
MAX_HEADERS = 64

_HEADER_RE = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")

MONITOR_BODY_LINE = re.compile(rb"^\s*IO\d+\s*:", re.IGNORECASE)
"""A line of an I/O monitor part's body (spec 5.5.1.1: ``IO<n>:<char>``).

It looks like a MIME header (``IO0:/``), so a monitor part whose headers
lack the blank line that ends them, or that has no headers at all, would
lose its state to the headers: the I/O monitor passes this as
``body_line`` to end the headers there.
"""


def boundary_from_content_type(content_type: str) -> str | None:
    """The boundary of a ``multipart/*`` Content-Type, ``None`` if not multipart.

    Raises :class:`CameraResponseError` for a multipart type without boundary.
    """
    mime = parse_mimetype(content_type)
    if mime.type != "multipart":
        return None
    boundary = mime.parameters.get("boundary", "").strip()
    if not boundary:
        raise CameraResponseError("multipart answer without a boundary")
    return boundary


class StreamBuffer:
    """A byte buffer over an async chunk source, with line and size reads."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        """Read from ``chunks``."""
        self._chunks = chunks
        self._buf = bytearray()
        self._eof = False

    @property
    def buffered(self) -> int:
        """Bytes held right now."""
        return len(self._buf)

    async def fill(self) -> bool:
        """Append the next non-empty chunk; ``False`` at the end of the stream."""
        if self._eof:
            return False
        while True:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._eof = True
                return False
            if chunk:
                self._buf += chunk
                return True

    async def peek_line(self, limit: int) -> tuple[bytes, bool] | None:
        r"""The next line (with its ``\\n``) without consuming it.

        Returns ``(data, True)`` for a whole line, ``(data, False)`` when
        ``limit`` bytes (or the end of the stream) came without a newline,
        ``None`` when nothing is left.
        """
        searched = 0
        while True:
            index = self._buf.find(b"\n", searched)
            if index >= 0 and index < limit:
                return bytes(self._buf[: index + 1]), True
            if len(self._buf) >= limit:
                return bytes(self._buf[:limit]), False
            searched = len(self._buf)
            if not await self.fill():
                if not self._buf:
                    return None
                return bytes(self._buf), False

    def unread(self, data: bytes) -> None:
        """Put ``data`` back in front of the buffer."""
        self._buf[:0] = data

    def consume(self, size: int) -> bytes:
        """Remove and return the first ``size`` buffered bytes."""
        data = bytes(self._buf[:size])
        del self._buf[:size]
        return data

    async def read_exactly(self, size: int) -> bytes | None:
        """``size`` bytes, or ``None`` if the stream ends first."""
        while len(self._buf) < size:
            if not await self.fill():
                return None
        return self.consume(size)

    async def read_up_to(self, size: int) -> bytes:
        """Up to ``size`` bytes (at least one unless the stream ended)."""
        if not self._buf:
            await self.fill()
        return self.consume(min(size, len(self._buf)))

    def find(self, needle: bytes, start: int) -> int:
        """Index of ``needle`` in the buffer from ``start``, or -1."""
        return self._buf.find(needle, start)

    def byte_at(self, index: int) -> int | None:
        """The buffered byte at ``index``, ``None`` beyond the buffer."""
        return self._buf[index] if index < len(self._buf) else None

    @property
    def at_eof(self) -> bool:
        """Whether the source is exhausted (buffered bytes may remain)."""
        return self._eof


@dataclass(frozen=True)
class Part:
    """One part: headers (lower-case names) and body."""

    headers: Mapping[str, str]
    body: bytes


class MultipartStreamReader:
    """Iterate over the parts of a multipart stream, one at a time."""

    def __init__(
        self,
        chunks: AsyncIterator[bytes],
        boundary: str,
        *,
        max_part_bytes: int,
        body_line: re.Pattern[bytes] | None = None,
    ) -> None:
        """Read parts delimited by ``boundary`` (with or without its ``--``).

        A header line matching ``body_line`` is taken as the first line of
        the body instead (a part without the blank line after its headers,
        whose body would look like a header).
        """
        self._buffer = StreamBuffer(chunks)
        raw = boundary.encode("latin-1", "replace")
        self._delimiters = [b"--" + raw]
        if raw.startswith(b"--"):
            self._delimiters.append(raw)
        self._max_part = max_part_bytes
        self._body_line = body_line
        self._started = False
        self._closed = False
        self._cut = False
        self._saw_closing = False

    @property
    def saw_closing_boundary(self) -> bool:
        """Whether the stream ended with ``--boundary--`` (not just closed)."""
        return self._saw_closing

    def __aiter__(self) -> MultipartStreamReader:
        """Iterate over parts."""
        return self

    async def __anext__(self) -> Part:
        """The next part."""
        part = await self.next_part()
        if part is None:
            raise StopAsyncIteration
        return part

    def _boundary_kind(self, line: bytes) -> str | None:
        """``"part"``, ``"close"`` or ``None`` for a (whole) line."""
        text = line.rstrip(b" \t\r\n")
        for delimiter in self._delimiters:
            if text == delimiter:
                return "part"
            if text == delimiter + b"--":
                self._saw_closing = True
                return "close"
        return None

    def _stream_cut(self) -> CameraConnectionError:
        self._cut = True
        return CameraConnectionError("the device ended the stream")

    async def next_part(self) -> Part | None:
        """The next part, ``None`` after a closing boundary."""
        if self._closed:
            return None
        if self._cut:
            raise self._stream_cut()
        if not self._started and not await self._skip_preamble():
            return None
        headers = await self._read_headers()
        if headers is None:
            self._closed = True
            return None
        body = await self._read_body(headers)
        return Part(headers, body)

    async def _skip_preamble(self) -> bool:
        """Skip to the first boundary; ``False`` if no part follows."""
        skipped = 0
        junk = False
        while True:
            peeked = await self._buffer.peek_line(MAX_HEADER_LINE)
            if peeked is None:
                if junk:
                    raise CameraResponseError("the answer is not a multipart stream")
                self._closed = True
                return False
            line, whole = peeked
            self._buffer.consume(len(line))
            kind = self._boundary_kind(line) if whole else None
            if kind is not None:
                self._started = True
                self._closed = kind == "close"
                return not self._closed
            skipped += len(line)
            junk = junk or bool(line.strip())
            if skipped > self._max_part or (junk and skipped > MAX_HEADER_LINE):
                raise CameraResponseError("the answer is not a multipart stream")

    async def _read_headers(self) -> dict[str, str] | None:
        """The part's headers; ``None`` if the stream ended right at a boundary."""
        headers: dict[str, str] = {}
        for index in range(MAX_HEADERS):
            peeked = await self._buffer.peek_line(MAX_HEADER_LINE)
            if peeked is None:
                if index == 0:
                    return None
                raise self._stream_cut()
            line, whole = peeked
            if not whole:
                if self._buffer.at_eof and len(line) < MAX_HEADER_LINE:
                    raise self._stream_cut()
                return headers  # binary body right after the headers (quirk)
            stripped = line.rstrip(b"\r\n")
            if not stripped:
                self._buffer.consume(len(line))
                return headers
            if self._boundary_kind(line) is not None:
                return headers  # an empty part
            match = _HEADER_RE.match(stripped)
            if match is None or (
                self._body_line is not None and self._body_line.match(stripped)
            ):
                return headers  # no blank line before the body (quirk)
            self._buffer.consume(len(line))
            name = match.group(1).decode("ascii").lower()
            headers[name] = match.group(2).decode("latin-1")
        raise CameraResponseError("too many part headers")

    async def _read_body(self, headers: Mapping[str, str]) -> bytes:
        length_text = headers.get("content-length", "").strip()
        if length_text.isdigit() and length_text.isascii():
            length = int(length_text)
            if length > self._max_part:
                raise CameraResponseError(
                    f"part of {length} bytes exceeds the limit of {self._max_part}"
                )
            body = await self._buffer.read_exactly(length)
            if body is None:
                raise self._stream_cut()
            if await self._skip_to_boundary():
                return body
            # the length was wrong (a truncated part): the boundary decides
            self._buffer.unread(body)
        return await self._read_to_boundary()

    async def _skip_to_boundary(self) -> bool:
        """After a sized body: skip blank lines and the next boundary line.

        Returns ``False`` (consuming nothing but the blank lines, which are
        put back) if something else follows: the part's length was wrong.
        """
        skipped = bytearray()
        while True:
            peeked = await self._buffer.peek_line(MAX_HEADER_LINE)
            if peeked is None:
                self._closed = True
                return True
            line, whole = peeked
            if whole and not line.strip():
                skipped += self._buffer.consume(len(line))
                continue
            kind = self._boundary_kind(line) if whole else None
            if kind is None:
                self._buffer.unread(bytes(skipped))
                return False
            self._buffer.consume(len(line))
            self._closed = kind == "close"
            return True

    async def _find_delimiter(self, start: int) -> tuple[int, int] | None:
        """Earliest valid delimiter at or after ``start``: (index, length).

        A delimiter must be followed by a line end, ``--``, blanks or the end of
        the stream; returns ``None`` if none is found in the buffer (yet).
        """
        best: tuple[int, int] | None = None
        for delimiter in self._delimiters:
            index = self._buffer.find(delimiter, start)
            while index >= 0:
                after = index + len(delimiter)
                while self._buffer.byte_at(after + 1) is None:
                    if not await self._buffer.fill():
                        break
                first = self._buffer.byte_at(after)
                second = self._buffer.byte_at(after + 1)
                if (
                    first is None
                    or first in b"\r\n \t"
                    or (first == ord("-") and second in (ord("-"), None))
                ):
                    if best is None or index < best[0]:
                        best = (index, len(delimiter))
                    break
                index = self._buffer.find(delimiter, index + 1)
        return best

    async def _read_to_boundary(self) -> bytes:
        searched = 0
        longest = max(len(d) for d in self._delimiters)
        while True:
            found = await self._find_delimiter(searched)
            if found is not None:
                index, _ = found
                body = self._buffer.consume(index)
                if body.endswith(b"\r\n"):
                    body = body[:-2]
                elif body.endswith(b"\n"):
                    body = body[:-1]
                peeked = await self._buffer.peek_line(MAX_HEADER_LINE)
                line = peeked[0] if peeked is not None else b""
                self._buffer.consume(len(line))
                self._closed = self._boundary_kind(line) == "close"
                if len(body) > self._max_part:
                    raise CameraResponseError(
                        f"part exceeds the limit of {self._max_part} bytes"
                    )
                return body
            if self._buffer.buffered > self._max_part + longest + 2:
                raise CameraResponseError(
                    f"part exceeds the limit of {self._max_part} bytes"
                )
            searched = max(0, self._buffer.buffered - longest - 2)
            if not await self._buffer.fill():
                raise self._stream_cut()

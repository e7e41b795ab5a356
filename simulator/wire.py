r"""The spec-literal wire: the bytes an independently written device sends.

Every connection carries one request and one answer, in the spec's own form::

    HTTP/1.0 200 OK\r\n
    Content-Type: text/plain\n
    \n
    <body, ended by closing the connection>

:class:`SpecLiteralProtocol` sits between the listener's socket and aiohttp's
request handler (same process, same port, so counters, faults and the control
API are untouched):

* the client's request line is read as HTTP/1.0, so aiohttp neither chunks a
  stream nor keeps the connection (the simulator also marks every answer
  ``force_close``);
* the answer's head is rewritten: an ``HTTP/1.0`` status line ending in CRLF
  (status and reason kept), header lines ending in a bare LF, a bare LF ending
  the head, and without ``Content-Length`` (kept only on single JPEG images, as
  spec 5.2.4.3 shows), ``Date``, ``Server``, ``Connection``, ``Keep-Alive``,
  ``Transfer-Encoding``;
* the body goes out as written, part by part, until the connection closes.

Closing, aborting (a TCP RST) and flow control reach the real socket directly,
so a client hanging up ends the request, and ``stop()``/reboot and the faults
close the client's connection as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import re
from typing import Any

HEAD_END = b"\r\n\r\n"
#: Header lines a spec-literal device does not send.
DROPPED = frozenset(
    {b"date", b"server", b"connection", b"keep-alive", b"transfer-encoding"}
)
REQUEST_VERSION = re.compile(rb" HTTP/1\.\d(?=\r?\n$)")
#: A request head longer than this is passed on as it is (aiohttp refuses it).
MAX_REQUEST_HEAD = 65536


def _body_length(head: bytes) -> int | None:
    """Body bytes that follow a request head (None: up to the close)."""
    length = 0
    for line in head.split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return None
    return length


def rewrite_head(head: bytes) -> bytes:
    """Rewrite aiohttp's answer head (without its final blank line)."""
    status, *lines = head.split(b"\r\n")
    _, _, rest = status.partition(b" ")
    jpeg = any(
        line.partition(b":")[0].strip().lower() == b"content-type"
        and line.partition(b":")[2].strip().lower() == b"image/jpeg"
        for line in lines
    )
    out = [b"HTTP/1.0 " + rest + b"\r\n"]
    for line in lines:
        name = line.partition(b":")[0].strip().lower()
        if name in DROPPED or (name == b"content-length" and not jpeg):
            continue
        out.append(line + b"\n")
    out.append(b"\n")
    return b"".join(out)


class SpecLiteralTransport(asyncio.Transport):
    """What aiohttp writes to: rewrites the answer's head, then passes through."""

    def __init__(self, real: asyncio.Transport) -> None:
        """Wrap the connection's real transport."""
        super().__init__()
        self._real = real
        self._head: bytearray | None = bytearray()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Buffer until the head is complete, rewrite it, pass the body on."""
        if self._head is None:
            self._real.write(data)
            return
        self._head += data
        end = self._head.find(HEAD_END)
        if end < 0:
            return
        head, body = bytes(self._head[:end]), bytes(self._head[end + 4 :])
        self._head = None
        self._real.write(rewrite_head(head) + body)

    def writelines(
        self, list_of_data: Iterable[bytes | bytearray | memoryview]
    ) -> None:
        """Write the pieces as one."""
        self.write(b"".join(list_of_data))

    def _flush(self) -> None:
        """Send an unfinished head as it is (nothing is lost on close)."""
        if self._head:
            self._real.write(bytes(self._head))
        self._head = None

    def close(self) -> None:
        """Close the client's connection (after what was written)."""
        self._flush()
        self._real.close()

    def abort(self) -> None:
        """Drop the client's connection at once."""
        self._real.abort()

    def is_closing(self) -> bool:
        """Whether the client's connection is closing."""
        return self._real.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Socket, peer name, SSL context ... of the client's connection."""
        return self._real.get_extra_info(name, default)

    def pause_reading(self) -> None:
        """Flow control towards the client."""
        self._real.pause_reading()

    def resume_reading(self) -> None:
        """Flow control towards the client."""
        self._real.resume_reading()

    def is_reading(self) -> bool:
        """Whether the client's connection is read."""
        return self._real.is_reading()

    def set_write_buffer_limits(
        self, high: int | None = None, low: int | None = None
    ) -> None:
        """Flow control towards the client."""
        self._real.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        """Bytes waiting to go to the client."""
        return self._real.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        """Flow control limits towards the client."""
        return self._real.get_write_buffer_limits()

    def can_write_eof(self) -> bool:
        """Whether a half close is possible."""
        return self._real.can_write_eof()

    def write_eof(self) -> None:
        """Half close the client's connection."""
        self._flush()
        self._real.write_eof()


class SpecLiteralProtocol(asyncio.Protocol):
    """Feeds aiohttp's request handler one HTTP/1.0 request per connection.

    The request's head is read whole, its request line made HTTP/1.0, and its
    body passed on up to its ``Content-Length`` (a chunked body: all of it);
    anything after that is ignored, as a device reading one request would.
    """

    def __init__(self, inner: asyncio.Protocol) -> None:
        """Wrap aiohttp's protocol for one connection."""
        self._inner = inner
        self._head: bytearray | None = bytearray()
        #: Body bytes still to pass on (None: everything).
        self._remaining: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Give aiohttp the rewriting transport."""
        assert isinstance(transport, asyncio.Transport)
        self._inner.connection_made(SpecLiteralTransport(transport))

    def data_received(self, data: bytes) -> None:
        """Pass the request on (rewritten), drop what follows it."""
        if self._head is None:
            self._forward(data)
            return
        self._head += data
        ends = [
            i + len(m) for m in (b"\r\n\r\n", b"\n\n") if (i := self._head.find(m)) >= 0
        ]
        if not ends and len(self._head) < MAX_REQUEST_HEAD:
            return
        end = min(ends, default=len(self._head))
        head, rest = bytes(self._head[:end]), bytes(self._head[end:])
        self._head = None
        self._remaining = _body_length(head) if ends else None
        line, newline, fields = head.partition(b"\n")
        line = REQUEST_VERSION.sub(b" HTTP/1.0", line + newline)
        self._inner.data_received(line + fields)
        if rest:
            self._forward(rest)

    def _forward(self, data: bytes) -> None:
        if self._remaining is not None:
            data = data[: self._remaining]
            self._remaining -= len(data)
        if data:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        """The client half closed."""
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        """The client's connection is gone."""
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        """The client reads too slowly."""
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        """The client caught up."""
        self._inner.resume_writing()

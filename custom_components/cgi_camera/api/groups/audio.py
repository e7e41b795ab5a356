"""``audio/receive.cgi`` and ``audio/transmit.cgi``: sound from and to the device."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
import logging
import re

import aiohttp

from ..audio import AUDIO_BLOCK_BYTES, G726_24, AudioFormat, paced_blocks
from ..encoding import QueryValue
from ..errors import (
    CameraConnectionError,
    CameraError,
    CameraStaleNonceError,
    CameraValueError,
)
from ..multipart import StreamBuffer, boundary_from_content_type
from ..transport import Params, body_timeout
from .base import ApiGroup

_LOGGER = logging.getLogger(__name__)

AUDIO_RATE = G726_24.bytes_per_second
"""Bytes a second of the slowest audio format (G.726 at 24 kbit/s)."""

MAX_AUDIO_PART_BYTES = 64 * 1024

TRANSMIT_ANSWER_GRACE = 1.0
"""Seconds a streamed transmit waits for an answer once its body is sent.

Spec 5.8.5 prints no answer to ``transmit.cgi``: a device may read sound
until the connection closes and never answer.  No answer in this time,
with the whole body sent, is success; the connection is then closed.
"""

_MIME_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")


async def _counted(
    blocks: AsyncIterable[bytes],
    length: int,
    mismatch: list[str],
    on_sent: Callable[[], None],
) -> AsyncIterator[bytes]:
    """``blocks`` as they come, stopping before more than ``length`` bytes.

    A mismatch is noted in ``mismatch`` and raised, which makes aiohttp abort
    the request (the connection is closed).  ``on_sent`` is called once the
    whole body is handed to the connection (aiohttp asks for more).
    """
    sent = 0
    async for block in blocks:
        if not block:
            continue
        if sent + len(block) > length:
            mismatch.append(f"the blocks are longer than the declared {length} bytes")
            raise CameraValueError("length", mismatch[0])
        sent += len(block)
        yield block
    if sent != length:
        mismatch.append(f"the blocks end after {sent} of the declared {length} bytes")
        raise CameraValueError("length", mismatch[0])
    on_sent()


def _grace(answer: asyncio.Timeout) -> None:
    """Leave ``answer`` only the grace time from now."""
    answer.reschedule(asyncio.get_running_loop().time() + TRANSMIT_ANSWER_GRACE)


class AudioApi(ApiGroup):
    """Sound from the device's microphone and to its speaker (``client.audio``)."""

    def receive(self, *, multipart: bool | None = None) -> AsyncGenerator[bytes]:
        """Audio of ``audio/receive.cgi`` in blocks of 240 bytes.

        ``multipart`` picks ``httptype``; ``None`` leaves the device's default.
        Single-part and multipart answers are both understood.
        """
        params: list[tuple[str, QueryValue]] = []
        if multipart is not None:
            params.append(("httptype", "multipart" if multipart else "singlepart"))
        return self._audio(params)

    async def _audio(self, params: Params) -> AsyncGenerator[bytes]:
        what = "GET /audio/receive.cgi"
        response = await self._stream_response(
            "/audio/receive.cgi", params, self._stall_timeout
        )
        content_type = response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
        try:
            boundary = boundary_from_content_type(content_type)
        except CameraError:
            response.close()
            raise
        if boundary is not None:
            parts = self._parts(response, what, MAX_AUDIO_PART_BYTES)
            try:
                async for body in parts:
                    for start in range(0, len(body), AUDIO_BLOCK_BYTES):
                        yield body[start : start + AUDIO_BLOCK_BYTES]
            finally:
                await parts.aclose()
            return
        chunks = self._chunks(response, what)
        buffer = StreamBuffer(chunks)
        try:
            while block := await buffer.read_exactly(AUDIO_BLOCK_BYTES) or (
                await buffer.read_up_to(AUDIO_BLOCK_BYTES)
            ):
                yield block
            raise CameraConnectionError(f"{what}: the device ended the stream")
        finally:
            response.close()
            await chunks.aclose()

    async def probe(self) -> None:
        """Open ``audio/receive.cgi`` and close it once the device answered.

        Raises like any request: :class:`CameraNotFoundError` on a device
        without audio.
        """
        response = await self._stream_response(
            "/audio/receive.cgi", (), self._stall_timeout
        )
        response.close()

    async def transmit_probe(self, content_type: str) -> None:
        """POST ``audio/transmit.cgi`` with an empty ``content_type`` body.

        Finds out whether the device has a speaker that takes this type
        without playing a sound: the body is zero bytes.  Raises like any
        request: :class:`CameraNotFoundError` without a speaker,
        :class:`CameraRequestRefusedError` (HTTP 400) for a type it refuses.
        A device that took the request and keeps it open without an answer
        (:data:`TRANSMIT_ANSWER_GRACE`) waits for sound: the type is taken.
        """
        # The empty sound, streamed like a sound so that its end is seen.
        await self._streamed(lambda: paced_blocks(b"", G726_24), 0, content_type)

    async def play(self, audio: bytes, audio_format: AudioFormat) -> None:
        """Send coded ``audio`` to the speaker in real time; return when sent.

        One request whose ``Content-Length`` is the whole sound, sent in
        240-byte blocks paced by :func:`~..audio.paced_blocks`: the device
        never holds more than a moment of sound, so cancelling this call
        (which closes the connection) silences it at once.  A Digest nonce
        that went stale is answered once, with the sound sent again from its
        start (the device refused the first request without playing it).
        Once the whole sound is sent, an answer is awaited for
        :data:`TRANSMIT_ANSWER_GRACE` only: a device that reads until the
        connection closes (spec 5.8.5 prints no answer) has played it.
        """
        await self._streamed(
            lambda: paced_blocks(audio, audio_format),
            len(audio),
            audio_format.content_type,
        )

    async def _streamed(
        self,
        blocks: Callable[[], AsyncIterable[bytes]],
        length: int,
        content_type: str,
    ) -> None:
        """Transmit ``blocks()``, once more from the start on a stale nonce."""
        for attempt in range(2):
            try:
                await self.transmit(blocks(), length=length, content_type=content_type)
            except CameraStaleNonceError:
                # The device refused before playing: the new nonce is learnt.
                if attempt:
                    raise
                continue
            return

    async def transmit(
        self,
        audio: bytes | bytearray | AsyncIterable[bytes],
        *,
        length: int | None = None,
        content_type: str = "audio/basic",
    ) -> None:
        """POST ``audio/transmit.cgi`` with a ``Content-Length``.

        The spec's device (5.8.5) reads an HTTP/1.0 body of ``Content-Length``
        bytes; a chunked body would be played as sound, so the body is never
        chunked.  (The request line says HTTP/1.1: aiohttp sets the version
        per session, and the client uses the caller's session.)  ``audio`` is
        the whole body (``bytes``; ``length``, if given, must match; it is
        re-sent on a 401 or a same-origin redirect), or an async iterable of
        blocks streamed as they come, never buffered, with ``length`` their
        total number of bytes (required).  A streamed body waits for the
        answer only :data:`TRANSMIT_ANSWER_GRACE` after its last byte: no
        answer by then is success (the device reads until the connection
        closes, spec 5.8.5), and the connection is closed.

        Raises :class:`CameraValueError` before sending for a bad
        ``content_type`` or ``length``; for blocks that turn out longer or
        shorter than ``length`` the request is aborted (the device never gets
        more bytes than declared, nor a complete body of the wrong size) and
        :class:`CameraValueError` is raised.
        """
        if not _MIME_RE.match(content_type):
            raise CameraValueError("content_type", "not a MIME type")
        if length is not None and (
            isinstance(length, bool) or not isinstance(length, int) or length < 0
        ):
            raise CameraValueError("length", f"must be a byte count, got {length!r}")
        mismatch: list[str] = []
        # Rescheduled to the grace time once a streamed body is all sent.
        answer = asyncio.timeout(None)
        data: bytes | AsyncIterator[bytes]
        if isinstance(audio, bytes | bytearray):
            data = whole = bytes(audio)
            if length is not None and length != len(whole):
                raise CameraValueError(
                    "length", f"is {length} but the audio has {len(whole)} bytes"
                )
            length = len(whole)
        elif length is None:
            raise CameraValueError(
                "length", "is required with an async iterable of blocks"
            )
        else:
            data = _counted(audio, length, mismatch, lambda: _grace(answer))
        await self._transport.probe()
        try:
            async with answer:
                await self._transport.text(
                    "POST",
                    "/audio/transmit.cgi",
                    (),
                    data=data,
                    headers={
                        aiohttp.hdrs.CONTENT_TYPE: content_type,
                        aiohttp.hdrs.CONTENT_LENGTH: str(length),
                        aiohttp.hdrs.CACHE_CONTROL: "no-cache",
                    },
                    replayable=isinstance(data, bytes),
                    timeout=aiohttp.ClientTimeout(
                        # the slowest format (G.726 at 24 kbit/s) in real time,
                        # then the grace time (which ends the request first)
                        total=body_timeout(self._transport.timeout, length, AUDIO_RATE)
                        + TRANSMIT_ANSWER_GRACE,
                        sock_connect=self._transport.timeout,
                    ),
                )
        except TimeoutError:
            # Only ``answer`` raises this (the transport raises CameraErrors):
            # the body is all sent and the device keeps reading without an
            # answer (spec 5.8.5 prints none): played.  The connection closed
            # when the request was cancelled.
            _LOGGER.debug("POST /audio/transmit.cgi: no answer after the body")
        except CameraError:
            if not mismatch:
                raise
        if mismatch:
            raise CameraValueError("length", mismatch[0])

"""What every API group shares: the transport, the stall timeout, the helpers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
import re

import aiohttp

from ..errors import CameraConnectionError, CameraResponseError
from ..multipart import MultipartStreamReader, boundary_from_content_type
from ..transport import Params, Transport, translate_error


def yes_no(value: bool) -> str:
    """``yes`` or ``no``, the spec's booleans."""
    return "yes" if value else "no"


class ApiGroup:
    """One group of the camera's requests, sent over the client's transport.

    Every group of one :class:`~..client.CameraClient` shares its
    :class:`~..transport.Transport` (address, credentials, learnt auth
    scheme) and its stall timeout.
    """

    def __init__(self, transport: Transport, stall_timeout: float | None) -> None:
        """Send over ``transport``; streams give up after ``stall_timeout``."""
        self._transport = transport
        self._stall_timeout = stall_timeout

    def __repr__(self) -> str:
        """Never shows credentials."""
        return f"{type(self).__name__}({self._transport.base_url!r})"

    async def _text(
        self,
        path: str,
        params: Params = (),
        *,
        secrets: Sequence[str] = (),
        method: str = "GET",
        refusals: bool = True,
    ) -> str:
        return await self._transport.text(
            method, path, params, secrets=secrets, refusals=refusals
        )

    async def _command(
        self, path: str, params: Params = (), *, secrets: Sequence[str] = ()
    ) -> str:
        """A request whose answer is ``OK`` or a refusal (which raises)."""
        return await self._text(path, params, secrets=secrets)

    async def _stream_response(
        self, path: str, params: Params, stall: float | None
    ) -> aiohttp.ClientResponse:
        return await self._transport.request(
            "GET",
            path,
            params,
            timeout=self._transport.stream_timeout(stall),
            header_timeout=self._transport.timeout,
        )

    async def _chunks(
        self, response: aiohttp.ClientResponse, what: str
    ) -> AsyncGenerator[bytes]:
        try:
            async for chunk in response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise translate_error(err, what, self._transport.redact) from err

    async def _parts(
        self,
        response: aiohttp.ClientResponse,
        what: str,
        max_part_bytes: int,
        *,
        end_is_cut: bool = True,
        body_line: re.Pattern[bytes] | None = None,
    ) -> AsyncGenerator[bytes]:
        """Part bodies of a multipart stream answer; closes the response.

        With ``end_is_cut`` the device closing the stream without a closing
        boundary raises :class:`CameraConnectionError` (video and audio never
        end on their own); otherwise the iteration just ends.  ``body_line``
        is passed to :class:`MultipartStreamReader`.
        """
        chunks = self._chunks(response, what)
        try:
            boundary = boundary_from_content_type(
                response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
            )
            if boundary is None:
                raise CameraResponseError(
                    f"{what}: the answer is not a multipart stream"
                )
            reader = MultipartStreamReader(
                chunks, boundary, max_part_bytes=max_part_bytes, body_line=body_line
            )
            async for part in reader:
                yield part.body
            if end_is_cut and not reader.saw_closing_boundary:
                raise CameraConnectionError(f"{what}: the device ended the stream")
        finally:
            response.close()
            await chunks.aclose()

"""HTTP transport: URLs, authentication, status mapping and error wrapping.

Credentials never go into URLs: Basic uses an ``Authorization`` header built
by :func:`basic_authorization`, Digest one built by :mod:`.digest`.  The scheme
is learnt from the first 401 and then sent preemptively, so each call is one
request; a later 401 (new or stale nonce, changed password) is answered once
with the fresh challenge before :class:`CameraAuthenticationError` is raised.

Redirects (spec 4.2.1: 302 sends the request to the ``Location``; 301, 307
and 308 are read the same way) are followed here, never by aiohttp, whose
own following would send the ``Authorization`` header to any host: only to
the same scheme, host and port, at most :data:`MAX_REDIRECTS` hops, with the
authentication re-sent for the new target.  Anything else raises
:class:`CameraRedirectError`.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
import io
import ipaddress
import logging
import os
from pathlib import PurePath
from types import TracebackType
from typing import Any, Literal

import aiohttp
from yarl import URL

from .digest import DigestAuth, DigestError, parse_www_authenticate
from .encoding import QueryValue, build_query
from .errors import (
    CameraAuthenticationError,
    CameraBusyError,
    CameraCertificateError,
    CameraConnectionError,
    CameraError,
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRedirectError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraStaleNonceError,
    CameraTimeoutError,
    CameraValueError,
)
from .params import refusal, refused
from .rights import required_right

_LOGGER = logging.getLogger(__name__)

# Set in the task that changes the account's password (changing_credentials):
# its own requests never wait for the change to end.
_CHANGING_CREDENTIALS: ContextVar[bool] = ContextVar(
    "cgi_camera_changing_credentials", default=False
)

MAX_TEXT_BYTES = 4 * 1024 * 1024
REDACTED = "********"
MAX_REDIRECTS = 3
"""Redirect hops one request may follow."""
REDIRECT_STATUSES = frozenset({301, 302, 307, 308})
"""Statuses that re-send the same request to ``Location`` (303 is not one)."""


def basic_authorization(username: str, password: str) -> str:
    """The Basic ``Authorization`` value (RFC 7617, UTF-8).

    Built here because aiohttp deprecates its BasicAuth helper from 3.13 on.
    """
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


type Params = Sequence[tuple[str, QueryValue]]


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def translate_error(
    err: BaseException, what: str, redact: Callable[[str], str] | None = None
) -> CameraError:
    """Wrap a transport exception (the caller decides about chaining).

    The transport exception, and those it was raised from, lose their
    tracebacks (see :func:`_drop_tracebacks`); their text is kept first, as
    the error's :attr:`~.errors.CameraError.transport_chain`, with ``redact``
    applied (without it, only types and places are kept: their messages
    might show a secret).
    """
    if isinstance(err, CameraError):
        return err
    chain = describe_chain(err, redact)
    _drop_tracebacks(err)
    error = _wrap(err, what)
    error.transport_chain = chain
    _LOGGER.debug("%s failed: %s", what, " <- ".join(chain))
    return error


def _wrap(err: BaseException, what: str) -> CameraError:  # noqa: PLR0911
    """The CameraError for a transport exception."""
    if isinstance(err, TimeoutError):
        return CameraTimeoutError(f"{what}: the device did not answer in time")
    if isinstance(err, aiohttp.ClientPayloadError):
        return CameraConnectionError(f"{what}: the answer was cut off")
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return CameraConnectionError(f"{what}: the device closed the connection")
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        # (its os_error property raises AttributeError on aiohttp 3.11)
        reason = getattr(err.certificate_error, "verify_message", None) or str(
            err.certificate_error
        )
        return CameraCertificateError(
            f"{what}: the device's HTTPS certificate is not trusted ({reason})"
        )
    if isinstance(err, aiohttp.ClientConnectorError):
        # Not the OS error's text: it names the address and port, and this
        # message reaches the log and the UI (the chain keeps it for debug).
        return CameraConnectionError(f"{what}: cannot connect ({_os_reason(err)})")
    if isinstance(err, aiohttp.ClientResponseError):
        return CameraResponseError(f"{what}: malformed HTTP answer")
    if isinstance(err, aiohttp.ClientError | OSError):
        return CameraConnectionError(f"{what}: {type(err).__name__}")
    if isinstance(err, UnicodeError | ValueError):
        return CameraResponseError(f"{what}: malformed answer")
    return CameraError(f"{what}: {type(err).__name__}")


def describe_chain(
    err: BaseException, redact: Callable[[str], str] | None = None
) -> tuple[str, ...]:
    """One line per exception in ``err``'s chain (causes, then contexts).

    ``type: message (file:line)``, the place being the innermost frame of its
    traceback (where it was raised). ``redact`` is applied to each message;
    without it the messages are left out.
    """
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        name = (
            kind.__qualname__
            if kind.__module__ == "builtins"
            else f"{kind.__module__}.{kind.__qualname__}"
        )
        line = name
        if redact is not None and (message := " ".join(str(current).split())):
            line += f": {redact(message)}"
        if (where := _raised_at(current.__traceback__)) is not None:
            line += f" ({where})"
        lines.append(line)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return tuple(lines)


def _raised_at(tb: TracebackType | None) -> str | None:
    """``package/module.py:line`` of a traceback's innermost frame."""
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    path = PurePath(tb.tb_frame.f_code.co_filename)
    return f"{'/'.join(path.parts[-2:])}:{tb.tb_lineno}"


def _os_reason(err: aiohttp.ClientConnectorError) -> str:
    """``Connection refused``, without the address the OS error's text holds."""
    errno = err.os_error.errno
    return os.strerror(errno) if errno else type(err.os_error).__name__


def _is_stale(response: aiohttp.ClientResponse) -> bool:
    """Whether a 401 says only that the Digest nonce expired (``stale=true``)."""
    return any(
        challenge.scheme == "digest"
        and challenge.params.get("stale", "").lower() == "true"
        for challenge in parse_www_authenticate(
            response.headers.getall("WWW-Authenticate", [])
        )
    )


def body_timeout(transport_timeout: float, size: int, rate: float) -> float:
    """Time for a request whose ``size``-byte body goes at ``rate`` bytes/s.

    Uploads and audio have no fixed duration, but a device that takes the
    body and never answers must not hold the caller for ever.
    """
    return transport_timeout + size / rate


def _drop_tracebacks(err: BaseException) -> None:
    """Drop the tracebacks of ``err`` and of every exception it came from.

    Their frames are aiohttp's and asyncio's, of no use to a user, and they
    make reference cycles: aiohttp keeps a failed read's exception in the
    response's reader, whose frames the traceback holds; a refused connection
    attempt is kept in a list in a frame of its own traceback. A frame keeps
    its callers' frames, so such a cycle would also hold everything that was
    waiting for the answer (stream readers with their buffers) until Python's
    next full collection.
    """
    pending = [err]
    seen: set[int] = set()
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        exc.with_traceback(None)
        pending += filter(None, (exc.__cause__, exc.__context__))


def _replayable(data: Any) -> bool:
    """Whether ``data`` can be sent a second time (not a one-shot stream)."""
    return not isinstance(
        data,
        AsyncIterable
        | Iterator
        | io.IOBase
        | aiohttp.payload.AsyncIterablePayload
        | aiohttp.payload.IOBasePayload,
    )


def _host_part(host: str) -> str:
    host = host.strip()
    if not host or any(char in host for char in "/?#@ \\[]"):
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        else:
            raise CameraValueError("host", f"not a host name or address: {host!r}")
    with suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    return host


class Transport:
    """Sends requests for :class:`~.client.CameraClient`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int,
        https: bool,
        verify_ssl: bool,
        username: str,
        password: str,
        timeout: float,
    ) -> None:
        """Keep the session (never closed here) and the settings."""
        if isinstance(port, bool) or not 1 <= port <= 65535:
            raise CameraValueError("port", "must be 1..65535", minimum=1, maximum=65535)
        if not timeout > 0:
            raise CameraValueError("timeout", "must be positive")
        self._session = session
        self._base = f"{'https' if https else 'http'}://{_host_part(host)}:{port}"
        self._ssl: bool = verify_ssl if https else True
        self._https = https
        self._username = username
        self._password = password
        self.timeout = timeout
        self._scheme: Literal["basic", "digest"] | None = None
        self._digest: DigestAuth | None = None
        self._credentials_changed: asyncio.Future[None] | None = None
        self._credentials_lock = asyncio.Lock()

    @property
    def base_url(self) -> str:
        """``http(s)://host:port`` (no credentials)."""
        return self._base

    @property
    def auth_scheme(self) -> str | None:
        """The learnt scheme: ``"basic"``, ``"digest"`` or ``None`` (not yet)."""
        return self._scheme

    @asynccontextmanager
    async def changing_credentials(self) -> AsyncIterator[None]:
        """Hold back the retry of a 401 while the account's password changes.

        A request the device refuses (401) meanwhile, because it was signed
        with the old password, waits until the block ends, then answers the
        401 once with the credentials then current (update_credentials).
        Requests of the task in the block do not wait. One change at a time:
        a second block waits for the first to end.
        """
        async with self._credentials_lock:
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._credentials_changed = done
            token = _CHANGING_CREDENTIALS.set(True)
            try:
                yield
            finally:
                _CHANGING_CREDENTIALS.reset(token)
                self._credentials_changed = None
                done.set_result(None)

    async def _wait_for_credentials(self) -> bool:
        """Wait until a change of credentials (by another task) has ended.

        Return whether it waited: the request may answer its 401 again.
        """
        changed = self._credentials_changed
        if changed is None or _CHANGING_CREDENTIALS.get():
            return False
        await asyncio.shield(changed)
        return True

    def update_credentials(self, username: str, password: str) -> None:
        """Use new credentials (the learnt scheme is kept)."""
        self._username = username
        self._password = password
        if self._digest is not None:
            self._digest.set_credentials(username, password)

    @property
    def password(self) -> str:
        """The login password (for redaction only)."""
        return self._password

    def redact(self, text: str, secrets: Iterable[str] = ()) -> str:
        """``text`` without the password or the request's secrets."""
        return redact(text, [self._password, *secrets])

    def url(self, path: str, params: Params = ()) -> tuple[URL, str]:
        """The request URL (already encoded) and its request target."""
        query = build_query(params)
        target = f"{path}?{query}" if query else path
        return URL(self._base + target, encoded=True), target

    def _authorization(self, method: str, target: str) -> str | None:
        if self._scheme == "basic":
            return basic_authorization(self._username, self._password)
        if self._scheme == "digest" and self._digest is not None:
            return self._digest.authorization(method, target)
        return None

    def _learn(self, response: aiohttp.ClientResponse) -> bool:
        """Take the challenge of a 401; ``False`` if none can be answered."""
        challenges = parse_www_authenticate(
            response.headers.getall("WWW-Authenticate", [])
        )
        for challenge in challenges:
            if challenge.scheme == "digest":
                try:
                    if self._digest is None:
                        self._digest = DigestAuth(
                            self._username, self._password, challenge
                        )
                    else:
                        self._digest.update(challenge)
                except DigestError:
                    continue
                self._scheme = "digest"
                return True
        if self._digest is not None:
            # Digest was seen: a device (or a man in the middle) now offering
            # only Basic must not get the password in clear text.
            return False
        if any(challenge.scheme == "basic" for challenge in challenges):
            self._scheme = "basic"
            return True
        return False

    async def request(
        self,
        method: str,
        path: str,
        params: Params = (),
        *,
        data: Any = None,
        headers: dict[str, str] | None = None,
        timeout: aiohttp.ClientTimeout | None = None,  # noqa: ASYNC109
        header_timeout: float | None = None,
        replayable: bool = True,
        secrets: Sequence[str] = (),
    ) -> aiohttp.ClientResponse:
        """Send one request (answering a 401 once); map HTTP errors.

        Same-origin redirects are followed (see the module's docstring);
        ``replayable=False`` (or a streamed ``data``) makes a redirect raise
        :class:`CameraRedirectError` instead, as the body cannot be re-sent.

        Returns a response with a 2xx status; the caller releases it.
        """
        url, target = self.url(path, params)
        what = f"{method} {path}"
        _LOGGER.debug("%s", what)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
        replayable = replayable and _replayable(data)
        error: CameraError
        try:
            return await self._follow(
                self._session,
                method,
                url,
                target,
                what,
                data=data,
                headers=headers or {},
                timeout=timeout,
                header_timeout=header_timeout,
                replayable=replayable,
                secrets=secrets,
            )
        except CameraError:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as err:
            if not secrets:
                raise translate_error(err, what, self.redact) from err
            error = translate_error(err, what, lambda text: self.redact(text, secrets))
        # Outside the except block: with secrets in the request, the error
        # carries no __context__ that could show them. The local goes before
        # the error leaves: its traceback holds this frame, and a frame that
        # still held the error would make a cycle only a full GC frees.
        try:
            raise error
        finally:
            del error

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        target: str,
        what: str,
        *,
        data: Any,
        headers: dict[str, str],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109
        header_timeout: float | None,
        replayable: bool,
        secrets: Sequence[str],
    ) -> aiohttp.ClientResponse:
        """Send the request: one 401 answered, same-origin redirects followed."""
        visited = {url}
        hops = 0
        answered_401 = False
        while True:
            request_headers = dict(headers)
            if (authorization := self._authorization(method, target)) is not None:
                request_headers["Authorization"] = authorization
            async with asyncio.timeout(header_timeout):
                response = await session.request(
                    method,
                    url,
                    headers=request_headers,
                    data=data,
                    timeout=timeout,
                    ssl=self._ssl,
                    allow_redirects=False,
                )
            status = response.status
            if status == 401:
                response.release()
                waited = await self._wait_for_credentials()
                if not replayable and _is_stale(response) and self._learn(response):
                    raise CameraStaleNonceError(
                        f"{what}: the device's nonce went stale; send it again"
                    )
                if (
                    (answered_401 and not waited)
                    or not replayable
                    or not self._learn(response)
                ):
                    raise CameraAuthenticationError(
                        f"{what}: the device refused the credentials"
                    )
                answered_401 = True
                continue
            if status not in REDIRECT_STATUSES:
                self._raise_for_status(response, what, target)
                return response
            location = response.headers.get(aiohttp.hdrs.LOCATION)
            response.release()
            hops += 1
            url = self._redirect_target(
                url,
                location,
                what=f"{what}: HTTP {status}",
                hops=hops,
                visited=visited,
                replayable=replayable,
                secrets=secrets,
            )
            target = url.raw_path_qs
            visited.add(url)
            _LOGGER.debug(
                "%s: HTTP %s, following the redirect to %s",
                what,
                status,
                self.redact(url.path, secrets),
            )

    def _redirect_target(
        self,
        url: URL,
        location: str | None,
        *,
        what: str,
        hops: int,
        visited: set[URL],
        replayable: bool,
        secrets: Sequence[str],
    ) -> URL:
        """The URL a redirect leads to, or :class:`CameraRedirectError`.

        Messages name the origin of a refused target, never its path or
        query (devices echo requests, which may carry secrets).
        """
        problem = self._redirect_problem(url, location, hops, visited, replayable)
        if isinstance(problem, str):
            raise CameraRedirectError(self.redact(f"{what} {problem}", secrets))
        return problem

    @staticmethod
    def _redirect_problem(  # noqa: PLR0911
        url: URL, location: str | None, hops: int, visited: set[URL], replayable: bool
    ) -> URL | str:
        """The redirect's target, or why it is not followed."""
        if not location or not location.strip():
            return "without a Location header"
        try:
            new = url.join(URL(location.strip())).with_fragment(None)
            origin = (new.scheme.lower(), (new.host or "").lower(), new.port)
        except (ValueError, TypeError):
            return "with an invalid Location header"
        if origin != (url.scheme, (url.host or "").lower(), url.port):
            shown = str(new.origin()) if new.host else f"{new.scheme}: without a host"
            return (
                f"to another origin ({shown}): not followed, the credentials "
                "must not go there"
            )
        if new.user is not None or new.password is not None:
            return "to a URL with credentials in it"
        if new in visited:
            return "back to an address already requested (a redirect loop)"
        if hops > MAX_REDIRECTS:
            return f"after {MAX_REDIRECTS} redirects already (too many)"
        if not replayable:
            return "for a request whose streamed body cannot be sent again"
        return new

    @staticmethod
    def _raise_for_status(
        response: aiohttp.ClientResponse, what: str, target: str = ""
    ) -> None:
        status = response.status
        if 200 <= status < 300:
            return
        response.release()
        message = f"{what}: HTTP {status}"
        if status == 403:
            right = required_right(target or what.split(" ", 1)[-1])
            raise CameraForbiddenError(
                f"{message} (insufficient access level; needs {right})", right
            )
        if status == 404:
            raise CameraNotFoundError(f"{message} (the device lacks this feature)")
        if status == 503:
            raise CameraBusyError(f"{message} (the device is busy)")
        if status in (400, 409):
            raise CameraRequestRefusedError(message)
        raise CameraResponseError(message)

    async def probe(self) -> None:
        """Learn the auth scheme before a request whose body cannot be re-sent."""
        if self._scheme is not None:
            return
        # The spec's own example request: every device has param.cgi.
        response = await self.request(
            "GET", "/param.cgi", [("action", "list"), ("group", "Network.IPAddress")]
        )
        response.release()

    async def read_limited(
        self, response: aiohttp.ClientResponse, limit: int, what: str
    ) -> bytes:
        """The whole body, refusing more than ``limit`` bytes."""
        length = response.content_length
        if length is not None and length > limit:
            response.close()
            raise CameraResponseError(f"{what}: the answer is too large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                response.close()
                raise CameraResponseError(f"{what}: the answer is too large")
            chunks.append(chunk)
        return b"".join(chunks)

    async def fetch(
        self,
        method: str,
        path: str,
        params: Params = (),
        *,
        limit: int = MAX_TEXT_BYTES,
        secrets: Sequence[str] = (),
        **kwargs: Any,
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        """Send a request and read its whole body."""
        what = f"{method} {path}"
        response = await self.request(method, path, params, secrets=secrets, **kwargs)
        error: CameraError
        try:
            body = await self.read_limited(response, limit, what)
        except CameraError:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            if not secrets:
                raise translate_error(err, what, self.redact) from err
            error = translate_error(err, what, lambda text: self.redact(text, secrets))
        else:
            return response, body
        finally:
            response.release()
        try:
            raise error  # outside the except block, as in request()
        finally:
            del error

    def check_refusal(self, text: str, secrets: Sequence[str] = ()) -> None:
        """Raise :class:`CameraRequestRefusedError` for a refusal answer.

        The device's text is kept, with the password and the request's
        secrets redacted (devices echo values back).
        """
        message = refusal(text)
        if message is not None:
            raise refused(self.redact(message, secrets))

    async def text(
        self,
        method: str,
        path: str,
        params: Params = (),
        *,
        secrets: Sequence[str] = (),
        refusals: bool = True,
        **kwargs: Any,
    ) -> str:
        """Send a request and decode its body (UTF-8, else Latin-1).

        With ``refusals`` a refusal answer raises (see :meth:`check_refusal`).
        """
        response, body = await self.fetch(
            method, path, params, secrets=secrets, **kwargs
        )
        del response
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("latin-1")
        if refusals:
            self.check_refusal(text, secrets)
        return text

    def stream_timeout(self, stall: float | None) -> aiohttp.ClientTimeout:
        """Connect timeout plus a stall (read) timeout, no total timeout."""
        return aiohttp.ClientTimeout(
            total=None, connect=self.timeout, sock_connect=self.timeout, sock_read=stall
        )

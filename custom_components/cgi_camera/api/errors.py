"""The one exception hierarchy the client raises.

Nothing else escapes :class:`~.client.CameraClient`: transport errors from
aiohttp, timeouts, undecodable or malformed answers are all wrapped in one of
these.  Messages are built by the client itself and never contain the
password (device texts are redacted before they are stored).
"""

from __future__ import annotations


class CameraError(Exception):
    """Base class of every error the client raises.

    :attr:`transport_chain` keeps, for an error made from a transport
    exception (aiohttp, OS, timeout), that exception and the ones it came
    from: one line per link, ``type: message (file:line)`` with the
    innermost frame where it was raised, the password redacted. Their
    tracebacks are dropped (they would make reference cycles); this text is
    what is left of them for debug logs (see :func:`transport_details`).
    """

    transport_chain: tuple[str, ...] = ()


def transport_details(err: BaseException) -> str:
    """``" [via: A <- B]"`` for a log line, or ``""`` without a transport chain."""
    chain: tuple[str, ...] = getattr(err, "transport_chain", ())
    return f" [via: {' <- '.join(chain)}]" if chain else ""


class CameraConnectionError(CameraError):
    """The device could not be reached, reset the connection or cut a stream."""


class CameraCertificateError(CameraConnectionError):
    """HTTPS with verification: the device's certificate is not trusted."""


class CameraTimeoutError(CameraConnectionError):
    """The device did not answer (or a stream stalled) within the timeout."""


class CameraAuthenticationError(CameraError):
    """HTTP 401: the credentials were refused."""


class CameraStaleNonceError(CameraAuthenticationError):
    """HTTP 401 ``stale=true`` to a request whose body cannot be sent again.

    The credentials are right but the Digest nonce had expired; the new one is
    learnt, so the same request with a new body is answered.
    """


class CameraForbiddenError(CameraError):
    """HTTP 403: the user's access level is not sufficient.

    :attr:`right` is the right the request needs (:mod:`.rights`).
    """

    def __init__(self, message: str, right: str = "viewer") -> None:
        """Keep the message and the right the request needs."""
        super().__init__(message)
        self.right = right


class CameraNotFoundError(CameraError):
    """HTTP 404: the device lacks the requested feature."""


class CameraBusyError(CameraError):
    """HTTP 503: the device is overloaded (e.g. Image.MaxViewers reached)."""


class CameraRequestRefusedError(CameraError):
    """A 200 answer that carries the device's own error text.

    ``# Error:``, ``# Request failed:``, ``Request failed:`` or
    ``Verification failed:``; :attr:`message` keeps the device's text.
    """

    def __init__(self, message: str) -> None:
        """Keep the device's message."""
        super().__init__(message)
        self.message = message


class CameraGroupValuesNotSetError(CameraRequestRefusedError):
    """``param.cgi?action=add``: the group was created, its values were not set.

    The device answered ``# Error:`` (spec 5.1.1.6), not ``# Request failed:``,
    so the new group exists.  :attr:`group_id` (``"E7"``) is the group's id
    when the answer names it, else ``None``.
    """

    def __init__(self, message: str, group_id: str | None = None) -> None:
        """Keep the device's message and the created group's id."""
        super().__init__(message)
        self.group_id = group_id


class CameraVerificationError(CameraRequestRefusedError):
    """``ipfilter.cgi`` refused a change: the requester would be locked out.

    The device's "Verification failed: IP address ... is not an accepted
    address" (spec 5.7.2); nothing was changed.
    """


class CameraResponseError(CameraError):
    """A malformed answer, or an HTTP error other than the ones above."""


class CameraRedirectError(CameraResponseError):
    """A redirect that is not followed.

    To another scheme, host or port (the credentials must not go there), a
    loop, more than three hops, no usable ``Location``, or a
    request whose streamed body cannot be sent again.
    """


class CameraValueError(CameraError, ValueError):
    """An argument outside the range the spec allows; raised before sending."""

    def __init__(
        self,
        argument: str,
        message: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        value: object = None,
    ) -> None:
        """Name the argument (and its range and the refused value, if known)."""
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.minimum = minimum
        self.maximum = maximum
        self.value = value


def check_range(argument: str, value: float, minimum: float, maximum: float) -> None:
    """Raise :class:`CameraValueError` unless ``minimum <= value <= maximum``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != value  # NaN  # noqa: PLR0124
        or not minimum <= value <= maximum
    ):
        raise CameraValueError(
            argument,
            f"must be between {minimum:g} and {maximum:g}, got {value!r}",
            minimum=minimum,
            maximum=maximum,
            value=value,
        )

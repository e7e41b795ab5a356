"""Motion detection windows (spec 5.4): the dynamic ``Motion.M<n>`` groups.

Added with the template ``motion`` (``param.cgi?action=add&group=Motion``),
updated, listed and removed with ``param.cgi``; the coordinates' ranges are
in :mod:`..dynamic_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..dynamic_groups import (
    MOTION_GROUP,
    MOTION_TEMPLATE,
    check_window,
    group_id,
    letter_of,
    parse_motion_windows,
)
from ..errors import (
    CameraGroupValuesNotSetError,
    CameraRequestRefusedError,
    CameraValueError,
)
from ..models import MotionWindow
from ..ptz import check_text
from ..transport import Transport
from .base import ApiGroup
from .params import ParamsApi


def _values(
    base: str, name: str | None, coordinates: dict[str, int | None]
) -> dict[str, str]:
    """The parameters to send under ``base`` (``Motion.M`` or ``Motion.M3``)."""
    check_window(coordinates)
    values: dict[str, str] = {}
    if name is not None:
        values[f"{base}.Name"] = check_text("name", name)
    for argument, value in coordinates.items():
        if value is not None:
            values[f"{base}.{argument.capitalize()}"] = str(value)
    return values


class MotionApi(ApiGroup):
    """The device's motion detection windows (``client.motion``)."""

    def __init__(
        self, transport: Transport, stall_timeout: float | None, params: ParamsApi
    ) -> None:
        """Send over ``transport``; ``params`` sends the ``param.cgi`` requests."""
        super().__init__(transport, stall_timeout)
        self._params = params

    async def windows(self) -> tuple[MotionWindow, ...]:
        """``param.cgi?action=list&group=Motion``: every window, by number."""
        return parse_motion_windows(await self._params.list([MOTION_GROUP]))

    async def add_window(
        self,
        *,
        name: str | None = None,
        top: int | None = None,
        bottom: int | None = None,
        left: int | None = None,
        right: int | None = None,
        force: bool = False,
    ) -> str:
        """Add a window from the ``motion`` template; returns its id (``"M3"``).

        What is not given keeps the template's default.  A window created
        without its values raises :class:`CameraGroupValuesNotSetError`
        naming it: from the answer, or else as the one window the listings
        before and after the request tell apart (the spec's answer need not
        name it).
        """
        values = _values(
            f"{MOTION_GROUP}.{letter_of(MOTION_GROUP)}",
            name,
            {"top": top, "bottom": bottom, "left": left, "right": right},
        )
        before = await self._window_ids() if values else None
        try:
            return await self._params.add_group(
                MOTION_GROUP, MOTION_TEMPLATE, values, force=force
            )
        except CameraGroupValuesNotSetError as err:
            if err.group_id is None and before is not None:
                err.group_id = await self._new_window(before)
            raise

    async def _window_ids(self) -> frozenset[str] | None:
        """The windows' ids, or ``None`` when the device refuses to list them."""
        try:
            return frozenset(window.group for window in await self.windows())
        except CameraRequestRefusedError:
            return None

    async def _new_window(self, before: frozenset[str]) -> str | None:
        """The one window that is not in ``before`` (else ``None``)."""
        after = await self._window_ids()
        new = (after or frozenset()) - before
        return next(iter(new)) if len(new) == 1 else None

    async def update_window(
        self,
        window: str,
        *,
        name: str | None = None,
        top: int | None = None,
        bottom: int | None = None,
        left: int | None = None,
        right: int | None = None,
    ) -> None:
        """``param.cgi?action=update&Motion.M<n>.<name>=...``.

        ``window`` is ``"M3"`` or ``"Motion.M3"``; only the given values
        are sent.
        """
        base = f"{MOTION_GROUP}.{group_id('window', window, MOTION_GROUP)}"
        coordinates = {"top": top, "bottom": bottom, "left": left, "right": right}
        values = _values(base, name, coordinates)
        if not values:
            raise CameraValueError("window", "nothing to update")
        await self._params.update(values)

    async def remove_windows(self, windows: Sequence[str]) -> None:
        """``param.cgi?action=remove&group=Motion.M3,Motion.M5`` (all or none)."""
        if isinstance(windows, str) or not windows:
            raise CameraValueError("windows", "a non-empty list of windows")
        await self._params.remove_groups(
            [f"{MOTION_GROUP}.{group_id('windows', w, MOTION_GROUP)}" for w in windows]
        )

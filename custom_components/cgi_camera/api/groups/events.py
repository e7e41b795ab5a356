"""Event rules: the dynamic ``Event.E<n>`` groups of ``param.cgi``.

The spec defines how a rule is listed, added and removed (5.1.1.4-5.1.1.6)
and prints its parameters, ``Name`` and ``Enabled`` among them; what a rule
does when it fires is up to the device.
"""

from __future__ import annotations

from ..dynamic_groups import EVENT_GROUP, group_id, parse_event_rules
from ..models import EventRule
from ..transport import Transport
from .base import ApiGroup, yes_no
from .params import ParamsApi


class EventsApi(ApiGroup):
    """The device's event rules (``client.events``)."""

    def __init__(
        self, transport: Transport, stall_timeout: float | None, params: ParamsApi
    ) -> None:
        """Send over ``transport``; ``params`` lists and updates the groups."""
        super().__init__(transport, stall_timeout)
        self._params = params

    async def event_rules(self) -> tuple[EventRule, ...]:
        """``param.cgi?action=list&group=Event``: every rule, by number."""
        return parse_event_rules(await self._params.list([EVENT_GROUP]))

    async def set_event_rule_enabled(self, group: str, enabled: bool) -> None:
        """``param.cgi?action=update&Event.E<n>.Enabled=yes|no``.

        ``group`` is ``"E3"`` or ``"Event.E3"``.
        """
        rule = group_id("group", group, EVENT_GROUP)
        await self._params.update({f"{EVENT_GROUP}.{rule}.Enabled": yes_no(enabled)})

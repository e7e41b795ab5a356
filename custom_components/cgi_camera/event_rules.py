"""Event rules (spec 5.1.1.4): one switch per ``Event.E<n>`` group of the device.

A switch turns its rule's ``Enabled`` parameter on and off and is named from
``Event.E<n>.Name``. The rules are read with the coordinator's poll (one
``param.cgi?action=list&group=Event`` a poll) for as long as the entry is
loaded: a rule added on the device gets its switch at the next poll; a rule
removed there loses its switch and its registry entry, also when it went
while Home Assistant was stopped. A device that refuses the listing has no
rule switches (the coordinator logs that once, and asks again hourly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import CameraError, EventRule
from .coordinator import EVENT_RULES, CgiCameraCoordinator
from .entity import CgiCameraEntity
from .errors import device_error

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

EVENT_RULE_DESCRIPTION = SwitchEntityDescription(
    key="event_rule",
    # For the icon, and the name of a rule the device gives no name.
    translation_key="event_rule",
    entity_category=EntityCategory.CONFIG,
)


def rule_unique_id(identity: str, group: str) -> str:
    """``<identity>-event_rule-E<n>``: the rule's switch on this device."""
    return f"{identity}-{EVENT_RULE_DESCRIPTION.key}-{group}"


@callback
def async_setup_event_rules(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Keep one switch per rule the device lists, for the life of ``entry``."""
    coordinator = entry.runtime_data.coordinator
    registry = er.async_get(hass)
    prefix = rule_unique_id(coordinator.identity, "")
    shown: set[str] = set()
    synced: list[tuple[EventRule, ...]] = []

    @callback
    def async_sync() -> None:
        rules = coordinator.data.event_rules
        if rules is None:
            return  # Not read (or refused): the switches stay, unavailable.
        if synced and synced[0] is rules:
            return  # Another part changed (a relay, pushed): nothing to do.
        synced[:] = [rules]
        groups = {rule.group for rule in rules}
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            group = entity.unique_id.removeprefix(prefix)
            if (
                entity.domain == Platform.SWITCH
                and entity.unique_id.startswith(prefix)
                and group not in groups
            ):
                # Removing the registry entry removes the entity too.
                registry.async_remove(entity.entity_id)
        shown.intersection_update(groups)
        new = [rule for rule in rules if rule.group not in shown]
        shown.update(rule.group for rule in new)
        if new:
            async_add_entities(EventRuleSwitch(coordinator, rule) for rule in new)

    entry.async_on_unload(coordinator.async_want(EVENT_RULES))
    entry.async_on_unload(coordinator.async_add_listener(async_sync))
    coordinator.async_read_part_soon(EVENT_RULES)


class EventRuleSwitch(CgiCameraEntity, SwitchEntity):
    """Whether one of the device's event rules is enabled."""

    def __init__(self, coordinator: CgiCameraCoordinator, rule: EventRule) -> None:
        """Initialise the switch of ``rule``, named as the device names it."""
        super().__init__(coordinator, EVENT_RULE_DESCRIPTION, rule.group)
        self.group = rule.group
        self._attr_unique_id = rule_unique_id(coordinator.identity, rule.group)
        self._attr_translation_placeholders = {"group": rule.group}
        self._name_from(rule)

    def _name_from(self, rule: EventRule) -> None:
        """The device's name of the rule; without one, the translated name."""
        if name := rule.name.strip():
            self._attr_name = name
        elif hasattr(self, "_attr_name"):
            del self._attr_name  # Home Assistant then uses the translated name.

    def _rule(self) -> EventRule | None:
        rules = self.coordinator.data.event_rules or ()
        return next((rule for rule in rules if rule.group == self.group), None)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Follow a rename on the device, then write the state."""
        if (rule := self._rule()) is not None:
            self._name_from(rule)
        super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Return whether the last listing of the rules has this one."""
        return super().available and self._rule() is not None

    @property
    def is_on(self) -> bool | None:
        """Return whether the rule is enabled."""
        rule = self._rule()
        return None if rule is None else rule.enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Enable the rule."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disable the rule."""
        await self._async_set(False)

    async def _async_set(self, enabled: bool) -> None:
        try:
            await self.coordinator.client.events.set_event_rule_enabled(
                self.group, enabled
            )
        except CameraError as err:
            raise device_error(err, "event_rule_failed", rule=self.group) from err
        # Show what the device confirms, not what was asked.
        await self.coordinator.async_read_part_now(EVENT_RULES)

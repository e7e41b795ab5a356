"""services.yaml, strings.json, translations/en.json, icons.json and the code agree."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
import yaml

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator

from .conftest import SimulatorFactory
from .helpers import SetupIntegration

COMPONENT = Path(__file__).parent.parent / "custom_components" / DOMAIN
STRINGS: dict[str, Any] = json.loads((COMPONENT / "strings.json").read_text())
ICONS: dict[str, Any] = json.loads((COMPONENT / "icons.json").read_text())
SERVICES: dict[str, Any] = yaml.safe_load((COMPONENT / "services.yaml").read_text())
SOURCES = {
    path.name: path.read_text() for path in COMPONENT.glob("*.py")
}  # the integration only: api/ raises no Home Assistant exceptions


def test_english_translation_is_strings_json() -> None:
    """translations/en.json is strings.json, byte for byte."""
    english = (COMPONENT / "translations" / "en.json").read_bytes()
    assert english == (COMPONENT / "strings.json").read_bytes()


def test_every_action_is_described_translated_and_has_an_icon() -> None:
    """Each services.yaml action has a name, a description, field texts and an icon."""
    for service, description in SERVICES.items():
        texts = STRINGS["services"][service]
        assert texts["name"], service
        assert texts["description"], service
        assert service in ICONS["services"], service
        fields = {
            name: field
            for name, field in (description or {}).get("fields", {}).items()
            if "fields" not in field  # a section: its fields follow
        }
        for section in (description or {}).get("fields", {}).values():
            fields |= section.get("fields", {})
        for field in fields:
            assert texts["fields"][field]["name"], f"{service}.{field}"
            assert texts["fields"][field]["description"], f"{service}.{field}"
    assert set(STRINGS["services"]) == set(SERVICES)


def test_every_translation_key_in_the_code_exists() -> None:
    """Every translation_key the code raises or sets has its English text."""
    known = set(STRINGS.get("exceptions", {}))
    known |= set(STRINGS.get("selector", {})) | set(STRINGS.get("issues", {}))
    for platform_keys in STRINGS.get("entity", {}).values():
        known |= set(platform_keys)
    keys = {
        (name, key)
        for name, source in SOURCES.items()
        for key in re.findall(r"translation_key\s*=\s*\"([a-z0-9_]+)\"", source)
    }
    assert keys, "the pattern no longer finds translation keys"
    missing = sorted((name, key) for name, key in keys if key not in known)
    assert not missing


def test_every_exception_text_names_its_placeholders() -> None:
    """Exception texts only use placeholders, never raw values."""
    for key, text in STRINGS.get("exceptions", {}).items():
        assert text["message"].strip(), key


def test_config_flow_errors_and_aborts_are_translated() -> None:
    """Each error and abort reason of the flows has its text."""
    source = SOURCES["config_flow.py"]
    reasons = set(re.findall(r"reason=\"([a-z_]+)\"", source))
    assert not sorted(set(reasons) - set(STRINGS["config"]["abort"]))
    errors = {"cannot_connect", "invalid_auth", "insufficient_rights", "unknown"}
    assert errors <= set(STRINGS["config"]["error"])


@pytest.mark.parametrize("sources", [1, 4])
async def test_every_entity_is_translated_and_has_an_icon(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    sources: int,
) -> None:
    """Each entity the integration creates has a name text and an icon or class."""
    sim: Simulator = await simulator_factory(sources=sources, inputs=2, outputs=1)
    entry = await setup(sim)
    entries = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert entries
    for entity in entries:
        assert entity.translation_key, entity.entity_id
        texts = STRINGS["entity"][entity.domain][entity.translation_key]
        assert texts.get("name"), entity.entity_id
        has_icon = entity.translation_key in ICONS.get("entity", {}).get(
            entity.domain, {}
        )
        assert has_icon or entity.original_device_class, entity.entity_id


async def test_every_registered_action_is_in_services_yaml(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The actions registered at setup are exactly those services.yaml describes."""
    await setup(simulator)
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)

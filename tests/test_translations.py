"""services.yaml, strings.json, translations/en.json, icons.json and the code agree."""

from __future__ import annotations

import ast
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


PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Helpers that take a translation key: the key's argument position and the
# placeholders the helper adds itself (the others are its keyword arguments).
HELPERS: dict[str, tuple[int, frozenset[str]]] = {
    "invalid": (0, frozenset()),
    "device_error": (1, frozenset({"error"})),
    "camera_error": (1, frozenset({"error"})),
}


def _placeholders(texts: Any) -> set[str]:
    """Every ``{name}`` in a text or in the texts of a mapping."""
    if isinstance(texts, str):
        return set(PLACEHOLDER.findall(texts))
    if isinstance(texts, dict):
        return set().union(*(_placeholders(text) for text in texts.values()))
    return set()


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dict_keys(node: ast.expr | None) -> set[str] | None:
    """The keys of a dict literal (``None`` for anything else: unknown)."""
    if node is None:
        return set()
    if isinstance(node, ast.Dict) and all(_literal(k) for k in node.keys):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


type Site = tuple[str, int, str, set[str] | None]


def _key_sites(name: str, tree: ast.AST, keys: set[str]) -> list[Site]:
    """Where a translation key of ``keys`` is used, with what it is given.

    ``translation_key="k"`` with ``translation_placeholders={...}``; a helper
    of :data:`HELPERS` called with ``"k"`` and keyword placeholders; a key
    assigned in a function (``key = "k"``) with the ``values["x"] = ...``
    that function sets; any other literal ``"k"`` (a key kept as data and
    passed on to a helper later) gets what every helper call with a
    variable key gives. ``None``: not knowable here (``**placeholders``).
    """
    sites: list[Site] = []
    data: list[tuple[int, str]] = []
    variable_key_gives: list[set[str]] = []
    used: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            given = {
                key
                for sub in ast.walk(node)
                if isinstance(sub, ast.Assign)
                for target in sub.targets
                if isinstance(target, ast.Subscript)
                and (key := _literal(target.slice)) is not None
            }
            for sub in ast.walk(node):
                if (
                    isinstance(sub, ast.Assign)
                    and all(isinstance(target, ast.Name) for target in sub.targets)
                    and _literal(sub.value) in keys
                ):
                    used.add(id(sub.value))
                    sites.append((name, sub.lineno, str(_literal(sub.value)), given))
        if not isinstance(node, ast.Call):
            continue
        key_node = _keyword(node, "translation_key")
        if (key := _literal(key_node)) in keys and key_node is not None:
            used.add(id(key_node))
            given_keys = _dict_keys(_keyword(node, "translation_placeholders"))
            sites.append((name, node.lineno, str(key), given_keys))
        if (helper := HELPERS.get(_name(node.func))) is not None:
            position, adds = helper
            forwarded = any(kw.arg is None for kw in node.keywords)
            given = None if forwarded else {str(kw.arg) for kw in node.keywords} | adds
            argument = node.args[position] if len(node.args) > position else None
            if (key := _literal(argument)) is not None and argument is not None:
                used.add(id(argument))
                sites.append((name, node.lineno, key, given))
            elif given is not None:
                variable_key_gives.append(given)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        arguments = [
            *node.args,
            *(kw.value for kw in node.keywords if kw.arg and "key" in kw.arg),
        ]
        for argument in arguments:
            if (key := _literal(argument)) in keys and id(argument) not in used:
                data.append((argument.lineno, str(key)))
    passed_on = set.intersection(*variable_key_gives) if variable_key_gives else set()
    sites += [(name, line, key, passed_on) for line, key in data]
    return sites


def _form_sites(
    name: str, tree: ast.AST
) -> list[tuple[str, int, str, set[str] | None]]:
    """``async_show_form(step_id="s", description_placeholders={...})`` calls."""
    return [
        (
            name,
            node.lineno,
            step,
            _dict_keys(_keyword(node, "description_placeholders")),
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) == "async_show_form"
        and (step := _literal(_keyword(node, "step_id"))) is not None
    ]


def missing_placeholders(
    strings: dict[str, Any], sources: dict[str, str]
) -> tuple[list[str], set[str]]:
    """Texts whose placeholders the code does not give, and the texts checked.

    Exceptions and repair issues by translation key, flow steps (config,
    options, repair fix flows) by ``step_id``.
    """
    needs = {
        key: _placeholders(text["message"])
        for key, text in strings.get("exceptions", {}).items()
    }
    for key, issue in strings.get("issues", {}).items():
        needs[key] = _placeholders({k: v for k, v in issue.items() if k != "fix_flow"})
    steps: dict[str, set[str]] = {}
    for section in ("config", "options"):
        for step, texts in strings.get(section, {}).get("step", {}).items():
            steps[step] = steps.get(step, set()) | _placeholders(texts)
    for issue in strings.get("issues", {}).values():
        for step, texts in issue.get("fix_flow", {}).get("step", {}).items():
            steps[step] = steps.get(step, set()) | _placeholders(texts)
    problems: list[str] = []
    checked: set[str] = set()
    for name, source in sources.items():
        tree = ast.parse(source)
        for where, line, key, given in _key_sites(name, tree, set(needs)):
            checked.add(key)
            if given is not None and needs[key] - given:
                problems.append(f"{where}:{line}: {key} lacks {needs[key] - given}")
        for where, line, step, given in _form_sites(name, tree):
            checked.add(f"step {step}")
            wanted = steps.get(step, set())
            if given is not None and wanted - given:
                problems.append(f"{where}:{line}: step {step} lacks {wanted - given}")
    return problems, checked


def test_every_placeholder_is_given_where_its_text_is_used() -> None:
    """Each {placeholder} of an exception, issue or flow step text is given.

    By the code that raises the exception, creates the issue or shows the
    step (every place that uses the text).
    """
    defined = "\n".join(SOURCES.values())
    for helper in HELPERS:
        assert f"def {helper}(" in defined, f"{helper} is gone: update HELPERS"
    problems, checked = missing_placeholders(STRINGS, SOURCES)
    assert problems == []
    assert {"step reauth_confirm", "step confirm", "clock_drift"} <= checked


def test_every_exception_and_issue_text_is_used() -> None:
    """No exception or issue text is left over: the code uses each key."""
    _, checked = missing_placeholders(STRINGS, SOURCES)
    keys = set(STRINGS["exceptions"]) | set(STRINGS.get("issues", {}))
    assert keys - checked == set()


def test_the_placeholder_check_finds_what_is_missing() -> None:
    """The check sees each way the code gives (or fails to give) placeholders."""
    strings = {
        "exceptions": {
            "a": {"message": "{name} failed: {error}"},
            "b": {"message": "{port}: {error}"},
            "c": {"message": "{message}"},
        },
        "issues": {"i": {"title": "{name} is off"}},
        "config": {"step": {"s": {"description": "{host}"}}},
    }
    good = {
        "x.py": """
def f(err, entry):
    raise invalid("a", name=1, error=2)
    raise device_error(err, "b", port=1)
    raise HomeAssistantError(translation_key="a",
        translation_placeholders={"name": 1, "error": 2})
    create_issue(translation_key="i", translation_placeholders={"name": 1})
    return self.async_show_form(step_id="s", description_placeholders={"host": 1})

def g(values):
    key = "c"
    values["message"] = 1

SERVICES = [Service("b")]
camera_error(err, service.error_key, port=3)
"""
    }
    assert missing_placeholders(strings, good)[0] == []
    for bad in (
        'invalid("a", name=1)',
        'device_error(err, "b")',
        'E(translation_key="a", translation_placeholders={"name": 1})',
        'create_issue(translation_key="i")',
        'self.async_show_form(step_id="s")',
        'SERVICES = [Service("b")]\ncamera_error(err, service.error_key)',
        'def g(values):\n    key = "c"\n',
    ):
        assert missing_placeholders(strings, {"x.py": bad})[0], bad


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
    """Each entity has a name text (placeholders filled) and an icon or class."""
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
        # Every placeholder of the name was given (else "{number}" shows).
        assert "{" not in (entity.original_name or ""), entity.entity_id
        if (state := hass.states.get(entity.entity_id)) is not None:
            assert "{" not in state.attributes["friendly_name"], entity.entity_id


async def test_every_registered_action_is_in_services_yaml(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The actions registered at setup are exactly those services.yaml describes."""
    await setup(simulator)
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)

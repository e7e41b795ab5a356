"""services.yaml, strings.json, translations/en.json, icons.json and the code agree."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

import homeassistant
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
    that function sets; any other literal ``"k"`` (a key kept as data, in a
    call or a module-level dict, and passed on to a helper later) gets what
    every helper call with a
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
    tables = {  # module-level tables of keys, e.g. errors._FORBIDDEN_KEYS
        id(statement.value)
        for statement in getattr(tree, "body", [])
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        and isinstance(statement.value, ast.Dict)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and id(node) in tables:
            arguments = [value for value in node.values if value is not None]
        elif isinstance(node, ast.Call):
            arguments = [
                *node.args,
                *(kw.value for kw in node.keywords if kw.arg and "key" in kw.arg),
            ]
        else:
            continue
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


# Translations into other languages (issue 14): each file mirrors en.json.

TRANSLATIONS = COMPONENT / "translations"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl")
ENGLISH_FILE = TRANSLATIONS / "en.json"
CORE_STRINGS = Path(homeassistant.__file__).parent / "strings.json"
# Names, protocols, paths and literal values: kept as in English in every
# language, wherever the English text has them.
NAMES = (
    "CGI Camera",
    "Home Assistant",
    "CGI",
    "PTZ",
    "MJPEG",
    "SD",
    "HTTPS",
    "HTTP",
    "SSL",
    "IP",
    "MAC",
    "NTP",
    "GMT",
    "OSD",
    "param.cgi",
    "config/cgi_camera/backups",
    "Network.*",
    "Image.*",
    "Image.I0.Text.String",
    "confirm: true",
)
# Texts of two words or more that a translation may leave exactly as in
# English (a single word such as "Host", "Zoom" or "OK" always may).
UNCHANGED_ALLOWED: frozenset[str] = frozenset({"CGI Camera", "Home Assistant"})
WORD = re.compile(r"[^\W\d_]+")
REFERENCE = re.compile(r"\[%key:([^%\]]+)%\]")
CODE = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")

type Tree = dict[str, Any]
type KeyPath = tuple[str, ...]


def _load_json(path: Path) -> Tree:
    """A translation file; a key given twice in one object is an error."""

    def unique(pairs: list[tuple[str, Any]]) -> Tree:
        keys = [key for key, _ in pairs]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"{path.name}: keys given twice: {twice}")
        return dict(pairs)

    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=unique)


def _leaves(tree: Any, path: KeyPath = ()) -> dict[KeyPath, Any]:
    """Every leaf (normally a text) of a translation tree by its key path."""
    if isinstance(tree, dict) and tree:
        return {
            leaf_path: leaf
            for key, sub in tree.items()
            for leaf_path, leaf in _leaves(sub, (*path, key)).items()
        }
    return {path: tree}


def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole name: not inside a word, HTTP not inside HTTPS.

    A lower-case ending may follow (Polish declines "Home Assistanta").
    """
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Z0-9])")


NAME_PATTERNS = {name: _name_pattern(name) for name in NAMES}


def _at(tree: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def _reference_target(reference: str, english: Tree) -> str | None:
    """The English text a ``[%key:...%]`` reference names, if it exists.

    ``component::cgi_camera::...`` in ``english``; ``common::...`` and
    other components' keys in Home Assistant's own strings.
    """
    parts = reference.split("::")
    if parts[0] == "component" and len(parts) > 2:
        if parts[1] == DOMAIN:
            target = _at(english, parts[2:])
        else:
            path = CORE_STRINGS.parent / "components" / parts[1] / "strings.json"
            strings = json.loads(path.read_text()) if path.is_file() else {}
            target = _at(strings, parts[2:])
    elif parts[0] == "common":
        target = _at(json.loads(CORE_STRINGS.read_text()), parts)
    else:
        return None
    return target if isinstance(target, str) else None


def _expanded(text: str, english: Tree, translated: Tree | None = None) -> str:
    """``text`` with each ``[%key:...%]`` replaced by the text it names.

    An own key by its translation in ``translated`` when given, else (and
    for Home Assistant's common texts) by the English text.
    """

    def target(match: re.Match[str]) -> str:
        parts = match.group(1).split("::")
        if translated is not None and parts[:2] == ["component", DOMAIN]:
            value = _at(translated, parts[2:])
            if isinstance(value, str):
                return value
        return _reference_target(match.group(1), english) or match.group(0)

    return REFERENCE.sub(target, text)


def _stray_braces(text: str) -> int:
    """Braces that are not part of a ``{placeholder}``."""
    rest = PLACEHOLDER.sub("", text)
    return rest.count("{") + rest.count("}")


def _untranslated(english: str, text: str) -> bool:
    """A copy of an English text of two words or more.

    Placeholders and references are no words; :data:`UNCHANGED_ALLOWED`
    may stay as they are.
    """
    words = WORD.findall(REFERENCE.sub(" ", PLACEHOLDER.sub(" ", english)))
    return (
        len(words) >= 2
        and text.strip() == english.strip()
        and english not in UNCHANGED_ALLOWED
    )


def _text_problems(
    english: str, text: str, translated: Tree, english_tree: Tree
) -> list[str]:
    """What is wrong with one translated text (an empty list: nothing)."""
    if not isinstance(text, str) or not text.strip():
        return ["is empty or not a text"]
    problems: list[str] = []
    full_english = _expanded(english, english_tree)
    full_text = _expanded(text, english_tree, translated)
    wanted = sorted(set(PLACEHOLDER.findall(full_english)))
    if (given := sorted(set(PLACEHOLDER.findall(full_text)))) != wanted:
        problems.append(f"placeholders {given}, English has {wanted}")
    if _stray_braces(full_text) != _stray_braces(full_english):
        problems.append("a brace that is not part of a {placeholder}")
    english_references = REFERENCE.findall(english)
    for reference in REFERENCE.findall(text):
        if reference not in english_references:
            problems.append(f"[%key:{reference}%] is not in the English text")
        elif _reference_target(reference, english_tree) is None:
            problems.append(f"[%key:{reference}%] names no text")
    for reference in set(english_references) - set(REFERENCE.findall(text)):
        # Resolved by hand: then it must read as the referenced translation.
        parts = reference.split("::")
        if parts[:2] == ["component", DOMAIN]:
            resolved = _at(translated, parts[2:])
            if not isinstance(resolved, str) or resolved not in text:
                problems.append(
                    f"[%key:{reference}%] is neither kept nor its translation"
                )
    for name, pattern in NAME_PATTERNS.items():
        if pattern.search(english) and not pattern.search(text):
            problems.append(f"{name!r} is not kept")
    markup = (
        ("line breaks", lambda value: value.count("\n")),
        ("bold markers", lambda value: value.count("**")),
        ("code spans", lambda value: sorted(CODE.findall(value))),
        ("link targets", lambda value: sorted(LINK_TARGET.findall(value))),
    )
    problems += [
        f"{what} differ from English"
        for what, measure in markup
        if measure(text) != measure(english)
    ]
    if _untranslated(english, text):
        problems.append("is the English text, untranslated")
    return problems


def translation_problems(english: Tree, translated: Tree) -> list[str]:
    """What is wrong with a translation of ``english`` (empty: nothing).

    The same keys as English (none missing, none extra), and for each
    text: not empty, the same ``{placeholders}``, ``[%key:...%]``
    references kept (and valid) or resolved to the referenced translation,
    names such as PTZ or Home Assistant kept, the same markdown and line
    breaks, and translated (not a copy of an English text of two words
    or more).
    """
    english_leaves = _leaves(english)
    leaves = _leaves(translated)
    problems = [
        f"{'.'.join(path)}: missing" for path in sorted(english_leaves - leaves.keys())
    ]
    problems += [
        f"{'.'.join(path)}: not in English"
        for path in sorted(leaves.keys() - english_leaves.keys())
    ]
    for path, english_text in english_leaves.items():
        if path in leaves:
            problems += [
                f"{'.'.join(path)}: {problem}"
                for problem in _text_problems(
                    english_text, leaves[path], translated, english
                )
            ]
    return problems


ALL_LANGUAGES = sorted(
    set(LANGUAGES) | ({path.stem for path in TRANSLATIONS.glob("*.json")} - {"en"})
)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_translation_matches_english(language: str) -> None:
    """Each language file is valid JSON and a full translation of en.json."""
    path = TRANSLATIONS / f"{language}.json"
    assert path.is_file(), f"{path.name} is missing"
    translated = _load_json(path)
    assert isinstance(translated, dict)
    assert translation_problems(_load_json(ENGLISH_FILE), translated) == []


def test_the_translation_check_finds_what_is_wrong() -> None:
    """Each kind of fault in a translation is found; a good one passes."""
    english: Tree = {
        "step": {
            "user": {
                "title": "Connect to the camera at {host}",
                "description": "Use **HTTPS**:\n\nsee `param.cgi` and [the docs](/x).",
                "same": "[%key:component::cgi_camera::step::user::title%]",
                "common": "[%key:common::config_flow::data::host%]",
                "name": "Home Assistant",
                "word": "Zoom",
            }
        }
    }
    good: Tree = {
        "step": {
            "user": {
                "title": "Mit der Kamera unter {host} verbinden",
                "description": "**HTTPS** verwenden:\n\nsiehe `param.cgi` und "
                "[die Doku](/x).",
                "same": "Mit der Kamera unter {host} verbinden",
                "common": "[%key:common::config_flow::data::host%]",
                "name": "Home Assistant",
                "word": "Zoom",
            }
        }
    }
    assert translation_problems(english, good) == []
    assert translation_problems(english, english) == [
        "step.user.title: is the English text, untranslated",
        "step.user.description: is the English text, untranslated",
    ]
    text = good["step"]["user"]["description"]
    for key, bad, found in (
        ("title", "Mit der Kamera unter {hots} verbinden", "placeholders"),
        ("title", "Mit der Kamera verbinden", "placeholders"),
        ("title", "Mit der Kamera unter {host} {port} verbinden", "placeholders"),
        ("title", "Mit der Kamera unter {host} verbinden}", "a brace"),
        ("title", "   ", "empty"),
        ("title", 3, "not a text"),
        ("description", text.replace("**", ""), "bold markers"),
        ("description", text.replace("\n\n", " "), "line breaks"),
        ("description", text.replace("`", ""), "code spans"),
        ("description", text.replace("(/x)", "(/y)"), "link targets"),
        ("description", text.replace("HTTPS", "HTTP"), "'HTTPS' is not kept"),
        ("same", "Etwas anderes mit {host}", "neither kept nor its translation"),
        ("same", "[%key:component::cgi_camera::step::user::nothing%]", "not in"),
        ("common", "[%key:common::config_flow::data::no_such_text%]", "not in"),
        ("common", "[%key:common::config_flow::data::username%]", "not in"),
        ("name", "Heimassistent", "'Home Assistant' is not kept"),
    ):
        faulty = json.loads(json.dumps(good))
        faulty["step"]["user"][key] = bad
        problems = [
            problem
            for problem in translation_problems(english, faulty)
            if problem.startswith(f"step.user.{key}: ")
        ]
        assert any(found in problem for problem in problems), (bad, problems)
    unknown = json.loads(json.dumps(english))
    unknown["step"]["user"]["common"] = "[%key:common::config_flow::data::nope%]"
    faulty = json.loads(json.dumps(good))
    faulty["step"]["user"]["common"] = unknown["step"]["user"]["common"]
    assert translation_problems(unknown, faulty) == [
        "step.user.common: [%key:common::config_flow::data::nope%] names no text"
    ]
    missing = json.loads(json.dumps(good))
    del missing["step"]["user"]["word"]
    assert translation_problems(english, missing) == ["step.user.word: missing"]
    extra = json.loads(json.dumps(good))
    extra["step"]["user"]["more"] = "Mehr"
    assert translation_problems(english, extra) == ["step.user.more: not in English"]
    nested = json.loads(json.dumps(good))
    nested["step"]["user"]["word"] = {"name": "Zoom"}
    assert translation_problems(english, nested)


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    """A JSON object with a key twice (the last would silently win) fails."""
    path = tmp_path / "de.json"
    path.write_text('{"title": "Eins", "title": "Zwei"}', encoding="utf-8")
    with pytest.raises(ValueError, match="given twice"):
        _load_json(path)

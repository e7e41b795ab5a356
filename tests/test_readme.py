"""Checks of README.md and docs/*.md against the code.

* Every entity ID they show is one scripts/develop really creates. Home
  Assistant derives entity IDs (``camera.ptz_camera``,
  ``switch.ptz_camera_output_1``) from the device and entity names, so a
  wrong one is easy to write and fails only when a user pastes it. Here the
  two simulators of scripts/develop are started with the very options
  scripts/devenv.py gives them, added through the real config flow with the
  same answers, every entity enabled (a disabled-by-default entity is still
  one the user can have), and every entity ID of the integration's platforms
  found in the documentation must be in the entity registry.
* Every relative link points at a file of the repository, and every
  ``#anchor`` at a heading of its page.
* The README's "Account rights" table says what ``api/rights.py`` does.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
import re

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.cgi_camera import PLATFORMS
from custom_components.cgi_camera.api.rights import _RIGHTS
from custom_components.cgi_camera.const import CONF_HTTPS, DOMAIN
from scripts.devenv import (
    CAMERA_PASSWORD,
    CAMERA_USER,
    DevEnvironment,
    SimulatedDevice,
)
from simulator.__main__ import config_from_args
from tests.helpers import wait_for_inputs
from tests.sim_fixtures import SimulatorFactory

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

# An entity ID of one of the integration's platforms: ``<domain>.<object_id>``,
# not part of a path (``custom_components/cgi_camera/camera.py``), a dotted
# name (``homeassistant.helpers.entity``) or a file name (``camera.py``).
_DOMAINS = "|".join(sorted(str(platform) for platform in PLATFORMS))
ENTITY_ID_RE = re.compile(
    rf"(?<![\w./-])(?:{_DOMAINS})\.[a-z0-9_]+(?![\w/(-]|\.\w)",
)
NOT_ENTITY_IDS = re.compile(r"\.(?:py|json|yaml|md|txt|log|tar|png|toml|cfg)$")


_PYTHON_RE = re.compile(r"^[ \t]*```python\n.*?^[ \t]*```", re.MULTILINE | re.DOTALL)


def entity_ids_in(text: str) -> set[str]:
    """Every entity ID of the integration's platforms that ``text`` shows.

    Python examples are left out: ``camera.params`` is an attribute there.
    """
    return {
        match
        for match in ENTITY_ID_RE.findall(_PYTHON_RE.sub("", text))
        if not NOT_ENTITY_IDS.search(match)
    }


def documented_entity_ids(texts: dict[str, str]) -> dict[str, set[str]]:
    """Entity ID -> the documents that show it."""
    found: dict[str, set[str]] = {}
    for name, text in texts.items():
        for entity_id in entity_ids_in(text):
            found.setdefault(entity_id, set()).add(name)
    return found


def _documents() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text() for path in DOCUMENTS}


def test_entity_ids_are_found_and_nothing_else() -> None:
    """The extractor: entity IDs in YAML and prose, no paths or file names."""
    text = """
    target: {entity_id: camera.ptz_camera}
    entity_id: binary_sensor.ptz_camera_input_1
    `switch.video_server_output_1`, and sensor.x_sd_card_free_space.
    custom_components/cgi_camera/camera.py, select.py, button.json
    homeassistant.helpers.entity, notify.notify, cgi_camera.pulse_output,
    camera.snapshot(), camera.ptz.move, select.ptz_camera_ptz_preset.
    Image.MaxViewers, `Network.HostName`, bench/results/latest.json
    ```python
    camera = CameraClient(session, "192.168.0.90")
    print(camera.base_url)
    ```
    """
    assert entity_ids_in(text) == {
        "camera.ptz_camera",
        "binary_sensor.ptz_camera_input_1",
        "switch.video_server_output_1",
        "sensor.x_sd_card_free_space",
        "select.ptz_camera_ptz_preset",
    }


def test_the_readme_shows_entity_ids() -> None:
    """The check below is not empty: the README's examples name entities."""
    assert len(entity_ids_in((ROOT / "README.md").read_text())) >= 3


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_documented_entity_id_is_one_develop_creates(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Set up what scripts/develop sets up; the docs' entity IDs all exist."""
    try:
        for device in DevEnvironment().devices:
            await _add_like_develop(hass, simulator_factory, device)
        created = {entry.entity_id for entry in entity_registry.entities.values()}
    finally:  # before the simulators stop: no "cannot connect" at teardown
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)
    documented = documented_entity_ids(_documents())
    wrong = {
        entity_id: sorted(where)
        for entity_id, where in documented.items()
        if entity_id not in created
    }
    assert not wrong, (
        f"entity IDs that scripts/develop does not create: {wrong}; "
        f"it creates {sorted(created)}"
    )


async def _add_like_develop(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, device: SimulatedDevice
) -> None:
    """Start ``device`` as devenv.py does; add it as HomeAssistant.add_device does."""
    # devenv's own command line, on a free port instead of its fixed one
    config = config_from_args([*device.options, "--port", "0"])
    fields = dataclasses.fields(config)
    sim = await simulator_factory(**{f.name: getattr(config, f.name) for f in fields})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    user_input = {CONF_HOST: "127.0.0.1", CONF_PORT: sim.port, CONF_HTTPS: False}
    user_input |= {CONF_USERNAME: CAMERA_USER, CONF_PASSWORD: CAMERA_PASSWORD}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED, device.label
    assert entry.title == config.hostname  # what develop prints: "set up as ..."
    coordinator = entry.runtime_data.coordinator
    await wait_for_inputs(coordinator, lambda: coordinator.inputs_available)


# --- links -------------------------------------------------------------------

_FENCE_RE = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.MULTILINE | re.DOTALL)
_LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """``text`` without its fenced code blocks (``# comments`` are no headings)."""
    return _FENCE_RE.sub("", text)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation out, - for spaces."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors_of(text: str) -> set[str]:
    """The anchors of every heading of a Markdown page."""
    return {anchor(heading) for heading in _HEADING_RE.findall(_prose(text))}


def test_anchor_is_githubs() -> None:
    assert anchor("How a device is discovered") == "how-a-device-is-discovered"
    assert (
        anchor("The device (Home Assistant administrators; target: its config entry)")
        == "the-device-home-assistant-administrators-target-its-config-entry"
    )


def test_relative_links_resolve() -> None:
    """No link to a file that is not in the repository, or to a lost heading."""
    dead: list[str] = []
    for path in DOCUMENTS:
        for target in _LINK_RE.findall(_prose(path.read_text())):
            if re.match(r"^[a-z]+:", target):
                continue  # https:, mailto:
            file_part, _, fragment = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}: {target}"
            if not linked.exists() or ROOT not in (linked, *linked.parents):
                dead.append(f"{where} (no such file)")
            elif fragment and (
                linked.suffix != ".md" or fragment not in anchors_of(linked.read_text())
            ):
                dead.append(f"{where} (no such heading)")
    assert not dead, dead


# --- account rights ----------------------------------------------------------

_PATH_RE = re.compile(r"`/?([a-z/]+\.cgi)[^`]*`")


def readme_rights() -> list[tuple[str, set[str]]]:
    """The "Account rights" table: (right, request paths) per row."""
    readme = (ROOT / "README.md").read_text()
    assert "\n## Account rights\n" in readme, "the README has no Account rights"
    section = readme.split("\n## Account rights\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| ")]
    header, _rule, *rows = table
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "What",
        "Requests",
        "Right",
        "Why",
    ]
    result = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        paths = {f"/{path}" for path in _PATH_RE.findall(cells[1])}
        assert paths, row
        result.append((cells[2], paths))
    return result


def test_account_rights_table_is_rights_py() -> None:
    """One rule, said the same way: the table and api/rights.py agree.

    Every request that rights.py names appears with its right; a row that
    asks for more than viewer lists only requests that rights.py says need
    it. (Reads may appear in a viewer row: rights.py names what a request
    needs at most.)
    """
    rows = readme_rights()
    for right, paths in rows:
        assert right in ("viewer", "operator", "administrator", "root"), right
        if right != "viewer":
            # what the path needs to change something (its row in rights.py)
            wrong = {path for path in paths if _RIGHTS.get(path, "viewer") != right}
            assert not wrong, f"{right}: {wrong} need {[_RIGHTS.get(p) for p in wrong]}"
    for path, right in _RIGHTS.items():
        assert any(path in paths and row_right == right for row_right, paths in rows), (
            f"{path} ({right}) is not in the README's Account rights table"
        )

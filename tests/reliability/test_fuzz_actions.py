"""Every action's schema fed random values; special characters reach the device.

PTZ actions are fuzzed in tests/test_ptz.py (test_random_values); this file
covers every other action of the integration and fails when an action is
added without being covered here or there.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.helpers import RESPONSE_ACTIONS, SetupIntegration, call_device_action

OUTPUT_1 = "switch.cgi_camera_output_1"
CAMERA = "camera.cgi_camera"
# Free-text parameters of the simulator: any one-line value is valid.
TEXT_PARAMS = ("Input.I0.Name", "Input.I1.Name", "Output.O0.Name", "Output.O1.Name")
SPECIAL = "a&b=c%20d+e#f?g/h;i ü€✓ 'q' \"dq\" <x> \\ %%"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet="&=%+#\n\r\x00 ü./*_-aZ09", max_size=20),
    st.sampled_from(["SD_DISK", "all", "soft", "hard", "yes", "true", "on", "1"]),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
PARAM_NAMES = st.one_of(st.sampled_from(TEXT_PARAMS), st.text(max_size=20))


def _truthy(value: Any) -> bool:
    try:
        return bool(cv.boolean(value))
    except vol.Invalid:
        return False


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """One non-PTZ action with random values for random fields.

    Device actions get the entry's id (``ENTRY``) as their target, or now and
    then a random value, or none.
    """
    service = draw(st.sampled_from(sorted(FIELDS)))
    data: dict[str, Any] = {}
    if service != "pulse_output":
        target = draw(st.sampled_from(["entry", "entry", "entry", "random", "none"]))
        if target == "entry":
            data["config_entry_id"] = ENTRY
        elif target == "random":
            data["config_entry_id"] = draw(ANY_VALUE)
    for name in (
        draw(st.sets(st.sampled_from(FIELDS[service]))) if FIELDS[service] else ()
    ):
        if service == "set_parameters" and name == "parameters" and draw(st.booleans()):
            data[name] = draw(st.dictionaries(PARAM_NAMES, ANY_VALUE, max_size=3))
        else:
            data[name] = draw(ANY_VALUE)
    if service == "set_parameters" and draw(st.integers(0, 3)) == 0:
        # The action editor's list of {name, value} pairs.
        data["parameters"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"name": PARAM_NAMES, "value": ANY_VALUE},
                    optional={"extra": ANY_VALUE},
                ),
                max_size=3,
            )
        )
    if service in ("factory_default", "upgrade_firmware") and _truthy(
        data.get("confirm")
    ):
        data["confirm"] = False  # a real reset would end the run, not test it
    return service, data


# Stands for the config entry's id, which the test knows only once set up.
ENTRY = "<entry>"
# The actions that only answer with response data.


FIELDS: dict[str, tuple[str, ...]] = {
    "pulse_output": ("on_ms", "off_ms", "count"),
    "set_parameters": ("parameters",),
    "get_parameters": ("parameters",),
    "get_system_log": ("lines",),
    "ip_filter_list": (),
    "ip_filter_add": ("addresses",),
    "ip_filter_remove": ("addresses",),
    "rotate_password": ("password", "return_password"),
    "set_osd_text": ("text", "text_enabled", "date", "clock", "commit"),
    "sync_time": (),
    "storage_mount": ("disk_id",),
    "storage_unmount": ("disk_id",),
    "storage_format": ("disk_id", "confirm"),
    "storage_remove_recording": ("recording_id", "confirm"),
    "restore_backup": ("file",),
    "upgrade_firmware": ("file", "type", "confirm"),
    "factory_default": ("mode", "confirm"),
    "list_motion_windows": (),
    "add_motion_window": ("name", "top", "bottom", "left", "right"),
    "update_motion_window": ("window", "name", "top", "bottom", "left", "right"),
    "remove_motion_window": ("windows",),
}
# record_clip is fuzzed by tests/test_record_clip.py: a valid call records for
# its whole duration (up to 10 minutes), too long for hundreds of examples.
NOT_FUZZED_HERE = {"record_clip"}


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    tmp_path: Path,
) -> MockConfigEntry:
    """A camera with its config folder in a temporary directory."""
    hass.config.config_dir = str(tmp_path)
    return await setup(simulator, platforms=[Platform.SWITCH, Platform.CAMERA])


def reached_values_valid(log: list[tuple[str, dict[str, str]]]) -> list[str]:
    """Return every request that carried a value the integration forbids."""
    bad: list[str] = []
    for path, query in log:
        for key, value in query.items():
            if _CONTROL.search(key) or _CONTROL.search(value):
                bad.append(f"{path}: control character in {key!r}={value!r}")
        if path == "/param.cgi" and query.get("action") == "update":
            bad += [
                f"{path}: {key!r}"
                for key in query
                if key != "action" and not _PARAM_NAME.match(key)
            ]
        if path.startswith("/disks/") or path == "/list.cgi":
            for key in ("diskid", "recordingid"):
                if key in query and not (_ID.match(query[key]) or query[key] == "all"):
                    bad.append(f"{path}: {key}={query[key]!r}")
        if path == "/operator/setosd.cgi" or "setosd" in path:
            text = query.get("text", "")
            if len(text) > 128:
                bad.append(f"{path}: OSD text of {len(text)} characters")
    return bad


async def test_every_action_is_fuzzed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The fuzzed set is every action: PTZ here by prefix, the rest above."""
    services = set(hass.services.async_services()[DOMAIN])
    ptz = {name for name in services if name.startswith("ptz_")}
    assert ptz  # fuzzed by tests/test_ptz.py::test_random_values
    assert services - ptz - NOT_FUZZED_HERE == set(FIELDS)


async def test_random_values(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Random values: success or ServiceValidationError, never anything else.

    A refusal answered by a ServiceValidationError sent nothing; when the
    device was asked, every value that reached it satisfies the action's
    rules (a syntactically valid value the device does not know, such as a
    disk it lacks, may still be refused by the device itself).
    """
    examples: list[tuple[str, dict[str, Any]]] = []

    @settings(
        max_examples=500,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(calls())
    def collect(example: tuple[str, dict[str, Any]]) -> None:
        examples.append(example)

    collect()
    outcomes: dict[str, int] = {"ok": 0, "invalid": 0, "refused_valid": 0}
    for service, data in examples:
        payload = {
            key: entry.entry_id if value == ENTRY else value
            for key, value in data.items()
        }
        if service == "pulse_output":
            payload[ATTR_ENTITY_ID] = OUTPUT_1
        before = simulator.counters.total_requests
        log_before = len(simulator.counters.log)
        try:
            await hass.services.async_call(
                DOMAIN,
                service,
                payload,
                blocking=True,
                return_response=service in RESPONSE_ACTIONS,
            )
        except ServiceValidationError:
            outcomes["invalid"] += 1
            assert simulator.counters.total_requests == before, (service, data)
        except HomeAssistantError:
            # The device refused a value the action accepted: it was asked.
            outcomes["refused_valid"] += 1
            asked = simulator.counters.total_requests > before
            assert asked, (service, data)
        else:
            outcomes["ok"] += 1
        reached = simulator.counters.log[log_before:]
        assert not reached_values_valid(reached), (service, data, reached)
        await simulator.wait_output_idle(1)
    assert outcomes["ok"] > 10, outcomes
    assert outcomes["invalid"] > 100, outcomes


async def test_special_characters_reach_the_device_exactly(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """&, =, %, +, #, quotes and non-ASCII arrive as given; nothing else changes."""
    before = dict(simulator.params)
    injected = "x&Output.O1.Name=hacked&Input.I1.Name=%26"
    await call_device_action(
        hass,
        entry,
        "set_parameters",
        parameters={"Input.I0.Name": SPECIAL, "Output.O0.Name": injected},
    )
    after = dict(simulator.params)
    assert after.pop("Input.I0.Name") == SPECIAL
    assert after.pop("Output.O0.Name") == injected
    before.pop("Input.I0.Name")
    before.pop("Output.O0.Name")
    assert after == before  # no parameter added or changed besides those two

    response = await call_device_action(
        hass, entry, "get_parameters", parameters=["Input.I0.Name", "Output.O0.Name"]
    )
    assert response["parameters"] == {
        "Input.I0.Name": SPECIAL,
        "Output.O0.Name": injected,
    }

    await call_device_action(hass, entry, "set_osd_text", text=SPECIAL)
    assert simulator.osd["String"] == SPECIAL

    presets = simulator.ptz_presets(1)
    await hass.services.async_call(
        DOMAIN,
        "ptz_set_preset",
        {ATTR_ENTITY_ID: CAMERA, "preset": SPECIAL},
        blocking=True,
    )
    now = simulator.ptz_presets(1)
    assert SPECIAL in now.values()
    assert {n: name for n, name in now.items() if name != SPECIAL} == presets


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_parameters", {"parameters": {"Input.I0.Name&Output.O1.Name": "x"}}),
        ("set_parameters", {"parameters": {"Input.I0.Name=x&y": "x"}}),
        ("set_parameters", {"parameters": {"Input.I0.Name#": "x"}}),
        ("set_parameters", {"parameters": {"Input.I0.Näme": "x"}}),
        ("set_parameters", {"parameters": {"Input.I0.Name": "a\nOutput.O1.Name=x"}}),
        ("set_parameters", {"parameters": {"Input.I0.Name": "a\r\nb"}}),
        ("set_parameters", {"parameters": {"Input.I0.Name": "nul\x00cut"}}),
        ("get_parameters", {"parameters": ["Input&action=update"]}),
        ("get_parameters", {"parameters": "Input.I0.Name\nx"}),
        ("set_osd_text", {"text": "line1\nline2"}),
        ("set_osd_text", {"text": "nul\x00cut"}),
        ("set_osd_text", {"text": "x" * 129}),
        ("storage_mount", {"disk_id": "SD_DISK&diskid=all"}),
        ("storage_remove_recording", {"recording_id": "../x"}),
        ("restore_backup", {"file": "nul\x00byte.tar"}),
        ("restore_backup", {"file": "x" * 5000}),
        ("restore_backup", {"file": "../../etc/passwd"}),
    ],
)
async def test_bad_values_never_reach_the_device(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    service: str,
    data: dict[str, Any],
) -> None:
    """Names and values the device could misread are refused before sending."""
    params = dict(simulator.params)
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError):
        await call_device_action(hass, entry, service, **data)
    assert simulator.counters.total_requests == before
    assert dict(simulator.params) == params


@pytest.mark.parametrize("name", ["Home\nx", "x" * 500, "nul\x00"])
async def test_bad_preset_names_never_reach_the_device(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, name: str
) -> None:
    """Preset names the device could misread are refused before sending."""
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "ptz_set_preset",
            {ATTR_ENTITY_ID: CAMERA, "preset": name},
            blocking=True,
        )
    assert simulator.counters.total_requests == before

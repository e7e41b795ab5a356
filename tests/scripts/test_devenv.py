"""scripts/devenv.py: what scripts/develop and scripts/e2e rely on."""

import json
import os
from pathlib import Path
import sys

from homeassistant.components.onboarding import const as onboarding
from homeassistant.core_config import CORE_CONFIG_SCHEMA
from homeassistant.util.yaml import load_yaml_dict
import pytest

from scripts.devenv import (
    ROOT,
    STEP_ANALYTICS,
    STEP_CORE_CONFIG,
    STEP_INTEGRATION,
    STEP_USER,
    DevEnvironment,
    HomeAssistant,
    Processes,
    describe_flow_result,
)


def test_onboarding_steps_are_home_assistants() -> None:
    assert STEP_USER == onboarding.STEP_USER
    assert STEP_CORE_CONFIG == onboarding.STEP_CORE_CONFIG
    assert STEP_ANALYTICS == onboarding.STEP_ANALYTICS
    assert STEP_INTEGRATION == onboarding.STEP_INTEGRATION


def test_new_config_folder_skips_the_onboarding_integrations(tmp_path: Path) -> None:
    """Every step but the owner is done: core_config (which adds Google
    Translate, Radio Browser, Shopping list) never runs."""
    HomeAssistant(tmp_path).skip_onboarding_integrations()
    store = json.loads((tmp_path / ".storage" / "onboarding").read_text())
    assert store["key"] == "onboarding"
    assert store["version"] == 4  # onboarding's STORAGE_VERSION in 2025.4
    assert set(store["data"]["done"]) == set(onboarding.STEPS) - {STEP_USER}


def test_an_onboarded_folder_is_left_alone(tmp_path: Path) -> None:
    store = tmp_path / ".storage" / "onboarding"
    store.parent.mkdir()
    store.write_text('{"data": {"done": ["user"]}}')
    HomeAssistant(tmp_path).skip_onboarding_integrations()
    assert store.read_text() == '{"data": {"done": ["user"]}}'


def test_develop_configuration_has_the_whole_core_config() -> None:
    """Country, language, units, time zone, location: no repair, no lookup."""
    config = load_yaml_dict(ROOT / "config" / "configuration.yaml")
    core = CORE_CONFIG_SCHEMA(config["homeassistant"])
    for key in (
        "country",
        "language",
        "currency",
        "time_zone",
        "unit_system",
        "latitude",
        "longitude",
        "elevation",
    ):
        assert key in core, key


def test_develop_installs_nothing_at_run_time() -> None:
    assert DevEnvironment().home_assistant.skip_pip


@pytest.mark.parametrize(
    ("result", "said"),
    [
        ({"type": "create_entry", "title": "ptz-camera"}, "set up as 'ptz-camera'"),
        ({"type": "abort", "reason": "already_configured"}, "already set up"),
        ({"type": "abort", "reason": "cannot_connect"}, "NOT set up: abort"),
        (
            {"type": "form", "errors": {"base": "invalid_auth"}},
            "NOT set up: form (invalid_auth)",
        ),
    ],
)
def test_flow_results_in_words(result: dict[str, object], said: str) -> None:
    assert describe_flow_result(result).startswith(said)


def test_the_last_started_stops_first(tmp_path: Path) -> None:
    """Home Assistant, started after its simulators, stops before them."""
    order = tmp_path / "order"
    program = (
        "import signal, sys\n"
        "def stop(*_):\n"
        f"    open({str(order)!r}, 'a').write(sys.argv[1] + '\\n')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print('ready', flush=True)\n"
        "while True: signal.pause()\n"
    )
    processes = Processes()
    for name in ("simulator", "home-assistant"):
        read_end, write_end = os.pipe()
        with os.fdopen(write_end, "wb") as log:
            processes.spawn([sys.executable, "-c", program, name], log)
        with os.fdopen(read_end, "rb") as ready:
            # Blocks until the child has set its SIGTERM handler and said so.
            assert ready.readline() == b"ready\n"
    processes.stop()
    assert order.read_text().split() == ["home-assistant", "simulator"]

"""python -m simulator argument handling."""

import asyncio
import os
from pathlib import Path
import re
import signal

import pytest

from simulator import Simulator, SimulatorConfig
from simulator.__main__ import (
    build_parser,
    config_from_args,
    main,
    serve,
    shown_default,
)


def test_defaults() -> None:
    config = config_from_args([])
    assert config.port == 8080
    assert config.host == "127.0.0.1"
    assert (config.sources, config.inputs, config.outputs) == (1, 2, 2)
    assert (config.ptz, config.sd_card, config.audio) == (True, True, True)
    assert (config.username, config.password, config.auth) == ("root", "pass", "both")
    assert config.serial == "00408C123456"


def test_all_options() -> None:
    config = config_from_args(
        [
            "--port",
            "9000",
            "--sources",
            "4",
            "--inputs",
            "4",
            "--outputs",
            "1",
            "--no-ptz",
            "--no-sd",
            "--no-audio",
            "--user",
            "admin",
            "--password",
            "secret",
            "--auth",
            "digest",
            "--fps",
            "5",
            "--mac",
            "00:40:8C:AA:BB:CC",
            "--reboot-seconds",
            "0.5",
            "--io0-quirk",
            "--max-viewers",
            "3",
            "--model",
            "CGI-241",
            "--hostname",
            "gate",
            "--firmware",
            "5.00",
            "--nonce-lifetime",
            "10",
        ]
    )
    assert config.port == 9000
    assert config.sources == 4
    assert (config.inputs, config.outputs) == (4, 1)
    assert not config.ptz
    assert not config.sd_card
    assert not config.audio
    assert (config.username, config.password, config.auth) == (
        "admin",
        "secret",
        "digest",
    )
    assert config.fps == 5
    assert config.serial == "00408CAABBCC"
    assert config.reboot_seconds == 0.5
    assert config.io0_quirk
    assert config.hostname == "gate"
    assert (
        config.max_viewers,
        config.model,
        config.firmware,
        config.nonce_lifetime,
    ) == (3, "CGI-241", "5.00", 10)


def test_rejects_bad_values() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sources", "2"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--auth", "none"])


@pytest.mark.parametrize(
    "options",
    [
        {"sources": 2},
        {"inputs": 17},
        {"auth": "none"},
        {"fps": 0},
        {"reboot_seconds": -1},
    ],
)
def test_config_validation(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        SimulatorConfig(**options)  # type: ignore[arg-type]


async def test_serve_until_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(SimulatorConfig(port=0), stop))
    await asyncio.sleep(0)
    for _ in range(100):
        if "listening" in capsys.readouterr().out:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task


def test_main_handles_sigint(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Simulator.start

    async def start_then_interrupt(self: Simulator) -> None:
        await original(self)
        asyncio.get_running_loop().call_soon(os.kill, os.getpid(), signal.SIGINT)

    monkeypatch.setattr(Simulator, "start", start_then_interrupt)
    assert main(["--port", "0"]) == 0


def _readme_options() -> dict[str, str]:
    """The option table of simulator/README.md: option -> default as shown."""
    readme = (Path(__file__).parents[2] / "simulator" / "README.md").read_text()
    table = readme.split("| option | default | meaning |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.strip().splitlines()[1:]:  # after the |---| line
        option, default = (cell.strip() for cell in line.strip("|").split("|")[:2])
        assert re.fullmatch(r"`--[a-z0-9-]+`", option), f"one option a row: {line}"
        assert option not in rows, f"{option} is listed twice"
        rows[option.strip("`")] = default.replace("`", "")
    return rows


def test_every_option_has_a_help_line() -> None:
    for action in build_parser()._actions:
        assert action.help, f"{action.option_strings} has no help"


def test_readme_lists_the_options_of_help() -> None:
    """Same names and defaults in README's table as in --help, none missing."""
    parser = build_parser()
    from_help = {
        action.option_strings[-1]: shown_default(action)
        for action in parser._actions
        if action.option_strings and action.dest != "help"
    }
    assert _readme_options() == from_help
    text = parser.format_help()
    for option, default in from_help.items():
        assert option in text
        if default:
            assert f"(default: {default})" in " ".join(text.split())


def test_help_shows_defaults_as_text() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "--fps FPS MJPEG frame rate (default: 10)" in text
    assert "serial number (default: the MAC without colons)" in text
    assert "(default: None)" not in text
    assert "(default: True)" not in text

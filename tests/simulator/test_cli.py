"""python -m simulator argument handling."""

import asyncio
import os
import signal

import pytest

from simulator import Simulator, SimulatorConfig
from simulator.__main__ import build_parser, config_from_args, main, serve


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

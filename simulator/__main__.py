"""``python -m simulator``: run a simulated camera until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from .config import NUMBERINGS, PARAM_TREES, POLARITIES, WIRES, SimulatorConfig
from .profiles import PROFILES
from .server import Simulator


def build_parser() -> argparse.ArgumentParser:
    """The command line interface."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--sources", type=int, choices=(1, 4), default=1)
    parser.add_argument("--inputs", type=int, default=2)
    parser.add_argument("--outputs", type=int, default=2)
    parser.add_argument("--no-ptz", dest="ptz", action="store_false")
    parser.add_argument("--no-sd", dest="sd_card", action="store_false")
    parser.add_argument("--no-audio", dest="audio", action="store_false")
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default="pass")
    parser.add_argument("--auth", choices=("basic", "digest", "both"), default="both")
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--mac", default="00:40:8C:12:34:56")
    parser.add_argument("--serial", default=None)
    parser.add_argument("--model", default="CGI-211")
    parser.add_argument("--hostname", default="cgi-camera")
    parser.add_argument("--firmware", default="4.40")
    parser.add_argument("--max-viewers", type=int, default=10)
    parser.add_argument("--reboot-seconds", type=float, default=2.0)
    parser.add_argument("--nonce-lifetime", type=float, default=300.0)
    parser.add_argument("--io0-quirk", action="store_true")
    parser.add_argument("--profile", choices=tuple(PROFILES), default=None)
    parser.add_argument("--wire", choices=WIRES, default="aiohttp")
    parser.add_argument("--param-tree", choices=PARAM_TREES, default="full")
    parser.add_argument("--numbering", choices=NUMBERINGS, default="one")
    parser.add_argument("--input-trig", choices=POLARITIES, default="closed")
    parser.add_argument("--output-active", choices=POLARITIES, default="closed")
    parser.add_argument(
        "--ptz-sources", type=_numbers, default=None, metavar="N[,N...]"
    )
    return parser


def _numbers(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(n) for n in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid list of numbers {value!r}") from None


def config_from_args(argv: list[str] | None = None) -> SimulatorConfig:
    """Parse ``argv`` into a configuration.

    With ``--profile`` the profile's settings replace the defaults; options
    given with a value other than their default override the profile.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    options = _options(args)
    if args.profile is None:
        return SimulatorConfig(**options)
    defaults = _options(parser.parse_args([]))
    changed = {k: v for k, v in options.items() if v != defaults[k]}
    return SimulatorConfig(**{**defaults, **PROFILES[args.profile], **changed})


def _options(args: argparse.Namespace) -> dict[str, Any]:
    serial = args.serial or args.mac.replace(":", "").upper()
    return {
        "host": args.host,
        "port": args.port,
        "sources": args.sources,
        "inputs": args.inputs,
        "outputs": args.outputs,
        "ptz": args.ptz,
        "sd_card": args.sd_card,
        "audio": args.audio,
        "username": args.user,
        "password": args.password,
        "auth": args.auth,
        "fps": args.fps,
        "mac": args.mac,
        "serial": serial,
        "model": args.model,
        "hostname": args.hostname,
        "firmware": args.firmware,
        "max_viewers": args.max_viewers,
        "reboot_seconds": args.reboot_seconds,
        "nonce_lifetime": args.nonce_lifetime,
        "io0_quirk": args.io0_quirk,
        "wire": args.wire,
        "param_tree": args.param_tree,
        "numbering": args.numbering,
        "input_trig": args.input_trig,
        "output_active": args.output_active,
        "ptz_sources": args.ptz_sources,
    }


async def serve(config: SimulatorConfig, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set."""
    async with Simulator(config) as sim:
        print(f"Simulator listening on {sim.url} (Ctrl-C to stop)", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    config = config_from_args(argv)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(config, stop)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m simulator``: run a simulated camera until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .config import SimulatorConfig
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
    return parser


def config_from_args(argv: list[str] | None = None) -> SimulatorConfig:
    """Parse ``argv`` into a configuration."""
    args = build_parser().parse_args(argv)
    serial = args.serial or args.mac.replace(":", "").upper()
    return SimulatorConfig(
        host=args.host,
        port=args.port,
        sources=args.sources,
        inputs=args.inputs,
        outputs=args.outputs,
        ptz=args.ptz,
        sd_card=args.sd_card,
        audio=args.audio,
        username=args.user,
        password=args.password,
        auth=args.auth,
        fps=args.fps,
        mac=args.mac,
        serial=serial,
        model=args.model,
        hostname=args.hostname,
        firmware=args.firmware,
        max_viewers=args.max_viewers,
        reboot_seconds=args.reboot_seconds,
        nonce_lifetime=args.nonce_lifetime,
        io0_quirk=args.io0_quirk,
    )


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

"""``python -m simulator``: run a simulated camera until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from .config import (
    NUMBERINGS,
    PARAM_TREES,
    POLARITIES,
    SPEAKER_TYPES,
    WIRES,
    SimulatorConfig,
)
from .profiles import PROFILES
from .server import Simulator

# How --help and the README's option table show a default that is not a value.
DEFAULT_TEXT = {
    "serial": "the MAC without colons",
    "profile": "none",
    "ptz_sources": "every source",
}


def shown_default(action: argparse.Action) -> str:
    """The default of an option as --help and simulator/README.md show it.

    Empty for a flag (an option without a value).
    """
    if action.nargs == 0:
        return ""
    if action.dest in DEFAULT_TEXT:
        return DEFAULT_TEXT[action.dest]
    default = action.default
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


class _HelpFormatter(argparse.HelpFormatter):
    """Each option's help line ends with its default, as the README shows it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        shown = shown_default(action) if action.option_strings else ""
        if not shown or action.help is None:
            return action.help
        return f"{action.help} (default: {shown.replace('%', '%%')})"


def build_parser() -> argparse.ArgumentParser:
    """The command line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Run a simulated CGI camera or video server until Ctrl-C "
        "(or SIGTERM).",
        epilog="Device profiles and the /_sim control API: simulator/README.md.",
        formatter_class=_HelpFormatter,
    )
    option = parser.add_argument
    option("--host", default="127.0.0.1", help="address to listen on")
    option("--port", type=int, default=8080, help="port to listen on; 0: any free port")
    option(
        "--sources",
        type=int,
        choices=(1, 4),
        default=1,
        help="1 (a camera) or 4 (a video server, which also serves 'quad')",
    )
    option("--inputs", type=int, default=2, help="number of input ports")
    option("--outputs", type=int, default=2, help="number of output ports (relays)")
    option(
        "--no-ptz",
        dest="ptz",
        action="store_false",
        help="no PTZ head (its CGIs answer 404)",
    )
    option(
        "--no-sd",
        dest="sd_card",
        action="store_false",
        help="no SD card (its CGIs answer 404)",
    )
    option(
        "--no-audio",
        dest="audio",
        action="store_false",
        help="no audio (its CGIs answer 404)",
    )
    option("--user", default="root", help="user name of the root account")
    option("--password", default="pass", help="password of the root account")
    option(
        "--auth",
        choices=("basic", "digest", "both"),
        default="both",
        help="the authentication schemes offered",
    )
    option("--fps", type=float, default=10.0, help="MJPEG frame rate")
    option("--mac", default="00:40:8C:12:34:56", help="MAC address")
    option("--serial", default=None, help="serial number")
    option("--model", default="CGI-211", help="model (Brand.ProdNbr)")
    option("--hostname", default="cgi-camera", help="host name (Network.HostName)")
    option("--firmware", default="4.40", help="firmware version")
    option(
        "--max-viewers",
        type=int,
        default=10,
        help="Image.MaxViewers: open video streams before 503",
    )
    option(
        "--reboot-seconds",
        type=float,
        default=2.0,
        help="how long restart.cgi keeps the device away",
    )
    option(
        "--nonce-lifetime",
        type=float,
        default=300.0,
        help="Digest nonce lifetime (s); older nonces answer stale=true",
    )
    option(
        "--io0-quirk",
        action="store_true",
        help="report port 1 as IO0 in monitor streams only (the spec's own "
        "example); check answers stay 1-based",
    )
    option(
        "--profile",
        choices=tuple(PROFILES),
        default=None,
        help="start from a device profile; options given with a non-default "
        "value override it",
    )
    option(
        "--wire",
        choices=WIRES,
        default="aiohttp",
        help="spec-literal: the spec's own bytes on the wire",
    )
    option(
        "--param-tree",
        choices=PARAM_TREES,
        default="full",
        help="minimal: param.cgi lists only the names the spec prints",
    )
    option(
        "--numbering",
        choices=NUMBERINGS,
        default="one",
        help="port numbers in answers: one (as requested), zero (n-1), "
        "io0 (port 1 as 0)",
    )
    option(
        "--input-trig",
        choices=POLARITIES,
        default="closed",
        help="factory Input.I<n>.Trig of every input",
    )
    option(
        "--output-active",
        choices=POLARITIES,
        default="closed",
        help="factory Output.O<n>.Active of every output",
    )
    option(
        "--ptz-sources",
        type=_numbers,
        default=None,
        metavar="N[,N...]",
        help="the sources with a PTZ head, e.g. 2 or 1,3",
    )
    option(
        "--speaker-types",
        default=",".join(SPEAKER_TYPES),
        metavar="TYPE[,TYPE...]",
        help="the audio types audio/transmit.cgi takes; empty: no speaker",
    )
    option(
        "--no-transmit-answer",
        dest="transmit_answer",
        action="store_false",
        help="audio/transmit.cgi reads until the client closes and never answers",
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
        "speaker_types": tuple(filter(None, args.speaker_types.split(","))),
        "transmit_answer": args.transmit_answer,
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

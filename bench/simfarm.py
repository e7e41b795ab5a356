"""Many simulated devices in one process, for the 50- and 200-device benchmarks.

`python -m bench.simfarm --first-port 9200 --count 50 --control-port 9199`
starts the devices on consecutive loopback ports and a small control server:
  POST /flap?hz=5&seconds=60[&first=P&last=Q][&spread=1]
                               toggle every input of every device (of ports P
                               to Q) at that rate, all at once or (spread=1)
                               one device after the other over the period
  GET  /wait                   answers when the flapping ended, with the number
                               of toggles each input had
  GET  /truth                  {port: {input: state}} as the devices see it
With --no-relay-monitor the devices have neither `io/output.cgi?monitor=` nor
`io/port.cgi?monitor=`: their relays can only be polled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from aiohttp import web

from simulator import Simulator, SimulatorConfig

INPUTS = 2


def mac_for(port: int) -> str:
    """A MAC address of its own for each number (a farm passes the port)."""
    return f"00:40:8C:10:{port // 256:02X}:{port % 256:02X}"


class Farm:
    """The devices and the flapping task."""

    def __init__(
        self, first_port: int, count: int, *, relay_monitor: bool = True
    ) -> None:
        """Describe the devices; nothing starts yet."""
        self.devices = [
            Simulator(
                SimulatorConfig(
                    port=first_port + index,
                    mac=mac_for(first_port + index),
                    inputs=INPUTS,
                    outputs=1,
                    ptz=False,
                    audio=False,
                    fps=2.0,
                    output_monitor=relay_monitor,
                    port_monitor=relay_monitor,
                )
            )
            for index in range(count)
        ]
        self.flapping: asyncio.Task[int] | None = None

    async def flap(
        self, devices: list[Simulator], hz: float, seconds: float, *, spread: bool
    ) -> int:
        """Toggle every input of ``devices`` hz times a second; the toggles each.

        All devices at once, or spread: device i of n 1/hz * i/n after the tick,
        as independent devices would be.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        tick = loop.time()
        toggles = 0
        while loop.time() < deadline:
            for index, device in enumerate(devices):
                if spread:
                    offset = index / hz / len(devices)
                    await asyncio.sleep(max(0.0, tick + offset - loop.time()))
                for port in range(1, INPUTS + 1):
                    device.toggle_input(port)
            toggles += 1
            tick += 1 / hz
            await asyncio.sleep(max(0.0, tick - loop.time()))
        return toggles

    async def handle_flap(self, request: web.Request) -> web.Response:
        """Start flapping in the background; answer at once."""
        hz = float(request.query.get("hz", "5"))
        seconds = float(request.query.get("seconds", "60"))
        first = int(request.query.get("first", "0"))
        last = int(request.query.get("last", "65535"))
        devices = [d for d in self.devices if first <= d.port <= last]
        spread = request.query.get("spread") == "1"
        self.flapping = asyncio.create_task(
            self.flap(devices, hz, seconds, spread=spread)
        )
        return web.json_response({"started": True, "devices": len(devices)})

    async def handle_wait(self, request: web.Request) -> web.Response:
        """Answer when the flapping has ended: how often each input toggled."""
        toggles = await self.flapping if self.flapping else 0
        return web.json_response({"done": True, "toggles": toggles})

    async def handle_truth(self, request: web.Request) -> web.Response:
        """Every input's state, as the devices see it."""
        truth = {
            str(device.port): {
                str(port): device.input_state(port) for port in range(1, INPUTS + 1)
            }
            for device in self.devices
        }
        return web.json_response(truth)


async def run(
    first_port: int, count: int, control_port: int, *, relay_monitor: bool
) -> None:
    """Serve until SIGTERM or SIGINT."""
    farm = Farm(first_port, count, relay_monitor=relay_monitor)
    for device in farm.devices:
        await device.start()
    app = web.Application()
    app.router.add_post("/flap", farm.handle_flap)
    app.router.add_get("/wait", farm.handle_wait)
    app.router.add_get("/truth", farm.handle_truth)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", control_port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("ready", flush=True)
    await stop.wait()
    if farm.flapping:
        farm.flapping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await farm.flapping
    await runner.cleanup()
    for device in farm.devices:
        await device.stop()


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--first-port", type=int, default=9200)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--control-port", type=int, default=9199)
    parser.add_argument(
        "--no-relay-monitor",
        dest="relay_monitor",
        action="store_false",
        help="devices without output and port monitors (relays polled)",
    )
    args = parser.parse_args()
    asyncio.run(
        run(
            args.first_port,
            args.count,
            args.control_port,
            relay_monitor=args.relay_monitor,
        )
    )


if __name__ == "__main__":
    main()

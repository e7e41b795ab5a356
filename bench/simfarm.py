"""Many simulated devices in one process, for the 50-device benchmarks.

`python -m bench.simfarm --first-port 9200 --count 50 --control-port 9199`
starts the devices on consecutive loopback ports and a small control server:
  POST /flap?hz=5&seconds=60   toggle every input of every device at that rate
  GET  /truth                  {port: {input: state}} as the devices see it
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from aiohttp import web

from simulator import Simulator, SimulatorConfig

INPUTS = 2


def mac_for(index: int) -> str:
    """A distinct MAC address for each device of the farm."""
    return f"00:40:8C:10:{index // 256:02X}:{index % 256:02X}"


class Farm:
    """The devices and the flapping task."""

    def __init__(self, first_port: int, count: int) -> None:
        """Describe the devices; nothing starts yet."""
        self.devices = [
            Simulator(
                SimulatorConfig(
                    port=first_port + index,
                    mac=mac_for(index),
                    inputs=INPUTS,
                    outputs=1,
                    ptz=False,
                    audio=False,
                    fps=2.0,
                )
            )
            for index in range(count)
        ]
        self.flapping: asyncio.Task[None] | None = None

    async def flap(self, hz: float, seconds: float) -> None:
        """Toggle every input of every device hz times a second."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        tick = loop.time()
        while loop.time() < deadline:
            for device in self.devices:
                for port in range(1, INPUTS + 1):
                    device.toggle_input(port)
            tick += 1 / hz
            await asyncio.sleep(max(0.0, tick - loop.time()))

    async def handle_flap(self, request: web.Request) -> web.Response:
        """Start flapping in the background; answer at once."""
        hz = float(request.query.get("hz", "5"))
        seconds = float(request.query.get("seconds", "60"))
        self.flapping = asyncio.create_task(self.flap(hz, seconds))
        return web.json_response({"started": True})

    async def handle_wait(self, request: web.Request) -> web.Response:
        """Answer when the flapping has ended."""
        if self.flapping:
            await self.flapping
        return web.json_response({"done": True})

    async def handle_truth(self, request: web.Request) -> web.Response:
        """Every input's state, as the devices see it."""
        truth = {
            str(device.port): {
                str(port): device.input_state(port) for port in range(1, INPUTS + 1)
            }
            for device in self.devices
        }
        return web.json_response(truth)


async def run(first_port: int, count: int, control_port: int) -> None:
    """Serve until SIGTERM or SIGINT."""
    farm = Farm(first_port, count)
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
    args = parser.parse_args()
    asyncio.run(run(args.first_port, args.count, args.control_port))


if __name__ == "__main__":
    main()

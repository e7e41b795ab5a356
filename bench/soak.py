"""Soak: a real Home Assistant with 10 simulated devices under random chaos.

`python -m bench.soak [minutes]` (default 30; scripts/soak) starts Home
Assistant (its own process) and ten simulators in this process, adds the
devices through the real config flow, then for the given time: inputs flap,
relays are switched (through Home Assistant, and by the devices' own rules),
viewers join and leave live streams, devices reboot and faults are injected,
all at random (the seed is printed and saved). Afterwards every fault is
cleared and every entity is compared with the simulators' true state; resources
(asyncio tasks, file descriptors, sockets, RSS, and live Python objects after a
full garbage collection) are sampled through the bench_probe component at the
start and the end. Home Assistant runs on jemalloc, as its container ships it
(`--allocator glibc` for glibc's malloc). Writes bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
from collections.abc import Awaitable, Callable
import contextlib
import ctypes.util
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import random
import re
import shutil
import sys
import tempfile
import time
from typing import Any

import aiohttp

from bench.homeassistant_ws import HomeAssistantWebSocket
from bench.simfarm import mac_for
from scripts.devenv import (
    ROOT,
    HomeAssistant,
    Processes,
    SimulatedDevice,
    probe_configuration,
)
from simulator import Simulator, SimulatorConfig

RESULTS = ROOT / "bench" / "results"
HA_PORT = 18125
DEVICES = 10
INPUTS = 2
OUTPUTS = 2
ACTIONS_PER_SECOND = 5.0
MAX_VIEWERS = 6
MAX_DEVICES_AWAY = 2
# After the chaos: the poll interval (60 s), the backoff cap (60 s), a request
# timeout (10 s) and a margin.
CONVERGE_SECONDS = 150.0
# Past the shared session's keep-alive (15 s) after the config flows.
WARMUP_SECONDS = 20.0
# Live streams linger 5 s after their last viewer; then a margin.
COOLDOWN_SECONDS = 12.0
SAMPLE_EVERY = 30.0
# What each resource sample keeps. The limits below apply to the first four
# and to gc_objects; the heap figures tell a leak (live objects grow) from
# allocator growth.
MEASURED = ("tasks", "fds", "sockets", "rss_mib")
HEAP = ("gc_objects", "python_blocks", "malloc_in_use_mib", "malloc_free_mib")
QUIET_SAMPLES = 5
QUIET_EVERY = 5.0
# "Flat": what the end may exceed the start by. Live objects are counted
# after a full garbage collection, so they show a leak whatever the allocator.
FLAT = {
    "tasks": 10,
    "sockets": 5,
    "fds": 10,
    "rss_growth_percent": 15.0,
    "gc_objects_growth_percent": 2.0,
}
# Home Assistant as its container (and so Home Assistant OS) runs it: jemalloc,
# preloaded with this configuration (Home Assistant Core's Dockerfile and
# rootfs run script). `--allocator glibc` runs it as a plain venv install does.
JEMALLOC_CONF = (
    "background_thread:true,metadata_thp:auto,dirty_decay_ms:20000,muzzy_decay_ms:20000"
)
ALLOCATORS = ("jemalloc", "glibc")

LOGGING = """logger:
  default: warning
  logs:
    custom_components.cgi_camera: info
"""

FAULTS: dict[str, Callable[[Simulator, random.Random], Any]] = {
    "cut_io": lambda sim, rng: sim.faults.cut_streams("io"),
    "cut_video": lambda sim, rng: sim.faults.cut_streams("video"),
    "corrupt_io": lambda sim, rng: sim.faults.corrupt_streams(
        "io", rng.choice(["truncate", "boundary", "garbage"])
    ),
    "corrupt_video": lambda sim, rng: sim.faults.corrupt_streams(
        "video", rng.choice(["truncate", "boundary", "garbage"])
    ),
    "status_500": lambda sim, rng: sim.faults.status_next(500, rng.randint(1, 3)),
    "status_503": lambda sim, rng: sim.faults.status_next(503, rng.randint(1, 3)),
    "garbage": lambda sim, rng: sim.faults.garbage_next(rng.randint(1, 2)),
    "hang": lambda sim, rng: sim.faults.hang_next(1),
    "refuse": lambda sim, rng: sim.faults.refuse_next(rng.randint(1, 3)),
    "reset": lambda sim, rng: sim.faults.reset_next(rng.randint(1, 3)),
    "refusal": lambda sim, rng: sim.faults.error_next("/io/output.cgi"),
}


@dataclass
class Device:
    """One simulator and its entities in Home Assistant."""

    sim: Simulator
    inputs: dict[int, str] = field(default_factory=dict)
    outputs: dict[int, str] = field(default_factory=dict)
    camera: str = ""

    @property
    def mac(self) -> str:
        """The normalised MAC (the integration's unique id prefix)."""
        return self.sim.config.mac.lower()


@dataclass
class Soak:
    """The run: processes, devices, counters."""

    minutes: float
    seed: int
    allocator: str = "jemalloc"
    processes: Processes = field(default_factory=Processes)
    ha: HomeAssistant = field(
        default_factory=lambda: HomeAssistant(
            Path(tempfile.mkdtemp(prefix="cgi-soak-")), HA_PORT
        )
    )
    ws: HomeAssistantWebSocket = field(default_factory=HomeAssistantWebSocket)
    devices: list[Device] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    viewers: set[asyncio.Task[None]] = field(default_factory=set)
    calls: set[asyncio.Task[None]] = field(default_factory=set)
    samples: list[dict[str, Any]] = field(default_factory=list)
    slowest: dict[str, float] = field(default_factory=dict)

    @property
    def http(self) -> aiohttp.ClientSession:
        """The soak's own HTTP session."""
        assert self.session
        return self.session

    # ------------------------------------------------------------ setting up
    async def start(self) -> None:
        """Start the simulators and Home Assistant; add every device."""
        for index in range(DEVICES):
            sim = Simulator(
                SimulatorConfig(
                    mac=mac_for(100 + index),
                    hostname=f"soak-{index}",
                    inputs=INPUTS,
                    outputs=OUTPUTS,
                    ptz=False,
                    audio=False,
                    fps=5.0,
                )
            )
            await sim.start()
            self.devices.append(Device(sim))
        (self.ha.config_dir / "configuration.yaml").write_text(
            probe_configuration("soak", HA_PORT) + LOGGING
        )
        self.ha.link_component(ROOT / "bench" / "probe" / "bench_probe")
        self.ha.start(self.processes, allocator_environment(self.allocator))
        self.session = aiohttp.ClientSession()
        await self.ha.wait_until_up(
            self.http, self.processes, f"{self.ha.url}/api/onboarding"
        )
        await self.ha.onboard(self.http)
        await self.ws.connect(self.http, self.ha.url, self.ha.token)
        for device in self.devices:
            result = await self.ha.add_device(
                self.http, SimulatedDevice(device.mac, device.sim.port)
            )
            if result.get("type") != "create_entry":
                raise SystemExit(f"adding {device.mac} failed: {result}")
        await self.find_entities()

    async def find_entities(self) -> None:
        """Map every device's inputs, relays and camera to entity ids."""
        registry = await self.ws.call("config/entity_registry/list")
        by_mac = {device.mac: device for device in self.devices}
        for entry in registry:
            if entry["platform"] != "cgi_camera":
                continue
            mac, _, key = str(entry["unique_id"]).partition("-")
            device = by_mac.get(mac)
            if device is None:
                continue
            if match := re.fullmatch(r"input_(\d+)", key):
                device.inputs[int(match.group(1))] = entry["entity_id"]
            elif match := re.fullmatch(r"output_(\d+)", key):
                device.outputs[int(match.group(1))] = entry["entity_id"]
            elif key == "camera_1":
                device.camera = entry["entity_id"]
        for device in self.devices:
            if len(device.inputs) != INPUTS or len(device.outputs) != OUTPUTS:
                raise SystemExit(f"entities of {device.mac} not found: {device}")

    # ------------------------------------------------------------ measuring
    async def resources(self, *, collect: bool = False) -> dict[str, Any]:
        """The probe's view of Home Assistant (``collect``: after a full GC)."""
        result: dict[str, Any] = await self.ws.call(
            "bench_probe/resources", collect=collect
        )
        result["at_s"] = round(time.monotonic() - self.started, 1)
        return result

    async def quiet_resources(self) -> dict[str, Any]:
        """The lowest counts over 20 s (idle keep-alive connections come and go).

        Home Assistant's shared HTTP session keeps a connection to a device
        open for 15 s after each poll or action, so one sample depends on
        when the last polls ran; a leak stays through the whole window.
        """
        samples = []
        for index in range(QUIET_SAMPLES):
            if index:
                await asyncio.sleep(QUIET_EVERY)
            samples.append(await self.resources(collect=index == QUIET_SAMPLES - 1))
        quiet = dict(samples[-1])
        for key in ("tasks", "fds", "sockets"):
            quiet[key] = min(sample[key] for sample in samples)
        return quiet

    async def states(self) -> dict[str, str]:
        """Every entity's state."""
        return {
            s["entity_id"]: s["state"]
            for s in await self.ha.api(self.http, "get", "/api/states")
        }

    def truth(self) -> dict[str, str]:
        """What every input and relay entity must show."""
        expected: dict[str, str] = {}
        for device in self.devices:
            for port, entity_id in device.inputs.items():
                expected[entity_id] = "on" if device.sim.input_state(port) else "off"
            for port, entity_id in device.outputs.items():
                expected[entity_id] = "on" if device.sim.output_state(port) else "off"
        return expected

    async def mismatches(self) -> dict[str, tuple[str, str | None]]:
        """Entities whose state differs from the truth: expected, shown."""
        states = await self.states()
        return {
            entity_id: (wanted, states.get(entity_id))
            for entity_id, wanted in self.truth().items()
            if states.get(entity_id) != wanted
        }

    async def converge(self, within: float) -> tuple[float, dict[str, Any]]:
        """Seconds until every entity shows the truth; what still differs.

        ``self.slowest`` keeps, per entity that was wrong at first, how long
        it took to show the truth (for the report).
        """
        started = time.monotonic()
        wrong: dict[str, tuple[str, str | None]] = {}
        self.slowest = {}
        while time.monotonic() - started < within:
            wrong = await self.mismatches()
            elapsed = round(time.monotonic() - started, 1)
            for entity_id in wrong:
                self.slowest[entity_id] = elapsed
            if not wrong:
                return time.monotonic() - started, {}
            await asyncio.sleep(1)
        return float("nan"), {k: list(v) for k, v in wrong.items()}

    # ------------------------------------------------------------ the chaos
    def away(self) -> int:
        """How many devices are rebooting."""
        return sum(not device.sim.is_up for device in self.devices)

    def spawn(self, pool: set[asyncio.Task[None]], coro: Awaitable[None]) -> None:
        """Run ``coro`` in the background, kept in ``pool`` until done."""
        task = asyncio.ensure_future(coro)
        pool.add(task)
        task.add_done_callback(pool.discard)

    async def switch(self, entity_id: str, on: bool) -> None:
        """Switch a relay through Home Assistant, as the frontend does.

        It fails while the device is away or faulty (an error answer).
        """
        try:
            await self.ws.call(
                "call_service",
                domain="switch",
                service="turn_on" if on else "turn_off",
                service_data={"entity_id": entity_id},
            )
            self.counts["relay_via_ha_ok"] += 1
        except RuntimeError:
            self.counts["relay_via_ha_failed"] += 1

    async def view(self, entity_id: str, seconds: float) -> None:
        """Watch a live stream for a while, then leave."""
        headers = {"Authorization": f"Bearer {self.ha.token}"}
        received = 0
        try:
            async with self.http.get(
                f"{self.ha.url}/api/camera_proxy_stream/{entity_id}",
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=seconds + 15),
            ) as response:
                if response.status == 401:  # the 30-minute access token expired
                    await self.ha.refresh_access_token(self.http)
                    self.counts["viewer_token_refreshed"] += 1
                    return
                if response.status != 200:
                    self.counts[f"viewer_http_{response.status}"] += 1
                    return
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(seconds):
                        async for chunk in response.content.iter_any():
                            received += len(chunk)
            self.counts["viewer_ok" if received else "viewer_empty"] += 1
        except (aiohttp.ClientError, TimeoutError):
            self.counts["viewer_error"] += 1

    async def act(self, rng: random.Random) -> None:
        """One random action."""
        device = rng.choice(self.devices)
        sim = device.sim
        kind = rng.choices(
            ["flap", "relay_ha", "relay_device", "viewer", "reboot", "fault"],
            weights=[60, 8, 4, 4, 0.6, 4],
        )[0]
        if kind == "flap":
            sim.toggle_input(rng.randint(1, INPUTS))
        elif kind == "relay_ha":
            if len(self.calls) < 4:
                port = rng.randint(1, OUTPUTS)
                self.spawn(
                    self.calls, self.switch(device.outputs[port], rng.random() < 0.5)
                )
            else:
                kind = "relay_ha_skipped"
        elif kind == "relay_device":
            if sim.is_up:
                sim.set_output(rng.randint(1, OUTPUTS), rng.random() < 0.5)
            else:
                kind = "relay_device_skipped"
        elif kind == "viewer":
            if len(self.viewers) < MAX_VIEWERS:
                self.spawn(self.viewers, self.view(device.camera, rng.uniform(1, 8)))
            else:
                kind = "viewer_skipped"
        elif kind == "reboot":
            if sim.is_up and self.away() < MAX_DEVICES_AWAY:
                await sim.reboot(rng.uniform(1, 20))
            else:
                kind = "reboot_skipped"
        elif sim.is_up:
            name = rng.choice(sorted(FAULTS))
            FAULTS[name](sim, rng)
            kind = f"fault_{name}"
        else:
            kind = "fault_skipped"
        self.counts[kind] += 1

    async def chaos(self, seconds: float) -> None:
        """Random actions for ``seconds``; a resource sample every 30 s."""
        rng = random.Random(self.seed)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        next_sample = loop.time() + SAMPLE_EVERY
        while loop.time() < end:
            await self.act(rng)
            if loop.time() >= next_sample:
                self.samples.append(await self.resources())
                next_sample += SAMPLE_EVERY
                print(
                    f"soak: {self.samples[-1]['at_s']:.0f} s, "
                    f"{sum(self.counts.values())} actions",
                    flush=True,
                )
            await asyncio.sleep(rng.expovariate(ACTIONS_PER_SECOND))

    async def calm(self) -> None:
        """End every fault, viewer and reboot."""
        for task in list(self.viewers) + list(self.calls):
            task.cancel()
        await asyncio.gather(*self.viewers, *self.calls, return_exceptions=True)
        for device in self.devices:
            device.sim.faults.clear()
        for device in self.devices:
            await device.sim.wait_until_up()

    async def live_check(self) -> list[str]:
        """Toggle every input once more: Home Assistant must follow at once."""
        failed: list[str] = []
        self.ws.drain()
        for device in self.devices:
            for port, entity_id in device.inputs.items():
                device.sim.toggle_input(port)
                wanted = "on" if device.sim.input_state(port) else "off"
                if not await self.ws.wait_for_state(entity_id, wanted, within=5):
                    current = (await self.states()).get(entity_id)
                    if current != wanted:
                        failed.append(entity_id)
        return failed

    # ------------------------------------------------------------ the run
    async def run(self) -> dict[str, Any]:
        """Set up, warm up, chaos, calm down, compare, measure."""
        self.started = time.monotonic()
        await self.start()
        setup_s, not_ready = await self.converge(120)
        if not_ready:
            raise SystemExit(f"devices never became available: {not_ready}")
        await asyncio.sleep(WARMUP_SECONDS)
        start = await self.quiet_resources()
        print(
            f"soak: set up in {setup_s:.1f} s; chaos for {self.minutes} min", flush=True
        )
        await self.chaos(self.minutes * 60)
        await self.calm()
        converge_s, wrong = await self.converge(CONVERGE_SECONDS)
        live_failures = await self.live_check()
        await asyncio.sleep(COOLDOWN_SECONDS)
        end = await self.quiet_resources()
        return self.result(start, end, converge_s, wrong, live_failures)

    def result(
        self,
        start: dict[str, Any],
        end: dict[str, Any],
        converge_s: float,
        wrong: dict[str, Any],
        live_failures: list[str],
    ) -> dict[str, Any]:
        """The report written to bench/results/soak.json."""
        log = (
            self.ha.log_path.read_text(errors="replace")
            if self.ha.log_path.exists()
            else ""
        )
        # One record per line that starts with a date (colour codes first).
        records = re.split(r"\n(?=(?:\x1b\[\d+m)?\d{4}-\d\d-\d\d )", log)
        # Records of the integration's own loggers. (A failed action, such as
        # switching a relay of a device that is away, is logged with its
        # traceback by Home Assistant's websocket API itself: counted apart.)
        ours = [r for r in records if "[custom_components.cgi_camera" in r]
        unavailable = sum("Error fetching cgi_camera" in r for r in ours)
        back = sum("data recovered" in r for r in ours)
        tracebacks = sum("Traceback" in r for r in ours)
        never_retrieved = sum(
            "Task exception was never retrieved" in r or "Error doing job" in r
            for r in records
        )
        failed_actions = sum(
            "[homeassistant.components.websocket_api" in r
            and "cgi_camera" in r
            and "HomeAssistantError" in r
            for r in records
        )
        delta = {key: end[key] - start[key] for key in MEASURED + HEAP if key in start}
        rss_growth = 100 * delta["rss_mib"] / start["rss_mib"]
        objects_growth = 100 * delta["gc_objects"] / start["gc_objects"]
        flat = (
            delta["tasks"] <= FLAT["tasks"]
            and delta["sockets"] <= FLAT["sockets"]
            and delta["fds"] <= FLAT["fds"]
            and rss_growth <= FLAT["rss_growth_percent"]
            and objects_growth <= FLAT["gc_objects_growth_percent"]
        )
        reconnects = {
            mac: info["reconnects"] for mac, info in end["cgi_camera"].items()
        }
        lost = len(wrong) + len(live_failures)
        return {
            "minutes": self.minutes,
            "seed": self.seed,
            "allocator": self.allocator,
            "devices": DEVICES,
            "entities_compared": len(self.truth()),
            "lost_or_wrong_states": lost,
            "wrong_after_chaos": wrong,
            "live_check_failures": live_failures,
            "wrong_at_calm_seconds_to_right": dict(
                sorted(self.slowest.items(), key=lambda item: -item[1])
            ),
            "converged_after_s": None
            if converge_s != converge_s
            else round(converge_s, 1),
            "actions": dict(sorted(self.counts.items())),
            "reboots": self.counts["reboot"],
            "faults": sum(
                v
                for k, v in self.counts.items()
                if k.startswith("fault_") and k != "fault_skipped"
            ),
            "reconnects": reconnects,
            "reconnects_total": sum(reconnects.values()),
            "device_requests": sum(d.sim.counters.total_requests for d in self.devices),
            "io_streams_open_at_end": sum(
                d.sim.counters.open_connections.get("io", 0) for d in self.devices
            ),
            "video_streams_open_at_end": sum(
                d.sim.counters.open_connections.get("video", 0) for d in self.devices
            ),
            "resources": {
                "start": _pick(start),
                "end": _pick(end),
                "delta": delta,
                "rss_growth_percent": round(rss_growth, 1),
                "gc_objects_growth_percent": round(objects_growth, 2),
                "flat": flat,
                "limits": FLAT,
                "samples": [{"at_s": s["at_s"]} | _pick(s) for s in self.samples],
            },
            "log": {
                "unavailable_lines": unavailable,
                "back_lines": back,
                "tracebacks_of_cgi_camera": tracebacks,
                "task_exceptions_never_retrieved": never_retrieved,
                "failed_actions_logged_by_home_assistant": failed_actions,
                "cgi_camera_records_warning_or_error": sum(
                    (" WARNING " in r or " ERROR " in r) for r in ours
                ),
            },
            "passed": lost == 0
            and flat
            and tracebacks == 0
            and never_retrieved == 0
            and unavailable == back,
        }

    async def stop(self) -> None:
        """Close the clients, stop Home Assistant and the simulators."""
        for task in list(self.viewers) + list(self.calls):
            task.cancel()
        await asyncio.gather(*self.viewers, *self.calls, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.ws.close()
        if self.session:
            await self.session.close()
        self.processes.stop()
        for device in self.devices:
            await device.sim.stop()
        RESULTS.mkdir(parents=True, exist_ok=True)
        if self.ha.log_path.exists():
            shutil.copy(self.ha.log_path, RESULTS / "soak-home-assistant.log")
        shutil.rmtree(self.ha.config_dir, ignore_errors=True)


def allocator_environment(allocator: str) -> dict[str, str]:
    """Environment that makes Home Assistant use ``allocator``."""
    if allocator == "glibc":
        return {}
    library = ctypes.util.find_library("jemalloc")
    if library is None:
        raise SystemExit(
            "jemalloc not found: scripts/soak installs Debian's libjemalloc2, "
            "or run with --allocator glibc"
        )
    return {"LD_PRELOAD": library, "MALLOC_CONF": JEMALLOC_CONF}


def _pick(sample: dict[str, Any]) -> dict[str, Any]:
    """The measured figures of a resource sample (heap ones where known)."""
    return {key: sample[key] for key in MEASURED + HEAP if key in sample}


async def main_async(minutes: float, seed: int, allocator: str) -> int:
    """Run the soak; write and print the result; 0 when it passed."""
    soak = Soak(minutes, seed, allocator)
    try:
        result = await soak.run()
    finally:
        await soak.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    summary = {
        k: result[k]
        for k in (
            "minutes",
            "lost_or_wrong_states",
            "converged_after_s",
            "reboots",
            "faults",
            "reconnects_total",
            "passed",
        )
    }
    print(json.dumps(summary | {"resources": result["resources"]["delta"]}, indent=2))
    print(f"soak: wrote {(RESULTS / 'soak.json').relative_to(ROOT)}")
    return 0 if result["passed"] else 1


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("minutes", nargs="?", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--allocator",
        choices=ALLOCATORS,
        default="jemalloc",
        help="Home Assistant's malloc: jemalloc as its container ships it, or glibc's",
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4))
    print(f"soak: seed {seed}", flush=True)
    sys.exit(asyncio.run(main_async(args.minutes, seed, args.allocator)))


if __name__ == "__main__":
    main()

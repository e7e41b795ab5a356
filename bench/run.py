"""Measure CGI Camera against what users would otherwise run, in the same run.

A real Home Assistant process runs against simulators on loopback, with our
integration and the baselines (Home Assistant's `rest` binary_sensor and `mjpeg`
camera) side by side. It prints a Markdown table and writes
bench/results/latest.json. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import datetime as dt
import json
import os
from pathlib import Path
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from typing import Any

import aiohttp
from aiohttp import web

from bench.homeassistant_ws import HomeAssistantWebSocket
from custom_components.cgi_camera.api.transport import basic_authorization
from scripts.devenv import (
    CAMERA_PASSWORD,
    CAMERA_USER,
    DOMAIN,
    PYTHON,
    ROOT,
    HomeAssistant,
    Processes,
    SimulatedDevice,
    probe_configuration,
)
from simulator.sounds import tone_wav

RESULTS = ROOT / "bench" / "results"
CAMERA_AUTH = {"Authorization": basic_authorization(CAMERA_USER, CAMERA_PASSWORD)}
HA_PORT = 18123
MAIN = SimulatedDevice("main", 9101, ("--mac", "00:40:8C:20:00:01", "--fps", "10"))
IDLE = SimulatedDevice("idle", 9102, ("--mac", "00:40:8C:20:00:02"))
FARM_FIRST_PORT = 9200
FARM_CONTROL_PORT = 9199
SOUND_PORT = 9103
# Devices without output and port monitors: today's 60 s relay poll, on
# several devices at once for more changes within a run.
POLLED = tuple(SimulatedDevice(f"polled relays {i}", 9104 + i) for i in range(4))
POLLED_CONTROL_PORT = 9108
# What the idle device's requests compare with, before relays were pushed:
# the relay check a minute, the SD card's disks and recordings every fifth.
PREVIOUS_IDLE = (
    "1.4 over 10 min (/io/output.cgi 1, /list.cgi 0.4);"
    " measured 0.82 over 4.9 min (2026-11-27)"
)

BASELINES = """logger:
  default: warning
binary_sensor:
  - platform: rest
    name: baseline input 1
    unique_id: baseline_input_1
    resource: {main_url}/io/input.cgi?check=1
    authentication: basic
    username: {user}
    password: {password}
    scan_interval: 1
    value_template: "{{{{ value.strip().endswith('1') }}}}"
  - platform: rest
    name: baseline output 1
    unique_id: baseline_output_1
    resource: {main_url}/io/output.cgi?check=1
    authentication: basic
    username: {user}
    password: {password}
    scan_interval: 1
    value_template: "{{{{ value.strip().endswith('1') }}}}"
"""


def percentile(values: list[float], fraction: float) -> float:
    """The value below which the given fraction of values lie (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_and_children_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children that ended (ffmpeg)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[index]) for index in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


async def serve_sounds(sounds: dict[str, bytes]) -> web.AppRunner:
    """Serve WAV files on SOUND_PORT (a media server for the speaker)."""

    async def sound(request: web.Request) -> web.Response:
        return web.Response(
            body=sounds[request.match_info["name"]], content_type="audio/wav"
        )

    app = web.Application()
    app.router.add_get("/{name}", sound)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", SOUND_PORT).start()
    return runner


def process_rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    ours: str
    baseline: str
    ratio: str
    target: str


@dataclass
class Bench:
    """The processes, the clients and the results of one run."""

    quick: bool
    processes: Processes = field(default_factory=Processes)
    ha: HomeAssistant = field(
        default_factory=lambda: HomeAssistant(
            Path(tempfile.mkdtemp(prefix="cgi-bench-")), HA_PORT
        )
    )
    ws: HomeAssistantWebSocket = field(default_factory=HomeAssistantWebSocket)
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    session: aiohttp.ClientSession | None = None
    background: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def http(self) -> aiohttp.ClientSession:
        """The benchmark's own HTTP session."""
        assert self.session
        return self.session

    async def start(self) -> None:
        """Start the simulators and Home Assistant, and configure both sides."""
        config = probe_configuration("bench", HA_PORT) + BASELINES.format(
            main_url=MAIN.url,
            user=CAMERA_USER,
            password=CAMERA_PASSWORD,
        )
        (self.ha.config_dir / "configuration.yaml").write_text(config)
        self.ha.link_component(ROOT / "bench" / "probe" / "bench_probe")
        for device in (MAIN, IDLE):
            self.processes.spawn(device.command)
        self.processes.spawn(
            [
                *(str(PYTHON), "-m", "bench.simfarm", "--no-relay-monitor"),
                *("--first-port", str(POLLED[0].port), "--count", str(len(POLLED))),
                *("--control-port", str(POLLED_CONTROL_PORT)),
            ]
        )
        self.ha.start(self.processes)
        self.session = aiohttp.ClientSession()
        for device in (MAIN, IDLE, *POLLED):
            await self.ha.wait_until_up(
                self.http, self.processes, f"{device.url}/_sim/state"
            )
        await self.ha.wait_until_up(
            self.http, self.processes, f"{self.ha.url}/api/onboarding"
        )
        await self.ha.onboard(self.http)
        await self.ws.connect(self.http, self.ha.url, self.ha.token)
        for device in (MAIN, IDLE, *POLLED):
            await self.ha.add_device(self.http, device)
        await self.add_mjpeg_baseline()
        self.background += [
            asyncio.create_task(self.relay_poll_baseline(device)) for device in POLLED
        ]
        self.data["idle_counters_start"] = await self.counters(IDLE)
        self.data["idle_start"] = time.monotonic()

    async def add_mjpeg_baseline(self) -> None:
        """Configure Home Assistant's own MJPEG camera on the same source."""
        flow = await self.ha.api(
            self.http, "post", "/api/config/config_entries/flow", {"handler": "mjpeg"}
        )
        await self.ha.api(
            self.http,
            "post",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {
                "name": "baseline mjpeg",
                "mjpeg_url": f"{MAIN.url}/mjpg/1/video.mjpg",
                "still_image_url": f"{MAIN.url}/jpg/1/image.jpg",
                "username": CAMERA_USER,
                "password": CAMERA_PASSWORD,
                "verify_ssl": False,
            },
        )

    async def stop(self) -> None:
        """Close the clients and stop every process."""
        for task in self.background:
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        await self.ws.close()
        if self.session:
            await self.session.close()
        self.processes.stop()
        RESULTS.mkdir(parents=True, exist_ok=True)
        if self.ha.log_path.exists():
            shutil.copy(self.ha.log_path, RESULTS / "home-assistant.log")
        shutil.rmtree(self.ha.config_dir, ignore_errors=True)

    async def counters(self, device: SimulatedDevice) -> dict[str, Any]:
        """The simulator's request and connection counters."""
        async with self.http.get(f"{device.url}/_sim/counters") as response:
            result: dict[str, Any] = await response.json()
            return result

    async def entities(self, platform_domain: str, **match: str) -> list[str]:
        """Entity ids of one integration, filtered on registry fields."""
        registry = await self.ws.call("config/entity_registry/list")
        found = [
            entry["entity_id"]
            for entry in registry
            if entry["platform"] == platform_domain
            and all(
                re.search(pattern, str(entry.get(key)))
                for key, pattern in match.items()
            )
        ]
        return sorted(found)

    async def entities_of(
        self, device: SimulatedDevice, platform_domain: str, **match: str
    ) -> list[str]:
        """Entity ids of one simulated device, filtered on registry fields."""
        devices = await self.ws.call("config/device_registry/list")
        ids = {
            d["id"]
            for d in devices
            if str(d.get("configuration_url") or "")
            .rstrip("/")
            .endswith(f":{device.port}")
        }
        registry = await self.ws.call("config/entity_registry/list")
        found = {e["entity_id"] for e in registry if e.get("device_id") in ids} & set(
            await self.entities(platform_domain, **match)
        )
        return sorted(found)

    async def state(self, entity_id: str) -> str:
        """An entity's current state."""
        result = await self.ha.api(self.http, "get", f"/api/states/{entity_id}")
        return str(result["state"])

    # Figure 1 -------------------------------------------------------------
    async def figure_input_latency(self) -> None:
        """Our pushed binary_sensor against the polling rest binary_sensor."""
        ours = (
            await self.entities(
                DOMAIN, entity_id="^binary_sensor", unique_id=r"input.?1$"
            )
        )[0]
        baseline = (
            await self.entities(
                "rest", entity_id="^binary_sensor", unique_id="baseline_input_1"
            )
        )[0]
        changes = 50 if self.quick else 500
        ours_ms = await self.change_latency_ms(ours, "input/1", changes)
        base_ms = await self.change_latency_ms(
            baseline, "input/1", 10 if self.quick else 30
        )
        self.data["input_latency_ms"] = {"ours": ours_ms, "baseline": base_ms}
        self.latency_rows(
            "1 input", ours_ms, base_ms, changes, "p99 <= 20 ms; p50 >= 25x better"
        )

    def latency_rows(
        self,
        figure: str,
        ours_ms: list[float],
        base_ms: list[float],
        changes: int,
        target: str,
    ) -> None:
        """p50, p99 and max of ours against the rest sensor at 1 s."""
        for label, fraction in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            mine, theirs = percentile(ours_ms, fraction), percentile(base_ms, fraction)
            self.rows.append(
                Row(
                    f"{figure} latency {label} (ms)",
                    f"{mine:.1f} ({len(ours_ms)}/{changes} seen)"
                    if label == "p50"
                    else f"{mine:.1f}",
                    f"{theirs:.1f} (rest, scan_interval 1, {len(base_ms)} changes)"
                    if label == "p50"
                    else f"{theirs:.1f}",
                    f"{theirs / mine:.0f}x better" if mine else "-",
                    target if label == "p50" else "",
                )
            )

    # Figure 9 -------------------------------------------------------------
    async def change_latency_ms(
        self, entity_id: str, control: str, changes: int
    ) -> list[float]:
        """Milliseconds from a simulator change (``control``) to its state_changed."""
        samples = []
        active = await self.state(entity_id) == "on"
        for _ in range(changes):
            active = not active
            self.ws.drain()
            started = time.perf_counter()
            async with self.http.post(
                f"{MAIN.url}/_sim/{control}?state={int(active)}"
            ) as response:
                response.raise_for_status()
            seen = await self.ws.wait_for_state(
                entity_id, "on" if active else "off", within=5
            )
            if seen:
                samples.append(1000 * (time.perf_counter() - started))
        return samples

    async def relay_poll_baseline(self, device: SimulatedDevice) -> None:
        """Today's 60 s relay poll, on its own device, for the whole run.

        Each change comes at a random moment of the poll's cycle; its latency
        is Home Assistant's last_changed minus the moment the relay switched
        (both wall clock, the same machine).
        """
        switch = (
            await self.entities_of(
                device, DOMAIN, entity_id="^switch", unique_id="-output_1$"
            )
        )[0]
        samples: list[float] = self.data.setdefault("relay_poll_latency_ms", [])
        active = await self.state(switch) == "on"
        while True:
            await asyncio.sleep(random.uniform(0, 60))  # a random phase
            active = not active
            switched_at = time.time()
            async with self.http.post(
                f"{device.url}/_sim/output/1?state={int(active)}"
            ) as response:
                response.raise_for_status()
            while True:
                # A benchmark: once a second is plenty against a 60 s poll.
                await asyncio.sleep(1)
                state = await self.ha.api(self.http, "get", f"/api/states/{switch}")
                if state["state"] == ("on" if active else "off"):
                    break
            changed = dt.datetime.fromisoformat(state["last_changed"]).timestamp()
            samples.append(1000 * (changed - switched_at))

    async def figure_relay_latency(self) -> None:
        """Pushed relay switch against the rest sensor at 1 s and the 60 s poll."""
        ours = (
            await self.entities_of(
                MAIN, DOMAIN, entity_id="^switch", unique_id="-output_1$"
            )
        )[0]
        baseline = (
            await self.entities(
                "rest", entity_id="^binary_sensor", unique_id="baseline_output_1"
            )
        )[0]
        changes = 50 if self.quick else 200
        ours_ms = await self.change_latency_ms(ours, "output/1", changes)
        base_ms = await self.change_latency_ms(
            baseline, "output/1", 10 if self.quick else 30
        )
        self.data["relay_latency_ms"] = {"ours": ours_ms, "rest": base_ms}
        self.latency_rows("9 relay", ours_ms, base_ms, changes, "milliseconds, pushed")

    def relay_poll_rows(self) -> None:
        """The 60 s poll baseline's rows: what the run's changes measured."""
        polled = self.data.get("relay_poll_latency_ms", [])
        ours = self.data["relay_latency_ms"]["ours"]
        for label, fraction in (("p50", 0.5), ("max", 1.0)):
            mine, theirs = percentile(ours, fraction), percentile(polled, fraction)
            self.rows.append(
                Row(
                    f"9 relay latency {label} vs today's poll (ms)",
                    f"{mine:.1f}",
                    f"{theirs:.0f} (60 s poll, {len(polled)} changes over the run)"
                    if label == "p50"
                    else f"{theirs:.0f}",
                    f"{theirs / mine:.0f}x better" if mine else "-",
                    "",
                )
            )

    # Figure 10 ------------------------------------------------------------
    async def figure_pulse_events(self) -> None:
        """100 presses of 20 ms on an input: events and binary sensor changes."""
        event = (
            await self.entities_of(
                MAIN, DOMAIN, entity_id="^event", unique_id="-input_events_1$"
            )
        )[0]
        sensor = (
            await self.entities_of(
                MAIN, DOMAIN, entity_id="^binary_sensor", unique_id="-input_1$"
            )
        )[0]
        if await self.state(sensor) == "on":
            self.ws.drain()
            async with self.http.post(f"{MAIN.url}/_sim/input/1?state=0"):
                pass
            await self.ws.wait_for_state(sensor, "off", within=5)
        pulses, wanted = 100, 200
        self.ws.drain()
        async with self.http.post(
            f"{MAIN.url}/_sim/input/1/pulse?count={pulses}&ms=20&gap=20"
        ) as response:
            seconds = (await response.json())["seconds"]
        events: list[str] = []
        sensor_changes = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds + 5
        while (len(events) < wanted or sensor_changes < wanted) and (
            remaining := deadline - loop.time()
        ) > 0:
            try:
                change = await asyncio.wait_for(self.ws.state_changes.get(), remaining)
            except TimeoutError:
                break
            new = change.get("new_state") or {}
            old = change.get("old_state") or {}
            if change["entity_id"] == event:
                events.append(str(new.get("attributes", {}).get("event_type")))
            elif change["entity_id"] == sensor and new.get("state") != old.get("state"):
                sensor_changes += 1
        in_order = events == ["activated", "deactivated"] * pulses
        self.data["pulse_events"] = {
            "pulses": pulses,
            "events": len(events),
            "in_order": in_order,
            "binary_sensor_changes": sensor_changes,
        }
        self.rows += [
            Row(
                f"10 pulses, {pulses} x 20 ms: events seen",
                f"{len(events)}/{wanted}" + (" (in order)" if in_order else ""),
                "-",
                "-",
                f"{wanted}",
            ),
            Row(
                f"10 pulses, {pulses} x 20 ms: binary sensor changes",
                f"{sensor_changes}/{wanted}",
                "-",
                "-",
                f"{wanted}",
            ),
        ]

    # Figure 2 -------------------------------------------------------------
    async def viewer(self, entity_id: str, seconds: float, frames: list[int]) -> None:
        """Read a camera's proxied MJPEG stream, counting JPEG starts."""
        headers = {"Authorization": f"Bearer {self.ha.token}"}
        url = f"{self.ha.url}/api/camera_proxy_stream/{entity_id}"
        deadline = time.monotonic() + seconds
        count, tail = 0, b""
        try:
            async with self.http.get(url, headers=headers) as response:
                async for chunk in response.content.iter_any():
                    data = tail + chunk
                    count += data.count(b"\xff\xd8\xff")
                    tail = data[-2:]
                    if time.monotonic() >= deadline:
                        break
        except aiohttp.ClientError:
            pass
        frames.append(count)

    async def measure_viewers(
        self, entity_id: str, viewers: int, seconds: float
    ) -> dict[str, float]:
        """Device connections, fps per viewer, CPU per frame and peak RSS."""
        frames: list[int] = []
        peak_connections, peak_rss = 0, 0.0
        await self.wait_for_idle_video()
        cpu_before = process_cpu_seconds(self.ha.pid)
        tasks = [
            asyncio.create_task(self.viewer(entity_id, seconds, frames))
            for _ in range(viewers)
        ]
        while not all(task.done() for task in tasks):
            counters = await self.counters(MAIN)
            peak_connections = max(
                peak_connections, counters["open_connections"].get("video", 0)
            )
            peak_rss = max(peak_rss, process_rss_mib(self.ha.pid))
            await asyncio.wait(tasks, timeout=0.5)
        cpu = process_cpu_seconds(self.ha.pid) - cpu_before
        delivered = sum(frames)
        return {
            "device_connections": peak_connections,
            "fps_per_viewer": delivered / viewers / seconds,
            "cpu_ms_per_frame": 1000 * cpu / delivered if delivered else float("nan"),
            "peak_rss_mib": peak_rss,
        }

    async def wait_for_idle_video(self) -> None:
        """Let the previous run's device connections close (ours linger 5 s)."""
        for _ in range(200):
            counters = await self.counters(MAIN)
            if not counters["open_connections"].get("video", 0):
                return
            await asyncio.sleep(0.1)

    async def figure_live_view(self) -> None:
        """Our shared stream against the mjpeg integration, at 1, 5 and 20 viewers."""
        ours = (await self.entities(DOMAIN, entity_id="^camera"))[0]
        baseline = (await self.entities("mjpeg", entity_id="^camera"))[0]
        seconds = 5 if self.quick else 30
        results: dict[str, Any] = {}
        for viewers in (1, 5, 20):
            mine = await self.measure_viewers(ours, viewers, seconds)
            theirs = await self.measure_viewers(baseline, viewers, seconds)
            results[str(viewers)] = {"ours": mine, "baseline": theirs}
            for key, label in (
                ("device_connections", "device connections"),
                ("fps_per_viewer", "fps per viewer"),
                ("cpu_ms_per_frame", "HA CPU ms per frame"),
                ("peak_rss_mib", "HA peak RSS (MiB)"),
            ):
                ratio = mine[key] / theirs[key] if theirs[key] else float("nan")
                self.rows.append(
                    Row(
                        f"2 live, {viewers} viewer(s): {label}",
                        f"{mine[key]:.2f}",
                        f"{theirs[key]:.2f}",
                        f"{ratio:.2f}",
                        {
                            "device_connections": "1 at any count",
                            "cpu_ms_per_frame": "<= baseline",
                            "peak_rss_mib": "<= baseline",
                        }.get(key, ""),
                    )
                )
        self.data["live_view"] = results

    # Figure 3 -------------------------------------------------------------
    async def time_requests(
        self, fetch: Callable[[], Awaitable[None]], count: int
    ) -> list[float]:
        """Milliseconds for each of count sequential requests."""
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            await fetch()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def fetcher(self, url: str, **kwargs: Any) -> Callable[[], Awaitable[None]]:
        """A function that GETs a URL and reads the whole body."""

        async def fetch() -> None:
            async with self.http.get(url, **kwargs) as response:
                await response.read()

        return fetch

    async def figure_snapshots(self) -> None:
        """Snapshot latency through Home Assistant, with and without a viewer."""
        ours = (await self.entities(DOMAIN, entity_id="^camera"))[0]
        baseline = (await self.entities("mjpeg", entity_id="^camera"))[0]
        headers = {"Authorization": f"Bearer {self.ha.token}"}
        count = 50 if self.quick else 200
        proxy = f"{self.ha.url}/api/camera_proxy"
        direct = await self.time_requests(
            self.fetcher(f"{MAIN.url}/image.cgi?camera=1", headers=CAMERA_AUTH), count
        )
        cold = await self.time_requests(
            self.fetcher(f"{proxy}/{ours}", headers=headers), count
        )
        theirs = await self.time_requests(
            self.fetcher(f"{proxy}/{baseline}", headers=headers), count
        )
        frames: list[int] = []
        live_viewer = asyncio.create_task(self.viewer(ours, 3600, frames))
        await asyncio.sleep(2)  # a benchmark, not a test: let the stream start
        warm = await self.time_requests(
            self.fetcher(f"{proxy}/{ours}", headers=headers), count
        )
        live_viewer.cancel()
        await asyncio.gather(live_viewer, return_exceptions=True)
        self.data["snapshot_ms"] = {
            "direct": direct,
            "ours_no_viewer": cold,
            "ours_with_viewer": warm,
            "mjpeg_integration": theirs,
        }
        for label, samples, target in (
            ("no viewer", cold, "<= 1.1x direct GET"),
            ("live viewer open", warm, "< 2 ms"),
        ):
            mine, base = percentile(samples, 0.5), percentile(direct, 0.5)
            self.rows.append(
                Row(
                    f"3 snapshot p50, {label} (ms)",
                    f"{mine:.2f}",
                    f"{base:.2f} direct; {percentile(theirs, 0.5):.2f} mjpeg",
                    f"{mine / base:.2f}x direct",
                    target,
                )
            )

    # Figure 4 -------------------------------------------------------------
    async def figure_idle_load(self) -> None:
        """Requests a minute from one idle configured device over the whole run."""
        start = self.data["idle_counters_start"]["requests"]
        end = (await self.counters(IDLE))["requests"]
        minutes = (time.monotonic() - self.data["idle_start"]) / 60
        per_kind = {
            path: (end.get(path, 0) - start.get(path, 0)) / minutes
            for path in sorted(set(start) | set(end))
            if end.get(path, 0) != start.get(path, 0)
        }
        self.data["idle_requests_per_minute"] = per_kind
        total = sum(per_kind.values())
        detail = ", ".join(f"{path} {rate:.2f}" for path, rate in per_kind.items())
        self.rows.append(
            Row(
                f"4 idle device load (requests/min over {minutes:.1f} min)",
                f"{total:.2f} ({detail or 'none'})",
                PREVIOUS_IDLE,
                "-",
                "<= 2/min plus the input stream; not above the previous",
            )
        )

    # Figures 5 and 6 ------------------------------------------------------
    async def wait_available(self, entry_ids: set[str], within: float) -> float:
        """Seconds until every entity of the entries is available."""
        started = time.perf_counter()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            checked = time.perf_counter()
            registry = await self.ws.call("config/entity_registry/list")
            wanted = {
                e["entity_id"]
                for e in registry
                if e["config_entry_id"] in entry_ids and not e["disabled_by"]
            }
            states = {
                s["entity_id"]: s["state"]
                for s in await self.ha.api(self.http, "get", "/api/states")
            }
            if wanted and all(
                states.get(entity, "unavailable") != "unavailable" for entity in wanted
            ):
                return time.perf_counter() - started
            # Thousands of entities make each check costly: check at most
            # half of the time, so that the checking does not slow the setup.
            await asyncio.sleep(max(0.05, time.perf_counter() - checked))
        return float("nan")

    async def add_devices(
        self, devices: list[SimulatedDevice]
    ) -> tuple[float, set[str]]:
        """Add devices through the config flow at once; seconds to all available."""
        started = time.perf_counter()
        results = await asyncio.gather(
            *(self.ha.add_device(self.http, device) for device in devices)
        )
        entry_ids = {r["result"]["entry_id"] for r in results if r.get("result")}
        if len(entry_ids) != len(devices):
            reasons = {str(r.get("reason") or r.get("errors")) for r in results}
            raise SystemExit(f"{len(devices) - len(entry_ids)} not added: {reasons}")
        await self.wait_available(entry_ids, within=300)
        return time.perf_counter() - started, entry_ids

    async def remove_entries(self, entry_ids: set[str]) -> None:
        """Delete config entries (each is unloaded first)."""
        for entry_id in entry_ids:
            await self.ha.api(
                self.http, "delete", f"/api/config/config_entries/entry/{entry_id}"
            )

    async def figure_setup_and_load(self) -> None:
        """One device, then 50 and 200, each with every input flapping."""
        sizes = (10, 40) if self.quick else (50, 200)
        total = 1 + sum(sizes)
        self.processes.spawn(
            [
                *(str(PYTHON), "-m", "bench.simfarm"),
                *("--first-port", str(FARM_FIRST_PORT), "--count", str(total)),
                *("--control-port", str(FARM_CONTROL_PORT)),
            ]
        )
        farm_url = f"http://127.0.0.1:{FARM_CONTROL_PORT}"
        await self.ha.wait_until_up(self.http, self.processes, f"{farm_url}/truth")
        farm = [SimulatedDevice(f"farm {i}", FARM_FIRST_PORT + i) for i in range(total)]
        one, _ = await self.add_devices(farm[:1])
        self.rows.append(Row("5 setup, 1 device (s)", f"{one:.2f}", "-", "-", "< 1 s"))
        self.data["setup"] = {"one_s": one}
        rss_start = process_rss_mib(self.ha.pid)
        first = 1
        for count in sizes:
            devices, first = farm[first : first + count], first + count
            rss_before = process_rss_mib(self.ha.pid)
            many, entry_ids = await self.add_devices(devices)
            rss_after = process_rss_mib(self.ha.pid)
            # Against the RSS before any farm device: what the smaller farm
            # left behind after its removal counts against the larger one.
            per_device = (rss_after - rss_start) / count
            self.data["setup"][str(count)] = {
                "seconds": many,
                "entries": len(entry_ids),
                "rss_mib_per_device": per_device,
                "rss_mib_per_device_since_removal": (rss_after - rss_before) / count,
            }
            self.rows += [
                Row(f"5 setup, {count} devices (s)", f"{many:.2f}", "-", "-", "< 10 s"),
                Row(
                    f"5 RSS per device, {count} devices (MiB)",
                    f"{per_device:.2f}",
                    "-",
                    "-",
                    "< 0.5 MiB",
                ),
            ]
            for spread in (False, True):
                await self.figure_load(farm_url, devices, spread=spread)
            if count != sizes[-1]:
                await self.remove_entries(entry_ids)

    async def figure_load(
        self, farm_url: str, devices: list[SimulatedDevice], *, spread: bool
    ) -> None:
        """Every input of the devices flapping at 5 Hz, at once or spread."""
        seconds = 15 if self.quick else 60
        count = len(devices)
        first, last = devices[0].port, devices[-1].port
        how = "spread over each 200 ms" if spread else "all at once"
        print(f"bench: load, {count} devices, {how}", file=sys.stderr, flush=True)
        await self.ws.unsubscribe_state_changes()
        await self.ws.call("bench_probe/lag")
        await self.ws.call("bench_probe/state_changes")
        cpu_before = process_cpu_seconds(self.ha.pid)
        async with self.http.post(
            f"{farm_url}/flap?hz=5&seconds={seconds}&first={first}&last={last}"
            f"&spread={int(spread)}"
        ):
            pass
        async with self.http.get(f"{farm_url}/wait") as response:
            toggles = (await response.json())["toggles"]
        cpu = process_cpu_seconds(self.ha.pid) - cpu_before
        lag_ms = [s * 1000 for s in (await self.ws.call("bench_probe/lag"))["lag"]]
        lost_states, lost_events = await self.count_lost(farm_url, devices, toggles)
        await self.ws.subscribe_state_changes()
        inputs = count * 2
        self.data.setdefault("load", {})[f"{count}{'-spread' if spread else ''}"] = {
            "lag_ms_p99": percentile(lag_ms, 0.99),
            "lag_ms_max": percentile(lag_ms, 1.0),
            "cpu_percent": 100 * cpu / seconds,
            "toggles_per_input": toggles,
            "lost_states": lost_states,
            "lost_events": lost_events,
        }
        self.rows += [
            Row(
                f"6 load, {count} devices x 5 Hz, {how}: loop lag p99 (ms)",
                f"{percentile(lag_ms, 0.99):.1f}",
                "-",
                "-",
                "< 20 ms",
            ),
            Row(
                f"6 load, {count} devices, {how}: HA CPU (%)",
                f"{100 * cpu / seconds:.0f}",
                "-",
                "-",
                "",
            ),
            Row(
                f"6 load, {count} devices, {how}: lost",
                f"{lost_states + lost_events} ({lost_states} of {inputs} final"
                f" states, {lost_events} of {inputs * toggles} events)",
                "-",
                "-",
                "0",
            ),
        ]

    async def count_lost(
        self, farm_url: str, devices: list[SimulatedDevice], toggles: int
    ) -> tuple[int, int]:
        """Wrong final input states, and events missing from the event entities.

        Every input toggled ``toggles`` times: each toggle is one event.
        """
        async with self.http.get(f"{farm_url}/truth") as response:
            truth = await response.json()
        wanted_ports = {str(device.port) for device in devices}
        registry = await self.ws.call("config/entity_registry/list")
        port_by_device: dict[str, str] = {}
        for device in await self.ws.call("config/device_registry/list"):
            url = str(device.get("configuration_url") or "")
            if (match := re.search(r":(\d+)/?$", url)) and match.group(
                1
            ) in wanted_ports:
                port_by_device[device["id"]] = match.group(1)
        await asyncio.sleep(2)  # let the last events of the flapping arrive
        events: dict[str, int] = await self.ws.call("bench_probe/state_changes")
        states = {
            s["entity_id"]: s["state"]
            for s in await self.ha.api(self.http, "get", "/api/states")
        }
        lost_states = lost_events = 0
        for entry in registry:
            port = port_by_device.get(str(entry.get("device_id")))
            unique_id = str(entry.get("unique_id"))
            if entry["platform"] != DOMAIN or not port or port not in truth:
                continue
            if entry["entity_id"].startswith("event") and re.search(
                r"-input_events_\d+$", unique_id
            ):
                lost_events += max(0, toggles - events.get(entry["entity_id"], 0))
            elif entry["entity_id"].startswith("binary_sensor") and (
                number := re.search(r"-input_(\d+)$", unique_id)
            ):
                expected = "on" if truth[port][number.group(1)] else "off"
                lost_states += states.get(entry["entity_id"]) != expected
        return lost_states, lost_events

    # Figure 7 -------------------------------------------------------------
    async def play(self, speaker: str, url: str) -> dict[str, Any]:
        """Play ``url`` to its end; the device's record of the sound."""
        await self.ws.call(
            "call_service",
            domain="media_player",
            service="play_media",
            service_data={"media_content_type": "music", "media_content_id": url},
            target={"entity_id": speaker},
        )
        async with self.http.get(f"{MAIN.url}/_sim/state") as response:
            transmits = (await response.json())["audio_transmits"]
        record: dict[str, Any] = transmits[-1]
        return record

    async def figure_speaker(self) -> None:
        """The speaker: from play_media to the first sound at the device; CPU."""
        speaker = (await self.entities(DOMAIN, entity_id="^media_player"))[0]
        seconds = 5 if self.quick else 20
        runner = await serve_sounds(
            {"short.wav": tone_wav(0.5), "long.wav": tone_wav(seconds)}
        )
        base = f"http://127.0.0.1:{SOUND_PORT}"
        try:
            latency_ms = []
            for _ in range(10 if self.quick else 30):
                # The simulator's clock is the same monotonic clock.
                started = time.monotonic()
                record = await self.play(speaker, f"{base}/short.wav")
                latency_ms.append(1000 * (record["first_byte_at"] - started))
            cpu_before = process_and_children_cpu_seconds(self.ha.pid)
            record = await self.play(speaker, f"{base}/long.wav")
            cpu = process_and_children_cpu_seconds(self.ha.pid) - cpu_before
            # The baseline: the same Home Assistant, as long, playing nothing.
            idle_before = process_and_children_cpu_seconds(self.ha.pid)
            await asyncio.sleep(seconds)
            idle = process_and_children_cpu_seconds(self.ha.pid) - idle_before
        finally:
            await runner.cleanup()
        cpu_ms, idle_ms = 1000 * cpu / seconds, 1000 * idle / seconds
        self.data["speaker"] = {
            "start_latency_ms": latency_ms,
            "cpu_ms_per_audio_second": cpu_ms,
            "idle_cpu_ms_per_second": idle_ms,
            "complete": record["complete"],
        }
        for label, fraction in (("p50", 0.5), ("max", 1.0)):
            self.rows.append(
                Row(
                    f"7 speaker: play start latency {label} (ms)",
                    f"{percentile(latency_ms, fraction):.1f}",
                    "-",
                    "-",
                    "< 100 ms" if label == "p50" else "",
                )
            )
        self.rows.append(
            Row(
                "7 speaker: HA CPU with ffmpeg per s of sound (ms)",
                f"{cpu_ms:.1f}",
                f"{idle_ms:.1f} (HA playing nothing)",
                f"+{cpu_ms - idle_ms:.1f} ms",
                "< 20 ms (2 %) above idle",
            )
        )

    # Figure 8 -------------------------------------------------------------
    async def main_entry_id(self) -> str:
        """The config entry of the MAIN simulator."""
        entries = await self.ha.api(
            self.http, "get", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        devices = await self.ws.call("config/device_registry/list")
        for device in devices:
            if (
                str(device.get("configuration_url") or "")
                .rstrip("/")
                .endswith(f":{MAIN.port}")
            ):
                for entry in entries:
                    if entry["entry_id"] in device["config_entries"]:
                        return str(entry["entry_id"])
        raise AssertionError("the main simulator has no config entry")

    async def set_options(self, entry_id: str, **options: Any) -> None:
        """Submit the options flow: the defaults and ``options``."""
        flow = await self.ha.api(
            self.http,
            "post",
            "/api/config/config_entries/options/flow",
            {"handler": entry_id},
        )
        data = {
            "snapshot_resolution": "default",
            "stream_resolution": "default",
            "frame_rate": 10,
            "backups_to_keep": 10,
            **options,
        }
        await self.ha.api(
            self.http,
            "post",
            f"/api/config/config_entries/options/flow/{flow['flow_id']}",
            data,
        )

    async def record_clip(self, camera: str, seconds: float) -> dict[str, Any]:
        """Call record_clip and return the clip's response."""
        result = await self.ws.call(
            "call_service",
            domain=DOMAIN,
            service="record_clip",
            service_data={"duration": seconds},
            target={"entity_id": camera},
            return_response=True,
        )
        clip: dict[str, Any] = result["response"][camera]
        return clip

    async def measure_clip(
        self, camera: str, seconds: float, viewers: int
    ) -> dict[str, float]:
        """CPU (HA and ffmpeg) per recorded second, and peak device connections."""
        await self.wait_for_idle_video()
        frames: list[int] = []
        cpu_before = process_and_children_cpu_seconds(self.ha.pid)
        recording = asyncio.create_task(self.record_clip(camera, seconds))
        watchers = [
            asyncio.create_task(self.viewer(camera, seconds, frames))
            for _ in range(viewers)
        ]
        peak = 0
        while not recording.done():
            counters = await self.counters(MAIN)
            peak = max(peak, counters["open_connections"].get("video", 0))
            await asyncio.wait([recording], timeout=0.5)
        clip = recording.result()
        await asyncio.gather(*watchers)
        cpu = process_and_children_cpu_seconds(self.ha.pid) - cpu_before
        return {
            "cpu_s_per_recorded_s": cpu / clip["duration"],
            "device_connections": peak,
            "fps_per_viewer": sum(frames) / viewers / seconds if viewers else 0.0,
            "frames": clip["frames"],
        }

    async def lookback_rss(self, entry_id: str, lookback: int) -> dict[str, float]:
        """HA's RSS once the lookback option has had time to fill its buffer."""
        await self.set_options(entry_id, lookback_1=lookback)
        await asyncio.sleep(lookback + 5)  # a benchmark: let the buffer fill
        diagnostics = await self.ha.api(
            self.http, "get", f"/api/diagnostics/config_entry/{entry_id}"
        )
        streams = diagnostics["data"]["live_streams"] or {"streams": {}}
        held = (streams["streams"].get("1") or {}).get("lookback") or {}
        return {
            "rss_mib": process_rss_mib(self.ha.pid),
            "held_mib": held.get("bytes", 0) / 2**20,
            "frames": held.get("frames", 0),
        }

    async def figure_clips(self) -> None:
        """Clip recording: CPU per recorded second, connections, lookback memory."""
        camera = (await self.entities(DOMAIN, entity_id="^camera"))[0]
        entry_id = await self.main_entry_id()
        seconds = 5 if self.quick else 20
        codecs: dict[str, dict[str, float]] = {}
        for codec in ("h264", "mjpeg"):
            await self.set_options(entry_id, clip_codec=codec)
            codecs[codec] = await self.measure_clip(camera, seconds, 0)
        with_viewers = await self.measure_clip(camera, seconds, 5)
        alone = await self.measure_viewers(camera, 5, seconds)
        await self.set_options(entry_id, clip_codec="h264")
        off = await self.lookback_rss(entry_id, 0)
        on = await self.lookback_rss(entry_id, 10)
        await self.set_options(entry_id)
        self.data["clips"] = {
            "codecs": codecs,
            "with_5_viewers": with_viewers,
            "5_viewers_alone": alone,
            "lookback_off": off,
            "lookback_10s": on,
        }
        h264 = codecs["h264"]["cpu_s_per_recorded_s"]
        mjpeg = codecs["mjpeg"]["cpu_s_per_recorded_s"]
        self.rows += [
            Row(
                "8 clip: CPU s per recorded s, h264 (HA + ffmpeg)",
                f"{h264:.3f}",
                f"{mjpeg:.3f} (mjpeg, copied)",
                f"{h264 / mjpeg:.1f}x" if mjpeg else "-",
                "",
            ),
            Row(
                "8 clip, 0 viewers: device connections",
                f"{codecs['h264']['device_connections']:.0f}",
                "-",
                "-",
                "1",
            ),
            Row(
                "8 clip, 5 viewers: device connections",
                f"{with_viewers['device_connections']:.0f}",
                "-",
                "-",
                "1",
            ),
            Row(
                "8 clip, 5 viewers: fps per viewer",
                f"{with_viewers['fps_per_viewer']:.2f}",
                f"{alone['fps_per_viewer']:.2f} (no recording)",
                f"{with_viewers['fps_per_viewer'] / alone['fps_per_viewer']:.2f}"
                if alone["fps_per_viewer"]
                else "-",
                "unchanged",
            ),
            Row(
                "8 HA RSS, lookback 10 s (MiB)",
                f"{on['rss_mib']:.1f} ({on['frames']:.0f} frames,"
                f" {on['held_mib']:.2f} MiB held)",
                f"{off['rss_mib']:.1f} (lookback off)",
                f"+{on['rss_mib'] - off['rss_mib']:.1f} MiB",
                "frames x size",
            ),
        ]

    def report(self, file_name: str) -> str:
        """The Markdown table, and the results written to ``file_name``."""
        lines = [
            "| Figure | Ours | Baseline | Ratio | Target |",
            "|---|---|---|---|---|",
            *(
                f"| {r.figure} | {r.ours} | {r.baseline} | {r.ratio} | {r.target} |"
                for r in self.rows
            ),
        ]
        table = "\n".join(lines)
        RESULTS.mkdir(parents=True, exist_ok=True)
        document = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "quick": self.quick,
            "table": [r.__dict__ for r in self.rows],
            "data": self.data,
        }
        (RESULTS / file_name).write_text(json.dumps(document, indent=1) + "\n")
        return table


async def run(quick: bool, only: str | None = None) -> str:
    """Run every figure in order; the idle figure spans the whole run.

    With ``only``, just the figures whose method name contains it (to profile
    one figure), and the results go to bench/results/only-<only>.json.
    """
    bench = Bench(quick)
    try:
        await bench.start()
        for figure in (
            bench.figure_input_latency,
            bench.figure_relay_latency,
            bench.figure_pulse_events,
            bench.figure_live_view,
            bench.figure_snapshots,
            bench.figure_speaker,
            bench.figure_clips,
            bench.figure_setup_and_load,
            bench.figure_idle_load,
        ):
            if only and only not in figure.__name__:
                continue
            print(f"bench: {figure.__doc__}", file=sys.stderr, flush=True)
            await figure()
        if "relay_latency_ms" in bench.data:
            bench.relay_poll_rows()
        return bench.report(f"only-{only}.json" if only else "latest.json")
    finally:
        await bench.stop()


def main() -> None:
    """Parse the command line, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer samples, for trying it out"
    )
    parser.add_argument(
        "--only", help="run only the figures whose method name contains this"
    )
    args = parser.parse_args()
    print(asyncio.run(run(args.quick, args.only)))


if __name__ == "__main__":
    main()

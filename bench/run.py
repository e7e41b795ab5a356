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
import json
import os
from pathlib import Path
import platform
import re
import shutil
import sys
import tempfile
import time
from typing import Any

import aiohttp

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

RESULTS = ROOT / "bench" / "results"
CAMERA_AUTH = {"Authorization": basic_authorization(CAMERA_USER, CAMERA_PASSWORD)}
HA_PORT = 18123
MAIN = SimulatedDevice("main", 9101, ("--mac", "00:40:8C:20:00:01", "--fps", "10"))
IDLE = SimulatedDevice("idle", 9102, ("--mac", "00:40:8C:20:00:02"))
FARM_FIRST_PORT = 9200
FARM_CONTROL_PORT = 9199

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
        self.ha.start(self.processes)
        self.session = aiohttp.ClientSession()
        for device in (MAIN, IDLE):
            await self.ha.wait_until_up(
                self.http, self.processes, f"{device.url}/_sim/state"
            )
        await self.ha.wait_until_up(
            self.http, self.processes, f"{self.ha.url}/api/onboarding"
        )
        await self.ha.onboard(self.http)
        await self.ws.connect(self.http, self.ha.url, self.ha.token)
        for device in (MAIN, IDLE):
            await self.ha.add_device(self.http, device)
        await self.add_mjpeg_baseline()
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

    async def state(self, entity_id: str) -> str:
        """An entity's current state."""
        result = await self.ha.api(self.http, "get", f"/api/states/{entity_id}")
        return str(result["state"])

    # Figure 1 -------------------------------------------------------------
    async def input_latency(self, entity_id: str, changes: int) -> list[float]:
        """Seconds from a simulator input change to its state_changed event."""
        samples = []
        active = await self.state(entity_id) == "on"
        for _ in range(changes):
            active = not active
            self.ws.drain()
            started = time.perf_counter()
            async with self.http.post(
                f"{MAIN.url}/_sim/input/1?state={int(active)}"
            ) as response:
                response.raise_for_status()
            seen = await self.ws.wait_for_state(
                entity_id, "on" if active else "off", within=5
            )
            if seen:
                samples.append(time.perf_counter() - started)
        return samples

    async def figure_input_latency(self) -> None:
        """Our pushed binary_sensor against the polling rest binary_sensor."""
        ours = (
            await self.entities(
                DOMAIN, entity_id="^binary_sensor", unique_id=r"input.?1$"
            )
        )[0]
        baseline = (await self.entities("rest", entity_id="^binary_sensor"))[0]
        changes = 50 if self.quick else 500
        ours_ms = [s * 1000 for s in await self.input_latency(ours, changes)]
        base_ms = [
            s * 1000
            for s in await self.input_latency(baseline, 10 if self.quick else 30)
        ]
        self.data["input_latency_ms"] = {"ours": ours_ms, "baseline": base_ms}
        for label, fraction in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            mine, theirs = percentile(ours_ms, fraction), percentile(base_ms, fraction)
            self.rows.append(
                Row(
                    f"1 input latency {label} (ms)",
                    f"{mine:.1f} ({len(ours_ms)}/{changes} seen)"
                    if label == "p50"
                    else f"{mine:.1f}",
                    f"{theirs:.1f} (rest, scan_interval 1, {len(base_ms)} changes)"
                    if label == "p50"
                    else f"{theirs:.1f}",
                    f"{theirs / mine:.0f}x better" if mine else "-",
                    "p99 <= 20 ms; p50 >= 25x better" if label == "p50" else "",
                )
            )

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
                "-",
                "-",
                "<= 2/min plus the input stream",
            )
        )

    # Figures 5 and 6 ------------------------------------------------------
    async def wait_available(self, entry_ids: set[str], within: float) -> float:
        """Seconds until every entity of the entries is available."""
        started = time.perf_counter()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
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
            await asyncio.sleep(0.05)
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
        await self.wait_available(entry_ids, within=120)
        return time.perf_counter() - started, entry_ids

    async def figure_setup_and_load(self) -> None:
        """One device, then fifty, then fifty with every input flapping."""
        count = 10 if self.quick else 50
        self.processes.spawn(
            [
                str(PYTHON),
                "-m",
                "bench.simfarm",
                "--first-port",
                str(FARM_FIRST_PORT),
                "--count",
                str(count + 1),
                "--control-port",
                str(FARM_CONTROL_PORT),
            ]
        )
        farm_url = f"http://127.0.0.1:{FARM_CONTROL_PORT}"
        await self.ha.wait_until_up(self.http, self.processes, f"{farm_url}/truth")
        farm = [
            SimulatedDevice(f"farm {i}", FARM_FIRST_PORT + i) for i in range(count + 1)
        ]
        one, _ = await self.add_devices(farm[:1])
        rss_before = process_rss_mib(self.ha.pid)
        many, _ = await self.add_devices(farm[1:])
        rss_per_device = (process_rss_mib(self.ha.pid) - rss_before) / count
        self.rows += [
            Row("5 setup, 1 device (s)", f"{one:.2f}", "-", "-", "< 1 s"),
            Row(f"5 setup, {count} devices (s)", f"{many:.2f}", "-", "-", "< 10 s"),
            Row("5 RSS per device (MiB)", f"{rss_per_device:.2f}", "-", "-", "< 2 MiB"),
        ]
        self.data["setup"] = {"one_s": one, "many_s": many, "count": count}
        self.data["setup"]["rss_mib_per_device"] = rss_per_device
        await self.figure_load(farm_url, count)

    async def figure_load(self, farm_url: str, count: int) -> None:
        """Every input of every farm device flapping at 5 Hz."""
        seconds = 15 if self.quick else 60
        await self.ws.call("bench_probe/lag")
        cpu_before = process_cpu_seconds(self.ha.pid)
        async with self.http.post(f"{farm_url}/flap?hz=5&seconds={seconds}"):
            pass
        async with self.http.get(f"{farm_url}/wait"):
            pass
        cpu = process_cpu_seconds(self.ha.pid) - cpu_before
        lag_ms = [s * 1000 for s in (await self.ws.call("bench_probe/lag"))["lag"]]
        lost = await self.count_lost(farm_url)
        self.data["load"] = {"lag_ms_p99": percentile(lag_ms, 0.99), "lost": lost}
        self.data["load"]["cpu_percent"] = 100 * cpu / seconds
        self.rows += [
            Row(
                f"6 load, {count} devices x 5 Hz: loop lag p99 (ms)",
                f"{percentile(lag_ms, 0.99):.1f}",
                "-",
                "-",
                "< 20 ms",
            ),
            Row("6 load: HA CPU (%)", f"{100 * cpu / seconds:.0f}", "-", "-", ""),
            Row("6 load: events lost", str(lost), "-", "-", "0"),
        ]

    async def count_lost(self, farm_url: str) -> int:
        """Inputs whose final state in Home Assistant disagrees with the device."""
        async with self.http.get(f"{farm_url}/truth") as response:
            truth = await response.json()
        registry = await self.ws.call("config/entity_registry/list")
        devices = await self.ws.call("config/device_registry/list")
        port_by_device: dict[str, str] = {}
        for device in devices:
            url = str(device.get("configuration_url") or "")
            if match := re.search(r":(\d+)/?$", url):
                port_by_device[device["id"]] = match.group(1)
        await asyncio.sleep(2)  # let the last events of the flapping arrive
        states = {
            s["entity_id"]: s["state"]
            for s in await self.ha.api(self.http, "get", "/api/states")
        }
        lost = 0
        for entry in registry:
            port = port_by_device.get(str(entry.get("device_id")))
            number = re.search(r"input.?(\d+)$", str(entry.get("unique_id")))
            if (
                entry["platform"] != DOMAIN
                or not port
                or port not in truth
                or not number
            ):
                continue
            if not entry["entity_id"].startswith("binary_sensor"):
                continue
            expected = "on" if truth[port][number.group(1)] else "off"
            lost += states.get(entry["entity_id"]) != expected
        return lost

    def report(self) -> str:
        """The Markdown table, and latest.json written."""
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
        (RESULTS / "latest.json").write_text(json.dumps(document, indent=1) + "\n")
        return table


async def run(quick: bool) -> str:
    """Run every figure in order; the idle figure spans the whole run."""
    bench = Bench(quick)
    try:
        await bench.start()
        for figure in (
            bench.figure_input_latency,
            bench.figure_live_view,
            bench.figure_snapshots,
            bench.figure_setup_and_load,
            bench.figure_idle_load,
        ):
            print(f"bench: {figure.__doc__}", file=sys.stderr, flush=True)
            await figure()
        return bench.report()
    finally:
        await bench.stop()


def main() -> None:
    """Parse the command line, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer samples, for trying it out"
    )
    args = parser.parse_args()
    print(asyncio.run(run(args.quick)))


if __name__ == "__main__":
    main()

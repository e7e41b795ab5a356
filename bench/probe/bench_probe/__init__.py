"""Measure event-loop lag and resources inside Home Assistant for the benchmarks.

A timer asks to run every 10 ms and records how late it ran. The websocket
command `bench_probe/lag` returns the samples since the last call and clears them.
`bench_probe/state_changes` returns how many state_changed events each entity
had since the last call, and clears them: counted inside Home Assistant, where
a websocket subscriber could not keep up with thousands a second.
`bench_probe/resources` returns the process's asyncio tasks, open file
descriptors (sockets among them), RSS, the Python heap (objects the garbage
collector tracks, pymalloc blocks in use) and what glibc's malloc holds, and
each CGI Camera entry's input monitor counters (for the soak). The heap
figures tell a leak (live objects grow) from allocator growth (RSS grows while
the live objects stay flat).
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable
import ctypes
import ctypes.util
import gc
import os
from pathlib import Path
import sys
import tracemalloc
from types import CoroutineType, FrameType
from typing import Any

from homeassistant.components import websocket_api
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

DOMAIN = "bench_probe"
INTERVAL = 0.01


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start sampling and register the websocket command."""
    # Bounded: a run that never asks for the samples (the soak) must not see
    # the probe's own list as memory growth. Two minutes at 100 Hz: the bench
    # reads them after each load of at most 60 s.
    samples: deque[float] = deque(maxlen=12_000)
    loop = asyncio.get_running_loop()
    handle: asyncio.TimerHandle | None = None

    def tick(expected: float) -> None:
        nonlocal handle
        samples.append(max(0.0, loop.time() - expected))
        handle = loop.call_at(loop.time() + INTERVAL, tick, loop.time() + INTERVAL)

    handle = loop.call_at(loop.time() + INTERVAL, tick, loop.time() + INTERVAL)

    @callback
    def stop(event: Event) -> None:
        if handle:
            handle.cancel()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)

    changes: Counter[str] = Counter()

    @callback
    def count_change(event: Event[Any]) -> None:
        changes[event.data["entity_id"]] += 1

    hass.bus.async_listen(EVENT_STATE_CHANGED, count_change)

    @websocket_api.websocket_command(
        {vol.Required("type"): "bench_probe/state_changes"}
    )
    @callback
    def ws_state_changes(
        hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: Any
    ) -> None:
        connection.send_result(msg["id"], dict(changes))
        changes.clear()

    @websocket_api.websocket_command({vol.Required("type"): "bench_probe/lag"})
    @callback
    def ws_lag(
        hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: Any
    ) -> None:
        connection.send_result(msg["id"], {"lag": list(samples)})
        samples.clear()

    if report := os.environ.get("BENCH_TRACEMALLOC"):
        _start_tracemalloc(loop, Path(report))
    if report := os.environ.get("BENCH_CENSUS"):
        _start_census(loop, Path(report))
    if every := os.environ.get("BENCH_COLLECT_EVERY"):
        _start_collecting(loop, float(every))
    if report := os.environ.get("BENCH_GARBAGE"):
        _start_garbage_report(loop, Path(report))
    websocket_api.async_register_command(hass, ws_lag)
    websocket_api.async_register_command(hass, ws_state_changes)
    websocket_api.async_register_command(hass, ws_resources)
    return True


def _fds() -> tuple[int, int]:
    """Open file descriptors of this process, and how many are sockets."""
    total = sockets = 0
    for fd in os.listdir("/proc/self/fd"):
        total += 1
        try:
            sockets += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return total, sockets


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _MallInfo2(ctypes.Structure):
    """glibc's struct mallinfo2 (glibc 2.33 and later)."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _malloc_mib() -> dict[str, float]:
    """Bytes glibc's malloc hands out, and keeps free, over all arenas (MiB)."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name) if libc_name else None
    if libc is None or not hasattr(libc, "mallinfo2"):
        return {}
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    if info.arena == 0 and info.hblkhd == 0:  # another malloc (jemalloc) is preloaded
        return {}
    mib = 1024 * 1024
    return {
        "malloc_in_use_mib": (info.uordblks + info.hblkhd) / mib,
        "malloc_free_mib": info.fordblks / mib,
    }


def _python_heap() -> dict[str, int]:
    """Live objects the garbage collector tracks, and pymalloc blocks in use."""
    return {
        "gc_objects": len(gc.get_objects()),
        "python_blocks": sys.getallocatedblocks(),
    }


def _cgi_camera_entries(hass: HomeAssistant) -> dict[str, Any]:
    """Input monitor counters of every loaded CGI Camera entry, by MAC."""
    result: dict[str, Any] = {}
    for entry in hass.config_entries.async_entries("cgi_camera"):
        runtime = getattr(entry, "runtime_data", None)
        coordinator = getattr(runtime, "coordinator", None)
        if coordinator is None:
            continue
        push = coordinator.push
        result[coordinator.identity] = {
            "state": entry.state.value,
            "available": coordinator.last_update_success,
            "push_connected": push.connected,
            "reconnects": push.reconnect_count,
            "events": push.events,
            "auth_failed": push.auth_failed,
        }
    return result


@websocket_api.websocket_command(
    {
        vol.Required("type"): "bench_probe/resources",
        vol.Optional("collect", default=False): bool,
    }
)
@websocket_api.async_response
async def ws_resources(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: Any
) -> None:
    """Tasks, file descriptors, sockets, RSS, heap and CGI Camera counters.

    With ``collect``, a full garbage collection runs first: between two full
    collections, garbage in reference cycles (every caught exception with its
    traceback makes some) piles up, and would count as live objects.
    """
    if msg["collect"]:
        gc.collect()
    (fds, sockets), rss = await hass.async_add_executor_job(
        lambda: (_fds(), _rss_mib())
    )
    malloc = await hass.async_add_executor_job(_malloc_mib)
    connection.send_result(
        msg["id"],
        {
            "tasks": len(asyncio.all_tasks()),
            "fds": fds,
            "sockets": sockets,
            "rss_mib": rss,
            **_python_heap(),
            **malloc,
            "cgi_camera": _cgi_camera_entries(hass),
        },
    )


def _start_tracemalloc(loop: asyncio.AbstractEventLoop, report: Path) -> None:
    """Diagnose memory growth: every minute, write what grew since minute four.

    Only when BENCH_TRACEMALLOC names a report file; it slows Home Assistant.
    The first minutes are left out: caches fill and code runs for the first
    time then. The report lists the lines that grew, then the call stacks of
    the biggest growth.
    """
    tracemalloc.start(8)
    baseline: list[tracemalloc.Snapshot] = []

    def sample() -> None:
        snapshot = tracemalloc.take_snapshot()
        if not baseline:
            baseline.append(snapshot)
        else:
            traced, _ = tracemalloc.get_traced_memory()
            lines = [f"traced now: {traced / 2**20:.1f} MiB"]
            lines += map(str, snapshot.compare_to(baseline[0], "lineno")[:30])
            for stat in snapshot.compare_to(baseline[0], "traceback")[:8]:
                lines.append(f"\n{stat}")
                lines += stat.traceback.format()
            report.write_text("\n".join(lines) + "\n")

    _repeat(loop, 240, 60, sample)


def _census() -> Counter[str]:
    """Live objects that the garbage collector tracks, by type."""
    gc.collect()
    return Counter(
        f"{type(obj).__module__}.{type(obj).__qualname__}" for obj in gc.get_objects()
    )


def _start_census(loop: asyncio.AbstractEventLoop, report: Path) -> None:
    """Find what leaks: every two minutes, write which types grew since minute three.

    Only when BENCH_CENSUS names a report file; each census stops the event
    loop for a moment.
    """
    baseline: list[Counter[str]] = []

    def sample() -> None:
        counts = _census()
        if not baseline:
            baseline.append(counts)
        else:
            counts.subtract(baseline[0])
            report.write_text(
                "".join(f"{n:+8d} {name}\n" for name, n in counts.most_common(40))
            )

    _repeat(loop, 180, 120, sample)


def _start_collecting(loop: asyncio.AbstractEventLoop, every: float) -> None:
    """Diagnose: a full collection every ``every`` seconds (BENCH_COLLECT_EVERY).

    If RSS stays flat with it, its growth was garbage in reference cycles
    waiting for Python's next full collection, not a leak.
    """

    _repeat(loop, every, every, gc.collect)


def _garbage_census() -> tuple[Counter[str], Counter[str]]:
    """What a full collection would free now: cyclic garbage, by type and origin.

    Frames and coroutines are named after their code (function and file), so
    the report points at the code whose objects die in reference cycles.
    Returns the objects and their bytes (with the byte strings they hold,
    which the collector does not track) by kind.
    """
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        garbage = list(gc.garbage)
        gc.garbage.clear()
    finally:
        gc.set_debug(0)
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for obj in garbage:
        kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
        if isinstance(obj, FrameType | CoroutineType):
            code = obj.f_code if isinstance(obj, FrameType) else obj.cr_code
            kind += f" {code.co_qualname} ({code.co_filename}:{code.co_firstlineno})"
        counts[kind] += 1
        sizes[kind] += sys.getsizeof(obj) + sum(
            sys.getsizeof(ref)
            for ref in gc.get_referents(obj)
            if isinstance(ref, bytes | bytearray)
        )
    del garbage
    return counts, sizes


def _start_garbage_report(loop: asyncio.AbstractEventLoop, report: Path) -> None:
    """Find where cycle garbage comes from (BENCH_GARBAGE names a report file).

    At minute three a full collection clears the warm-up's garbage; every
    five minutes after it, the report lists what piled up in cycles since
    the last report.
    """
    started: list[bool] = []

    def sample() -> None:
        counts, sizes = _garbage_census()
        if not started:
            started.append(True)  # the warm-up's garbage: not reported
            return
        with report.open("a") as out:
            total = sum(sizes.values()) / 2**20
            out.write(f"--- {counts.total()} objects in cycles, {total:.1f} MiB\n")
            out.writelines(
                f"{counts[name]:8d} {size / 1024:9.1f} KiB {name}\n"
                for name, size in sizes.most_common(60)
            )

    _repeat(loop, 180, 300, sample)


def _repeat(
    loop: asyncio.AbstractEventLoop,
    first: float,
    every: float,
    job: Callable[[], object],
) -> None:
    """Run ``job`` after ``first`` seconds, then every ``every`` seconds."""

    def run() -> None:
        job()
        loop.call_later(every, run)

    loop.call_later(first, run)

"""A monitor channel's resyncs across a reconnect (a race the simulator cannot time)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from custom_components.cgi_camera.push import MonitorChannel


async def test_a_stale_resync_leaves_the_new_streams_resync_alone() -> None:
    """Stream 1's resync ends after stream 2 asked for one more: that one still runs.

    Stream 1 connects and resyncs; its request hangs while the stream is
    lost and stream 2 connects, starts its own resync and receives a garbled
    part (one more resync asked for). Stream 1's resync ending must not wipe
    stream 2's request: three requests in all.
    """
    loop = asyncio.get_running_loop()
    answers: list[asyncio.Future[dict[int, bool]]] = []
    sent: asyncio.Queue[asyncio.Future[dict[int, bool]]] = asyncio.Queue()

    async def input_states(_ports: Any) -> dict[int, bool]:
        answer: asyncio.Future[dict[int, bool]] = loop.create_future()
        answers.append(answer)
        sent.put_nowait(answer)
        return await answer

    tasks: list[asyncio.Task[None]] = []
    entry = SimpleNamespace(
        async_create_background_task=lambda _hass, coro, _name: tasks.append(
            asyncio.create_task(coro)
        )
    )
    coordinator = SimpleNamespace(
        config_entry=entry,
        hass=None,
        identity="device",
        client=SimpleNamespace(io=SimpleNamespace(input_states=input_states)),
        input_ports=(1,),
        output_ports=(),
        async_resynced=lambda _inputs, _outputs: None,
    )
    channel = MonitorChannel(
        coordinator,  # type: ignore[arg-type]
        "input monitor",
        None,  # type: ignore[arg-type]
        inputs=True,
        outputs=False,
    )

    async def next_request() -> asyncio.Future[dict[int, bool]]:
        async with asyncio.timeout(5):  # never sent: fail, do not hang
            return await sent.get()

    channel.stream_open = 1
    channel._async_start_resync(1)
    first = await next_request()
    channel.stream_open = 2  # stream 1 lost, stream 2 connected
    channel._async_start_resync(2)
    second = await next_request()
    channel._async_start_resync(2)  # a garbled part on stream 2
    first.set_result({1: False})  # stream 1's resync ends now
    await tasks[0]
    second.set_result({1: False})
    third = await next_request()  # stream 2's resync runs once more
    third.set_result({1: True})
    await tasks[1]
    assert len(answers) == 3
    assert channel._resyncing is None

"""A small client for Home Assistant's websocket API, for the benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import aiohttp


class HomeAssistantWebSocket:
    """Commands with results, and state_changed events in a queue."""

    def __init__(self) -> None:
        """Not connected yet."""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._subscription: int | None = None
        self.state_changes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def connect(
        self, session: aiohttp.ClientSession, url: str, token: str
    ) -> None:
        """Authenticate, subscribe to state changes, start reading."""
        self._ws = await session.ws_connect(f"{url}/api/websocket", max_msg_size=0)
        await self._ws.receive_json()
        await self._ws.send_json({"type": "auth", "access_token": token})
        reply = await self._ws.receive_json()
        if reply.get("type") != "auth_ok":
            raise RuntimeError(f"websocket auth failed: {reply}")
        self._reader = asyncio.create_task(self._read())
        await self.subscribe_state_changes()

    async def subscribe_state_changes(self) -> None:
        """Queue every state_changed event from now on."""
        self._subscription, _ = await self._call(
            "subscribe_events", event_type="state_changed"
        )

    async def unsubscribe_state_changes(self) -> None:
        """Stop receiving state_changed events (thousands a second can be more
        than this client reads: Home Assistant then closes the connection)."""
        if self._subscription is not None:
            await self.call("unsubscribe_events", subscription=self._subscription)
            self._subscription = None

    async def _read(self) -> None:
        assert self._ws
        async for message in self._ws:
            data = message.json()
            if data.get("type") == "event":
                self.state_changes.put_nowait(data["event"]["data"])
            elif (future := self._pending.pop(data.get("id", -1), None)) is not None:
                if data.get("success", True):
                    future.set_result(data.get("result"))
                else:
                    future.set_exception(RuntimeError(str(data.get("error"))))

    async def call(self, command: str, **fields: Any) -> Any:
        """Send a command and return its result."""
        _, result = await self._call(command, **fields)
        return result

    async def _call(self, command: str, **fields: Any) -> tuple[int, Any]:
        """Send a command; its message id and its result."""
        assert self._ws
        message_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._ws.send_json({"id": message_id, "type": command, **fields})
        return message_id, await asyncio.wait_for(future, 60)

    def drain(self) -> None:
        """Forget the state changes received so far."""
        while not self.state_changes.empty():
            self.state_changes.get_nowait()

    async def wait_for_state(self, entity_id: str, state: str, within: float) -> bool:
        """Wait until entity_id changes to state; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (remaining := deadline - loop.time()) > 0:
            try:
                change = await asyncio.wait_for(self.state_changes.get(), remaining)
            except TimeoutError:
                return False
            new_state = change.get("new_state") or {}
            if change["entity_id"] == entity_id and new_state.get("state") == state:
                return True
        return False

    async def close(self) -> None:
        """Stop reading and close the socket."""
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._ws:
            await self._ws.close()

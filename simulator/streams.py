"""Registry of running streaming responses (video, I/O monitor, audio)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
from dataclasses import dataclass, field

from .counters import Counters


@dataclass(eq=False)
class Stream:
    """One running stream; faults land here."""

    kind: str
    task: asyncio.Task[object] | None
    faults: list[str] = field(default_factory=list)
    wake: Callable[[], None] | None = None
    #: Write nothing more (no keep-alive either) but keep the connection open.
    silent: bool = False

    def take_fault(self) -> str | None:
        """The next pending corruption, if any."""
        return self.faults.pop(0) if self.faults else None


@dataclass
class StreamRegistry:
    """Tracks streams so faults, reboots and stop() reach them."""

    counters: Counters
    streams: set[Stream] = field(default_factory=set)

    @contextlib.asynccontextmanager
    async def open(self, kind: str) -> AsyncIterator[Stream]:
        """Register the current task's stream for its lifetime."""
        stream = Stream(kind, asyncio.current_task())
        self.streams.add(stream)
        self.counters.opened(kind)
        try:
            yield stream
        finally:
            self.streams.discard(stream)
            self.counters.closed(kind)

    def count(self, kind: str) -> int:
        """Open streams of ``kind``."""
        return sum(1 for s in self.streams if s.kind == kind)

    def fault(self, kind: str | None, action: str) -> int:
        """Cut or corrupt streams of ``kind`` (None = all); return how many."""
        hit = [s for s in self.streams if kind is None or s.kind == kind]
        for stream in hit:
            if action == "cut":
                if stream.task is not None:
                    stream.task.cancel()
            elif action == "silence":
                stream.silent = True
                if stream.wake is not None:
                    stream.wake()
            else:
                stream.faults.append(action)
                if stream.wake is not None:
                    stream.wake()
        return len(hit)

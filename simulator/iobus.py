"""I/O ports: state, monitor subscriptions and pulse sequences."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import re
from typing import Literal

type PortKind = Literal["input", "output"]
ACTION_TOKEN = re.compile(r"\d+|[/\\]")
ACTION_SYNTAX = re.compile(r"(?:(\d*):)?((?:\d+|[/\\]|,)+)")
MAX_WAIT_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class IoEvent:
    """One port changed (kind, 1-based port, active)."""

    kind: PortKind
    port: int
    active: bool


@dataclass(eq=False)
class Subscription:
    """One monitor stream's view of the bus."""

    ports: frozenset[tuple[PortKind, int]]
    queue: asyncio.Queue[IoEvent | None] = field(default_factory=asyncio.Queue)


@dataclass
class IoBus:
    """Input and output states; pushes every change to its subscribers."""

    inputs: list[bool]
    outputs: list[bool]
    subscribers: set[Subscription] = field(default_factory=set)
    history: list[tuple[PortKind, int, bool, float]] = field(default_factory=list)

    def states(self, kind: PortKind) -> list[bool]:
        """The list of states of one kind."""
        return self.inputs if kind == "input" else self.outputs

    def get(self, kind: PortKind, port: int) -> bool:
        """Active state of a 1-based port."""
        return self.states(kind)[port - 1]

    def set(self, kind: PortKind, port: int, active: bool) -> None:
        """Set a port; every change reaches every interested subscriber."""
        states = self.states(kind)
        if not 1 <= port <= len(states):
            raise ValueError(f"no {kind} {port}")
        if states[port - 1] == active:
            return
        states[port - 1] = active
        loop_time = asyncio.get_running_loop().time()
        self.history.append((kind, port, active, loop_time))
        event = IoEvent(kind, port, active)
        for sub in self.subscribers:
            if (kind, port) in sub.ports:
                sub.queue.put_nowait(event)

    def subscribe(self, ports: frozenset[tuple[PortKind, int]]) -> Subscription:
        """Register a monitor stream."""
        sub = Subscription(ports)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Forget a monitor stream."""
        self.subscribers.discard(sub)


def parse_action(value: str) -> tuple[int | None, list[int | bool]]:
    """Parse ``[<id>]:<a>[<wait><a>...]`` into (port, steps).

    Steps are ``True``/``False`` (activate/deactivate) and ints (wait ms).
    Raises ValueError on bad syntax.
    """
    match = ACTION_SYNTAX.fullmatch(value)
    if match is None:
        raise ValueError(f"invalid action '{value}'")
    port = int(match.group(1)) if match.group(1) else None
    steps: list[int | bool] = []
    for item in ACTION_TOKEN.findall(match.group(2)):
        if item in "/\\":
            steps.append(item == "/")
        else:
            wait = int(item)
            if wait > MAX_WAIT_MS:
                raise ValueError(f"wait {wait} ms too long")
            steps.append(wait)
    if not any(isinstance(step, bool) for step in steps):
        raise ValueError(f"no action character in '{value}'")
    return port, steps


def parse_ports(value: str) -> list[int]:
    """Parse ``1,2,3``; raise ValueError on anything else."""
    ports = [int(p) for p in value.split(",") if p.strip()]
    if not ports:
        raise ValueError("no port given")
    return ports

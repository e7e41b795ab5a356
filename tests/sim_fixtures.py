"""The simulator fixtures, without Home Assistant.

``tests/conftest.py`` and ``tests/api/conftest.py`` both import them: the
library lane (scripts/test-lib) loads only the latter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from simulator import Simulator, SimulatorConfig

type SimulatorFactory = Callable[..., Awaitable[Simulator]]


@pytest.fixture
async def simulator_factory() -> AsyncIterator[SimulatorFactory]:
    """Start simulators on free loopback ports; stop them all at teardown."""
    started: list[Simulator] = []

    async def start(**options: Any) -> Simulator:
        sim = Simulator(SimulatorConfig(**options))
        await sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        await sim.stop()


@pytest.fixture
async def simulator(simulator_factory: SimulatorFactory) -> Simulator:
    """A PTZ camera with SD card, two inputs, two relays and audio."""
    return await simulator_factory()

"""Shared fixtures.

custom_components.cgi_camera must be imported first: otherwise the name
custom_components resolves to the test plugin's own package.
"""

import custom_components.cgi_camera  # noqa: F401  # isort: skip

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

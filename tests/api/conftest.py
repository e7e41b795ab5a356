"""Fixtures for the API client tests: a session and clients for simulators.

Nothing here needs Home Assistant: the library lane (scripts/test-lib) loads
this conftest and not ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from cgi_camera_api import CameraClient
from simulator import Simulator
from tests.sim_fixtures import (  # noqa: F401  # fixtures, and the type for tests
    SimulatorFactory,
    simulator,
    simulator_factory,
)

type ClientFactory = Callable[..., CameraClient]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """One aiohttp session per test (the client never creates its own)."""
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
def client_for(session: aiohttp.ClientSession) -> ClientFactory:
    """Build a client for a simulator (root/pass unless told otherwise)."""

    def build(sim: Simulator, **options: Any) -> CameraClient:
        options.setdefault("username", sim.config.username)
        options.setdefault("password", sim.config.password)
        return CameraClient(session, sim.host, port=sim.port, **options)

    return build


@pytest.fixture
def client(
    simulator: Simulator,  # noqa: F811  # the fixture imported above
    client_for: ClientFactory,
) -> CameraClient:
    """A client for the default simulator."""
    return client_for(simulator)

"""Fixtures for the API client tests: a session and clients for simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.cgi_camera.api import CameraClient
from simulator import Simulator

type ClientFactory = Callable[..., CameraClient]
type SimulatorFactory = Callable[..., Awaitable[Simulator]]


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
def client(simulator: Simulator, client_for: ClientFactory) -> CameraClient:
    """A client for the default simulator."""
    return client_for(simulator)

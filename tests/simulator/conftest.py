"""Fixtures for the simulator's own tests."""

from collections.abc import AsyncIterator

import aiohttp
import pytest


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session closed at teardown."""
    async with aiohttp.ClientSession() as session:
        yield session

"""Shared fixtures.

custom_components.cgi_camera must be imported first: otherwise the name
custom_components resolves to the test plugin's own package.
"""

import custom_components.cgi_camera  # noqa: F401  # isort: skip

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from simulator import Simulator
from tests.helpers import STREAM_URL, SetupIntegration, Viewer, setup_integration
from tests.secret_guard import SecretGuard, guard_secrets
from tests.sim_fixtures import (  # noqa: F401  # fixtures, and the type for tests
    SimulatorFactory,
    simulator,
    simulator_factory,
)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise with Home Assistant's extension (ids, dates and tokens as ANY).

    The plugin defines the same fixture, but syrupy's own one may win.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def no_secret_leaks() -> Iterator[SecretGuard]:
    """Fail a test whose logs, action errors or diagnostics show a secret.

    Secrets: the passwords of the test's simulators (the configured one
    included) and Authorization header values (tests/secret_guard.py).
    """
    with guard_secrets() as guard:
        yield guard
    if leaks := guard.check():
        pytest.fail("secret leaked:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture(autouse=True)
def auto_socket_enabled(socket_enabled: None) -> None:
    """Allow sockets: the simulator listens on 127.0.0.1 (connects stay local).

    The test plugin disables socket creation and only allows connecting to
    127.0.0.1; the simulator needs a listening socket.
    """


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/cgi_camera in every test."""


@pytest.fixture
def setup(hass: HomeAssistant) -> SetupIntegration:
    """Return a coroutine function that sets the integration up for a simulator."""

    async def _setup(sim: Simulator, **kwargs: Any) -> Any:
        return await setup_integration(hass, sim, **kwargs)

    return _setup


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create entities that are disabled by default as enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
async def open_viewer(
    hass: HomeAssistant, hass_client: Any
) -> AsyncIterator[Callable[..., Any]]:
    """Open viewers through Home Assistant's HTTP API; close them at teardown."""
    clients: list[Any] = []
    viewers: list[Viewer] = []

    async def _open(entity_id: str = "camera.cgi_camera", status: int = 200) -> Viewer:
        if not clients:  # http is set up with the camera platform
            clients.append(await hass_client())
        response = await clients[0].get(STREAM_URL.format(entity_id))
        assert response.status == status
        viewer = Viewer(response)
        viewers.append(viewer)
        return viewer

    yield _open
    for viewer in viewers:
        viewer.close()

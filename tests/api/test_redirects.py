"""HTTP redirects (spec 4.2.1) through the simulator's redirect fault, over HTTP.

Same-origin redirects are followed (at most 3 hops) with the credentials
sent again for the new target; anything else raises CameraRedirectError and
the credentials never reach another origin.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import re

import pytest

from cgi_camera_api import (
    CameraClient,
    CameraRedirectError,
    CameraResponseError,
)
from cgi_camera_api.transport import MAX_REDIRECTS
from simulator import Simulator

from .conftest import ClientFactory, SimulatorFactory

BRAND = "/param.cgi?action=list&group=Brand"


def _paths(sim: Simulator) -> list[tuple[str, dict[str, str]]]:
    return list(sim.counters.log)


async def test_relative_redirect_is_followed_with_credentials(
    client: CameraClient, simulator: Simulator
) -> None:
    """A relative Location is requested, authenticated, and its answer used."""
    simulator.faults.redirect_next(BRAND)
    params = await client.params.list(["Network"])
    assert params["Brand.Brand"] == "CGI"
    assert not any(name.startswith("Network.") for name in params)
    # the redirect, then the target: its 401 answered, then its answer
    assert [query.get("group") for _, query in _paths(simulator)] == [
        "Network",
        "Brand",
        "Brand",
    ]
    assert simulator.counters.responses == {302: 1, 401: 1, 200: 1}


async def test_absolute_same_origin_redirect_with_digest(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """An absolute Location on the same origin; Digest is recomputed for it."""
    sim = await simulator_factory(auth="digest")
    client = client_for(sim)
    await client.params.list(["Brand"])  # learns Digest
    assert client.auth_scheme == "digest"
    sim.counters.reset()
    sim.faults.redirect_next(sim.url + "/param.cgi?action=list&group=Image", code=307)
    params = await client.params.list(["Network"])
    assert "Image.MaxViewers" in params
    # one request each, both authenticated at once (no 401)
    assert sim.counters.responses == {307: 1, 200: 1}
    assert sim.counters.auth_failures == 0


async def test_three_hops_are_followed(
    client: CameraClient, simulator: Simulator
) -> None:
    """A chain of MAX_REDIRECTS (3) different targets ends at the last one."""
    assert MAX_REDIRECTS == 3
    await client.params.list(["Brand"])
    for group in ("Image", "Network", "Brand"):
        simulator.faults.redirect_next(f"/param.cgi?action=list&group={group}")
    params = await client.params.list(["PTZ"])
    assert "Brand.Brand" in params
    assert simulator.counters.responses[302] == 3


async def test_fourth_hop_raises(client: CameraClient, simulator: Simulator) -> None:
    """More than 3 hops: CameraRedirectError, and the 4th target is not asked."""
    await client.params.list(["Brand"])
    simulator.counters.reset()
    for group in ("Image", "Network", "PTZ", "Audio"):
        simulator.faults.redirect_next(f"/param.cgi?action=list&group={group}")
    with pytest.raises(CameraRedirectError, match="too many"):
        await client.params.list(["Brand"])
    assert [query["group"] for _, query in _paths(simulator)] == [
        "Brand",
        "Image",
        "Network",
        "PTZ",
    ]
    assert simulator.faults.snapshot()["redirects"] == 0


async def test_loop_raises(client: CameraClient, simulator: Simulator) -> None:
    """A redirect back to an address already requested is a loop."""
    await client.params.list(["Brand"])
    simulator.counters.reset()
    simulator.faults.redirect_next(BRAND, n=5)
    with pytest.raises(CameraRedirectError, match="loop"):
        await client.params.list(["Network"])
    assert simulator.counters.total_requests == 2  # Network, then Brand once
    simulator.faults.clear()


async def test_redirect_without_location_raises(
    client: CameraClient, simulator: Simulator
) -> None:
    """A 302 without Location: CameraRedirectError (a CameraResponseError)."""
    simulator.faults.redirect_next(None)
    with pytest.raises(CameraRedirectError, match="without a Location") as caught:
        await client.params.list(["Brand"])
    assert isinstance(caught.value, CameraResponseError)
    assert simulator.counters.total_requests == 1


async def test_invalid_location_raises(
    client: CameraClient, simulator: Simulator
) -> None:
    """A Location that is no URL (port out of range) is not followed."""
    simulator.faults.redirect_next("http://127.0.0.1:99999/param.cgi")
    with pytest.raises(CameraRedirectError, match="invalid Location"):
        await client.params.list(["Brand"])


async def test_303_is_not_followed(client: CameraClient, simulator: Simulator) -> None:
    """303 (see other, a GET elsewhere) is an HTTP error, not a redirect."""
    simulator.faults.redirect_next(BRAND, code=303)
    with pytest.raises(CameraResponseError, match="HTTP 303") as caught:
        await client.params.list(["Network"])
    assert not isinstance(caught.value, CameraRedirectError)
    assert simulator.counters.total_requests == 1


async def test_other_origins_never_get_the_credentials(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """Another port, another scheme, another host or userinfo: never followed."""
    sim = await simulator_factory()
    other = await simulator_factory()
    client = client_for(sim)
    await client.params.list(["Brand"])  # credentials are now sent preemptively
    locations = {
        other.url + BRAND: f"another origin (http://127.0.0.1:{other.port})",
        f"https://127.0.0.1:{sim.port}{BRAND}": (
            f"another origin (https://127.0.0.1:{sim.port})"
        ),
        f"//localhost:{sim.port}{BRAND}": "another origin",
        "ftp:nowhere": "another origin",
        f"http://root:pass@127.0.0.1:{sim.port}{BRAND}": "credentials in it",
    }
    for location, problem in locations.items():
        sim.faults.redirect_next(location)
        with pytest.raises(CameraRedirectError, match=re.escape(problem)) as caught:
            await client.params.list(["Network"])
        assert sim.config.password not in str(caught.value)
        assert BRAND not in str(caught.value)  # no path or query shown
    assert other.counters.total_requests == 0


async def test_streamed_post_is_not_resent(
    client: CameraClient, simulator: Simulator
) -> None:
    """A streamed body cannot be replayed: the redirect raises, nothing resent."""
    await client.params.list(["Brand"])
    simulator.counters.reset()
    simulator.faults.redirect_next("/audio/transmit.cgi?again=1")
    stop = asyncio.Event()

    async def blocks() -> AsyncIterator[bytes]:
        yield b"\x7f" * 240
        await stop.wait()  # cancelled when the 302 is released
        yield b"\x7f" * 240  # pragma: no cover - never reached

    with pytest.raises(CameraRedirectError, match="cannot be sent again"):
        await client.audio.transmit(blocks(), length=480)
    assert simulator.counters.total_requests == 1
    assert simulator.audio_transmits == []


async def test_bytes_post_follows_the_redirect(
    client: CameraClient, simulator: Simulator
) -> None:
    """A body held in memory is sent again to the same-origin target."""
    await client.params.list(["Brand"])
    simulator.faults.redirect_next("/audio/transmit.cgi?again=1")
    audio = bytes(range(240)) * 2
    await client.audio.transmit(audio)
    assert simulator.counters.responses[302] == 1
    [received] = simulator.audio_transmits
    assert bytes(received.body) == audio
    assert received.complete

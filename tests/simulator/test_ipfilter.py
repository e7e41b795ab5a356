"""ipfilter.cgi through real HTTP (the client is 127.0.0.1)."""

import aiohttp
import pytest

from simulator import Simulator

from .helpers import get

LOCKOUT = 'Verification failed: IP address "127.0.0.1" is not an accepted address\r\n'


async def ipf(http: aiohttp.ClientSession, sim: Simulator, query: str) -> str:
    status, body = await get(http, sim, f"/ipfilter.cgi?{query}")
    assert status == 200
    return body


async def test_spec_examples(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    # Add a list and enable: verification runs and fails for 127.0.0.1
    assert (
        await ipf(
            http,
            simulator,
            "action=add&ipaddress=10.13.10.12%2010.13.17.0/24&enable=yes",
        )
        == LOCKOUT
    )
    assert simulator.state.ipfilter.addresses == []
    assert (
        await ipf(http, simulator, "action=list")
        == "Accept addresses: \r\nEnabled: no\r\n"
    )
    # disabled filter: no verification
    assert await ipf(http, simulator, "action=add&ipaddress=10.13.10.12") == "OK\r\n"
    assert await ipf(http, simulator, "action=list&verify=yes") == (
        "Accept addresses: 10.13.10.12\r\nEnabled: no\r\n" + LOCKOUT
    )
    assert (
        await ipf(
            http, simulator, "action=add&ipaddress=10.13.10.12&policy=allow&enable=yes"
        )
        == LOCKOUT
    )
    assert (
        await ipf(
            http, simulator, "action=add&ipaddress=127.0.0.0/8&policy=allow&enable=yes"
        )
        == "OK\r\n"
    )
    assert (
        await ipf(http, simulator, "action=list")
        == "Accept addresses: 10.13.10.12 127.0.0.0/8\r\nEnabled: yes\r\n"
    )
    # removing our own network while enabled would lock us out
    assert await ipf(http, simulator, "action=remove&ipaddress=127.0.0.0/8") == LOCKOUT
    assert await ipf(http, simulator, "action=remove&ipaddress=10.13.10.12") == "OK\r\n"
    assert (
        await ipf(
            http, simulator, "action=add&ipaddress=10.13.10.12&policy=deny&enable=yes"
        )
        == LOCKOUT
    )
    assert await ipf(http, simulator, "action=removeall") == "OK\r\n"
    assert (
        await ipf(http, simulator, "action=list")
        == "Accept addresses: \r\nEnabled: no\r\n"
    )


async def test_deny_policy_and_update(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert (
        await ipf(
            http, simulator, "action=add&ipaddress=10.0.0.1&policy=deny&enable=yes"
        )
        == "OK\r\n"
    )
    assert (
        await ipf(http, simulator, "action=list")
        == "Deny addresses: 10.0.0.1\r\nEnabled: yes\r\n"
    )
    assert await ipf(http, simulator, "action=update&ipaddress=127.0.0.1") == LOCKOUT
    assert (
        await ipf(http, simulator, "action=update&policy=allow&ipaddress=127.0.0.1")
        == "OK\r\n"
    )
    assert await ipf(http, simulator, "action=update&enable=no") == "OK\r\n"
    assert simulator.state.ipfilter.enabled is False


async def test_verify_no_locks_out(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert (
        await ipf(http, simulator, "action=add&ipaddress=10.0.0.1&enable=yes&verify=no")
        == "OK\r\n"
    )
    status, body = await get(http, simulator, "/param.cgi?action=list")
    assert (status, body) == (403, "403 Forbidden\r\n")
    async with http.get(simulator.url + "/_sim/state") as response:
        assert response.status == 200
    simulator.state.ipfilter.enabled = False


@pytest.mark.parametrize(
    "query",
    [
        "action=add",
        "action=add&ipaddress=999.1.1.1",
        "action=add&ipaddress=10.0.0.0/99",
        "action=remove&ipaddress=10.9.9.9",
        "action=remove",
        "action=add&ipaddress=10.0.0.1&enable=maybe",
        "action=add&ipaddress=10.0.0.1&policy=sometimes",
        "action=list&verify=perhaps",
        "action=block",
    ],
)
async def test_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str
) -> None:
    assert (await ipf(http, simulator, query)).startswith("Request failed: ")


def test_accepts_rejects_garbage_address(simulator: Simulator) -> None:
    assert simulator.state.ipfilter.accepts("not-an-ip") is False

"""Basic and Digest authentication and access levels."""

import aiohttp
import pytest

from simulator import Simulator

from .helpers import Factory, basic_auth, digest_challenge, digest_header, get

PATH = "/param.cgi?action=list&group=Brand.Brand"


async def test_unauthenticated_gets_both_challenges(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(simulator.url + PATH) as response:
        assert response.status == 401
        values = response.headers.getall("WWW-Authenticate")
    assert values[0].startswith('Digest realm="CGI_00408C123456", nonce="')
    assert values[0].endswith('algorithm=MD5, qop="auth"')
    assert values[1] == 'Basic realm="CGI_00408C123456"'
    assert simulator.counters.auth_failures == 1


async def test_basic(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    assert await get(http, simulator, PATH) == (200, "Brand.Brand=CGI\n")
    status, _ = await get(http, simulator, PATH, headers=basic_auth("root", "wrong"))
    assert status == 401
    status, _ = await get(
        http, simulator, PATH, auth=None, headers={"Authorization": "Basic !!!"}
    )
    assert status == 401
    status, _ = await get(
        http, simulator, PATH, auth=None, headers={"Authorization": "Basic cm9vdA=="}
    )
    assert status == 401


async def digest_get(
    http: aiohttp.ClientSession,
    sim: Simulator,
    path: str,
    challenge: dict[str, str],
    **kw: object,
) -> aiohttp.ClientResponse:
    header = digest_header(challenge, "GET", path, **kw)  # type: ignore[arg-type]
    response = await http.get(sim.url + path, headers={"Authorization": header})
    await response.read()
    return response


async def test_digest_flow_and_reuse(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(simulator.url + PATH) as response:
        challenge = digest_challenge(response)
    for nc in (1, 2, 3):
        response = await digest_get(http, simulator, PATH, challenge, nc=nc)
        assert response.status == 200
        assert await response.text() == "Brand.Brand=CGI\n"
    response = await digest_get(http, simulator, PATH, challenge, qop=False)
    assert response.status == 200


async def test_digest_failures(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(simulator.url + PATH) as response:
        challenge = digest_challenge(response)
    assert (
        await digest_get(http, simulator, PATH, challenge, password="bad")
    ).status == 401
    assert (
        await digest_get(http, simulator, PATH, challenge, user="nobody")
    ).status == 401
    assert (
        await digest_get(http, simulator, PATH, {**challenge, "nonce": "f00"})
    ).status == 401
    assert (
        await digest_get(http, simulator, PATH, {**challenge, "realm": "x"})
    ).status == 401
    header = digest_header(challenge, "GET", "/other.cgi")
    async with http.get(
        simulator.url + PATH, headers={"Authorization": header}
    ) as response:
        assert response.status == 401
    header = digest_header(challenge, "GET", PATH).replace("qop=auth", "qop=auth-int")
    async with http.get(
        simulator.url + PATH, headers={"Authorization": header}
    ) as response:
        assert response.status == 401
    header = digest_header(challenge, "GET", PATH).replace(
        "algorithm=MD5", "algorithm=SHA-256"
    )
    async with http.get(
        simulator.url + PATH, headers={"Authorization": header}
    ) as response:
        assert response.status == 401


async def test_digest_stale_nonce(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    now = [1000.0]
    simulator.auth.clock = lambda: now[0]
    async with http.get(simulator.url + PATH) as response:
        challenge = digest_challenge(response)
    assert (await digest_get(http, simulator, PATH, challenge)).status == 200
    now[0] += simulator.config.nonce_lifetime + 1
    response = await digest_get(http, simulator, PATH, challenge, nc=2)
    assert response.status == 401
    values = response.headers.getall("WWW-Authenticate")
    assert values[0].endswith(", stale=true")
    fresh = digest_challenge(response)
    assert fresh["nonce"] != challenge["nonce"]
    assert (await digest_get(http, simulator, PATH, fresh)).status == 200
    # a wrong password with a stale nonce is not "stale"
    now[0] += simulator.config.nonce_lifetime + 1
    response = await digest_get(http, simulator, PATH, fresh, password="bad")
    assert "stale" not in response.headers["WWW-Authenticate"]
    # very old nonces are forgotten when new ones are issued
    now[0] += 3 * simulator.config.nonce_lifetime
    simulator.auth.new_nonce()
    assert fresh["nonce"] not in simulator.auth.nonces


async def test_digest_post(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    async with http.get(simulator.url + PATH) as response:
        challenge = digest_challenge(response)
    header = digest_header(challenge, "POST", "/param.cgi")
    async with http.post(
        simulator.url + "/param.cgi",
        data={"action": "update", "Network.HostName": "cam2"},
        headers={"Authorization": header},
    ) as response:
        assert await response.text() == "OK\r\n"


@pytest.mark.parametrize(
    ("scheme", "count"), [("basic", 1), ("digest", 1), ("both", 2)]
)
async def test_schemes(
    simulator_factory: Factory, http: aiohttp.ClientSession, scheme: str, count: int
) -> None:
    sim = await simulator_factory(auth=scheme)
    async with http.get(sim.url + PATH) as response:
        assert len(response.headers.getall("WWW-Authenticate")) == count
    status, _ = await get(http, sim, PATH)
    assert status == (401 if scheme == "digest" else 200)


LEVEL_CASES = [
    ("/param.cgi?action=list&group=Brand", "viewer"),
    ("/param.cgi?action=update&Network.HostName=x", "admin"),
    ("/pwdgrp.cgi?action=get", "root"),
    ("/systemlog.cgi", "admin"),
    ("/date.cgi?action=get", "viewer"),
    ("/date.cgi?action=set&year=2020", "admin"),
    ("/com/ptz.cgi?query=position", "viewer"),
    ("/com/ptzconfig.cgi?setserverpresetname=x", "admin"),
    ("/io/output.cgi?action=1:/", "operator"),
    ("/io/input.cgi?check=1", "viewer"),
    ("/ipfilter.cgi?action=list", "admin"),
    ("/list.cgi?diskid=all", "viewer"),
    ("/format.cgi?diskid=SD_DISK", "admin"),
    ("/backup.cgi", "admin"),
]
ORDER = ["viewer", "operator", "admin", "root"]
ACCOUNTS = {
    "viewer": ("viewer", "v1", ("axview",)),
    "operator": ("oper", "o1", ("axoper", "axview")),
    "admin": ("admin", "a1", ("axadmin", "axoper", "axview")),
}


@pytest.mark.parametrize(("path", "level"), LEVEL_CASES)
async def test_access_levels(
    simulator: Simulator, http: aiohttp.ClientSession, path: str, level: str
) -> None:
    for name, password, groups in ACCOUNTS.values():
        simulator.state.users.add(name, password, "axuser", groups, "")
    simulator.state.users.add("nobody", "n1", "axuser", (), "")
    for role, (name, password, _) in ACCOUNTS.items():
        status, _ = await get(http, simulator, path, headers=basic_auth(name, password))
        allowed = ORDER.index(role) >= ORDER.index(level)
        assert (status != 403) == allowed, (role, path, status)
    status, _ = await get(http, simulator, path, headers=basic_auth("nobody", "n1"))
    assert status == 403
    status, _ = await get(http, simulator, path, auth=None)
    assert status == 401


async def test_post_body_action_sets_level(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.state.users.add("viewer", "v1", "axuser", ("axview",), "")
    async with http.post(
        simulator.url + "/param.cgi",
        data={"action": "update", "Network.HostName": "evil"},
        headers=basic_auth("viewer", "v1"),
    ) as response:
        assert response.status == 403
    assert simulator.params["Network.HostName"] == "cgi-camera"


async def test_unknown_path_needs_auth_then_404(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, _ = await get(http, simulator, "/nothing.cgi", auth=None)
    assert status == 401
    status, _ = await get(http, simulator, "/nothing.cgi")
    assert status == 404

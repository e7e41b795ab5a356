"""pwdgrp.cgi through real HTTP."""

import aiohttp
import pytest

from simulator import Simulator

from .helpers import basic_auth, get


async def test_spec_examples(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    status, body = await get(
        http,
        simulator,
        "/pwdgrp.cgi?action=add&user=joe&pwd=foo&grp=axuser&sgrp=axadmin:axoper:axview&comment=Joe",
    )
    assert (status, body) == (200, "OK\r\n")
    status, _ = await get(
        http,
        simulator,
        "/param.cgi?action=update&Network.HostName=j",
        headers=basic_auth("joe", "foo"),
    )
    assert status == 200
    assert await get(http, simulator, "/pwdgrp.cgi?action=update&user=joe&pwd=bar") == (
        200,
        "OK\r\n",
    )
    status, _ = await get(
        http, simulator, "/param.cgi?action=list", headers=basic_auth("joe", "foo")
    )
    assert status == 401
    status, _ = await get(
        http, simulator, "/pwdgrp.cgi?action=get", headers=basic_auth("joe", "bar")
    )
    assert status == 403
    assert await get(http, simulator, "/pwdgrp.cgi?action=get") == (
        200,
        'root="root"\r\naxuser="joe"\r\naxadmin="root,joe"\r\naxoper="root,joe"\r\naxview="root,joe"\r\n',
    )
    assert await get(http, simulator, "/pwdgrp.cgi?action=remove&user=joe") == (
        200,
        "OK\r\n",
    )
    assert "joe" not in simulator.state.users.accounts


async def test_update_groups_and_comment(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.add_user("ann", "pw1", "operator")
    assert await get(
        http,
        simulator,
        "/pwdgrp.cgi?action=update&user=ann&grp=axuser&sgrp=axview&comment=Ann",
    ) == (200, "OK\r\n")
    user = simulator.state.users.accounts["ann"]
    assert (user.secondary, user.comment) == (("axview",), "Ann")
    with pytest.raises(ValueError, match="already exists"):
        simulator.add_user("ann", "x")


@pytest.mark.parametrize(
    "query",
    [
        "action=add&user=bad-name&pwd=x&grp=axuser",
        "action=add&user=root&pwd=x&grp=axuser",
        "action=add&user=bob&pwd=x!&grp=axuser",
        "action=add&user=bob&pwd=x&grp=wheel",
        "action=add&user=bob&pwd=x&grp=axuser&sgrp=axgod",
        "action=add&user=bob",
        "action=add",
        "action=update&user=nobody&pwd=x",
        "action=update&user=root&grp=nope",
        "action=remove&user=nobody",
        "action=remove&user=root",
        "action=rename&user=root",
    ],
)
async def test_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str
) -> None:
    status, body = await get(http, simulator, f"/pwdgrp.cgi?{query}")
    assert status == 200
    assert body.startswith("Request failed: ")
    assert body.endswith("\r\n")

"""Simulator additions over real HTTP: the redirect fault, SD disk flags and
the record of what audio/transmit.cgi received."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator import Simulator

from .helpers import ROOT, control, get
from .test_storage import disk

TIMES = ("opened_at", "first_byte_at", "last_byte_at", "ended_at")


async def _control(
    http: aiohttp.ClientSession, sim: Simulator, path: str, **params: str
) -> tuple[int, Any]:
    async with http.post(sim.url + "/_sim/" + path, params=params) as response:
        return response.status, await response.json()


async def test_redirect_fault_from_python(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """redirect_next: the next n requests answer the code with that Location."""
    simulator.faults.redirect_next("/elsewhere.cgi?a=1", n=2, code=307)
    simulator.faults.redirect_next(None)
    assert simulator.faults.snapshot()["redirects"] == 3
    for _ in range(2):
        async with http.get(
            simulator.url + "/param.cgi", headers=ROOT, allow_redirects=False
        ) as response:
            assert response.status == 307
            assert response.headers["Location"] == "/elsewhere.cgi?a=1"
    async with http.get(
        simulator.url + "/param.cgi", headers=ROOT, allow_redirects=False
    ) as response:
        assert response.status == 302
        assert "Location" not in response.headers
    status, _ = await get(http, simulator, "/param.cgi?action=list&group=Brand")
    assert status == 200
    assert simulator.counters.responses[307] == 2
    assert "redirect 307 /elsewhere.cgi?a=1 2" in simulator.faults.history


async def test_redirect_fault_checks_its_arguments(simulator: Simulator) -> None:
    """Only 3xx redirect codes and a one-line Location are accepted."""
    with pytest.raises(ValueError, match="redirect code"):
        simulator.faults.redirect_next("/x", code=200)
    with pytest.raises(ValueError, match="one line"):
        simulator.faults.redirect_next("/x\r\nSet-Cookie: a=b")
    simulator.faults.redirect_next("/x", n=3)
    simulator.faults.clear()
    assert simulator.faults.take_redirect() is None


async def test_redirect_fault_from_the_control_api(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """POST /_sim/fault/redirect?location=...&count=n&code=..."""
    status, answer = await _control(
        http,
        simulator,
        "fault/redirect",
        location="http://127.0.0.1:1/x?y=z",
        count="2",
        code="301",
    )
    assert status == 200
    assert answer["faults"]["redirects"] == 2
    assert simulator.faults.redirects == [("http://127.0.0.1:1/x?y=z", 301)] * 2
    status, answer = await _control(http, simulator, "fault/redirect", code="200")
    assert status == 400
    assert "redirect code" in answer["error"]
    status, _ = await _control(http, simulator, "fault/clear")
    assert simulator.faults.redirects == []
    status, _ = await control(http, simulator, "fault/redirect")  # no Location
    assert simulator.faults.redirects == [(None, 302)]


async def test_sd_flags(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    """set_sd(..., locked/full/readonly) sets those attributes next to status OK."""
    simulator.set_sd("ok", full=True)
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert {
        "status": "OK",
        "full": "yes",
        "readonly": "no",
        "locked": "no",
    }.items() <= (disk(body).items())
    assert int(disk(body)["freesize"]) > 0  # only the attribute changes
    simulator.set_sd("ok", locked=True, readonly=True)
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert {
        "status": "OK",
        "full": "no",
        "readonly": "yes",
        "locked": "yes",
    }.items() <= (disk(body).items())
    assert simulator.snapshot()["sd_flags"] == ["locked", "readonly"]
    simulator.set_sd("ok")  # flags go with a new status
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert {"full": "no", "readonly": "no", "locked": "no"}.items() <= (
        disk(body).items()
    )


async def test_sd_flags_from_the_control_api(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """POST /_sim/sd?status=ok&locked=1&full=1."""
    status, answer = await _control(
        http, simulator, "sd", status="ok", locked="1", full="1"
    )
    assert status == 200
    assert answer == {"ok": True, "status": "ok", "flags": ["full", "locked"]}
    assert simulator.state.storage.flags == {"full", "locked"}
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert {"status": "OK", "full": "yes", "locked": "yes"}.items() <= (
        disk(body).items()
    )


async def test_transmit_record_over_http11_chunked(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """The record shows a chunked HTTP/1.1 body as such (what the client avoids)."""

    async def blocks() -> Any:
        yield b"\x01" * 240
        yield b"\x02" * 240

    async with http.post(
        simulator.url + "/audio/transmit.cgi",
        data=blocks(),
        headers={"Content-Type": "audio/basic", **ROOT},
    ) as response:
        assert response.status == 204
    [record] = simulator.audio_transmits
    assert record.version == "1.1"
    assert record.transfer_encoding == "chunked"
    assert record.content_length is None
    assert bytes(record.body) == b"\x01" * 240 + b"\x02" * 240
    status, state = await control(http, simulator, "state", method="GET")
    assert status == 200
    [shown] = state["audio_transmits"]
    times = [shown.pop(name) for name in TIMES]
    assert shown == {
        "version": "1.1",
        "content_length": None,
        "transfer_encoding": "chunked",
        "content_type": "audio/basic",
        "received": 480,
        "complete": True,
        "ended": True,
        "status": 204,
    }
    assert times == sorted(times)  # opened, first byte, last byte, ended


async def test_transmit_record_keeps_the_start_of_a_long_body(
    simulator: Simulator, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first MAX_RECORDED_BYTES are kept; ``received`` counts them all."""
    monkeypatch.setattr("simulator.handlers.audio.MAX_RECORDED_BYTES", 100)
    async with http.post(
        simulator.url + "/audio/transmit.cgi",
        data=bytes(range(240)) * 2,
        headers={"Content-Type": "audio/basic", **ROOT},
    ) as response:
        assert response.status == 204
    [record] = simulator.audio_transmits
    assert record.content_length == 480
    assert record.received == 480
    assert bytes(record.body) == bytes(range(100))

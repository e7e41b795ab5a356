"""Every error path maps to the hierarchy, and never shows the password."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from contextlib import aclosing
import gc
import logging
from pathlib import Path
import re
import weakref

import aiohttp
import pytest

from cgi_camera_api import (
    CameraAuthenticationError,
    CameraBusyError,
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraTimeoutError,
    transport_details,
)
from cgi_camera_api.transport import REDACTED, translate_error
from simulator import Simulator

from .conftest import SimulatorFactory

PASSWORD = "Zq7DistinctivePw9"
NEW_PASSWORD = "Nw4OtherSecret8"
SECRETS = (
    PASSWORD,
    NEW_PASSWORD,
    base64.b64encode(f"root:{PASSWORD}".encode()).decode(),
)

type Scenario = Callable[[CameraClient, Simulator], Awaitable[object]]


async def _first(generator: object) -> object:
    async with aclosing(generator) as stream:  # type: ignore[type-var]
        return await anext(stream)  # type: ignore[call-overload]


async def wrong_password(client: CameraClient, sim: Simulator) -> object:
    client.update_credentials("root", PASSWORD + "x")
    try:
        return await client.params.list(["Brand"])
    finally:
        client.update_credentials("root", PASSWORD)


async def forbidden(client: CameraClient, sim: Simulator) -> object:
    await client.users.add("viewer", "viewpw1", "axuser", ["axview"])
    client.update_credentials("viewer", "viewpw1")
    try:
        return await client.params.update({"Network.HostName": PASSWORD})
    finally:
        client.update_credentials("root", PASSWORD)


def with_status(code: int) -> Scenario:
    async def run(client: CameraClient, sim: Simulator) -> object:
        sim.faults.status_next(code, 1)
        return await client.users.add("joe", NEW_PASSWORD, "axuser")

    return run


async def refused(client: CameraClient, sim: Simulator) -> object:
    return await client.users.add("root", NEW_PASSWORD, "root")


async def refused_echo(client: CameraClient, sim: Simulator) -> object:
    return await client.params.update({"Image.MaxViewers": PASSWORD})


async def hang(client: CameraClient, sim: Simulator) -> object:
    sim.faults.hang_next(1)
    return await client.users.update("root", password=NEW_PASSWORD)


async def hang_stream(client: CameraClient, sim: Simulator) -> object:
    sim.faults.hang_next(1)
    return await _first(client.video.mjpeg_frames())


async def refuse_connection(client: CameraClient, sim: Simulator) -> object:
    sim.faults.refuse_next(3)  # beyond aiohttp's one retry
    return await client.users.add("joe", NEW_PASSWORD, "axuser")


async def reset_connection(client: CameraClient, sim: Simulator) -> object:
    sim.faults.reset_next(3)  # beyond aiohttp's one retry
    return await client.params.list(["Brand"])


async def garbage(client: CameraClient, sim: Simulator) -> object:
    sim.faults.garbage_next(1)
    return await client.params.list(["Brand"])


async def garbage_monitor(client: CameraClient, sim: Simulator) -> object:
    sim.faults.garbage_next(1)
    return await _first(client.io.monitor_inputs([1]))


async def garbage_xml(client: CameraClient, sim: Simulator) -> object:
    sim.faults.garbage_next(1)
    return await client.storage.disks()


async def not_found(client: CameraClient, sim: Simulator) -> object:
    return await client.system._text("/nope.cgi")


async def device_down(client: CameraClient, sim: Simulator) -> object:
    await sim.reboot(60)
    return await client.io.check_inputs([1])


async def cut_stream(client: CameraClient, sim: Simulator) -> object:
    async with aclosing(client.video.mjpeg_frames()) as frames:
        await anext(frames)
        sim.faults.cut_streams("video")
        while True:
            await anext(frames)


async def busy_stream(client: CameraClient, sim: Simulator) -> object:
    sim.faults.status_next(503, 1)
    return await _first(client.audio.receive())


SCENARIOS: list[tuple[Scenario, type[CameraError]]] = [
    (wrong_password, CameraAuthenticationError),
    (forbidden, CameraForbiddenError),
    (with_status(503), CameraBusyError),
    (with_status(500), CameraResponseError),
    (with_status(404), CameraNotFoundError),
    (with_status(400), CameraRequestRefusedError),
    (refused, CameraRequestRefusedError),
    (refused_echo, CameraRequestRefusedError),
    (hang, CameraTimeoutError),
    (hang_stream, CameraTimeoutError),
    (refuse_connection, CameraConnectionError),
    (reset_connection, CameraConnectionError),
    (garbage, CameraResponseError),
    (garbage_monitor, CameraResponseError),
    (garbage_xml, CameraResponseError),
    (not_found, CameraNotFoundError),
    (device_down, CameraConnectionError),
    (cut_stream, CameraConnectionError),
    (busy_stream, CameraBusyError),
]


def _client_for(sim: Simulator, session: aiohttp.ClientSession) -> CameraClient:
    """A client of ``sim`` with the test password and a short timeout."""
    return CameraClient(
        session,
        sim.host,
        port=sim.port,
        username="root",
        password=PASSWORD,
        timeout=0.5,
    )


async def _device_and_client(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> tuple[Simulator, CameraClient]:
    """A device with the test password, and a client that knows its scheme."""
    sim = await simulator_factory(password=PASSWORD, reboot_seconds=0)
    client = _client_for(sim, session)
    await client.params.list(["Brand.Brand"])  # learn the scheme first
    return sim, client


def _texts(error: BaseException) -> list[str]:
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), str(current.args)]
        texts += getattr(current, "transport_chain", ())
        current = current.__cause__ or current.__context__
    return texts


@pytest.mark.parametrize(
    ("scenario", "expected"), SCENARIOS, ids=[s.__name__ for s, _ in SCENARIOS]
)
async def test_error_paths_never_show_the_password(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    scenario: Scenario,
    expected: type[CameraError],
) -> None:
    """Each path raises its CameraError; no secret in texts, causes or logs."""
    caplog.set_level(logging.DEBUG)
    sim, client = await _device_and_client(simulator_factory, session)
    with pytest.raises(expected) as info:
        await scenario(client, sim)
    texts = _texts(info.value)
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    for secret in SECRETS:
        for text in texts:
            assert secret not in text


async def test_basic_auth_paths_never_show_the_password(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same with Basic auth (the header carries base64 of the password)."""
    caplog.set_level(logging.DEBUG)
    sim = await simulator_factory(password=PASSWORD, auth="basic")
    client = _client_for(sim, session)
    for scenario, expected in SCENARIOS[:13]:
        with pytest.raises(expected) as info:
            await scenario(client, sim)
        sim.faults.clear()
        for secret in SECRETS:
            for text in _texts(info.value) + [r.getMessage() for r in caplog.records]:
                assert secret not in text


async def test_connection_refused(
    session: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """Nothing listening: CameraConnectionError."""
    port = simulator.port
    await simulator.stop()
    client = CameraClient(session, "127.0.0.1", port=port, username="u", password="p")
    with pytest.raises(CameraConnectionError):
        await client.params.list()


CYCLE_SCENARIOS = [refuse_connection, reset_connection, hang, device_down]


@pytest.mark.parametrize(
    "scenario", CYCLE_SCENARIOS, ids=[s.__name__ for s in CYCLE_SCENARIOS]
)
async def test_a_failed_request_leaves_no_reference_cycle(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    scenario: Scenario,
) -> None:
    """The error is freed as soon as it is dropped, without a full collection.

    A cycle through the raising frame would keep the error, its traceback and
    every frame's locals until the next full collection: under steady faults
    Home Assistant's memory would creep up.
    """
    sim, client = await _device_and_client(simulator_factory, session)
    gc.collect()
    gc.disable()
    try:
        try:
            await scenario(client, sim)
        except CameraError as err:
            dropped = weakref.ref(err)
        assert dropped() is None
    finally:
        gc.enable()


# ``type: message (package/module.py:line)``, the place where it was raised.
LINK = re.compile(r"^[\w.]+(?:: .+)? \([\w.-]+/[\w.-]+\.pyx?:\d+\)$")


async def test_transport_chain_keeps_the_dropped_tracebacks_text(
    session: aiohttp.ClientSession,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused connection: each link's type, message and place, also logged."""
    caplog.set_level(logging.DEBUG)
    port = simulator.port
    await simulator.stop()
    client = CameraClient(session, "127.0.0.1", port=port, username="u", password="p")
    with pytest.raises(CameraConnectionError) as info:
        await client.params.list()
    chain = info.value.transport_chain
    assert chain[0].startswith("aiohttp.client_exceptions.ClientConnectorError: ")
    assert chain[-1].startswith("ConnectionRefusedError: ")
    assert all(LINK.match(link) for link in chain), chain
    # The chain's exceptions lost their tracebacks (no reference cycle).
    cause = info.value.__cause__
    assert cause is not None
    assert cause.__traceback__ is None
    assert transport_details(info.value) == f" [via: {' <- '.join(chain)}]"
    logged = [r.getMessage() for r in caplog.records if " <- " in r.getMessage()]
    assert logged == [f"GET /param.cgi failed: {' <- '.join(chain)}"]


def _refuse(secret: str) -> None:
    raise OSError(f"refused by\nthe peer ({secret})")


def _fail_to_send(secret: str) -> None:
    try:
        _refuse(secret)
    except OSError as inner:
        raise aiohttp.ClientOSError("cannot send") from inner


def _raise_chain(secret: str) -> BaseException:
    """An aiohttp error raised from an OSError whose text shows ``secret``."""
    try:
        _fail_to_send(secret)
    except aiohttp.ClientOSError as err:
        return err
    raise AssertionError("unreachable")  # pragma: no cover


def test_transport_chain_is_redacted() -> None:
    """The transport's redaction applies to every link; without it, no messages."""
    error = translate_error(
        _raise_chain(PASSWORD), "GET /x", lambda text: text.replace(PASSWORD, REDACTED)
    )
    assert error.transport_chain == (
        "aiohttp.client_exceptions.ClientOSError: cannot send "
        f"(api/test_errors.py:{_line('raise aiohttp.ClientOSError("cannot')})",
        f"OSError: refused by the peer ({REDACTED}) "
        f"(api/test_errors.py:{_line('raise OSError(f"refused')})",
    )
    bare = translate_error(_raise_chain(PASSWORD), "GET /x")
    assert bare.transport_chain == (
        f"aiohttp.client_exceptions.ClientOSError "
        f"(api/test_errors.py:{_line('raise aiohttp.ClientOSError("cannot')})",
        f"OSError (api/test_errors.py:{_line('raise OSError(f"refused')})",
    )
    assert transport_details(CameraError("no transport")) == ""


def _line(text: str) -> int:
    """The line of this file that holds ``text``."""
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


async def test_a_refused_secret_value_is_not_echoed(client: CameraClient) -> None:
    """The device repeats a refused value; a secret one never reaches the error."""
    with pytest.raises(CameraRequestRefusedError) as err:
        await client.params.update(
            {"Nowhere.SMTP.Password": "hunter2x", "Nowhere.A": "7"}
        )
    assert "hunter2x" not in str(err.value)
    assert "Nowhere.SMTP.Password" in str(err.value)

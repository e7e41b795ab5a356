"""Security proofs: no secret leaks, hostile backup names, TLS, no auth downgrade.

Also who may call which action: the README's table is what Home Assistant does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import datetime as dt
import ipaddress
import json
import logging
from pathlib import Path
import re
import ssl
import stat
from types import SimpleNamespace
from typing import Any

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from homeassistant import config_entries
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, Unauthorized
import pytest
from pytest_homeassistant_custom_component.common import MockUser

from custom_components.cgi_camera.api import (
    CameraAuthenticationError,
    CameraClient,
    CameraConnectionError,
)
from custom_components.cgi_camera.backup import FILE_MODE, FOLDER_MODE, backup_folder
from custom_components.cgi_camera.const import CONF_HTTPS, DOMAIN
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import RESPONSE_ACTIONS, SetupIntegration, wait_for_state
from tests.secret_guard import SecretGuard

BACKUP = "button.cgi_camera_backup"


# ------------------------------------------------------------ the guard itself


def test_guard_finds_leaks(no_secret_leaks: SecretGuard) -> None:
    """The autouse guard sees passwords, Basic tokens and Digest answers."""
    guard = SecretGuard()
    fake = SimpleNamespace(
        config=SimpleNamespace(username="root", password="pass"),
        state=SimpleNamespace(users=SimpleNamespace(accounts={})),
    )
    guard.simulators.append(fake)  # type: ignore[arg-type]
    guard.add("fine", "the password was refused; tests passed; bypass")
    assert guard.check() == []
    for text in (
        "GET /param.cgi?user=root&pass=x: pass",
        "Authorization: Basic cm9vdDpwYXNz",
        'Authorization: Digest username="root", response="0a1b"',
    ):
        guard.texts.clear()
        guard.add("log", text)
        assert guard.check(), text
    # And the real one records this test's log output.
    logging.getLogger("custom_components.cgi_camera").debug("visible")
    assert any(r.getMessage() == "visible" for r in no_secret_leaks.recorder.records)


# -------------------------------------------------------------------- backups


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's config folder in the test's own temporary folder."""
    hass.config.config_dir = str(tmp_path / "config")
    (tmp_path / "config").mkdir()
    return tmp_path / "config"


HOSTILE_NAMES = [
    "../../x",
    "../../../../etc/cron.d/evil",
    "/etc/passwd",
    "/tmp/../../root/.ssh/authorized_keys.tar",
    "..",
    "....//....//x.tar",
    "..\\\\..\\\\windows.tar",
    "nul\x00byte.tar",
    "x" * 5000 + ".tar",
    ".hidden",
    "",
]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
async def test_hostile_backup_file_names(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    config_dir: Path,
    name: str,
) -> None:
    """The name from Content-Disposition never escapes the backups folder."""
    sim = await simulator_factory(backup_filename=name)
    await setup(sim, platforms=[Platform.BUTTON])
    try:
        await hass.services.async_call(
            "button", "press", {"entity_id": BACKUP}, blocking=True
        )
    except HomeAssistantError:
        # Newer aiohttp servers refuse to send a NUL in a header and drop the
        # connection: the backup then fails, and nothing is written anywhere.
        assert "\x00" in name
        assert _files(config_dir) == []
        return
    folder = backup_folder(hass)
    written = _files(config_dir)
    assert len(written) == 1, written
    path = written[0]
    assert path.parent == folder
    assert path.name.endswith(".tar")
    assert not path.name.startswith(".")
    assert len(path.name) < 255
    assert path.read_bytes() == sim.last_backup
    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == FOLDER_MODE == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    # Nothing anywhere else under the test's folder but the config folder.
    assert [p.name for p in config_dir.parent.iterdir()] == ["config"]


async def test_backup_folder_permissions_repaired(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    config_dir: Path,
) -> None:
    """A folder someone made world-readable is made private again."""
    folder = config_dir / "cgi_camera" / "backups"
    folder.mkdir(parents=True, mode=0o777)
    folder.chmod(0o777)
    await setup(simulator, platforms=[Platform.BUTTON])
    await hass.services.async_call(
        "button", "press", {"entity_id": BACKUP}, blocking=True
    )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (path,) = folder.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ------------------------------------------------------------------------ TLS


def _self_signed(folder: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cgi-camera")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture
async def https_sim(simulator_factory: SimulatorFactory, tmp_path: Path) -> Simulator:
    """A simulator serving HTTPS with a self-signed certificate.

    A client that refuses the certificate makes the *device's* TLS handshake
    fail; asyncio reports that to the loop's exception handler, which the
    test plugin turns into a failure. Only that server-side report is
    dropped (the device logging a failed handshake is its business).
    """
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, ConnectionResetError | ssl.SSLError) and str(
            context.get("message", "")
        ).startswith("Error on transport creation"):
            return
        if previous is not None:
            previous(loop, context)
        else:  # pragma: no cover
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    sim = await simulator_factory(ssl=_self_signed(tmp_path))
    assert sim.url.startswith("https://")
    return sim


def _user_input(sim: Simulator, *, verify: bool) -> dict[str, Any]:
    return {
        CONF_HOST: sim.host,
        CONF_PORT: sim.port,
        CONF_HTTPS: True,
        CONF_VERIFY_SSL: verify,
        CONF_USERNAME: "root",
        CONF_PASSWORD: "pass",
    }


def _config_errors() -> dict[str, str]:
    strings = Path(__file__).parents[2] / "custom_components/cgi_camera/strings.json"
    errors: dict[str, str] = json.loads(strings.read_text())["config"]["error"]
    return errors


async def test_self_signed_refused_when_verifying(
    hass: HomeAssistant, https_sim: Simulator
) -> None:
    """Verification on: the certificate is refused with its own clear error."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    before = https_sim.counters.total_requests
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(https_sim, verify=True)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_certificate"}
    assert https_sim.counters.total_requests == before  # not one request sent
    assert "invalid_certificate" in _config_errors()


async def test_self_signed_accepted_without_verification(
    hass: HomeAssistant, https_sim: Simulator
) -> None:
    """Verification off: the same device is set up over HTTPS."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(https_sim, verify=False)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.base_url.startswith("https://")
    https_sim.set_input(1, True)  # pushed over the TLS monitor stream
    await wait_for_state(hass, "binary_sensor.cgi_camera_input_1", "on")
    assert https_sim.counters.open_connections["io"] == 1


async def test_self_signed_entry_not_ready_with_reason(
    hass: HomeAssistant, https_sim: Simulator, setup: SetupIntegration
) -> None:
    """An entry whose device now has an untrusted certificate says why."""
    entry = await setup(https_sim, data={CONF_HTTPS: True, CONF_VERIFY_SSL: True})
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "certificate" in (entry.reason or "")


# ---------------------------------------------------------------- no downgrade


@pytest.fixture
async def traced_session() -> AsyncIterator[tuple[aiohttp.ClientSession, list[str]]]:
    """A session recording the Authorization header of every request sent."""
    sent: list[str] = []

    async def on_request_headers_sent(
        session: aiohttp.ClientSession,
        context: Any,
        params: aiohttp.TraceRequestHeadersSentParams,
    ) -> None:
        sent.append(params.headers.get("Authorization", ""))

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(on_request_headers_sent)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        yield session, sent


async def test_digest_never_falls_back_to_basic(
    simulator_factory: SimulatorFactory,
    traced_session: tuple[aiohttp.ClientSession, list[str]],
) -> None:
    """Once Digest was seen, a device offering only Basic gets no password."""
    session, sent = traced_session
    sim = await simulator_factory(auth="digest")
    client = CameraClient(
        session, sim.host, port=sim.port, username="root", password="pass"
    )
    await client.io.check_inputs((1,))
    assert client.auth_scheme == "digest"
    sim.auth.scheme = "basic"  # the device (or someone in between) downgrades
    sim.auth.forget_nonces()
    for _ in range(3):
        with pytest.raises(CameraAuthenticationError):
            await client.io.check_inputs((1,))
    assert client.auth_scheme == "digest"
    assert not [header for header in sent if header.lower().startswith("basic")]
    assert any(header.lower().startswith("digest") for header in sent)


async def test_basic_only_device_still_works(
    simulator_factory: SimulatorFactory,
    traced_session: tuple[aiohttp.ClientSession, list[str]],
) -> None:
    """A device that only ever offered Basic keeps working with Basic."""
    session, sent = traced_session
    sim = await simulator_factory(auth="basic")
    client = CameraClient(
        session, sim.host, port=sim.port, username="root", password="pass"
    )
    assert await client.io.check_inputs((1,)) == {1: False}
    assert client.auth_scheme == "basic"
    assert sent[-1].startswith("Basic ")


async def test_untrusted_certificate_error_is_clear(
    https_sim: Simulator,
    traced_session: tuple[aiohttp.ClientSession, list[str]],
) -> None:
    """The API says the certificate is the problem (and sends nothing)."""
    session, sent = traced_session
    client = CameraClient(
        session,
        https_sim.host,
        port=https_sim.port,
        https=True,
        verify_ssl=True,
        username="root",
        password="pass",
    )
    with pytest.raises(CameraConnectionError, match="certificate") as err:
        await client.get_device_info()
    assert "pass" not in str(err.value)
    assert sent == []


# -------------------------------------------------------------------- actions

CAMERA = "camera.cgi_camera"
OUTPUT = "switch.cgi_camera_output_1"
ENTRY = "<entry>"
# Valid values for each action; those a plain user may call succeed with them.
VALID_CALLS: dict[str, dict[str, Any]] = {
    "pulse_output": {"entity_id": OUTPUT, "on_ms": 10, "off_ms": 10},
    "ptz_move": {"entity_id": CAMERA, "direction": "up"},
    "ptz_absolute": {"entity_id": CAMERA, "pan": 10},
    "ptz_relative": {"entity_id": CAMERA, "tilt": -5},
    "ptz_continuous": {"entity_id": CAMERA, "zoom": 10},
    "ptz_stop": {"entity_id": CAMERA},
    "ptz_center": {"entity_id": CAMERA, "x": 10, "y": 10},
    "ptz_goto_preset": {"entity_id": CAMERA, "preset": "Gate"},
    "ptz_set_preset": {"entity_id": CAMERA, "preset": "Door"},
    "ptz_remove_preset": {"entity_id": CAMERA, "preset": "Gate"},
    "ptz_set_speed": {"entity_id": CAMERA, "speed": 50},
    "ptz_autofocus": {"entity_id": CAMERA, "enabled": True},
    "ptz_autoiris": {"entity_id": CAMERA, "enabled": False},
    "ptz_auxiliary": {"entity_id": CAMERA, "function": "wiper"},
    "set_parameters": {"config_entry_id": ENTRY, "parameters": {"Input.I0.Name": "x"}},
    "get_parameters": {"config_entry_id": ENTRY},
    "get_system_log": {"config_entry_id": ENTRY, "lines": 10},
    "ip_filter_list": {"config_entry_id": ENTRY},
    "ip_filter_add": {"config_entry_id": ENTRY, "addresses": "10.0.0.0/8"},
    "ip_filter_remove": {"config_entry_id": ENTRY, "addresses": "10.0.0.0/8"},
    "rotate_password": {"config_entry_id": ENTRY},
    "set_osd_text": {"config_entry_id": ENTRY, "text": "x"},
    "sync_time": {"config_entry_id": ENTRY},
    "storage_mount": {"config_entry_id": ENTRY},
    "storage_unmount": {"config_entry_id": ENTRY},
    "storage_format": {"config_entry_id": ENTRY, "confirm": True},
    "storage_remove_recording": {"config_entry_id": ENTRY, "recording_id": "x"},
    "restore_backup": {"config_entry_id": ENTRY, "file": "backup.tar"},
    "upgrade_firmware": {
        "config_entry_id": ENTRY,
        "file": "firmware.bin",
        "confirm": True,
    },
    "factory_default": {"config_entry_id": ENTRY, "confirm": True},
    "list_motion_windows": {"config_entry_id": ENTRY},
    "add_motion_window": {"config_entry_id": ENTRY, "name": "Gate", "top": 500},
    "update_motion_window": {"config_entry_id": ENTRY, "window": "M0", "left": 10},
    "remove_motion_window": {"config_entry_id": ENTRY, "windows": "M0"},
    "record_clip": {"entity_id": CAMERA, "duration": 1},
}


def _readme_who() -> dict[str, bool]:
    """Each action of the README's "Who can trigger what" table: admin only?"""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = readme.split("**Who can trigger what**", 1)[1].split("\n\n| ", 1)[1]
    table = "| " + table.split("\n\n", 1)[0]
    who: dict[str, bool] = {}
    for row in table.splitlines()[2:]:
        actions, caller = row.strip("|").rsplit("|", 1)
        for action in re.findall(r"`([a-z_]+)`", actions):
            assert action not in who, f"{action} is in two rows"
            who[action] = "administrators only" in caller
    return who


async def test_who_may_call_which_action(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    hass_admin_user: MockUser,
) -> None:
    """Unauthorized exactly where the README says "administrators only".

    The caller is a user who controls every entity. Refused calls send
    nothing; the others reach the device. Relays and PTZ moves are the
    user's (entity permissions); stored presets and every device action are
    the administrators'.
    """
    entry = await setup(simulator)
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    assert set(VALID_CALLS) == registered
    readme = _readme_who()
    assert set(readme) == registered
    await hass.services.async_call(  # an automation (no user) may
        DOMAIN, "ptz_set_preset", {"entity_id": CAMERA, "preset": "Gate"}, blocking=True
    )
    group = await hass.auth.async_get_group(GROUP_ID_USER)
    user = MockUser(groups=[group]).add_to_hass(hass)
    refused: set[str] = set()
    for service, data in VALID_CALLS.items():
        payload = {k: entry.entry_id if v == ENTRY else v for k, v in data.items()}
        before = simulator.counters.total_requests
        try:
            await hass.services.async_call(
                DOMAIN,
                service,
                payload,
                blocking=True,
                context=Context(user_id=user.id),
                return_response=service in RESPONSE_ACTIONS,
            )
        except Unauthorized:
            refused.add(service)
            assert simulator.counters.total_requests == before, service
        else:
            assert simulator.counters.total_requests > before, service
    assert refused == {action for action in registered if readme[action]}
    # An administrator may call an admin-only action (the others: test_*).
    await hass.services.async_call(
        DOMAIN,
        "ptz_set_preset",
        VALID_CALLS["ptz_set_preset"],
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert "Door" in simulator.ptz_presets(1).values()

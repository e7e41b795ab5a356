"""Start simulators and a real Home Assistant with CGI Camera set up.

Used by scripts/develop (interactively), and by the benchmarks and the browser
check, which need the same environment. Everything runs on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import secrets
import signal
import socket
import subprocess
import sys
from typing import IO, Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DOMAIN = "cgi_camera"
CAMERA_USER = "root"
CAMERA_PASSWORD = "pass"  # the simulator's documented default, not a secret
# Home Assistant's onboarding steps (homeassistant.components.onboarding.const).
STEP_USER = "user"
STEP_CORE_CONFIG = "core_config"
STEP_ANALYTICS = "analytics"
STEP_INTEGRATION = "integration"


@dataclass(frozen=True)
class SimulatedDevice:
    """One simulator process: what it is and how it is started."""

    label: str
    port: int
    options: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """Where the simulator listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def command(self) -> list[str]:
        """The command line that starts it."""
        port = ["--port", str(self.port)]
        return [str(PYTHON), "-m", "simulator", *port, *self.options]


PTZ_CAMERA = SimulatedDevice(
    "PTZ camera",
    8081,
    (
        *("--inputs", "2", "--outputs", "2", "--mac", "00:40:8C:00:00:01"),
        *("--hostname", "ptz-camera"),
        # A speaker that takes G.711 µ-law only: the media player plays to it.
        *("--speaker-types", "audio/basic"),
    ),
)
VIDEO_SERVER = SimulatedDevice(
    "Video server",
    8082,
    (
        *("--sources", "4", "--inputs", "4", "--outputs", "1"),
        *("--no-ptz", "--no-sd", "--no-audio", "--mac", "00:40:8C:00:00:02"),
        *("--model", "CGI-2400", "--hostname", "video-server"),
    ),
)


def probe_configuration(name: str, port: int) -> str:
    """configuration.yaml of a measuring Home Assistant: loopback, APIs, probe."""
    return f"""homeassistant:
  name: {name}
  time_zone: UTC
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
websocket_api:
bench_probe:
"""


def port_is_free(port: int) -> bool:
    """Tell whether nothing listens on the loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Processes:
    """Child processes, each in its own session so that one signal stops it all."""

    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def spawn(
        self,
        command: Sequence[str],
        log: IO[bytes] | None = None,
        cwd: Path = ROOT,
        env: Mapping[str, str] | None = None,
    ) -> int:
        """Start a command (``env`` added to this environment); return its pid."""
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env} if env else None,
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,
        )
        self.running.append(process)
        return process.pid

    def check_alive(self, hint: str) -> None:
        """Fail loudly when a child died."""
        for process in self.running:
            if process.poll() is not None:
                command = " ".join(map(str, process.args))  # type: ignore[arg-type]
                raise SystemExit(
                    f"{command} exited with {process.returncode}; see {hint}"
                )

    def stop(self) -> None:
        """Stop every child, the last started first, each before the next.

        Home Assistant is started after the simulators it talks to: stopping it
        first lets it shut down while its devices still answer (stopping them
        first makes it log "cannot connect" errors on its way out).
        """
        for process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


@dataclass
class HomeAssistant:
    """A Home Assistant process on a config directory, driven over its APIs."""

    config_dir: Path
    port: int = 8123
    # --skip-pip: install nothing into .venv at run time. Without it Home
    # Assistant installs what the integration's manifest points at (its dhcp
    # matcher: the dhcp integration's packages, which upgrade pycares past what
    # aiodns 3.2.0 works with) and the TOTP packages; the develop configuration
    # needs nothing beyond requirements_dev.txt. Off for the benchmarks, whose
    # rest sensors need packages installed at run time.
    skip_pip: bool = False
    owner: dict[str, str] = field(default_factory=dict)
    token: str = ""
    refresh_token: str = ""
    pid: int = 0

    @property
    def url(self) -> str:
        """Where Home Assistant listens."""
        return f"http://localhost:{self.port}"

    @property
    def log_path(self) -> Path:
        """Home Assistant's output."""
        return self.config_dir / "home-assistant-develop.log"

    def start(self, processes: Processes, env: Mapping[str, str] | None = None) -> None:
        """Link the integration in and start Home Assistant (``env`` added)."""
        if not port_is_free(self.port):
            raise SystemExit(
                f"port {self.port} is already in use: another Home Assistant "
                "(or scripts/develop) is running. Stop it and try again."
            )
        self.link_component(ROOT / "custom_components" / DOMAIN)
        self.skip_onboarding_integrations()
        log = self.log_path.open("ab")
        command = [str(PYTHON), "-m", "homeassistant", "-c", str(self.config_dir)]
        if self.skip_pip:
            command.append("--skip-pip")
        # Started in the config folder: from the repository's root, Python would
        # import the repository's custom_components package instead of the
        # config folder's, and miss every other linked component.
        self.pid = processes.spawn(command, log, cwd=self.config_dir, env=env)

    def skip_onboarding_integrations(self) -> None:
        """On a new config folder, mark every onboarding step but the owner done.

        The core_config step of onboarding sets up Google Translate, Met, Radio
        Browser and Shopping list: they install their packages into .venv at
        start, and Radio Browser fails without a network. Marked done before
        the first start, it never runs; the owner is still created through the
        API (the user step).
        """
        store = self.config_dir / ".storage" / "onboarding"
        if store.exists():
            return
        store.parent.mkdir(parents=True, exist_ok=True)
        done = [STEP_CORE_CONFIG, STEP_ANALYTICS, STEP_INTEGRATION]
        onboarding = {"version": 4, "minor_version": 1, "key": "onboarding"}
        store.write_text(json.dumps({**onboarding, "data": {"done": done}}))

    def link_component(self, source: Path) -> None:
        """Let Home Assistant find a custom component through a link, not a copy."""
        target = self.config_dir / "custom_components" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_symlink():
            target.symlink_to(source)

    async def wait_until_up(
        self, session: aiohttp.ClientSession, processes: Processes, url: str
    ) -> None:
        """Poll a URL until it answers; startup has no event to wait for."""
        for _ in range(1200):
            processes.check_alive(str(self.log_path))
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
        raise SystemExit(f"{url} did not come up")

    @property
    def owner_file(self) -> Path:
        """Where the owner's generated credentials are kept (mode 0600)."""
        return self.config_dir / ".develop-owner.json"

    @property
    def client_id(self) -> str:
        """The OAuth client id of this script."""
        return f"{self.url}/"

    async def onboard(self, session: aiohttp.ClientSession) -> None:
        """Create the owner on a new instance, or log in on a known one."""
        async with session.get(f"{self.url}/api/onboarding") as response:
            # Once onboarding is complete, Home Assistant drops the endpoint.
            done = response.status == 404
            steps = (
                {} if done else {s["step"]: s["done"] for s in await response.json()}
            )
        if not steps.get(STEP_USER, True):
            self.owner = {"username": "dev", "password": secrets.token_urlsafe(12)}
            self.owner_file.write_text(json.dumps(self.owner))
            self.owner_file.chmod(0o600)
            payload = {"client_id": self.client_id, "name": "Developer"}
            payload |= {"language": "en", **self.owner}
            async with session.post(
                f"{self.url}/api/onboarding/users", json=payload
            ) as response:
                code = (await response.json())["auth_code"]
        else:
            self.owner = json.loads(self.owner_file.read_text())
            code = await self._login(session)
        self.token = await self._token(session, code)
        redirect = {"client_id": self.client_id, "redirect_uri": f"{self.url}/?x=1"}
        # Steps still open (a folder first started without
        # skip_onboarding_integrations): finish them as the frontend would.
        for step, payload in (
            (STEP_CORE_CONFIG, {}),
            (STEP_ANALYTICS, {}),
            (STEP_INTEGRATION, redirect),
        ):
            if not steps.get(step, True):
                await self.api(session, "post", f"/api/onboarding/{step}", payload)

    async def _login(self, session: aiohttp.ClientSession) -> str:
        flow_payload = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{self.url}/?x=1",
        }
        async with session.post(
            f"{self.url}/auth/login_flow", json=flow_payload
        ) as response:
            flow_id = (await response.json())["flow_id"]
        async with session.post(
            f"{self.url}/auth/login_flow/{flow_id}",
            json={"client_id": self.client_id, **self.owner},
        ) as response:
            return str((await response.json())["result"])

    async def _token(self, session: aiohttp.ClientSession, code: str) -> str:
        form = {"grant_type": "authorization_code", "code": code}
        form["client_id"] = self.client_id
        async with session.post(f"{self.url}/auth/token", data=form) as response:
            tokens = await response.json()
        self.refresh_token = str(tokens["refresh_token"])
        return str(tokens["access_token"])

    async def refresh_access_token(self, session: aiohttp.ClientSession) -> None:
        """Access tokens live 30 minutes: long runs (the soak) need new ones."""
        form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        form["client_id"] = self.client_id
        async with session.post(f"{self.url}/auth/token", data=form) as response:
            response.raise_for_status()
            self.token = str((await response.json())["access_token"])

    async def api(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        payload: Any = None,
    ) -> Any:
        """Call Home Assistant's REST API as the owner."""
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self.token}"}
            async with session.request(
                method, f"{self.url}{path}", json=payload, headers=headers
            ) as response:
                if response.status == 401 and attempt == 0 and self.refresh_token:
                    await self.refresh_access_token(session)
                    continue
                response.raise_for_status()
                return await response.json()
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def add_device(
        self, session: aiohttp.ClientSession, device: SimulatedDevice
    ) -> dict[str, Any]:
        """Add one simulator through the integration's real config flow."""
        flow = await self.api(
            session, "post", "/api/config/config_entries/flow", {"handler": DOMAIN}
        )
        user_input = {"host": "127.0.0.1", "port": device.port, "https": False}
        user_input |= {"username": CAMERA_USER, "password": CAMERA_PASSWORD}
        result: dict[str, Any] = await self.api(
            session,
            "post",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            user_input,
        )
        return result


@dataclass
class DevEnvironment:
    """The simulators, Home Assistant with the devices set up, and an owner."""

    devices: tuple[SimulatedDevice, ...] = (PTZ_CAMERA, VIDEO_SERVER)
    home_assistant: HomeAssistant = field(
        default_factory=lambda: HomeAssistant(ROOT / "config", skip_pip=True)
    )
    processes: Processes = field(default_factory=Processes)

    async def start(self, set_up: Sequence[SimulatedDevice] | None = None) -> None:
        """Start everything; set up ``set_up`` (default: every device)."""
        ha = self.home_assistant
        ports = [ha.port, *(d.port for d in self.devices)]
        busy = [port for port in ports if not port_is_free(port)]
        if busy:
            raise SystemExit(
                f"port(s) {busy} already in use (another scripts/develop?): "
                "stop what runs there and try again"
            )
        for device in self.devices:
            self.processes.spawn(device.command)
        ha.start(self.processes)
        async with aiohttp.ClientSession() as session:
            for device in self.devices:
                await ha.wait_until_up(
                    session, self.processes, f"{device.url}/_sim/state"
                )
            await ha.wait_until_up(session, self.processes, f"{ha.url}/api/onboarding")
            await ha.onboard(session)
            for device in self.devices if set_up is None else set_up:
                result = await ha.add_device(session, device)
                print(f"{device.label}: {describe_flow_result(result)}")


def describe_flow_result(result: Mapping[str, Any]) -> str:
    """Say in words what adding a device through the config flow did."""
    if result.get("type") == "create_entry":
        return f"set up as {result.get('title')!r}"
    if result.get("reason") == "already_configured":
        return "already set up"
    errors = result.get("errors") or {}
    detail = result.get("reason") or ", ".join(errors.values()) or "no detail"
    return f"NOT set up: {result.get('type')} ({detail})"


def print_welcome(env: DevEnvironment) -> None:
    """Say what to open and how to poke the simulators."""
    ha = env.home_assistant
    print(f"\nHome Assistant: {ha.url}")
    print(f"  owner user name: {ha.owner['username']}")
    print(f"  owner password:  {ha.owner['password']}")
    print("Simulated devices (camera API user root, password pass):")
    for device in env.devices:
        print(f"  {device.label}: {device.url}")
    first = env.devices[0].url
    print("\nToggle input 1 of the PTZ camera, and watch its binary_sensor:")
    print(f"  curl -X POST '{first}/_sim/input/1?state=toggle'")
    print(f"Home Assistant's log: {ha.log_path.relative_to(ROOT)}")
    print("Press Ctrl-C to stop everything.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Run until Ctrl-C (or SIGTERM)."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    env = DevEnvironment()
    try:
        asyncio.run(env.start())
        print_welcome(env)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("develop: stopping", file=sys.stderr)
        env.processes.stop()


if __name__ == "__main__":
    main()

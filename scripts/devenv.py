"""Start simulators and a real Home Assistant with CGI Camera set up.

Used by scripts/develop (interactively) and by the benchmarks and the browser
check, which need the same environment. Everything runs on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import secrets
import signal
import socket
import subprocess
import sys
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
PYTHON = ROOT / ".venv" / "bin" / "python"
HA_PORT = 8123
HA_URL = f"http://localhost:{HA_PORT}"
CLIENT_ID = f"{HA_URL}/"
OWNER_FILE = CONFIG_DIR / ".develop-owner.json"
DOMAIN = "cgi_camera"


@dataclass(frozen=True)
class SimulatedDevice:
    """One simulator process: what it is and how it is started."""

    label: str
    port: int
    options: tuple[str, ...]

    @property
    def url(self) -> str:
        """Where the simulator listens."""
        return f"http://127.0.0.1:{self.port}"


DEVICES = (
    SimulatedDevice(
        "PTZ camera",
        8081,
        ("--inputs", "2", "--outputs", "2", "--mac", "00:40:8C:00:00:01"),
    ),
    SimulatedDevice(
        "Video server",
        8082,
        (
            "--sources",
            "4",
            "--inputs",
            "4",
            "--outputs",
            "1",
            "--no-ptz",
            "--no-sd",
            "--no-audio",
            "--mac",
            "00:40:8C:00:00:02",
        ),
    ),
)


def port_is_free(port: int) -> bool:
    """Tell whether nothing listens on the loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def link_integration() -> None:
    """Let Home Assistant find the integration through a link, not a copy."""
    target = CONFIG_DIR / "custom_components" / DOMAIN
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_symlink():
        target.symlink_to(ROOT / "custom_components" / DOMAIN)


@dataclass
class DevEnvironment:
    """The simulators, Home Assistant, and an owner token."""

    devices: tuple[SimulatedDevice, ...] = DEVICES
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    owner: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def start_processes(self) -> None:
        """Start the simulators, then Home Assistant."""
        busy = [d.port for d in self.devices if not port_is_free(d.port)]
        if not port_is_free(HA_PORT):
            busy.insert(0, HA_PORT)
        if busy:
            raise SystemExit(
                f"develop: port(s) {', '.join(map(str, busy))} already in use. "
                "Stop whatever listens there (another scripts/develop?) and retry."
            )
        for device in self.devices:
            self._spawn(
                [
                    str(PYTHON),
                    "-m",
                    "simulator",
                    "--port",
                    str(device.port),
                    *device.options,
                ]
            )
        link_integration()
        log = (CONFIG_DIR / "home-assistant-develop.log").open("ab")
        self._spawn(
            [str(PYTHON), "-m", "homeassistant", "-c", str(CONFIG_DIR)], stdout=log
        )

    def _spawn(self, command: list[str], stdout: Any = None) -> None:
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=stdout,
                stderr=subprocess.STDOUT if stdout else None,
                start_new_session=True,
            )
        )

    def stop(self) -> None:
        """Stop every process this environment started, and wait for each."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    async def wait_until_up(self, session: aiohttp.ClientSession) -> None:
        """Wait for the simulators and Home Assistant's HTTP API to answer."""
        urls = [f"{d.url}/_sim/state" for d in self.devices]
        urls.append(f"{HA_URL}/api/onboarding")
        for url in urls:
            for _ in range(600):
                self._check_alive()
                try:
                    async with session.get(url) as response:
                        if response.status < 500:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.5)
            else:
                raise SystemExit(f"develop: {url} did not come up")

    def _check_alive(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                raise SystemExit(
                    f"develop: {' '.join(map(str, process.args))} exited with "
                    f"{process.returncode}; see config/home-assistant-develop.log"
                )

    async def onboard(self, session: aiohttp.ClientSession) -> None:
        """Create the owner on a new instance, or log in on a known one."""
        async with session.get(f"{HA_URL}/api/onboarding") as response:
            steps = {s["step"]: s["done"] for s in await response.json()}
        if not steps.get("user", True):
            self.owner = {"username": "dev", "password": secrets.token_urlsafe(12)}
            OWNER_FILE.write_text(json.dumps(self.owner))
            OWNER_FILE.chmod(0o600)
            payload = {
                "client_id": CLIENT_ID,
                "name": "Developer",
                "language": "en",
                **self.owner,
            }
            async with session.post(
                f"{HA_URL}/api/onboarding/users", json=payload
            ) as response:
                code = (await response.json())["auth_code"]
        else:
            self.owner = json.loads(OWNER_FILE.read_text())
            code = await self._login(session)
        self.token = await self._token(session, code)
        for step, path, payload in (
            ("core_config", "core_config", {}),
            ("analytics", "analytics", {}),
            (
                "integration",
                "integration",
                {"client_id": CLIENT_ID, "redirect_uri": f"{HA_URL}/?auth_callback=1"},
            ),
        ):
            if not steps.get(step, True):
                await self.api(session, "post", f"/api/onboarding/{path}", payload)

    async def _login(self, session: aiohttp.ClientSession) -> str:
        flow_payload = {
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{HA_URL}/?auth_callback=1",
        }
        async with session.post(
            f"{HA_URL}/auth/login_flow", json=flow_payload
        ) as response:
            flow_id = (await response.json())["flow_id"]
        async with session.post(
            f"{HA_URL}/auth/login_flow/{flow_id}",
            json={"client_id": CLIENT_ID, **self.owner},
        ) as response:
            return str((await response.json())["result"])

    async def _token(self, session: aiohttp.ClientSession, code: str) -> str:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": CLIENT_ID,
        }
        async with session.post(f"{HA_URL}/auth/token", data=form) as response:
            return str((await response.json())["access_token"])

    async def api(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        payload: Any = None,
    ) -> Any:
        """Call Home Assistant's REST API as the owner."""
        headers = {"Authorization": f"Bearer {self.token}"}
        async with session.request(
            method, f"{HA_URL}{path}", json=payload, headers=headers
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def add_devices(self, session: aiohttp.ClientSession) -> None:
        """Add each simulator through the integration's real config flow."""
        entries = await self.api(
            session, "get", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        configured = {entry["title"] for entry in entries}
        for device in self.devices:
            if len(configured) >= len(self.devices):
                break
            flow = await self.api(
                session,
                "post",
                "/api/config/config_entries/flow",
                {"handler": DOMAIN, "show_advanced_options": False},
            )
            result = await self.api(
                session,
                "post",
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                {
                    "host": "127.0.0.1",
                    "port": device.port,
                    "https": False,
                    "verify_ssl": False,
                    "username": "root",
                    "password": "pass",
                },
            )
            print(
                f"develop: {device.label}: config flow answered {result['type']}"
                f" ({result.get('reason') or result.get('title')})"
            )

    async def start(self) -> None:
        """Start everything and set the devices up."""
        self.start_processes()
        async with aiohttp.ClientSession() as session:
            await self.wait_until_up(session)
            await self.onboard(session)
            await self.add_devices(session)


def print_welcome(env: DevEnvironment) -> None:
    """Say what to open and how to poke the simulators."""
    print(f"""
Home Assistant: {HA_URL}
  owner user name: {env.owner["username"]}
  owner password:  {env.owner["password"]}
Simulators:""")
    for device in env.devices:
        print(f"  {device.label}: {device.url}  (camera API user root, password pass)")
    first = env.devices[0]
    print(f"""
Toggle input 1 of the {first.label}:
  curl -X POST '{first.url}/_sim/input/1?state=toggle'
Home Assistant's log: config/home-assistant-develop.log
Press Ctrl-C to stop everything.""")


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
        env.stop()


if __name__ == "__main__":
    main()

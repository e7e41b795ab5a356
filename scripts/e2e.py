"""A real-browser check: what scripts/develop starts, seen through headless Chromium.

It logs in through Home Assistant's login page, opens a dashboard with the PTZ
camera's live picture, an input, a relay, the SD card sensor and a PTZ button,
and checks that each of them works end to end. Screenshots go to e2e-artifacts/.
Exits 0 only if every check passes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import re
import sys
import time
from typing import Any

import aiohttp
from playwright.async_api import Page, async_playwright, expect

from bench.homeassistant_ws import HomeAssistantWebSocket
from scripts.devenv import DOMAIN, PTZ_CAMERA, ROOT, DevEnvironment

ARTIFACTS = ROOT / "e2e-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def find_entities(ws: HomeAssistantWebSocket) -> dict[str, str]:
    """The PTZ camera's entities that the dashboard shows, by role."""
    devices = await ws.call("config/device_registry/list")
    device_id = next(
        d["id"]
        for d in devices
        if str(d.get("configuration_url") or "")
        .rstrip("/")
        .endswith(f":{PTZ_CAMERA.port}")
    )
    registry = [
        e
        for e in await ws.call("config/entity_registry/list")
        if e["platform"] == DOMAIN and e["device_id"] == device_id
    ]

    def pick(domain: str, unique_id_pattern: str) -> str:
        return next(
            e["entity_id"]
            for e in sorted(registry, key=lambda e: e["entity_id"])
            if e["entity_id"].startswith(f"{domain}.")
            and re.search(unique_id_pattern, e["unique_id"])
            and not e["disabled_by"]
        )

    return {
        "camera": pick("camera", r"camera.?1$"),
        "input": pick("binary_sensor", r"input.?1$"),
        "relay": pick("switch", r"output.?1$"),
        "storage": pick("sensor", r"free"),
    }


def dashboard(entities: dict[str, str]) -> dict[str, Any]:
    """A one-view dashboard with every element the checks click or read."""
    return {
        "views": [
            {
                "title": "E2E",
                "path": "e2e",
                "cards": [
                    {
                        "type": "picture-entity",
                        "entity": entities["camera"],
                        "camera_view": "live",
                        "show_state": False,
                        "show_name": False,
                    },
                    {
                        "type": "entities",
                        "entities": [
                            {"entity": entities["input"], "name": "E2E input"},
                            {"entity": entities["relay"], "name": "E2E relay"},
                            {"entity": entities["storage"], "name": "E2E storage"},
                        ],
                    },
                    {
                        "type": "button",
                        "name": "PTZ right",
                        "icon": "mdi:arrow-right",
                        "tap_action": {
                            "action": "perform-action",
                            "perform_action": f"{DOMAIN}.ptz_move",
                            "target": {"entity_id": entities["camera"]},
                            "data": {"direction": "right"},
                        },
                    },
                ],
            }
        ]
    }


class Checks:
    """The browser checks, each recorded as passed or failed."""

    def __init__(self, page: Page, session: aiohttp.ClientSession) -> None:
        """Checks run on one logged-in page."""
        self.page = page
        self.session = session
        self.results: dict[str, str] = {}

    async def run(self, name: str, check: Callable[[], Awaitable[None]]) -> None:
        """Run one check; keep going on failure, with a screenshot either way."""
        try:
            await check()
            self.results[name] = "passed"
        except Exception as err:  # report every failure and go on
            self.results[name] = f"FAILED: {err}"
        await self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        print(f"e2e: {name}: {self.results[name]}", flush=True)

    async def simulator_state(self) -> dict[str, Any]:
        """The PTZ camera simulator's state, from its control API."""
        async with self.session.get(f"{PTZ_CAMERA.url}/_sim/state") as response:
            result: dict[str, Any] = await response.json()
            return result

    async def live_picture(self) -> None:
        """The camera card shows an MJPEG stream whose frames change."""
        image = self.page.locator("hui-picture-entity-card img").first
        await expect(image).to_have_attribute(
            "src", re.compile("camera_proxy_stream"), timeout=15000
        )
        first = await image.screenshot()
        await asyncio.sleep(1.5)  # the simulator draws a clock: wait for a new frame
        second = await image.screenshot()
        if first == second:
            raise AssertionError("the live picture did not change in 1.5 s")

    async def input_follows_simulator(self) -> None:
        """An input toggled on the simulator changes on the page within a second."""
        row = self.page.locator("hui-simple-entity-row", has_text="E2E input")
        before = (await row.inner_text()).strip()
        async with self.session.post(f"{PTZ_CAMERA.url}/_sim/input/1?state=toggle"):
            pass
        await expect(row).not_to_have_text(before, timeout=1000)

    async def relay_switches_simulator(self) -> None:
        """Clicking the relay's toggle switches the simulator's relay."""
        before = (await self.simulator_state())["outputs"]["1"]
        row = self.page.locator("hui-toggle-entity-row", has_text="E2E relay")
        await row.locator("ha-switch").click()
        await self.wait_for_simulator(lambda s: s["outputs"]["1"] != before)

    async def ptz_moves_simulator(self) -> None:
        """The PTZ button on the page moves the simulator's camera."""
        before = (await self.simulator_state())["ptz"]["1"]["pan"]
        await self.page.locator("hui-button-card", has_text="PTZ right").click()
        await self.wait_for_simulator(lambda s: s["ptz"]["1"]["pan"] != before)

    async def wait_for_simulator(
        self, condition: Callable[[dict[str, Any]], bool], within: float = 5
    ) -> None:
        """Poll the simulator's state until the condition holds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if condition(await self.simulator_state()):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the simulator did not change")


async def log_in(page: Page, url: str, owner: dict[str, str]) -> None:
    """Log in through Home Assistant's own login page."""
    await page.goto(f"{url}/lovelace/e2e")
    fields = page.locator("input")
    await fields.nth(0).fill(owner["username"])
    await fields.nth(1).fill(owner["password"])
    await fields.nth(1).press("Enter")
    await page.wait_for_url(re.compile(r"/lovelace/e2e"), timeout=30000)


async def run_checks(env: DevEnvironment) -> dict[str, str]:
    """Prepare the dashboard, open it in Chromium, run every check."""
    ha = env.home_assistant
    ws = HomeAssistantWebSocket()
    async with aiohttp.ClientSession() as session:
        await ws.connect(session, ha.url, ha.token)
        entities = await find_entities(ws)
        await ws.call("lovelace/config/save", config=dashboard(entities))
        await ws.close()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
            )
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await log_in(page, ha.url, ha.owner)
            checks = Checks(page, session)
            await checks.run("live_picture", checks.live_picture)
            await checks.run("input_follows_simulator", checks.input_follows_simulator)
            await checks.run(
                "relay_switches_simulator", checks.relay_switches_simulator
            )
            await checks.run("ptz_moves_simulator", checks.ptz_moves_simulator)
            await browser.close()
        return checks.results


def main() -> int:
    """Start the environment, check, stop; 0 only if everything passed."""
    ARTIFACTS.mkdir(exist_ok=True)
    env = DevEnvironment()
    try:
        asyncio.run(env.start())
        results = asyncio.run(run_checks(env))
    finally:
        env.processes.stop()
    failed = [name for name, result in results.items() if result != "passed"]
    print(f"e2e: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

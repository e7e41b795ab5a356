"""A real-browser check: Home Assistant with CGI Camera, seen through headless Chromium.

It starts its own simulators and Home Assistant, beside scripts/develop: its own
configuration folder (e2e-config/, made anew from config/configuration.yaml on
every run) and its own ports (Home Assistant 8124, simulators 8083 and 8084).
In the browser it logs in through Home Assistant's login page, adds the PTZ
camera through the integration's config flow (a wrong password first, which
must show the error), opens a dashboard with the camera's live picture, an
input, a relay, the SD card sensor and a PTZ button and checks that each works
end to end, records a clip with the dashboard's "Record clip" button and finds
it in the media browser, saves the options dialog, and reads the device page
(every entity shows a value; no raw translation key anywhere). At the end
Home Assistant's log must hold no ERROR line. Screenshots go to
e2e-artifacts/, with Home Assistant's log. Exits 0 only if every check passes.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
import re
import shutil
import sys
import time
from typing import Any

import aiohttp
from playwright.async_api import Page, async_playwright, expect

from bench.homeassistant_ws import HomeAssistantWebSocket
from scripts.devenv import (
    CAMERA_PASSWORD,
    CAMERA_USER,
    DOMAIN,
    PTZ_CAMERA,
    ROOT,
    VIDEO_SERVER,
    DevEnvironment,
    HomeAssistant,
    describe_flow_result,
    port_is_free,
)

ARTIFACTS = ROOT / "e2e-artifacts"
CONFIG_DIR = ROOT / "e2e-config"
HA_PORT = 8124
PTZ = replace(PTZ_CAMERA, port=8083)
VIDEO = replace(VIDEO_SERVER, port=8084)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A translation key that the frontend could not resolve, shown as is.
RAW_TRANSLATION = re.compile(r"component\.cgi_camera|\[%key:|\bcgi_camera\.\w+\.")
OPTION_LABELS = (
    "Snapshot resolution",
    "Live stream resolution",
    "Live stream frame rate",
    "Backups to keep",
    "Clip codec",
    "Days to keep clips",
    "Lookback of camera 1",
)
NEW_FRAME_RATE = 4
CLIP_SECONDS = 2
PRESET = "E2E preset"


def write_configuration() -> None:
    """A new e2e-config/: the develop configuration, on the check's own port."""
    develop = (ROOT / "config" / "configuration.yaml").read_text()
    if "\nhttp:\n" not in develop:
        raise SystemExit("config/configuration.yaml has no 'http:' section to extend")
    shutil.rmtree(CONFIG_DIR, ignore_errors=True)
    CONFIG_DIR.mkdir()
    configuration = develop.replace(
        "\nhttp:\n", f"\nhttp:\n  server_port: {HA_PORT}\n", 1
    )
    header = (
        "# Written by scripts/e2e from config/configuration.yaml; made anew each run.\n"
    )
    (CONFIG_DIR / "configuration.yaml").write_text(header + configuration)


async def ptz_device_id(ws: HomeAssistantWebSocket) -> str:
    """The device registry id of the PTZ camera."""
    devices = await ws.call("config/device_registry/list")
    return str(
        next(
            d["id"]
            for d in devices
            if str(d.get("configuration_url") or "")
            .rstrip("/")
            .endswith(f":{PTZ.port}")
        )
    )


async def device_entities(
    ws: HomeAssistantWebSocket, device_id: str
) -> list[dict[str, Any]]:
    """The integration's enabled entities of one device."""
    return [
        e
        for e in await ws.call("config/entity_registry/list")
        if e["platform"] == DOMAIN
        and e["device_id"] == device_id
        and not e["disabled_by"]
    ]


async def find_entities(ws: HomeAssistantWebSocket) -> dict[str, str]:
    """The PTZ camera's entities that the dashboard shows, by role."""
    registry = await device_entities(ws, await ptz_device_id(ws))

    def pick(domain: str, unique_id_pattern: str) -> str:
        return next(
            e["entity_id"]
            for e in sorted(registry, key=lambda e: e["entity_id"])
            if e["entity_id"].startswith(f"{domain}.")
            and re.search(unique_id_pattern, e["unique_id"])
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
                        "name": "Record clip",
                        "icon": "mdi:record-rec",
                        "tap_action": {
                            "action": "perform-action",
                            "perform_action": f"{DOMAIN}.record_clip",
                            "target": {"entity_id": entities["camera"]},
                            "data": {"duration": CLIP_SECONDS},
                        },
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


@dataclass
class Checks:
    """The browser checks, each recorded as passed or failed."""

    page: Page
    session: aiohttp.ClientSession
    ha: HomeAssistant
    ws: HomeAssistantWebSocket

    def __post_init__(self) -> None:
        """No check has run yet."""
        self.results: dict[str, str] = {}

    async def run(self, name: str, check: Callable[[], Awaitable[None]]) -> None:
        """Run one check; keep going on failure, with a screenshot either way."""
        try:
            await check()
            self.results[name] = "passed"
        except Exception as err:  # report every failure and go on
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
            self.results[name] = f"FAILED: {type(err).__name__}: {first_line}"
        await self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        print(f"e2e: {name}: {self.results[name]}", flush=True)

    def skip(self, name: str, why: str) -> None:
        """Record a check that could not run."""
        self.results[name] = f"FAILED: not run: {why}"
        print(f"e2e: {name}: {self.results[name]}", flush=True)

    async def entries(self) -> list[dict[str, Any]]:
        """The integration's config entries."""
        entries: list[dict[str, Any]] = await self.ha.api(
            self.session, "get", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return entries

    async def ptz_entry(self) -> dict[str, Any] | None:
        """The PTZ camera's config entry, once it exists."""
        return next(
            (e for e in await self.entries() if e["title"] == "ptz-camera"), None
        )

    # -- config flow ---------------------------------------------------------

    async def pick_brand(self, name: str) -> None:
        """Open "Add integration" and pick the integration by its name."""
        page = self.page
        search = page.locator("dialog-add-integration search-input input")
        # A click on the button while the page still settles can go unseen.
        for _ in range(3):
            await page.locator("ha-fab", has_text="Add integration").click()
            try:
                await expect(search).to_be_visible(timeout=5000)
                break
            except AssertionError:
                continue
        # Typed into the field itself: a key pressed elsewhere on the page is
        # a keyboard shortcut ("c" opens the command palette).
        await search.click()
        await search.press_sequentially(name, delay=50)
        await page.locator("ha-integration-list-item", has_text=name).click()

    async def config_flow(self) -> None:
        """Add the PTZ camera in the UI: a wrong password, then the right one."""
        page = self.page
        await page.goto(f"{self.ha.url}/config/integrations/dashboard")
        await self.pick_brand("CGI Camera")
        flow = page.locator("dialog-data-entry-flow")
        await expect(flow.get_by_text("Connect to a CGI camera")).to_be_visible(
            timeout=15000
        )
        await flow.get_by_label("Host", exact=True).fill("127.0.0.1")
        await flow.get_by_label("Port", exact=True).fill(str(PTZ.port))
        await flow.get_by_label("Username", exact=True).fill(CAMERA_USER)
        await flow.get_by_label("Password", exact=True).fill(CAMERA_PASSWORD + "-wrong")
        await flow.get_by_role("button", name="Submit").click()
        await expect(flow.get_by_text("Invalid authentication")).to_be_visible(
            timeout=15000
        )
        await page.screenshot(path=ARTIFACTS / "config_flow_wrong_password.png")
        if await self.ptz_entry() is not None:
            raise AssertionError("a wrong password created an entry")
        await flow.get_by_label("Password", exact=True).fill(CAMERA_PASSWORD)
        await flow.get_by_role("button", name="Submit").click()
        await expect(
            flow.get_by_text("Created configuration for ptz-camera")
        ).to_be_visible(timeout=15000)
        await page.screenshot(path=ARTIFACTS / "config_flow_created.png")
        await flow.get_by_role("button", name="Finish").click()
        await expect(flow).to_be_hidden(timeout=10000)
        entry = await self.ptz_entry()
        if entry is None or entry["state"] != "loaded":
            raise AssertionError(f"no loaded entry for the PTZ camera: {entry}")

    # -- the dashboard -------------------------------------------------------

    async def simulator_state(self) -> dict[str, Any]:
        """The PTZ camera simulator's state, from its control API."""
        async with self.session.get(f"{PTZ.url}/_sim/state") as response:
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
        async with self.session.post(f"{PTZ.url}/_sim/input/1?state=toggle"):
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

    # -- clips ---------------------------------------------------------------

    async def browse(self, content_id: str) -> list[dict[str, Any]]:
        """The children of a media source folder (none if it does not exist)."""
        try:
            folder = await self.ws.call(
                "media_source/browse_media", media_content_id=content_id
            )
        except RuntimeError:  # the folder is not made yet: no children
            return []
        children: list[dict[str, Any]] = folder.get("children") or []
        return children

    async def wait_for_clip(self, folder: str, within: float) -> str:
        """Poll the media source until the folder holds a clip; its title."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            clips = [
                child["title"]
                for child in await self.browse(folder)
                if child["title"].endswith(".mp4")
            ]
            if clips:
                return str(clips[-1])
            await asyncio.sleep(0.5)
        raise AssertionError(f"no clip in {folder} after {within} s")

    async def clip_in_media_browser(self) -> None:
        """The dashboard's button records a clip; the media browser shows it."""
        page = self.page
        await page.goto(f"{self.ha.url}/lovelace/e2e")
        await page.locator("hui-button-card", has_text="Record clip").click()
        day = time.strftime("%Y-%m-%d", time.gmtime())  # the config's zone: UTC
        # The device's folder: its host name, then its MAC (see devenv).
        path = ("cgi_camera", "ptz_camera_00408c000001", "camera_1", day)
        folder = "media-source://media_source/local/" + "/".join(path)
        clip = await self.wait_for_clip(folder, within=CLIP_SECONDS + 20)
        await page.goto(f"{self.ha.url}/media-browser/browser")
        await page.get_by_text("My media", exact=True).first.click()
        for name in path:
            await page.get_by_text(name, exact=True).first.click()
        await expect(page.get_by_text(clip, exact=True).first).to_be_visible(
            timeout=15000
        )

    # -- options -------------------------------------------------------------

    async def saved_options(self, entry_id: str) -> dict[str, Any]:
        """The values the options form offers now (the saved options)."""
        flow = await self.ha.api(
            self.session,
            "post",
            "/api/config/config_entries/options/flow",
            {"handler": entry_id},
        )
        await self.ha.api(
            self.session,
            "delete",
            f"/api/config/config_entries/options/flow/{flow['flow_id']}",
        )
        return {
            field["name"]: (field.get("description") or {}).get("suggested_value")
            for field in flow["data_schema"]
        }

    async def options_dialog(self) -> None:
        """The options dialog opens, shows its fields and saves a change."""
        entry = await self.ptz_entry()
        if entry is None:
            raise AssertionError("no entry for the PTZ camera")
        page = self.page
        await page.goto(f"{self.ha.url}/config/integrations/integration/{DOMAIN}")
        row = page.locator("ha-md-list-item", has_text="ptz-camera")
        await row.locator("ha-button", has_text="Configure").click()
        flow = page.locator("dialog-data-entry-flow")
        await expect(flow.get_by_text("CGI camera options")).to_be_visible(
            timeout=15000
        )
        for label in OPTION_LABELS:
            await expect(flow.get_by_text(label).first).to_be_visible()
        text = await flow.inner_text()
        if raw := RAW_TRANSLATION.search(text):
            raise AssertionError(f"raw translation key in the dialog: {raw.group()}")
        await page.screenshot(path=ARTIFACTS / "options_dialog_open.png")
        await flow.get_by_label("Live stream frame rate", exact=True).fill(
            str(NEW_FRAME_RATE)
        )
        await flow.get_by_role("button", name="Submit").click()
        await expect(flow.get_by_text("Options successfully saved")).to_be_visible(
            timeout=15000
        )
        await page.screenshot(path=ARTIFACTS / "options_dialog_saved.png")
        await flow.get_by_role("button", name="Finish").click()
        await expect(flow).to_be_hidden(timeout=10000)
        saved = await self.saved_options(entry["entry_id"])
        if saved.get("frame_rate") != NEW_FRAME_RATE:
            raise AssertionError(f"frame rate not saved: {saved}")

    # -- device page ---------------------------------------------------------

    async def wait_for_state(
        self, entity_id: str, state: str, within: float = 10
    ) -> None:
        """Poll Home Assistant until the entity has the state."""
        deadline = time.monotonic() + within
        current = None
        while time.monotonic() < deadline:
            current = (
                await self.ha.api(self.session, "get", f"/api/states/{entity_id}")
            )["state"]
            if current == state:
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"{entity_id} is {current!r}, not {state!r}")

    async def device_page(self) -> None:
        """Every entity of the device page shows a value; no raw translation key."""
        device_id = await ptz_device_id(self.ws)
        entities = await device_entities(self.ws, device_id)
        # The preset select is unavailable while the camera has no preset (by
        # design: nothing to choose); save one so that it has a value to show.
        ids = sorted(e["entity_id"] for e in entities)
        camera = next(i for i in ids if i.startswith("camera."))
        preset_select = next(i for i in ids if re.match(r"select\..*preset", i))
        await self.ha.api(
            self.session,
            "post",
            f"/api/services/{DOMAIN}/ptz_set_preset",
            {"entity_id": camera, "preset": PRESET},
        )
        page = self.page
        # Tall enough for every card: the page scrolls inside, not the window.
        await page.set_viewport_size({"width": 1280, "height": 2400})
        await page.goto(f"{self.ha.url}/config/devices/device/{device_id}")
        cards = page.locator("ha-device-entities-card")
        await expect(cards.first).to_be_visible(timeout=15000)
        # Its state stays unknown until a preset is chosen: choose it, in the
        # page's own dropdown.
        select = page.locator("hui-select-entity-row", has_text="PTZ preset")
        await select.locator("ha-select").click()
        await select.get_by_role("option", name=PRESET).click()
        await self.wait_for_state(preset_select, PRESET)
        problems = []
        states = {
            s["entity_id"]: s["state"]
            for s in await self.ha.api(self.session, "get", "/api/states")
        }
        for entity in entities:
            entity_id = entity["entity_id"]
            state = states.get(entity_id)
            # A button's state is when it was last pressed, an event entity's
            # when it last fired: unknown until then (the page shows a PRESS
            # button, or the last event).
            if entity_id.startswith(("button.", "event.")) and state == "unknown":
                continue
            if state in (None, "unknown", "unavailable"):
                problems.append(f"{entity_id} is {state}")
        for line in await cards.all_inner_texts():
            for shown in line.splitlines():
                if re.search(r"\b(unknown|unavailable)\b", shown, re.IGNORECASE):
                    problems.append(f"an entities card shows {shown.strip()!r}")
        text = await page.locator("ha-config-device-page").inner_text()
        problems += [
            f"the page shows {line.strip()!r}"
            for line in text.splitlines()
            if RAW_TRANSLATION.search(line)
        ]
        if problems:
            raise AssertionError("; ".join(problems))


async def log_in(page: Page, url: str, owner: dict[str, str], path: str) -> None:
    """Log in through Home Assistant's own login page."""
    await page.goto(f"{url}{path}")
    await page.wait_for_url(re.compile(r"/auth/authorize"), timeout=30000)
    username = page.get_by_label("Username", exact=True)
    await expect(username).to_be_visible(timeout=30000)
    await username.fill(owner["username"])
    await page.get_by_label("Password", exact=True).fill(owner["password"])
    await page.get_by_label("Password", exact=True).press("Enter")
    # Anchored: the login page's own address holds the path as redirect_uri.
    await page.wait_for_url(re.compile(f"^{re.escape(url + path)}"), timeout=30000)
    # The frontend trades the code in the address for tokens and keeps them
    # ("Keep me logged in"): only then can the checks open other pages.
    await expect(page.locator("ha-sidebar")).to_be_visible(timeout=30000)
    await page.wait_for_url(lambda u: "auth_callback" not in u, timeout=30000)


DASHBOARD_CHECKS = (
    "live_picture",
    "input_follows_simulator",
    "relay_switches_simulator",
    "ptz_moves_simulator",
)


async def run_checks(env: DevEnvironment) -> dict[str, str]:
    """Open Home Assistant in Chromium and run every check."""
    ha = env.home_assistant
    ws = HomeAssistantWebSocket()
    async with aiohttp.ClientSession() as session, async_playwright() as playwright:
        await ws.connect(session, ha.url, ha.token)
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        checks = Checks(page, session, ha, ws)
        await log_in(page, ha.url, ha.owner, "/config/integrations/dashboard")
        await checks.run("config_flow", checks.config_flow)
        if await checks.ptz_entry() is None:
            # Go on with the other checks on a device added through the API.
            result = await ha.add_device(session, PTZ)
            print(f"e2e: PTZ camera through the API: {describe_flow_result(result)}")
        try:
            entities = await find_entities(ws)
        except StopIteration:
            for name in DASHBOARD_CHECKS:
                checks.skip(name, "the PTZ camera's entities are missing")
        else:
            await ws.call("lovelace/config/save", config=dashboard(entities))
            await page.goto(f"{ha.url}/lovelace/e2e")
            for name in DASHBOARD_CHECKS:
                await checks.run(name, getattr(checks, name))
            await page.screenshot(path=ARTIFACTS / "dashboard.png")
            await checks.run("clip_in_media_browser", checks.clip_in_media_browser)
        await checks.run("options_dialog", checks.options_dialog)
        await checks.run("device_page", checks.device_page)
        await browser.close()
        await ws.close()
    return checks.results


def log_errors(ha: HomeAssistant) -> list[str]:
    """ERROR lines in what Home Assistant wrote (its output and its own log)."""
    lines: dict[str, None] = {}  # the same line is in both: keep it once
    for path in (ha.log_path, ha.config_dir / "home-assistant.log"):
        if path.exists():
            lines |= dict.fromkeys(
                line for line in path.read_text().splitlines() if " ERROR " in line
            )
    return list(lines)


def main() -> int:
    """Start the environment, check, stop; 0 only if everything passed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="when every check passes, copy the dashboard's screenshot to "
        "docs/dashboard.png (the README's picture)",
    )
    args = parser.parse_args()
    ARTIFACTS.mkdir(exist_ok=True)
    env = DevEnvironment(
        devices=(PTZ, VIDEO),
        home_assistant=HomeAssistant(CONFIG_DIR, port=HA_PORT, skip_pip=True),
    )
    # Before anything starts: the ports must be free (DevEnvironment.start
    # checks again), and e2e-config/ is only ever this check's folder.
    busy = [p for p in (HA_PORT, PTZ.port, VIDEO.port) if not port_is_free(p)]
    if busy:
        print(
            f"e2e: port(s) {busy} already in use: is another scripts/e2e running? "
            "(scripts/develop uses 8123, 8081 and 8082, which this check leaves alone)",
            file=sys.stderr,
        )
        return 2
    write_configuration()
    results: dict[str, str] = {}
    try:
        asyncio.run(env.start(set_up=[VIDEO]))
        results = asyncio.run(run_checks(env))
    finally:
        env.processes.stop()
        if env.home_assistant.log_path.exists():
            shutil.copy(env.home_assistant.log_path, ARTIFACTS / "home-assistant.log")
    errors = log_errors(env.home_assistant)
    results["no_errors_in_log"] = (
        "passed" if not errors else f"FAILED: {len(errors)} ERROR line(s): {errors[0]}"
    )
    print(f"e2e: no_errors_in_log: {results['no_errors_in_log']}")
    failed = [name for name, result in results.items() if result != "passed"]
    print(f"e2e: {len(results) - len(failed)} passed, {len(failed)} failed")
    if args.update_docs and not failed:
        shutil.copy(ARTIFACTS / "dashboard.png", ROOT / "docs" / "dashboard.png")
        print("e2e: docs/dashboard.png updated")
    print(
        f"e2e: screenshots and Home Assistant's log in {ARTIFACTS.relative_to(ROOT)}/"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

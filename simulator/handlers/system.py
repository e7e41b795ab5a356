"""System CGIs: restart, defaults, backup/restore, firmware, log, date, OSD."""

from __future__ import annotations

import datetime as dt
import re

from aiohttp import BodyPartReader, web

from ..respond import arguments, failed, ok, sim_of, text
from ..state import format_date

FIRMWARE_TAG = re.compile(rb"CGIFW:([0-9A-Za-z._-]{1,32})")
MAX_UPLOAD = 64 * 1024 * 1024
DATE_FIELDS = (
    ("year", 1970, 2031),
    ("month", 1, 12),
    ("day", 1, 31),
    ("hour", 0, 23),
    ("minute", 0, 59),
    ("second", 0, 59),
)


async def _send_then_reboot(
    request: web.Request, response: web.Response
) -> web.Response:
    """Write the answer completely, then take the device away."""
    await response.prepare(request)
    await response.write_eof()
    sim_of(request).schedule_reboot()
    return response


async def restart_cgi(request: web.Request) -> web.Response:
    """restart.cgi."""
    sim_of(request).state.add_log("Restart requested")
    return await _send_then_reboot(request, ok())


async def factorydefault_cgi(request: web.Request) -> web.Response:
    """factorydefault.cgi (keeps the network settings, then restarts)."""
    sim_of(request).state.factory_default(hard=False)
    sim_of(request).factory_defaults.append("soft")
    return await _send_then_reboot(request, ok())


async def hardfactorydefault_cgi(request: web.Request) -> web.Response:
    """hardfactorydefault.cgi (resets everything, then restarts)."""
    sim_of(request).state.factory_default(hard=True)
    sim_of(request).factory_defaults.append("hard")
    return await _send_then_reboot(request, ok())


async def backup_cgi(request: web.Request) -> web.Response:
    """backup.cgi: a tar of the configuration."""
    sim = sim_of(request)
    data = sim.state.backup()
    sim.last_backup = data
    filename = sim.config.backup_filename
    if filename is None:
        filename = f"backup_{sim.config.mac_plain}.tar"
    return web.Response(
        body=data,
        headers={
            "Content-Type": "application/x-tar",
            "Content-Disposition": f'attachment; filename="{filename}"'
            if sim.config.backup_filename is not None
            else f"attachment; filename={filename}",
        },
    )


async def _upload(request: web.Request) -> bytes | None:
    """The first file of an RFC 1867 upload, or None."""
    if not request.content_type.startswith("multipart/"):
        return None
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.filename is not None:
            data = bytearray()
            while chunk := await part.read_chunk():
                data += chunk
                if len(data) > MAX_UPLOAD:
                    return None
            return bytes(data)
    return None


async def restore_cgi(request: web.Request) -> web.Response:
    """restore.cgi: apply a backup sent as multipart/form-data."""
    if request.method != "POST":
        return failed("restore requires POST")
    data = await _upload(request)
    if data is None:
        return failed("no backup file in the request")
    sim_of(request).restored.append(data)
    problem = sim_of(request).state.restore(data)
    return failed(problem) if problem else ok()


async def firmwareupgrade_cgi(request: web.Request) -> web.Response:
    """firmwareupgrade.cgi: accept an image, maybe reset, then restart."""
    sim = sim_of(request)
    if request.method != "POST":
        return failed("firmware upgrade requires POST")
    kind = request.query.get("type", "normal")
    if kind not in ("normal", "factorydefault"):
        return failed(f"invalid type '{kind}'")
    data = await _upload(request)
    if not data:
        return failed("no firmware file in the request")
    if kind == "factorydefault":
        sim.state.factory_default(hard=True)
        sim.factory_defaults.append("hard")
    match = FIRMWARE_TAG.search(data[:4096])
    version = match.group(1).decode() if match else None

    def install() -> None:
        if version is not None:
            sim.state.set_setting("Properties.Firmware.Version", version)

    sim.state.add_log(f"Firmware upgrade ({len(data)} bytes, type {kind})")
    response = ok()
    await response.prepare(request)
    await response.write_eof()
    sim.schedule_reboot(after=install)
    return response


async def systemlog_cgi(request: web.Request) -> web.Response:
    """systemlog.cgi."""
    return text("".join(f"{line}\r\n" for line in sim_of(request).state.log))


async def date_cgi(request: web.Request) -> web.Response:
    """date.cgi?action=get|set."""
    sim = sim_of(request)
    args = await arguments(request)
    action = args.get("action", "")
    if action == "get":
        return text(format_date(sim.state.now()) + "\r\n")
    if action != "set":
        return failed(f"invalid action '{action}'")
    timezone = args.get("timezone")
    if timezone not in (None, "GMT"):
        return failed(f"invalid timezone '{timezone}'")
    now = sim.state.now()
    values: dict[str, int] = {}
    for name, low, high in DATE_FIELDS:
        raw = args.get(name)
        if raw is None:
            values[name] = getattr(now, name)
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            return failed(f"invalid {name} '{raw}'")
        values[name] = int(raw)
    try:
        new = dt.datetime(**values, tzinfo=dt.UTC)
    except ValueError as err:
        return failed(str(err))
    sim.state.set_clock(new)
    sim.state.add_log(f"Date set to {format_date(new)}")
    return ok()


OSD_FIELDS = {
    "DateEnabled": "DateEnabled",
    "ClockEnabled": "ClockEnabled",
    "TextEnabled": "TextEnabled",
    "String": "String",
}


async def setosd_cgi(request: web.Request) -> web.Response:
    """setosd.cgi: OSD text; Commit=yes writes it to the parameters."""
    sim = sim_of(request)
    args = await arguments(request)
    commit = args.get("Commit", "no")
    if commit not in ("yes", "no"):
        return failed("Commit must be yes or no")
    changes: dict[str, str] = {}
    for name in OSD_FIELDS:
        if name in args:
            value = args[name]
            if name != "String" and value not in ("yes", "no"):
                return failed(f"{name} must be yes or no")
            changes[name] = value
    for name in args:
        if name not in OSD_FIELDS and name != "Commit":
            return failed(f"unknown parameter '{name}'")
    if commit == "yes":
        for index in range(sim.config.sources):
            for name, value in changes.items():
                sim.state.set_setting(f"Image.I{index}.Text.{name}", value)
        for name in changes:
            sim.state.osd_runtime.pop(name, None)
    else:
        sim.state.osd_runtime.update(changes)
    return ok()

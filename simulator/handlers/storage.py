"""SD card CGIs: mount.cgi, format.cgi, list.cgi, remove.cgi."""

from __future__ import annotations

from aiohttp import web

from ..respond import arguments, failed, not_found, ok, sim_of, text
from ..state import SD_TOTAL_KIB, Recording, Storage

DISK_ID = "SD_DISK"


def _disk_xml(storage: Storage) -> str:
    if storage.status == "absent":
        return (
            '<?xml version="1.0" ?>\n  <root>\n  <disks numberofdisks="0">\n'
            "  </disks>\n  </root>\n"
        )
    status = {"ok": "OK", "full": "full", "readonly": "OK", "unmounted": "unmounted"}[
        storage.status
    ]
    full = "yes" if storage.status == "full" or "full" in storage.flags else "no"
    readonly = "yes" if storage.status == "readonly" else "no"
    if "readonly" in storage.flags:
        readonly = "yes"
    locked = "yes" if "locked" in storage.flags else "no"
    free = storage.free_kib if storage.status != "unmounted" else 0
    return (
        '<?xml version="1.0" ?>\n'
        "  <root>\n"
        '  <disks numberofdisks="1">\n'
        f'  <disk diskid="{DISK_ID}" totalsize="{SD_TOTAL_KIB}" freesize="{free}" '
        'cleanuplevel="95" cleanupmaxage="1" cleanuppolicy="none"\n'
        f'   locked="{locked}" full="{full}" readonly="{readonly}" '
        f'status="{status}" />\n'
        "  </disks>\n"
        "  </root>\n"
    )


def _recording_xml(recording: Recording) -> str:
    local_start = recording.start.replace("Z", "+0000")
    local_stop = recording.stop.replace("Z", "+0000")
    return (
        "      <recording\n"
        f'recordingid="{recording.recording_id}"\n'
        f'diskid="{DISK_ID}" starttime="{recording.start}"\n'
        f'starttimelocal="{local_start}" stoptime="{recording.stop}"\n'
        f'stoptimelocal="{local_stop}" recordingtype="{recording.recording_type}" '
        f'eventid="{recording.event_id}"\n'
        f'recordingstatus="{recording.status}" '
        f'locked="{"yes" if recording.locked else "no"}">\n'
        '      <video mimetype="image/jpeg" source="" framerate="30:1"\n'
        'resolution="176x120"\n'
        'codecdata="AAAAAWdCACnikFiPy4GrBgEG4eJEVAAAAAFozjyA"\n'
        'capsstr="image/jpeg, squarepixelenabled=(boolean)false,\n'
        "width=(int)176, height=(int)120,\n"
        'framerate=(fraction)2147483647/1" />\n'
        "      </recording>\n"
    )


def _recordings_xml(storage: Storage, recording_id: str) -> str:
    available = [] if storage.status in ("absent", "unmounted") else storage.recordings
    chosen = [r for r in available if recording_id in ("all", r.recording_id)]
    return (
        '    <?xml version="1.0" ?>\n'
        "      <root>\n"
        f'      <recordings totalnumberofrecordings="{len(available)}"\n'
        f'numberofrecordings="{len(chosen)}">\n'
        + "".join(_recording_xml(r) for r in chosen)
        + "      </recordings>\n"
        "      </root>\n"
    )


def _storage(request: web.Request) -> Storage | None:
    sim = sim_of(request)
    return sim.state.storage if sim.config.sd_card else None


def _disk_error(storage: Storage, disk_id: str | None) -> str | None:
    if disk_id != DISK_ID:
        return f"invalid diskid '{disk_id}'"
    if storage.status == "absent":
        return "no disk present"
    return None


async def mount_cgi(request: web.Request) -> web.Response:
    """mount.cgi?diskid=SD_DISK&action=mount|umount."""
    storage = _storage(request)
    if storage is None:
        return not_found()
    args = await arguments(request)
    problem = _disk_error(storage, args.get("diskid"))
    if problem:
        return failed(problem)
    action = args.get("action")
    if action == "mount":
        if storage.status == "unmounted":
            storage.status = "ok"
    elif action == "umount":
        storage.status = "unmounted"
    else:
        return failed(f"invalid action '{action}'")
    return ok()


async def format_cgi(request: web.Request) -> web.Response:
    """format.cgi?diskid=SD_DISK."""
    storage = _storage(request)
    if storage is None:
        return not_found()
    args = await arguments(request)
    problem = _disk_error(storage, args.get("diskid"))
    if problem:
        return failed(problem)
    if storage.status == "readonly":
        return failed("disk is read-only")
    if storage.status == "unmounted":
        return failed("disk is not mounted")
    storage.recordings.clear()
    storage.status = "ok"
    sim_of(request).format_count += 1
    return ok()


async def list_cgi(request: web.Request) -> web.Response:
    """list.cgi?diskid=SD_DISK|all or list.cgi?recordingid=all|<id>."""
    storage = _storage(request)
    if storage is None:
        return not_found()
    args = await arguments(request)
    if "recordingid" in args:
        return text(
            _recordings_xml(storage, args["recordingid"]), content_type="text/xml"
        )
    disk_id = args.get("diskid", "all")
    if disk_id not in ("all", DISK_ID):
        return failed(f"invalid diskid '{disk_id}'")
    return text(_disk_xml(storage), content_type="text/xml")


async def remove_cgi(request: web.Request) -> web.Response:
    """remove.cgi?recordingid=all|<id>."""
    storage = _storage(request)
    if storage is None:
        return not_found()
    args = await arguments(request)
    recording_id = args.get("recordingid")
    if not recording_id:
        return failed("recordingid is required")
    if storage.status in ("absent", "unmounted"):
        return failed("no disk mounted")
    if storage.status == "readonly":
        return failed("disk is read-only")
    if recording_id == "all":
        storage.recordings.clear()
    else:
        found = [r for r in storage.recordings if r.recording_id == recording_id]
        if not found:
            return failed(f"recording '{recording_id}' not found")
        storage.recordings.remove(found[0])
    if storage.status == "full":
        storage.status = "ok"
    return ok()

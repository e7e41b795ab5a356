"""Request handlers, one module per API group."""

from __future__ import annotations

from aiohttp import web

from . import audio, control, io, ipfilter, params, ptz, storage, system, users, video

CAMERA = r"{camera:[^/]+}"


def setup_routes(app: web.Application) -> None:
    """Register every route of the device and the control API."""
    table: list[tuple[str, web.typedefs.Handler]] = [  # type: ignore[name-defined]
        ("/param.cgi", params.param_cgi),
        ("/pwdgrp.cgi", users.pwdgrp_cgi),
        ("/factorydefault.cgi", system.factorydefault_cgi),
        ("/hardfactorydefault.cgi", system.hardfactorydefault_cgi),
        ("/backup.cgi", system.backup_cgi),
        ("/restore.cgi", system.restore_cgi),
        ("/firmwareupgrade.cgi", system.firmwareupgrade_cgi),
        ("/restart.cgi", system.restart_cgi),
        ("/systemlog.cgi", system.systemlog_cgi),
        ("/date.cgi", system.date_cgi),
        ("/setosd.cgi", system.setosd_cgi),
        ("/imagesize.cgi", video.imagesize_cgi),
        ("/videostatus.cgi", video.videostatus_cgi),
        ("/jpg/image.jpg", video.jpg_image),
        (f"/jpg/{CAMERA}/image.jpg", video.jpg_image),
        ("/image.cgi", video.image_cgi),
        ("/mjpg/video.mjpg", video.mjpg_video),
        (f"/mjpg/{CAMERA}/video.mjpg", video.mjpg_video),
        ("/mjpg/video.cgi", video.mjpg_video_cgi),
        ("/com/ptz.cgi", ptz.ptz_cgi),
        ("/com/ptzconfig.cgi", ptz.ptzconfig_cgi),
        ("/io/port.cgi", io.port_cgi),
        ("/io/input.cgi", io.input_cgi),
        ("/io/output.cgi", io.output_cgi),
        ("/ipfilter.cgi", ipfilter.ipfilter_cgi),
        ("/audio/receive.cgi", audio.receive_cgi),
        ("/audio/transmit.cgi", audio.transmit_cgi),
        ("/mount.cgi", storage.mount_cgi),
        ("/format.cgi", storage.format_cgi),
        ("/list.cgi", storage.list_cgi),
        ("/remove.cgi", storage.remove_cgi),
    ]
    for path, handler in table:
        app.router.add_route("GET", path, handler)
        app.router.add_route("POST", path, handler)
    app.router.add_routes(control.routes())

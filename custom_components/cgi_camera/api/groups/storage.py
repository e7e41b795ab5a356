"""``mount.cgi``, ``format.cgi``, ``list.cgi`` and ``remove.cgi``: the SD card."""

from __future__ import annotations

from ..models import Recording, StorageDisk
from ..ptz import check_text
from ..storage import parse_disks, parse_recordings
from ..transport import Params
from .base import ApiGroup


class StorageApi(ApiGroup):
    """Local storage (the SD card) and its recordings (``client.storage``)."""

    async def _storage(self, path: str, params: Params) -> bytes:
        _response, body = await self._transport.fetch("GET", path, params)
        self._transport.check_refusal(body.decode("latin-1"))
        return body

    async def mount(self, disk_id: str = "SD_DISK") -> None:
        """``mount.cgi?diskid=...&action=mount``."""
        await self._storage(
            "/mount.cgi",
            [("diskid", check_text("disk_id", disk_id)), ("action", "mount")],
        )

    async def unmount(self, disk_id: str = "SD_DISK") -> None:
        """``mount.cgi?diskid=...&action=umount``."""
        await self._storage(
            "/mount.cgi",
            [("diskid", check_text("disk_id", disk_id)), ("action", "umount")],
        )

    async def format(self, disk_id: str = "SD_DISK") -> None:
        """``format.cgi?diskid=...``."""
        await self._storage("/format.cgi", [("diskid", check_text("disk_id", disk_id))])

    async def disks(self, disk_id: str = "all") -> tuple[StorageDisk, ...]:
        """``list.cgi?diskid=...``: disk status."""
        return parse_disks(
            await self._storage(
                "/list.cgi", [("diskid", check_text("disk_id", disk_id))]
            )
        )

    async def recordings(self, recording_id: str = "all") -> tuple[Recording, ...]:
        """``list.cgi?recordingid=...``: recordings."""
        return parse_recordings(
            await self._storage(
                "/list.cgi", [("recordingid", check_text("recording_id", recording_id))]
            )
        )

    async def remove_recording(self, recording_id: str) -> None:
        """``remove.cgi?recordingid=...``."""
        await self._storage(
            "/remove.cgi", [("recordingid", check_text("recording_id", recording_id))]
        )

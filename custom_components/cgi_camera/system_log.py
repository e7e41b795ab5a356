"""The device's system log (``systemlog.cgi``), redacted by the one rule.

Used by the diagnostics (the last :data:`DIAGNOSTICS_LOG_LINES` lines) and by
the ``get_system_log`` action. Log lines name addresses, the device's host
name and user accounts ("Account joe: add"): all of them are redacted as in
the rest of the diagnostics (redact.py), with the device's account names
(``pwdgrp.cgi?action=get``, when the account may read them) added to the
configured user name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .api import CameraError
from .redact import Redactor

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

DIAGNOSTICS_LOG_LINES = 500
MAX_LOG_LINES = 5000


def last_lines(text: str, count: int | None) -> list[str]:
    """The last ``count`` non-empty lines of ``text`` (all when ``None``)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines if count is None else lines[-count:] if count > 0 else []


async def async_account_names(entry: CgiCameraConfigEntry) -> tuple[str, ...]:
    """The device's account names; none when the device refuses the list."""
    try:
        users = await entry.runtime_data.client.users.get()
    except CameraError:
        return ()
    return tuple(sorted({name for names in users.groups.values() for name in names}))


async def async_system_log(
    entry: CgiCameraConfigEntry,
    count: int | None,
    params: Mapping[str, str] | None = None,
) -> str:
    """The last ``count`` lines of the device's log, redacted, one per line.

    Raises :class:`~.api.CameraError` when the log cannot be read.
    """
    text = await entry.runtime_data.client.system.log()
    redactor = Redactor.for_entry(entry, params, await async_account_names(entry))
    return "\n".join(redactor.text(line) for line in last_lines(text, count))

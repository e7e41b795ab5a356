"""Which account right each request needs.

The spec names the right for some requests only: root for ``pwdgrp.cgi``
(5.1.2), administrator for factory default, backup, restore, firmware,
restart, the system log (5.1.3 to 5.1.10) and ``com/ptzconfig.cgi`` (5.3.4),
view access for ``com/ptz.cgi`` (5.3.3); ``param.cgi`` depends on each
parameter (5.1.1).  Where it is silent, this is what the integration asks
for, and why: switching a relay or speaking through the device acts on the
world but changes no setting (operator); whatever changes the device's
setup or storage (administrator); reading images, inputs and states
(viewer).  Devices may be stricter; a 403 names the right that was assumed.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs

type Right = Literal["viewer", "operator", "administrator", "root"]

_RIGHTS: dict[str, Right] = {
    # named by the spec
    "/pwdgrp.cgi": "root",
    "/factorydefault.cgi": "administrator",
    "/hardfactorydefault.cgi": "administrator",
    "/backup.cgi": "administrator",
    "/restore.cgi": "administrator",
    "/firmwareupgrade.cgi": "administrator",
    "/restart.cgi": "administrator",
    "/systemlog.cgi": "administrator",
    "/com/ptzconfig.cgi": "administrator",
    "/com/ptz.cgi": "viewer",
    # the spec is silent: what the integration asks for
    "/param.cgi": "administrator",
    "/setosd.cgi": "administrator",
    "/date.cgi": "administrator",
    "/ipfilter.cgi": "administrator",
    "/mount.cgi": "administrator",
    "/format.cgi": "administrator",
    "/remove.cgi": "administrator",
    "/io/output.cgi": "operator",
    "/io/port.cgi": "operator",
    "/audio/transmit.cgi": "operator",
}


# Paths whose reads (action=list/get) need less than their writes.
_READ_WITH_ACTION = frozenset({"/param.cgi", "/date.cgi"})
# Paths that only change something with ``action=``.
_WRITE_ONLY_WITH_ACTION = frozenset({"/io/output.cgi", "/io/port.cgi"})
_READS = frozenset({"list", "get"})
"""``action=`` values that only read."""


def required_right(target: str) -> Right:
    """The right a request needs: ``target`` is its path and query.

    Reading is viewer's: ``param.cgi``/``date.cgi`` with ``action=list`` or
    ``get``, and ``io/output.cgi``/``io/port.cgi`` without ``action`` (a
    check or a monitor).  Otherwise the path decides (the module's table).
    """
    path, _, query = target.partition("?")
    action = parse_qs(query).get("action", [None])[0]
    if path in _READ_WITH_ACTION and action in _READS:
        return "viewer"
    if path in _WRITE_ONLY_WITH_ACTION and action is None:
        return "viewer"
    return _RIGHTS.get(path, "viewer")

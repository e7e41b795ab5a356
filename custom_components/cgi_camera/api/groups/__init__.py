"""The client's API groups, one per group of the camera's requests.

``client.params``, ``client.system``, ``client.video``, ``client.ptz``,
``client.io``, ``client.storage``, ``client.users``, ``client.ip_filter``,
``client.audio``, ``client.events`` and ``client.motion``: each an
:class:`~.base.ApiGroup` sharing the client's transport.
"""

from .audio import AudioApi
from .base import ApiGroup
from .events import EventsApi
from .io import IoApi
from .ip_filter import IpFilterApi
from .motion import MotionApi
from .params import ParamsApi
from .ptz import PtzApi
from .storage import StorageApi
from .system import BackupDownload, SystemApi, sanitise_filename
from .users import UsersApi
from .video import VideoApi

__all__ = [
    "ApiGroup",
    "AudioApi",
    "BackupDownload",
    "EventsApi",
    "IoApi",
    "IpFilterApi",
    "MotionApi",
    "ParamsApi",
    "PtzApi",
    "StorageApi",
    "SystemApi",
    "UsersApi",
    "VideoApi",
    "sanitise_filename",
]

"""The client's API groups, one per group of the camera's requests.

``client.params``, ``client.system``, ``client.video``, ``client.ptz``,
``client.io``, ``client.storage``, ``client.users``, ``client.ip_filter``
and ``client.audio``: each an :class:`~.base.ApiGroup` sharing the client's
transport.
"""

from .audio import AudioApi
from .base import ApiGroup
from .io import IoApi
from .ip_filter import IpFilterApi
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
    "IoApi",
    "IpFilterApi",
    "ParamsApi",
    "PtzApi",
    "StorageApi",
    "SystemApi",
    "UsersApi",
    "VideoApi",
    "sanitise_filename",
]

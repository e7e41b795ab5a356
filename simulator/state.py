"""The device's state: parameters, users, I/O, PTZ, storage, IP filter, clock."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
import io
import ipaddress
import json
import tarfile
import time
from typing import Literal

from .config import SimulatorConfig
from .iobus import IoBus
from .paramtree import (
    DYNAMIC_ROOTS,
    NETWORK_KEEP,
    ParamTree,
    default_params,
    split_params,
)
from .ptzmodel import Preset, PtzHead
from .users import Users

type SdStatus = Literal["ok", "absent", "full", "readonly", "unmounted"]
SD_STATUSES: tuple[SdStatus, ...] = ("ok", "absent", "full", "readonly", "unmounted")
#: Disk attributes that can be forced to "yes" next to any status (set_sd).
SD_FLAGS = ("locked", "full", "readonly")
SD_TOTAL_KIB = 124048
RECORDING_KIB = 8
MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass
class Recording:
    """One recording on the SD card."""

    recording_id: str
    start: str
    stop: str
    recording_type: str = "scheduled"
    event_id: str = "sd"
    status: str = "completed"
    locked: bool = False


def default_recordings() -> list[Recording]:
    """The recordings a fresh card holds (the first is the spec's example)."""
    return [
        Recording(
            "0237d4aa-506b-11d5-83d8-00408c903eb5",
            "2001-05-24T17:34:20.648568Z",
            "",
            status="active",
        ),
        Recording(
            "1a2b3c4d-0000-11d5-83d8-00408c903eb5",
            "2001-05-23T08:00:00.000000Z",
            "2001-05-23T08:05:00.000000Z",
            recording_type="triggered",
            event_id="motion",
        ),
    ]


@dataclass
class Storage:
    """The SD card."""

    status: SdStatus = "ok"
    recordings: list[Recording] = field(default_factory=default_recordings)
    #: Attributes of SD_FLAGS list.cgi reports "yes" whatever the status says
    #: (e.g. ``status="OK"`` with ``full="yes"``); only the answer changes.
    flags: frozenset[str] = frozenset()

    @property
    def free_kib(self) -> int:
        """Free space in KiB."""
        if self.status == "full":
            return 0
        return SD_TOTAL_KIB - RECORDING_KIB * len(self.recordings) - 16


@dataclass
class IpFilter:
    """ipfilter.cgi settings."""

    addresses: list[str] = field(default_factory=list)
    enabled: bool = False
    policy: str = "allow"

    def accepts(self, address: str) -> bool:
        """Whether ``address`` may pass with the filter enabled."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        listed = any(
            ip in ipaddress.ip_network(entry, strict=False) for entry in self.addresses
        )
        return listed if self.policy == "allow" else not listed

    def allows(self, address: str) -> bool:
        """Whether ``address`` may pass with the current settings."""
        return not self.enabled or self.accepts(address)


@dataclass
class DeviceState:
    """Everything a device remembers."""

    config: SimulatorConfig
    params: ParamTree = field(init=False)
    #: Settings param.cgi does not list (the minimal tree's hidden part).
    hidden: dict[str, str] = field(init=False)
    users: Users = field(init=False)
    io: IoBus = field(init=False)
    ptz: dict[int, PtzHead] = field(init=False)
    storage: Storage = field(default_factory=Storage)
    ipfilter: IpFilter = field(default_factory=IpFilter)
    clock_offset: float = 0.0
    osd_runtime: dict[str, str] = field(default_factory=dict)
    video_signal: dict[int, bool] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    audio_bytes_received: int = 0

    def __post_init__(self) -> None:
        """Build the factory state."""
        listed, self.hidden = split_params(default_params(self.config), self.config)
        roots = {group: DYNAMIC_ROOTS[group] for group in self.config.dynamic_groups}
        self.params = ParamTree(listed, roots=roots)
        self.users = Users.default(self.config.username, self.config.password)
        self.io = IoBus([False] * self.config.inputs, [False] * self.config.outputs)
        self.ptz = {n: PtzHead() for n in range(1, self.config.sources + 1)}
        if not self.config.sd_card:
            self.storage.status = "absent"
        self.video_signal = dict.fromkeys(range(1, self.config.sources + 1), True)
        self.add_log("System started")

    # clock -----------------------------------------------------------------
    def now(self) -> dt.datetime:
        """The device's clock (UTC, the device's only time zone)."""
        return dt.datetime.fromtimestamp(time.time() + self.clock_offset, dt.UTC)

    def set_clock(self, value: dt.datetime) -> None:
        """Set the device's clock to ``value``."""
        self.clock_offset = value.timestamp() - time.time()

    def add_log(self, message: str) -> None:
        """Append a system log line."""
        stamp = format_log_time(self.now())
        host = self.setting("Network.HostName", self.config.hostname)
        self.log.append(f"{stamp} {host} {message}")
        del self.log[:-500]

    # settings --------------------------------------------------------------
    def setting(self, name: str, default: str = "") -> str:
        """A parameter's value, listed by param.cgi or internal (minimal tree)."""
        if name in self.params.values:
            return self.params.values[name]
        return self.hidden.get(name, default)

    def set_setting(self, name: str, value: str) -> None:
        """Store a setting where it lives (a new name goes to the tree)."""
        if name in self.hidden:
            self.hidden[name] = value
        else:
            self.params.values[name] = value

    # capabilities ----------------------------------------------------------
    def ptz_enabled(self, camera: int) -> bool:
        """Whether PTZ works on ``camera``."""
        key = f"PTZ.ImageSource.I{camera - 1}.PTZEnabled"
        return self.config.ptz and self.setting(key) == "true"

    def resolution(self, camera: int) -> str:
        """Default resolution of a source."""
        return self.setting(
            f"Image.I{camera - 1}.Resolution", self.config.default_resolution
        )

    def osd(self, camera: int) -> dict[str, str]:
        """Effective OSD settings (runtime overrides on top of the params)."""
        base = f"Image.I{camera - 1}.Text."
        out = {
            key: self.setting(base + key)
            for key in ("DateEnabled", "ClockEnabled", "TextEnabled", "String")
        }
        out.update(self.osd_runtime)
        return out

    @property
    def max_viewers(self) -> int:
        """Image.MaxViewers."""
        return int(self.setting("Image.MaxViewers", "10"))

    # factory defaults, backup, restore --------------------------------------
    def factory_default(self, *, hard: bool) -> None:
        """Reset parameters (and accounts, presets, filter) to defaults."""
        keep = () if hard else NETWORK_KEEP
        listed, self.hidden = split_params(default_params(self.config), self.config)
        self.params.reset(listed, keep=keep)
        self.users = Users.default(self.config.username, self.config.password)
        self.ipfilter = IpFilter()
        self.osd_runtime.clear()
        for head in self.ptz.values():
            head.presets.clear()
            head.home = None
        self.add_log("Factory default" + (" (hard)" if hard else ""))

    def backup(self) -> bytes:
        """A tar of the configuration (etc/param.conf and etc/simulator.json)."""
        params = "".join(f"{k}={v}\n" for k, v in self.params.values.items())
        extra = {
            "users": self.users.to_json(),
            "ipfilter": {
                "addresses": self.ipfilter.addresses,
                "enabled": self.ipfilter.enabled,
                "policy": self.ipfilter.policy,
            },
            "counters": self.params.counters,
            "mac": self.config.mac,
            "hidden": self.hidden,
            "presets": {
                str(camera): {
                    "home": head.home,
                    "presets": [
                        {"number": p.number, "name": p.name, "position": p.position}
                        for p in head.presets.values()
                    ],
                }
                for camera, head in self.ptz.items()
            },
        }
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for name, data in (
                ("etc/param.conf", params.encode()),
                ("etc/simulator.json", json.dumps(extra, indent=1).encode()),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(self.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()

    def restore(self, data: bytes) -> str | None:
        """Apply a backup; return an error text or None."""
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
                params_file = tar.extractfile("etc/param.conf")
                extra_file = tar.extractfile("etc/simulator.json")
                if params_file is None or extra_file is None:
                    return "invalid backup file"
                params_text = params_file.read().decode()
                extra = json.loads(extra_file.read())
        except (tarfile.TarError, KeyError, ValueError):
            return "invalid backup file"
        values: dict[str, str] = {}
        for line in params_text.splitlines():
            name, sep, value = line.partition("=")
            if sep:
                values[name] = value
        if not isinstance(extra, dict):
            return "invalid backup file"
        mac = values.get("Network.eth0.MACAddress", extra.get("mac"))
        if mac != self.config.mac:
            return "backup belongs to another unit"
        try:
            hidden = {
                str(k): str(v) for k, v in extra.get("hidden", self.hidden).items()
            }
            counters = {str(k): int(v) for k, v in extra["counters"].items()}
            users = Users.from_json(extra["users"])
            ipfilter = IpFilter(**extra["ipfilter"])
            presets = {
                int(camera): (
                    item["home"],
                    {int(p["number"]): _preset(p) for p in item["presets"]},
                )
                for camera, item in extra["presets"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return "invalid backup file"
        self.params.values.clear()
        self.params.values.update(values)
        self.params.counters = counters
        self.hidden = hidden
        self.users = users
        self.ipfilter = ipfilter
        for camera, (home, stored) in presets.items():
            if camera in self.ptz:
                self.ptz[camera].presets = stored
                self.ptz[camera].home = home
        self.add_log("Configuration restored")
        return None


def _preset(item: dict[str, object]) -> Preset:
    position = item["position"]
    if not isinstance(position, dict):
        raise TypeError("invalid preset")
    return Preset(
        int(str(item["number"])),
        str(item["name"]),
        {str(k): float(v) for k, v in position.items()},
    )


def format_date(value: dt.datetime) -> str:
    """``Apr 03, 2003 15:16:04`` (locale independent)."""
    return (
        f"{MONTHS[value.month - 1]} {value.day:02d}, {value.year} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )


def format_log_time(value: dt.datetime) -> str:
    """Syslog style time stamp."""
    return (
        f"{MONTHS[value.month - 1]} {value.day:2d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )

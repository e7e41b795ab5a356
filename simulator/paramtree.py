"""The parameter tree: defaults, listing with wildcards, update, add, remove."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import re

from .config import EXTRA_RESOLUTIONS, RESOLUTIONS, SimulatorConfig

#: Parameters nobody may change through param.cgi.
READ_ONLY_PREFIXES = (
    "Brand.",
    "Properties.",
    "Network.eth0.MACAddress",
    "ImageSource.",
)
#: Groups param.cgi action=add/remove may touch, with their template.
DYNAMIC_ROOTS = {"Event": "event", "Motion": "motion"}
#: An event rule's state: the device sets it when the rule fires.
_READ_ONLY_DYNAMIC = re.compile(r"Event\.E\d+\.Active")
#: Parameters only an administrator sees in a listing.
SECRET_MARKERS = ("Password", "Passwd", "Pwd", "Secret", "Key")
MAX_DYNAMIC_GROUPS = 10
#: The longest ``Name`` of an event rule or motion window the device keeps.
MAX_GROUP_NAME_LENGTH = 64
_GROUP_NAME = re.compile(r"(?:Event\.E|Motion\.M)\d+\.Name")
#: Motion window coordinates: 0..9999 across the image (spec 5.4's examples).
_MOTION_COORDINATE = re.compile(r"Motion\.M\d+\.(?:Top|Bottom|Left|Right)")
MAX_MOTION_COORDINATE = 9999

EVENT_TEMPLATE: tuple[tuple[str, str], ...] = (
    ("Name", ""),
    ("Type", "T"),
    ("Enabled", "no"),
    ("Active", "no"),
    ("Priority", "1"),
    ("Image", "1"),
    ("HWInputs", "xxxx"),
    ("SWInput", ""),
    ("Weekdays", "1111111"),
    ("Starttime", "00:00"),
    ("Duration", "0"),
    ("ImageURLSettingsEnabled", "no"),
    ("ImageURLSettings", ""),
    ("IncludePreTrigger", "no"),
    ("PreTriggerSize", "0"),
    ("PreTriggerInterval", "1000"),
    ("PreTriggerIntervalUnit", "s"),
    ("PreTriggerUnit", "s"),
    ("IncludePostTrigger", "no"),
    ("PostTriggerSize", "0"),
    ("PostTriggerInterval", "1000"),
    ("PostTriggerIntervalUnit", "s"),
    ("PostTriggerUnit", "s"),
    ("IncludeBestEffort", "no"),
    ("BestEffortInterval", "1000"),
    ("BestEffortDuration", "0"),
    ("BestEffortIntervalUnit", "s"),
    ("BestEffortDurationUnit", "s"),
    ("FileName", "image.jpg"),
    ("Suffix", "%y-%m-%d_%H-%M-%S-%f"),
    ("MaxSequenceNumber", "-100"),
)

MOTION_TEMPLATE: tuple[tuple[str, str], ...] = (
    ("Name", ""),
    ("ImageSource", "0"),
    ("Left", "0"),
    ("Right", "9999"),
    ("Top", "0"),
    ("Bottom", "9999"),
    ("WindowType", "include"),
    ("Sensitivity", "90"),
    ("History", "90"),
    ("ObjectSize", "15"),
)

TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "event": EVENT_TEMPLATE,
    "motion": MOTION_TEMPLATE,
}

NETWORK_KEEP = (
    "Network.BootProto",
    "Network.IPAddress",
    "Network.SubnetMask",
    "Network.Broadcast",
    "Network.DefaultRouter",
)


#: The names the spec prints (the ``minimal`` tree), dynamic groups included.
MINIMAL_PARAMS = re.compile(
    r"Network\.(?:IPAddress|SubnetMask|BootProto|Broadcast|DefaultRouter)"
    r"|Image\.I\d+\.Resolution|Image\.MaxViewers|Audiod\.HttpMessageType"
    r"|Event\.E\d+\.[^.]+|Motion\.M\d+\.[^.]+"
)


def default_params(config: SimulatorConfig) -> dict[str, str]:
    """Return the factory default parameter tree of a device."""
    video_server = config.sources == 4
    prod_type = "Video Server" if video_server else "Network Camera"
    p: dict[str, str] = {
        "Brand.Brand": config.brand,
        "Brand.ProdFullName": f"{config.brand} {config.model} {prod_type}",
        "Brand.ProdNbr": config.model,
        "Brand.ProdShortName": config.model,
        "Brand.ProdType": prod_type,
        "Brand.WebURL": "http://www.example.com/",
        "Properties.API.HTTP.Version": "3",
        "Properties.Audio.Audio": "yes" if config.audio else "no",
        "Properties.Audio.Format": "g711" if config.audio else "",
        "Properties.Firmware.BuildDate": "Apr 03 2003 15:16",
        "Properties.Firmware.Version": config.firmware,
        "Properties.Image.Format": "jpeg,mjpeg",
        "Properties.Image.Resolution": ",".join(RESOLUTIONS),
        "Properties.LocalStorage.SDCard": "yes" if config.sd_card else "no",
        "Properties.PTZ.PTZ": "yes" if config.ptz else "no",
        "Properties.System.Architecture": "sim",
        "Properties.System.SerialNumber": config.serial,
        "Network.BootProto": "none",
        "Network.IPAddress": "192.168.0.90",
        "Network.SubnetMask": "255.255.255.0",
        "Network.Broadcast": "192.168.0.255",
        "Network.DefaultRouter": "192.168.0.1",
        "Network.HostName": config.hostname,
        "Network.DNSServer1": "192.168.0.1",
        "Network.DNSServer2": "0.0.0.0",  # noqa: S104 - a parameter value, not a bind
        "Network.eth0.MACAddress": config.mac,
        "Network.PPPoE.User": "",
        "Network.PPPoE.Password": "",
        "SMTP.MailServer1": "",
        "SMTP.User": "",
        "SMTP.Password": "",
        "Time.TimeZone": "GMT",
        "Time.SyncSource": "none",
        "Time.DST.Enabled": "no",
        "ImageSource.NbrOfSources": str(config.sources),
    }
    for i in range(config.sources):
        p[f"ImageSource.I{i}.Name"] = f"Video {i + 1}"
    p["Image.MaxViewers"] = str(config.max_viewers)
    p["Image.NbrOfConfigs"] = str(config.sources)
    for i in range(config.sources):
        p[f"Image.I{i}.Name"] = f"Camera {i + 1}"
        p[f"Image.I{i}.Resolution"] = config.default_resolution
        p[f"Image.I{i}.Compression"] = "30"
        p[f"Image.I{i}.Appearance.Rotation"] = "0"
        p[f"Image.I{i}.Text.DateEnabled"] = "yes"
        p[f"Image.I{i}.Text.ClockEnabled"] = "yes"
        p[f"Image.I{i}.Text.TextEnabled"] = "no"
        p[f"Image.I{i}.Text.String"] = ""
    p["Input.NbrOfInputs"] = str(config.inputs)
    for i in range(config.inputs):
        p[f"Input.I{i}.Name"] = ""
        p[f"Input.I{i}.Trig"] = config.input_trig
    p["Output.NbrOfOutputs"] = str(config.outputs)
    for i in range(config.outputs):
        p[f"Output.O{i}.Name"] = ""
        p[f"Output.O{i}.Active"] = config.output_active
        p[f"Output.O{i}.PulseTime"] = "0"
    p["PTZ.NbrOfSerPorts"] = "1" if config.ptz else "0"
    for i in range(config.sources):
        enabled = i + 1 in config.ptz_cameras
        p[f"PTZ.ImageSource.I{i}.PTZEnabled"] = "true" if enabled else "false"
    if config.audio:
        p["Audio.A0.Enabled"] = "yes"
        p["Audio.A0.Format"] = "g711"
        p["Audiod.HttpMessageType"] = "singlepart"
    return p


def split_params(
    params: dict[str, str], config: SimulatorConfig
) -> tuple[dict[str, str], dict[str, str]]:
    """Split a tree into (listed by param.cgi, internal settings).

    The full tree lists everything; the minimal tree lists only the names
    the spec prints and keeps the rest as internal settings, so the device
    behaves the same.
    """
    if config.param_tree == "full":
        return dict(params), {}
    listed = {k: v for k, v in params.items() if MINIMAL_PARAMS.fullmatch(k)}
    hidden = {k: v for k, v in params.items() if k not in listed}
    return listed, hidden


def is_secret(name: str) -> bool:
    """Whether a parameter holds a secret (admin-only in listings)."""
    return any(marker in name for marker in SECRET_MARKERS)


def split_groups(values: Iterable[str]) -> list[str]:
    """Split comma lists; tolerate the spec's ``group=A,group=B`` spelling."""
    out: list[str] = []
    for value in values:
        for raw in value.split(","):
            item = raw.strip()
            item = item.removeprefix("group=")
            if item:
                out.append(item)
    return out


def _pattern(item: str) -> re.Pattern[str]:
    parts = [("[^.]+" if part == "*" else re.escape(part)) for part in item.split(".")]
    return re.compile(r"\.".join(parts) + r"(\..+)?")


def valid_resolution(value: str) -> bool:
    """Whether ``value`` is a resolution the device can produce."""
    return value in RESOLUTIONS or value in EXTRA_RESOLUTIONS


@dataclass
class ParamTree:
    """An ordered parameter store with the param.cgi semantics."""

    values: dict[str, str]
    counters: dict[str, int] = field(default_factory=dict)
    #: Parent groups that take dynamic groups, with their template.
    roots: Mapping[str, str] = field(default_factory=lambda: dict(DYNAMIC_ROOTS))

    def select(
        self, items: list[str], *, admin: bool
    ) -> tuple[list[tuple[str, str]], list[str]]:
        """Return the matching pairs and one error text per unmatched item."""
        visible = [(k, v) for k, v in self.values.items() if admin or not is_secret(k)]
        if not items:
            return visible, []
        pairs: list[tuple[str, str]] = []
        seen: set[str] = set()
        errors: list[str] = []
        for item in items:
            pattern = _pattern(item)
            found = [(k, v) for k, v in visible if pattern.fullmatch(k)]
            if not found and item not in self.roots:
                errors.append(f"Error -1 getting param in group '{item}'")
            for key, value in found:
                if key not in seen:
                    seen.add(key)
                    pairs.append((key, value))
        return pairs, errors

    def check_value(self, name: str, value: str) -> str | None:  # noqa: PLR0911
        """Return why ``value`` cannot be stored in ``name``, or None."""
        if name not in self.values:
            return f"Error setting '{name}' to '{value}': no such parameter"
        if name.startswith(READ_ONLY_PREFIXES) or _READ_ONLY_DYNAMIC.fullmatch(name):
            return f"Error setting '{name}' to '{value}': read-only parameter"
        current = self.values[name]
        if current in ("yes", "no") and value not in ("yes", "no"):
            return f"Error setting '{name}' to '{value}': expected yes or no"
        if current in ("true", "false") and value not in ("true", "false"):
            return f"Error setting '{name}' to '{value}': expected true or false"
        if re.fullmatch(r"-?\d+", current) and not re.fullmatch(r"-?\d+", value):
            return f"Error setting '{name}' to '{value}': expected an integer"
        if name.endswith(".Resolution") and not valid_resolution(value):
            return f"Error setting '{name}' to '{value}': unsupported resolution"
        if name == "Image.MaxViewers" and not 0 <= int(value) <= 100:
            return f"Error setting '{name}' to '{value}': out of range 0-100"
        if _MOTION_COORDINATE.fullmatch(name) and not (
            0 <= int(value) <= MAX_MOTION_COORDINATE
        ):
            return f"Error setting '{name}' to '{value}': out of range 0-9999"
        if _GROUP_NAME.fullmatch(name) and len(value) > MAX_GROUP_NAME_LENGTH:
            return f"Error setting '{name}': longer than {MAX_GROUP_NAME_LENGTH}"
        return None

    def update(self, pairs: list[tuple[str, str]]) -> list[str]:
        """Apply every pair, or none when one is invalid; return the errors."""
        errors = [e for n, v in pairs if (e := self.check_value(n, v)) is not None]
        if not errors:
            for name, value in pairs:
                self.values[name] = value
        return errors

    def add(
        self,
        group: str,
        template: str,
        pairs: list[tuple[str, str]],
        *,
        force: bool,
    ) -> tuple[str | None, list[str]]:
        """Create a group; return (entry id or None, errors).

        The entry is None when the group could not be created at all.
        """
        if template not in TEMPLATES:
            return None, [f"unknown template '{template}'"]
        if group not in self.roots:
            return None, [f"group '{group}' does not accept dynamic groups"]
        letter = group.rsplit(".", 1)[-1][0].upper()
        prefix = f"{group}.{letter}"
        existing = self.dynamic_groups(group)
        if len(existing) >= MAX_DYNAMIC_GROUPS and not force:
            return None, [f"maximum number of {group} groups reached"]
        number = self.counters.get(group, 0)
        self.counters[group] = number + 1
        entry = f"{letter}{number}"
        base = f"{group}.{entry}"
        for name, default in TEMPLATES[template]:
            self.values[f"{base}.{name}"] = default
        errors: list[str] = []
        for name, value in pairs:
            if not name.startswith(prefix + "."):
                errors.append(f"Error setting '{name}': not in group {prefix}")
                continue
            target = f"{base}.{name[len(prefix) + 1 :]}"
            problem = self.check_value(target, value)
            if problem is None:
                self.values[target] = value
            else:
                errors.append(problem.replace(target, name))
        return entry, errors

    def dynamic_groups(self, root: str) -> list[str]:
        """Names like ``Event.E0`` currently present under ``root``."""
        pattern = re.compile(re.escape(root) + r"\.[A-Z]\d+(?=\.)")
        out: list[str] = []
        for key in self.values:
            match = pattern.match(key)
            if match and match.group(0) not in out:
                out.append(match.group(0))
        return out

    def remove(self, groups: list[str]) -> list[str]:
        """Remove dynamic groups (all or none); return the errors."""
        if not groups:
            return ["no group given"]
        errors: list[str] = []
        for group in groups:
            root = group.rsplit(".", 1)[0] if "." in group else ""
            if root not in self.roots or group not in self.dynamic_groups(root):
                errors.append(f"Error removing group '{group}'")
        if not errors:
            for group in groups:
                for key in [k for k in self.values if k.startswith(group + ".")]:
                    del self.values[key]
        return errors

    def reset(self, defaults: Mapping[str, str], *, keep: Iterable[str] = ()) -> None:
        """Return to ``defaults``, keeping the values named in ``keep``."""
        kept = {k: self.values[k] for k in keep if k in self.values}
        self.values.clear()
        self.values.update(defaults)
        self.values.update(kept)
        self.counters.clear()

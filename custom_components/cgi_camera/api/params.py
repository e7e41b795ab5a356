"""Parsing of ``param.cgi`` and the other plain-text answers."""

from __future__ import annotations

from collections.abc import Mapping
import re

from .errors import CameraRequestRefusedError, CameraResponseError
from .models import Capabilities, DeviceInfo

DEVICE_INFO_GROUPS: tuple[str, ...] = (
    "Brand",
    "Properties",
    "Network",
    "ImageSource",
    "Image",
    "Input",
    "Output",
    "PTZ.ImageSource",
)
"""The groups one ``param.cgi?action=list`` request reads for :class:`DeviceInfo`."""

REFUSAL_PREFIXES: tuple[str, ...] = (
    "# Error:",
    "# Request failed:",
    "Request failed:",
    "Verification failed:",
    "Error:",  # com/ptz.cgi answers "Error: <text>"
)

_MAC_RE = re.compile(r"^[0-9a-f]{12}$")
_INDEXED_RE = re.compile(r"^(Input|Output)\.[IO](\d+)\.Name$")
_PTZ_RE = re.compile(r"^PTZ\.ImageSource\.I(\d+)\.PTZEnabled$")


def refusal(text: str) -> str | None:
    """The device's error text if the answer carries one, else ``None``.

    The message starts at the first refusal line and keeps what follows.
    """
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(REFUSAL_PREFIXES):
            return "\n".join(part.strip() for part in lines[index:] if part.strip())
    return None


def raise_for_refusal(text: str) -> None:
    """Raise :class:`CameraRequestRefusedError` if the answer carries an error."""
    message = refusal(text)
    if message is not None:
        raise CameraRequestRefusedError(message)


def parse_params(text: str, *, skip_errors: bool = False) -> dict[str, str]:
    r"""Parse ``name=value`` lines (``\\n`` or ``\\r\\n``) into an ordered dict.

    With ``skip_errors`` the device's ``# Error:`` lines are ignored, otherwise
    they raise :class:`CameraRequestRefusedError`.
    """
    if not skip_errors:
        raise_for_refusal(text)
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip("\r")
        if not line.strip() or (skip_errors and line.lstrip().startswith("#")):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise CameraResponseError(f"malformed parameter line {line[:60]!r}")
        result[name.strip()] = value
    return result


def normalise_mac(value: str) -> str | None:
    """``00:40:8C:12:34:56`` / ``00408c123456`` / ``00-40-..`` -> lower colon form."""
    digits = re.sub(r"[:\-. ]", "", value.strip()).lower()
    if not _MAC_RE.match(digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in ("yes", "true", "1", "on")


def _int(params: Mapping[str, str], name: str, default: int | None) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise CameraResponseError(f"{name} is not a number: {value[:20]!r}") from None


def _required(params: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = params.get(name, "").strip()
        if value:
            return value
    raise CameraResponseError(f"the device did not report {names[0]}")


def device_info_from_params(params: Mapping[str, str]) -> DeviceInfo:
    """Build :class:`DeviceInfo` from the groups in :data:`DEVICE_INFO_GROUPS`."""
    brand = _required(params, "Brand.Brand")
    model = _required(params, "Brand.ProdNbr", "Brand.ProdShortName")
    firmware = _required(params, "Properties.Firmware.Version")
    serial = _required(params, "Properties.System.SerialNumber")
    mac = normalise_mac(params.get("Network.eth0.MACAddress", "")) or normalise_mac(
        serial
    )
    if mac is None:
        raise CameraResponseError("the device did not report a MAC address")
    sources = _int(params, "ImageSource.NbrOfSources", 1) or 1
    inputs = _int(params, "Input.NbrOfInputs", 0) or 0
    outputs = _int(params, "Output.NbrOfOutputs", 0) or 0
    input_names = dict.fromkeys(range(1, inputs + 1), "")
    output_names = dict.fromkeys(range(1, outputs + 1), "")
    ptz_sources: set[int] = set()
    has_ptz = _yes(params.get("Properties.PTZ.PTZ"))
    for name, value in params.items():
        if match := _INDEXED_RE.match(name):
            port = int(match.group(2)) + 1
            names = input_names if match.group(1) == "Input" else output_names
            if port in names:
                names[port] = value.strip()
        elif (match := _PTZ_RE.match(name)) and has_ptz and _yes(value):
            source = int(match.group(1)) + 1
            if source <= sources:
                ptz_sources.add(source)
    host_name = params.get("Network.HostName", "").strip()
    resolution = params.get("Image.I0.Resolution", "").strip()
    return DeviceInfo(
        brand=brand,
        model=model,
        name=host_name or None,
        firmware=firmware,
        serial=serial,
        mac=mac,
        capabilities=Capabilities(
            sources=sources,
            has_quad=sources > 1,
            inputs=inputs,
            outputs=outputs,
            ptz_sources=frozenset(ptz_sources),
            sd_card=_yes(params.get("Properties.LocalStorage.SDCard")),
            audio=_yes(params.get("Properties.Audio.Audio")),
        ),
        input_names=input_names,
        output_names=output_names,
        max_viewers=_int(params, "Image.MaxViewers", None),
        default_resolution=resolution or None,
    )


def parse_add_answer(text: str) -> str:
    """``E7 OK`` -> ``"E7"``."""
    raise_for_refusal(text)
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2 and words[1] == "OK":
            return words[0]
    raise CameraResponseError("no group id in the answer")


def parse_user_groups(text: str) -> dict[str, tuple[str, ...]]:
    """``admin="root,joe"`` lines -> ``{"admin": ("root", "joe")}``."""
    raise_for_refusal(text)
    result: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise CameraResponseError(f"malformed group line {line[:60]!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        result[name.strip()] = tuple(user for user in value.split(",") if user)
    return result

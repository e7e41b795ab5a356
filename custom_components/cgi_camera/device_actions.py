"""The device's actions, each on one config entry.

Parameters, system log, IP filter, the integration's password, OSD, clock,
storage, restore, firmware upgrade and factory default.

Each targets one loaded config entry of the integration (``config_entry_id``,
required) and is registered admin-only with Home Assistant's helper: they
change (or, for ``get_parameters``, read) the device's configuration, and
a device has no entity whose permissions Home Assistant could check.
Automations and scripts run without a user, and may call them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
import logging
import os
from pathlib import Path
import re
import secrets
import stat
import string
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import VolDictType
import voluptuous as vol

from .action_support import ActionSchema, camera_error, in_range, integer, invalid, text
from .api import (
    CameraAuthenticationError,
    CameraError,
    CameraForbiddenError,
    StorageApi,
)
from .backup import backup_folder
from .compat import async_register_admin_service
from .const import DOMAIN, SD_DISK_ID
from .coordinator import IP_FILTER
from .firmware import async_upgrade_firmware, firmware_folder
from .ip_filter import filter_addresses, ip_filter_error
from .redact import Redactor
from .repairs import async_sync_time
from .system_log import MAX_LOG_LINES, async_system_log

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_PARAMETERS = "parameters"
ATTR_TEXT = "text"
ATTR_TEXT_ENABLED = "text_enabled"
ATTR_DATE = "date"
ATTR_CLOCK = "clock"
ATTR_COMMIT = "commit"
ATTR_DISK_ID = "disk_id"
ATTR_RECORDING_ID = "recording_id"
ATTR_CONFIRM = "confirm"
ATTR_FILE = "file"
ATTR_MODE = "mode"
ATTR_LINES = "lines"
ATTR_ADDRESSES = "addresses"
ATTR_PASSWORD = "password"  # noqa: S105 - a field name
ATTR_RETURN_PASSWORD = "return_password"  # noqa: S105 - a field name

# param.cgi names: groups and parameters separated by dots; ``*`` in lists.
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
_PARAM_PATTERN = re.compile(r"^[A-Za-z*][A-Za-z0-9_*]*(?:\.[A-Za-z0-9_*]+)*$")
_DISK_ID = re.compile(r"^[A-Za-z0-9_]+$")
_RECORDING_ID = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_PARAMETERS = 200
MAX_VALUE_LENGTH = 1024
MAX_OSD_LENGTH = 128
# pwdgrp.cgi passwords: letters a-z, A-Z and digits 0-9 only (spec 5.1.2).
PASSWORD_ALPHABET = string.ascii_letters + string.digits
GENERATED_PASSWORD_LENGTH = 24
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 64
# restore.cgi gets the whole file in memory; device backups are small.
MAX_BACKUP_BYTES = 64 * 1024 * 1024
MAX_FIRMWARE_BYTES = 128 * 1024 * 1024
ATTR_TYPE = "type"


# ------------------------------------------------------------------ values


def _param_name(name: Any) -> str:
    if not isinstance(name, str) or not _PARAM_NAME.match(name):
        raise vol.Invalid(f"not a parameter name: {str(name)[:60]!r}")
    return name


def _param_value(raw: Any) -> str:
    """The value the device gets; booleans become yes/no (YAML reads yes as true)."""
    if isinstance(raw, bool):
        item = "yes" if raw else "no"
    elif isinstance(raw, str | int | float):
        item = str(raw)
    else:
        raise vol.Invalid("expected a text or number")
    if len(item) > MAX_VALUE_LENGTH or any(
        ord(char) < 32 or char == "\x7f" for char in item
    ):
        # Newlines would add lines to param.cgi's answers; NUL and other
        # control characters are cut or mangled by the device's CGI.
        raise vol.Invalid("not a one-line value")
    return item


# One entry of the UI's list (services.yaml: an object selector with fields).
_PARAMETER_PAIR = vol.Schema(
    {vol.Required("name"): _param_name, vol.Required("value"): _param_value}
)


def _parameter_map(value: Any) -> dict[str, Any]:
    """``{name: value}``, also from a list of ``{name, value}`` pairs."""
    if isinstance(value, list):
        pairs = [_PARAMETER_PAIR(item) for item in value]
        value = {pair["name"]: pair["value"] for pair in pairs}
        if len(value) != len(pairs):
            raise vol.Invalid("a parameter is given twice")
    if not isinstance(value, dict):
        raise vol.Invalid("expected parameter names with their values")
    for name in value:
        _param_name(name)
    return value


PARAMETER_VALUES = vol.All(
    _parameter_map,
    vol.Length(min=1, max=MAX_PARAMETERS),
    {str: _param_value},
)
# "Image.MaxViewers, Network.HostName" or a list; groups and * patterns too.
PARAMETER_NAMES = vol.All(
    cv.ensure_list_csv,
    vol.Length(min=1, max=MAX_PARAMETERS),
    [vol.All(str, vol.Match(_PARAM_PATTERN, msg="not a parameter or group name"))],
)


def _osd_text(value: Any) -> str:
    """One line of up to 128 characters; empty clears the text."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise vol.Invalid("expected a text")
    result = str(value)
    if len(result) > MAX_OSD_LENGTH:
        raise vol.Invalid(f"longer than {MAX_OSD_LENGTH} characters")
    if any(ord(char) < 32 for char in result):
        raise vol.Invalid("must be one line without control characters")
    return result


def _new_password(value: Any) -> str:
    """A password the device takes; the message never repeats the value."""
    if (
        not isinstance(value, str)
        or not MIN_PASSWORD_LENGTH <= len(value) <= MAX_PASSWORD_LENGTH
        or any(char not in PASSWORD_ALPHABET for char in value)
    ):
        raise vol.Invalid(
            f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} letters a-z, A-Z"
            " and digits 0-9"
        )
    return value


def generate_password() -> str:
    """24 random letters and digits (``secrets``)."""
    return "".join(
        secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH)
    )


DISK_FIELD: VolDictType = {
    vol.Optional(ATTR_DISK_ID, default=SD_DISK_ID): vol.All(
        text, vol.Match(_DISK_ID, msg="not a valid disk id")
    )
}
CONFIRM_FIELD: VolDictType = {vol.Optional(ATTR_CONFIRM, default=False): cv.boolean}


# ----------------------------------------------------------------- targets


def resolve_entry(hass: HomeAssistant, entry_id: str) -> CgiCameraConfigEntry:
    """Return the config entry ``entry_id``: one of ours, loaded."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid("entry_not_found", config_entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise invalid("entry_not_loaded", name=entry.title)
    return cast("CgiCameraConfigEntry", entry)


def _require_confirm(data: dict[str, Any], service: str) -> None:
    if data.get(ATTR_CONFIRM) is not True:
        raise invalid("confirm_required", service=f"{DOMAIN}.{service}")


def _require_sd(entry: CgiCameraConfigEntry) -> None:
    if not entry.runtime_data.device.capabilities.sd_card:
        raise invalid("no_sd_card", name=entry.title)


# ------------------------------------------------------------------ actions


async def _set_parameters(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await entry.runtime_data.client.params.update(data[ATTR_PARAMETERS])


async def _get_parameters(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    values = await entry.runtime_data.client.params.list(data.get(ATTR_PARAMETERS))
    # What diagnostics hide (redact.py): secrets, addresses, host and user names.
    redacted = Redactor.for_entry(entry, values).params(values)
    return {ATTR_PARAMETERS: cast("dict[str, Any]", redacted)}


async def _get_system_log(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    # Redacted as in the diagnostics: addresses, host and user names.
    return {ATTR_TEXT: await async_system_log(entry, data.get(ATTR_LINES))}


async def _ip_filter_list(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    # The addresses as they are: they are what the caller asks for.
    settings = await entry.runtime_data.client.ip_filter.list(verify=True)
    return {
        "enabled": settings.enabled,
        "policy": settings.policy,
        ATTR_ADDRESSES: list(settings.addresses),
        # The device's own check: would Home Assistant stay accepted?
        "home_assistant_accepted": settings.verified is not False,
    }


async def _ip_filter_change(
    entry: CgiCameraConfigEntry, add: bool, addresses: list[str]
) -> None:
    """Add or remove addresses; the device verifies when the filter is on."""
    ip_filter = entry.runtime_data.client.ip_filter
    try:
        if add:
            await ip_filter.add(addresses)
        else:
            await ip_filter.remove(addresses)
    except CameraError as err:
        raise ip_filter_error(err, "ip_filter_failed") from err
    coordinator = entry.runtime_data.coordinator
    if coordinator.wants(IP_FILTER):
        await coordinator.async_read_part_now(IP_FILTER)


async def _ip_filter_add(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await _ip_filter_change(entry, True, data[ATTR_ADDRESSES])


async def _ip_filter_remove(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await _ip_filter_change(entry, False, data[ATTR_ADDRESSES])


def _password_error(key: str, err: CameraError | None = None) -> HomeAssistantError:
    """A translated error of rotate_password (never with the password)."""
    if isinstance(err, CameraForbiddenError | CameraAuthenticationError):
        return camera_error(err, key)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err) if err else "-"},
    )


async def _rotate_password(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    """Set a new password for the integration's account, verify it, keep it.

    Requests of other tasks refused (401) while it changes wait and are
    answered again with the new password (client.changing_credentials), so
    none fails; open streams stay open. The entry is updated last, without
    a reload.
    """
    given: str | None = data.get(ATTR_PASSWORD)
    if given is not None and data[ATTR_RETURN_PASSWORD]:
        raise invalid("password_not_returned")
    if given is not None and given == entry.data[CONF_PASSWORD]:
        raise invalid("password_unchanged")
    new = given or generate_password()
    client = entry.runtime_data.client
    async with client.changing_credentials():
        # Read inside: a rotation that ran meanwhile changed the entry.
        user, old = entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD]
        try:
            await client.users.update(user, password=new)
        except CameraError as err:
            # Refused: the device keeps the old password, and so does the client.
            raise _password_error("rotate_password_refused", err) from None
        client.update_credentials(user, new)
        try:
            await client.system.ping()
        except CameraError as err:
            client.update_credentials(user, old)
            raise _password_error("rotate_password_unverified", err) from None
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_PASSWORD: new}
    )
    _LOGGER.info("The password of the account of %s was changed", entry.title)
    if given is None and data[ATTR_RETURN_PASSWORD]:
        return {ATTR_PASSWORD: new}
    return {}


async def _set_osd_text(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    text_value = data.get(ATTR_TEXT)
    text_enabled = data.get(ATTR_TEXT_ENABLED)
    if text_enabled is None and text_value is not None:
        text_enabled = bool(text_value)
    if text_value is None and all(
        data.get(key) is None for key in (ATTR_TEXT_ENABLED, ATTR_DATE, ATTR_CLOCK)
    ):
        raise invalid("nothing_to_set", service=f"{DOMAIN}.set_osd_text")
    await entry.runtime_data.client.system.set_osd(
        text=text_value,
        date=data.get(ATTR_DATE),
        clock=data.get(ATTR_CLOCK),
        text_enabled=text_enabled,
        commit=data[ATTR_COMMIT],
    )


async def _sync_time(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await async_sync_time(hass, entry)


async def _storage_request(
    entry: CgiCameraConfigEntry, request: Callable[[StorageApi], Awaitable[None]]
) -> None:
    """Send an SD card request, then re-read the card."""
    _require_sd(entry)
    await request(entry.runtime_data.client.storage)
    await entry.runtime_data.coordinator.async_refresh_storage()


async def _storage_mount(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await _storage_request(entry, lambda storage: storage.mount(data[ATTR_DISK_ID]))


async def _storage_unmount(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    await _storage_request(entry, lambda storage: storage.unmount(data[ATTR_DISK_ID]))


async def _storage_format(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    _require_confirm(data, "storage_format")
    await _storage_request(entry, lambda storage: storage.format(data[ATTR_DISK_ID]))


async def _storage_remove_recording(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    recording_id = data[ATTR_RECORDING_ID]
    if recording_id.lower() == "all":
        _require_confirm(data, "storage_remove_recording")
    await _storage_request(
        entry, lambda storage: storage.remove_recording(recording_id)
    )


class _FileRefusedError(Exception):
    """A file the folder rules refuse: ``outside``, ``not_found``, ``too_large``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read_folder_file(folder: Path, value: str, limit: int) -> tuple[str, bytes]:
    """Read a file only from ``folder``: no links, no .., no sub-folders."""
    raw = Path(value)
    if ".." in raw.parts:
        raise _FileRefusedError("outside")
    candidate = raw if raw.is_absolute() else folder / raw
    try:
        real_folder = folder.resolve(strict=True)
        info = os.lstat(candidate)
        real = candidate.resolve(strict=True)
    except OSError as err:
        raise _FileRefusedError("not_found") from err
    if real.parent != real_folder or candidate.parent.resolve() != real_folder:
        raise _FileRefusedError("outside")
    if not stat.S_ISREG(info.st_mode):
        # A symbolic link (even to a file in the folder), a folder, a device...
        raise _FileRefusedError("outside")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(real, flags)
    with os.fdopen(fd, "rb") as file:
        # What is read decides, not the size seen before: the file may grow.
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _FileRefusedError("too_large")
    return real.name, data


def _read_backup(folder: Path, value: str) -> tuple[str, bytes]:
    """Read a backup file, only from the backups folder (no links, no ..)."""
    try:
        return _read_folder_file(folder, value, MAX_BACKUP_BYTES)
    except _FileRefusedError as err:
        if err.reason == "not_found":
            raise invalid("backup_not_found", file=value) from err
        if err.reason == "too_large":
            raise invalid("backup_too_large", file=value) from err
        raise invalid("backup_outside_folder", file=value) from err


def _read_firmware(folder: Path, value: str) -> tuple[str, bytes]:
    """Read a firmware image, only from the firmware folder (no links, no ..)."""
    try:
        return _read_folder_file(folder, value, MAX_FIRMWARE_BYTES)
    except _FileRefusedError as err:
        if err.reason == "not_found":
            raise invalid("firmware_not_found", file=value) from err
        if err.reason == "too_large":
            raise invalid("firmware_too_large", file=value) from err
        raise invalid("firmware_outside_folder", file=value) from err


async def _restore_backup(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    name, content = await hass.async_add_executor_job(
        _read_backup, backup_folder(hass), data[ATTR_FILE]
    )
    await entry.runtime_data.client.system.restore(content, filename=name)


async def _upgrade_firmware(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    _require_confirm(data, "upgrade_firmware")
    name, content = await hass.async_add_executor_job(
        _read_firmware, firmware_folder(hass), data[ATTR_FILE]
    )
    await async_upgrade_firmware(
        hass, entry, name, content, factory_default=data[ATTR_TYPE] == "factorydefault"
    )


async def _factory_default(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    _require_confirm(data, "factory_default")
    await entry.runtime_data.client.system.factory_default(
        hard=data[ATTR_MODE] == "hard"
    )


# ------------------------------------------------------------- registration

type DeviceRunner = Callable[
    [HomeAssistant, CgiCameraConfigEntry, dict[str, Any]],
    Awaitable[ServiceResponse | None],
]


def device_action_schema(fields: VolDictType) -> ActionSchema:
    """The registered schema: the required config entry and ``fields``."""
    return ActionSchema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, **fields})


@dataclass(frozen=True, slots=True)
class DeviceService:
    """One device action: its registered schema and what it does."""

    name: str
    schema: ActionSchema
    run: DeviceRunner
    error_key: str
    response: SupportsResponse = SupportsResponse.NONE


SERVICES: tuple[DeviceService, ...] = (
    DeviceService(
        "set_parameters",
        device_action_schema({vol.Required(ATTR_PARAMETERS): PARAMETER_VALUES}),
        _set_parameters,
        "set_parameters_failed",
    ),
    DeviceService(
        "get_parameters",
        device_action_schema({vol.Optional(ATTR_PARAMETERS): PARAMETER_NAMES}),
        _get_parameters,
        "get_parameters_failed",
        SupportsResponse.ONLY,
    ),
    DeviceService(
        "get_system_log",
        device_action_schema(
            {vol.Optional(ATTR_LINES): vol.All(integer, in_range(1, MAX_LOG_LINES))}
        ),
        _get_system_log,
        "get_system_log_failed",
        SupportsResponse.ONLY,
    ),
    DeviceService(
        "ip_filter_list",
        device_action_schema({}),
        _ip_filter_list,
        "ip_filter_failed",
        SupportsResponse.ONLY,
    ),
    DeviceService(
        "ip_filter_add",
        device_action_schema({vol.Required(ATTR_ADDRESSES): filter_addresses}),
        _ip_filter_add,
        "ip_filter_failed",
    ),
    DeviceService(
        "ip_filter_remove",
        device_action_schema({vol.Required(ATTR_ADDRESSES): filter_addresses}),
        _ip_filter_remove,
        "ip_filter_failed",
    ),
    DeviceService(
        "rotate_password",
        device_action_schema(
            {
                vol.Optional(ATTR_PASSWORD): _new_password,
                vol.Optional(ATTR_RETURN_PASSWORD, default=False): cv.boolean,
            }
        ),
        _rotate_password,
        "rotate_password_refused",
        SupportsResponse.OPTIONAL,
    ),
    DeviceService(
        "set_osd_text",
        device_action_schema(
            {
                vol.Optional(ATTR_TEXT): _osd_text,
                vol.Optional(ATTR_TEXT_ENABLED): cv.boolean,
                vol.Optional(ATTR_DATE): cv.boolean,
                vol.Optional(ATTR_CLOCK): cv.boolean,
                vol.Optional(ATTR_COMMIT, default=False): cv.boolean,
            }
        ),
        _set_osd_text,
        "set_osd_failed",
    ),
    DeviceService(
        "sync_time", device_action_schema({}), _sync_time, "sync_time_failed"
    ),
    DeviceService(
        "storage_mount",
        device_action_schema(DISK_FIELD),
        _storage_mount,
        "storage_failed",
    ),
    DeviceService(
        "storage_unmount",
        device_action_schema(DISK_FIELD),
        _storage_unmount,
        "storage_failed",
    ),
    DeviceService(
        "storage_format",
        device_action_schema({**DISK_FIELD, **CONFIRM_FIELD}),
        _storage_format,
        "storage_failed",
    ),
    DeviceService(
        "storage_remove_recording",
        device_action_schema(
            {
                vol.Required(ATTR_RECORDING_ID): vol.All(
                    text, vol.Match(_RECORDING_ID, msg="not a valid recording id")
                ),
                **CONFIRM_FIELD,
            }
        ),
        _storage_remove_recording,
        "storage_failed",
    ),
    DeviceService(
        "restore_backup",
        device_action_schema({vol.Required(ATTR_FILE): text}),
        _restore_backup,
        "restore_failed",
    ),
    DeviceService(
        "upgrade_firmware",
        device_action_schema(
            {
                vol.Required(ATTR_FILE): text,
                vol.Optional(ATTR_TYPE, default="normal"): vol.In(
                    ["normal", "factorydefault"]
                ),
                **CONFIRM_FIELD,
            }
        ),
        _upgrade_firmware,
        "firmware_upgrade_failed",
    ),
    DeviceService(
        "factory_default",
        device_action_schema(
            {
                vol.Optional(ATTR_MODE, default="soft"): vol.In(["soft", "hard"]),
                **CONFIRM_FIELD,
            }
        ),
        _factory_default,
        "factory_default_failed",
    ),
)


def _make_handler(
    hass: HomeAssistant, service: DeviceService
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Return the action of ``service``; Home Assistant validated the call."""

    async def handle(call: ServiceCall) -> ServiceResponse:
        data = dict(call.data)
        entry = resolve_entry(hass, data[ATTR_CONFIG_ENTRY_ID])
        try:
            result = await service.run(hass, entry, data)
        except CameraError as err:
            raise camera_error(err, service.error_key) from err
        return result if service.response is not SupportsResponse.NONE else None

    return handle


@callback
def async_setup_device_services(hass: HomeAssistant) -> None:
    """Register the device actions (from async_setup), admin-only."""
    async_register_device_services(hass, SERVICES)


@callback
def async_register_device_services(
    hass: HomeAssistant, services: Iterable[DeviceService]
) -> None:
    """Register ``services`` admin-only; each runs on one loaded config entry."""
    for service in services:
        async_register_admin_service(
            hass,
            DOMAIN,
            service.name,
            _make_handler(hass, service),
            service.schema,
            supports_response=service.response,
        )

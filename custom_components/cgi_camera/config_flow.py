"""Config flow for CGI Camera: user, reauth, reconfigure, DHCP and options."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.util.network import is_ip_address
import voluptuous as vol

from .api import (
    RESOLUTIONS,
    CameraAuthenticationError,
    CameraCertificateError,
    CameraError,
    CameraForbiddenError,
    DeviceInfo,
)
from .const import (
    CLIP_CODECS,
    CONF_BACKUPS_TO_KEEP,
    CONF_CLIP_CODEC,
    CONF_CLIP_RETENTION_DAYS,
    CONF_DOORBELL_INPUTS,
    CONF_FRAME_RATE,
    CONF_HTTPS,
    CONF_LOOKBACK_PREFIX,
    CONF_SNAPSHOT_RESOLUTION,
    CONF_STREAM_RESOLUTION,
    DEFAULT_CLIP_CODEC,
    DEFAULT_CLIP_RETENTION_DAYS,
    DEFAULT_LOOKBACK_SECONDS,
    DEFAULT_OPTIONS,
    DEFAULT_PORT,
    DEFAULT_USERNAME,
    DOMAIN,
    MAX_BACKUPS_TO_KEEP,
    MAX_CLIP_RETENTION_DAYS,
    MAX_FRAME_RATE,
    MAX_LOOKBACK_SECONDS,
    MIN_BACKUPS_TO_KEEP,
    MIN_CLIP_RETENTION_DAYS,
    MIN_FRAME_RATE,
    RESOLUTION_DEVICE_DEFAULT,
)
from .runtime import CgiCameraConfigEntry, create_client

_LOGGER = logging.getLogger(__name__)

_PASSWORD_SELECTOR = selector.TextSelector(
    selector.TextSelectorConfig(
        type=selector.TextSelectorType.PASSWORD, autocomplete="current-password"
    )
)


def _int_selector(minimum: int, maximum: int) -> vol.All:
    return vol.All(
        selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=minimum, max=maximum, step=1, mode=selector.NumberSelectorMode.BOX
            )
        ),
        vol.Coerce(int),
    )


_PORT_SELECTOR = _int_selector(1, 65535)


def _connection_schema(
    defaults: Mapping[str, Any], *, password_required: bool = True
) -> vol.Schema:
    """Return the connection form; the password is never a default."""
    password = vol.Required if password_required else vol.Optional
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): str,
            vol.Required(
                CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)
            ): _PORT_SELECTOR,
            vol.Required(CONF_HTTPS, default=defaults.get(CONF_HTTPS, False)): bool,
            vol.Required(
                CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)
            ): bool,
            vol.Required(
                CONF_USERNAME, default=defaults.get(CONF_USERNAME, DEFAULT_USERNAME)
            ): str,
            password(CONF_PASSWORD): _PASSWORD_SELECTOR,
        }
    )


# What the user step updates when it finds the device already set up.
_CONNECTION_KEYS = (CONF_HOST, CONF_PORT, CONF_HTTPS, CONF_VERIFY_SSL)


class CgiCameraConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a CGI camera or video server."""

    VERSION = 1
    # 1.2: the "quad_camera" option is gone (async_migrate_entry drops it).
    MINOR_VERSION = 2

    async def _async_test(
        self, data: Mapping[str, Any]
    ) -> tuple[DeviceInfo | None, dict[str, str]]:
        """Read the device info with ``data``; return it or the form errors."""
        client = create_client(self.hass, dict(data))
        try:
            device = await client.get_device_info()
        except CameraAuthenticationError:
            return None, {"base": "invalid_auth"}
        except CameraForbiddenError:
            return None, {"base": "insufficient_rights"}
        except CameraCertificateError as err:
            _LOGGER.debug("Untrusted certificate at %s: %s", client.base_url, err)
            return None, {"base": "invalid_certificate"}
        except CameraError as err:
            _LOGGER.debug("Cannot connect to %s: %s", client.base_url, err)
            return None, {"base": "cannot_connect"}
        except Exception:
            _LOGGER.exception("Unexpected error testing %s", client.base_url)
            return None, {"base": "unknown"}
        return device, {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the device's address and credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            device, errors = await self._async_test(user_input)
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                # Already set up: take the new way to reach it (the entry
                # reloads if that changed) and abort already_configured.
                self._abort_if_unique_id_configured(
                    updates={key: user_input[key] for key in _CONNECTION_KEYS}
                )
                return self.async_create_entry(
                    title=device.title,
                    data=user_input,
                    options=dict(DEFAULT_OPTIONS),
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema({}), user_input
            ),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """The device answered 401: ask for the new password."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Test the new password; the entry reloads with it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            password = {CONF_PASSWORD: user_input[CONF_PASSWORD]}
            device, errors = await self._async_test({**entry.data, **password})
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                return self.async_update_reload_and_abort(entry, data_updates=password)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR}),
            description_placeholders={
                "username": entry.data[CONF_USERNAME],
                "host": entry.data[CONF_HOST],
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address or credentials of the same device.

        An empty password keeps the stored one (it is never sent to the form).
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                **user_input,
                CONF_PASSWORD: user_input.get(CONF_PASSWORD)
                or entry.data[CONF_PASSWORD],
            }
            device, errors = await self._async_test(data)
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(entry.data, password_required=False), user_input
            ),
            errors=errors,
        )

    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Follow a device that is set up to its new address.

        The API announces nothing, so DHCP cannot find new devices: the
        manifest's matcher (registered_devices) only reports MACs already in
        the device registry, and any other MAC aborts. A known device's IP
        address is replaced and the entry reloads; a host name is kept (the
        name follows the device by itself). Nothing is asked of the user.
        """
        entry = await self.async_set_unique_id(
            format_mac(discovery_info.macaddress), raise_on_progress=False
        )
        if entry is not None:
            # Aborts already_configured; reloads the entry if its address
            # changed, or if it is waiting to retry its setup.
            host = str(entry.data.get(CONF_HOST, ""))
            self._abort_if_unique_id_configured(
                updates={CONF_HOST: discovery_info.ip} if is_ip_address(host) else None
            )
        return self.async_abort(reason="unknown_device")

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: CgiCameraConfigEntry) -> OptionsFlow:
        """Return the options flow."""
        return CgiCameraOptionsFlow()


def _resolution_selector() -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=[RESOLUTION_DEVICE_DEFAULT, *RESOLUTIONS],
            translation_key="resolution",
            mode=selector.SelectSelectorMode.DROPDOWN,
        )
    )


class CgiCameraOptionsFlow(OptionsFlow):
    """Options users choose; most apply without a restart."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options."""
        if user_input is not None:
            if self._doorbells_changed(user_input) or self._lookback_changed(
                user_input
            ):
                # An input's event entity changes its device class and event
                # types: the entities are made anew by a reload. A lookback
                # starts (or stops) keeping its stream open at setup.
                self.hass.config_entries.async_schedule_reload(
                    self.config_entry.entry_id
                )
            return self.async_create_entry(data=user_input)
        options = {**DEFAULT_OPTIONS, **self.config_entry.options}
        fields: dict[vol.Marker, Any] = {
            vol.Required(CONF_SNAPSHOT_RESOLUTION): _resolution_selector(),
            vol.Required(CONF_STREAM_RESOLUTION): _resolution_selector(),
            vol.Required(CONF_FRAME_RATE): _int_selector(
                MIN_FRAME_RATE, MAX_FRAME_RATE
            ),
            vol.Required(CONF_BACKUPS_TO_KEEP): _int_selector(
                MIN_BACKUPS_TO_KEEP, MAX_BACKUPS_TO_KEEP
            ),
        }
        if inputs := self._input_choices():
            fields[vol.Optional(CONF_DOORBELL_INPUTS)] = selector.SelectSelector(
                selector.SelectSelectorConfig(options=inputs, multiple=True)
            )
        # Clip options are optional: an entry without them has the defaults.
        fields[vol.Optional(CONF_CLIP_CODEC)] = selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=list(CLIP_CODECS),
                translation_key=CONF_CLIP_CODEC,
                mode=selector.SelectSelectorMode.DROPDOWN,
            )
        )
        fields[vol.Optional(CONF_CLIP_RETENTION_DAYS)] = _int_selector(
            MIN_CLIP_RETENTION_DAYS, MAX_CLIP_RETENTION_DAYS
        )
        for key in self._lookback_keys():
            fields[vol.Optional(key)] = _int_selector(0, MAX_LOOKBACK_SECONDS)
            options.setdefault(key, DEFAULT_LOOKBACK_SECONDS)
        options.setdefault(CONF_CLIP_CODEC, DEFAULT_CLIP_CODEC)
        options.setdefault(CONF_CLIP_RETENTION_DAYS, DEFAULT_CLIP_RETENTION_DAYS)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(fields), options
            ),
        )

    def _lookback_keys(self) -> list[str]:
        """The lookback option of each source (none while not loaded)."""
        entry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return []
        sources = entry.runtime_data.device.capabilities.sources
        return [f"{CONF_LOOKBACK_PREFIX}{source}" for source in range(1, sources + 1)]

    def _lookback_changed(self, user_input: dict[str, Any]) -> bool:
        """Whether a lookback of the loaded entry differs from the new one."""
        old = self.config_entry.options
        return any(
            int(old.get(key, DEFAULT_LOOKBACK_SECONDS))
            != int(user_input.get(key, DEFAULT_LOOKBACK_SECONDS))
            for key in self._lookback_keys()
        )

    def _input_choices(self) -> list[selector.SelectOptionDict]:
        """The device's inputs, by number and name (none while not loaded)."""
        entry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return []
        device = entry.runtime_data.device
        return [
            selector.SelectOptionDict(
                value=str(port),
                label=f"{port}: {name}"
                if (name := device.input_names.get(port))
                else str(port),
            )
            for port in range(1, device.capabilities.inputs + 1)
        ]

    def _doorbells_changed(self, user_input: dict[str, Any]) -> bool:
        """Whether the loaded entry's doorbell inputs differ from the new ones."""
        old = set(self.config_entry.options.get(CONF_DOORBELL_INPUTS, []))
        new = set(user_input.get(CONF_DOORBELL_INPUTS, []))
        return old != new and self.config_entry.state is ConfigEntryState.LOADED

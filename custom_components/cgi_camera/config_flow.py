"""Config flow for CGI Camera: user, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import (
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
import voluptuous as vol

from . import CgiCameraConfigEntry, create_client
from .api import (
    RESOLUTIONS,
    CameraAuthenticationError,
    CameraCertificateError,
    CameraError,
    CameraForbiddenError,
    DeviceInfo,
)
from .const import (
    CONF_BACKUPS_TO_KEEP,
    CONF_FRAME_RATE,
    CONF_HTTPS,
    CONF_QUAD_CAMERA,
    CONF_SNAPSHOT_RESOLUTION,
    CONF_STREAM_RESOLUTION,
    DEFAULT_OPTIONS,
    DEFAULT_PORT,
    DEFAULT_USERNAME,
    DOMAIN,
    MAX_BACKUPS_TO_KEEP,
    MAX_FRAME_RATE,
    MIN_BACKUPS_TO_KEEP,
    MIN_FRAME_RATE,
    RESOLUTION_DEVICE_DEFAULT,
)

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


def _connection_schema(defaults: Mapping[str, Any]) -> vol.Schema:
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
            vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR,
        }
    )


class CgiCameraConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a CGI camera or video server."""

    VERSION = 1
    MINOR_VERSION = 1

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

    @callback
    def _async_update_and_abort(
        self, entry: CgiCameraConfigEntry, data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Store new data; the entry reloads with it.

        A loaded entry reloads from its update listener when the data changed
        (Home Assistant wants that rather than a reload from the flow while
        an update listener exists); otherwise the flow schedules the reload.
        """
        changed = self.hass.config_entries.async_update_entry(entry, data=dict(data))
        if not changed or not entry.update_listeners:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        source = self.source
        return self.async_abort(reason=f"{source}_successful")

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the device's address and credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            device, errors = await self._async_test(user_input)
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_configured(
                    updates={
                        CONF_HOST: user_input[CONF_HOST],
                        CONF_PORT: user_input[CONF_PORT],
                    }
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
            data = {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            device, errors = await self._async_test(data)
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                return self._async_update_and_abort(entry, data)
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
        """Change address or credentials of the same device."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            device, errors = await self._async_test(user_input)
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                return self._async_update_and_abort(entry, user_input)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(entry.data), user_input
            ),
            errors=errors,
        )

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
    """Options users choose; they apply without a restart."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = {**DEFAULT_OPTIONS, **self.config_entry.options}
        schema = vol.Schema(
            {
                vol.Required(CONF_SNAPSHOT_RESOLUTION): _resolution_selector(),
                vol.Required(CONF_STREAM_RESOLUTION): _resolution_selector(),
                vol.Required(CONF_FRAME_RATE): _int_selector(
                    MIN_FRAME_RATE, MAX_FRAME_RATE
                ),
                vol.Required(CONF_QUAD_CAMERA): bool,
                vol.Required(CONF_BACKUPS_TO_KEEP): _int_selector(
                    MIN_BACKUPS_TO_KEEP, MAX_BACKUPS_TO_KEEP
                ),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, options),
        )

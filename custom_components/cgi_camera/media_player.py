"""The device's speaker as a media player (text-to-speech, sound files)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components import media_source
from homeassistant.components.media_player import (
    MediaPlayerDeviceClass,
    MediaPlayerEntity,
    MediaPlayerEntityDescription,
)
from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import (
    ATTR_MEDIA_VOLUME_LEVEL,
    ATTR_MEDIA_VOLUME_MUTED,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .api import AudioFormat, audio_format
from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraEntity
from .speaker import Speaker, async_resolve_media_url

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# A play lasts as long as its sound; stop and the next play must reach the
# entity meanwhile. The speaker itself lets one sound at a time through.
PARALLEL_UPDATES = 0

SPEAKER_DESCRIPTION = MediaPlayerEntityDescription(
    key="speaker",
    translation_key="speaker",
    device_class=MediaPlayerDeviceClass.SPEAKER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the speaker of a device that has one (discovery probed it)."""
    runtime = entry.runtime_data
    content_type = runtime.device.capabilities.speaker
    if content_type is not None:
        async_add_entities(
            [CgiCameraSpeaker(runtime.coordinator, entry, audio_format(content_type))]
        )


class CgiCameraSpeaker(CgiCameraEntity, MediaPlayerEntity, RestoreEntity):
    """Plays sounds on the device; playing while one is sent, else idle.

    Volume and mute scale the samples of the next sound (the spec has no
    volume parameter); muted, a sound is sent as silence of its length, so
    automations that wait for it take as long as unmuted.
    """

    _attr_supported_features = (
        MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.BROWSE_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
        | MediaPlayerEntityFeature.STOP
        | MediaPlayerEntityFeature.VOLUME_SET
        | MediaPlayerEntityFeature.VOLUME_MUTE
    )
    _attr_volume_level = 1.0
    _attr_is_volume_muted = False

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        entry: CgiCameraConfigEntry,
        sound_format: AudioFormat,
    ) -> None:
        """Initialise the speaker, which takes ``sound_format``."""
        super().__init__(coordinator, SPEAKER_DESCRIPTION)
        self.speaker = Speaker(
            coordinator.hass,
            entry,
            coordinator.client,
            sound_format,
            self._speaker_changed,
        )

    @property
    def state(self) -> MediaPlayerState:
        """Playing while a sound is sent to the device."""
        return (
            MediaPlayerState.PLAYING if self.speaker.playing else MediaPlayerState.IDLE
        )

    async def async_added_to_hass(self) -> None:
        """Restore the volume and mute of before a restart."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is None:
            return
        volume = last.attributes.get(ATTR_MEDIA_VOLUME_LEVEL)
        if isinstance(volume, int | float) and 0 <= volume <= 1:
            self._attr_volume_level = float(volume)
        muted = last.attributes.get(ATTR_MEDIA_VOLUME_MUTED)
        if isinstance(muted, bool):
            self._attr_is_volume_muted = muted

    async def async_will_remove_from_hass(self) -> None:
        """Leave the device silent."""
        await self.speaker.stop()
        await super().async_will_remove_from_hass()

    def _speaker_changed(self) -> None:
        self.async_write_ha_state()

    async def async_play_media(
        self, media_type: MediaType | str, media_id: str, **kwargs: Any
    ) -> None:
        """Play a sound (an announcement too) to its end, stopping the one playing."""
        url = await async_resolve_media_url(self.hass, media_id, self.entity_id)
        volume = 0.0 if self._attr_is_volume_muted else self._attr_volume_level or 0.0
        await self.speaker.play(url, volume)

    async def async_media_stop(self) -> None:
        """Stop the sound playing."""
        await self.speaker.stop()

    async def async_set_volume_level(self, volume: float) -> None:
        """Set the volume of the next sounds (0..1)."""
        self._attr_volume_level = volume
        self.async_write_ha_state()

    async def async_mute_volume(self, mute: bool) -> None:
        """Mute (silence) or unmute the next sounds."""
        self._attr_is_volume_muted = mute
        self.async_write_ha_state()

    async def async_browse_media(
        self,
        media_content_type: MediaType | str | None = None,
        media_content_id: str | None = None,
    ) -> BrowseMedia:
        """Media sources' sounds (text-to-speech, local media)."""
        return await media_source.async_browse_media(
            self.hass,
            media_content_id,
            content_filter=lambda item: item.media_content_type.startswith("audio/"),
        )

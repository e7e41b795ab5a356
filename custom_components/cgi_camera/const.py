"""Constants for the CGI Camera integration."""

from typing import Final

DOMAIN: Final = "cgi_camera"

# Config entry data (besides homeassistant.const CONF_HOST, CONF_PORT, ...).
CONF_HTTPS: Final = "https"

# Options.
CONF_SNAPSHOT_RESOLUTION: Final = "snapshot_resolution"
CONF_STREAM_RESOLUTION: Final = "stream_resolution"
CONF_FRAME_RATE: Final = "frame_rate"
CONF_BACKUPS_TO_KEEP: Final = "backups_to_keep"
# Inputs wired to a doorbell button ("1", "3": input numbers as strings, the
# selector's values): their event entity is a doorbell that fires "ring".
CONF_DOORBELL_INPUTS: Final = "doorbell_inputs"

# "default" leaves the choice to the device's own configuration.
RESOLUTION_DEVICE_DEFAULT: Final = "default"

DEFAULT_PORT: Final = 80
DEFAULT_USERNAME: Final = "root"
DEFAULT_FRAME_RATE: Final = 10
MIN_FRAME_RATE: Final = 1
MAX_FRAME_RATE: Final = 30
DEFAULT_BACKUPS_TO_KEEP: Final = 10
MIN_BACKUPS_TO_KEEP: Final = 1
MAX_BACKUPS_TO_KEEP: Final = 100

DEFAULT_OPTIONS: Final = {
    CONF_SNAPSHOT_RESOLUTION: RESOLUTION_DEVICE_DEFAULT,
    CONF_STREAM_RESOLUTION: RESOLUTION_DEVICE_DEFAULT,
    CONF_FRAME_RATE: DEFAULT_FRAME_RATE,
    CONF_BACKUPS_TO_KEEP: DEFAULT_BACKUPS_TO_KEEP,
}

# Polling: output relays and the SD card are the only things the device does
# not push. Relays change through this integration (which re-reads them right
# away) or through the device's own event rules, so a minute is soon enough for
# the rare outside change. The SD card fills slowly: it is read every fifth
# poll. A camera with relays and a card thus gets 1.2 small requests a minute
# (the target for cheap devices is at most 2, beside the input stream).
SCAN_INTERVAL_SECONDS: Final = 60
STORAGE_POLL_EVERY: Final = 5

# Reconnect backoff of the input monitor stream.
BACKOFF_BASE_SECONDS: Final = 1.0
BACKOFF_MAX_SECONDS: Final = 60.0

SD_DISK_ID: Final = "SD_DISK"

# Actions and attributes.
SERVICE_PULSE_OUTPUT: Final = "pulse_output"
ATTR_ON_MS: Final = "on_ms"
ATTR_OFF_MS: Final = "off_ms"
ATTR_COUNT: Final = "count"
# Limits of the pulse action: a pulse of 10 ms .. 1 h, up to 100 repetitions.
MIN_PULSE_MS: Final = 10
MAX_PULSE_MS: Final = 3_600_000
MIN_PULSE_COUNT: Final = 1
MAX_PULSE_COUNT: Final = 100

EVENT_BACKUP_SAVED: Final = "cgi_camera_backup_saved"
BACKUP_FOLDER: Final = "cgi_camera/backups"
FIRMWARE_FOLDER: Final = "cgi_camera/firmware"

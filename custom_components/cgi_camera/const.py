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
# Clips (record_clip): seconds of lookback kept per source ("lookback_1" ..
# "lookback_4"), days clips are kept, and the codec (h264 or mjpeg).
CONF_LOOKBACK_PREFIX: Final = "lookback_"
CONF_CLIP_RETENTION_DAYS: Final = "clip_retention_days"
CONF_CLIP_CODEC: Final = "clip_codec"

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
DEFAULT_LOOKBACK_SECONDS: Final = 0
MAX_LOOKBACK_SECONDS: Final = 30
DEFAULT_CLIP_RETENTION_DAYS: Final = 7
MIN_CLIP_RETENTION_DAYS: Final = 1
MAX_CLIP_RETENTION_DAYS: Final = 365
CODEC_H264: Final = "h264"
CODEC_MJPEG: Final = "mjpeg"
CLIP_CODECS: Final = (CODEC_H264, CODEC_MJPEG)
DEFAULT_CLIP_CODEC: Final = CODEC_H264

DEFAULT_OPTIONS: Final = {
    CONF_SNAPSHOT_RESOLUTION: RESOLUTION_DEVICE_DEFAULT,
    CONF_STREAM_RESOLUTION: RESOLUTION_DEVICE_DEFAULT,
    CONF_FRAME_RATE: DEFAULT_FRAME_RATE,
    CONF_BACKUPS_TO_KEEP: DEFAULT_BACKUPS_TO_KEEP,
}

# Polling: what the device does not push. Relays are pushed where the device
# has an output (or port) monitor, and polled every minute where it has not,
# or while that stream is down. The event rules are listed every minute (a
# device that refuses the listing from the first is asked hourly). The SD
# card fills slowly: it is read every fifth poll. Every poll sends at least
# one request (availability). A camera with pushed relays, event rules and a
# card thus gets 1.2 small requests a minute, as before relays were pushed;
# one without an output monitor 2.2 (the target for cheap devices is about 2,
# beside the monitor stream).
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

# Event types of the inputs' event entities; "ring" is Home Assistant's
# event type for doorbells.
EVENT_TYPE_ACTIVATED: Final = "activated"
EVENT_TYPE_DEACTIVATED: Final = "deactivated"
EVENT_TYPE_RING: Final = "ring"

EVENT_BACKUP_SAVED: Final = "cgi_camera_backup_saved"
BACKUP_FOLDER: Final = "cgi_camera/backups"
FIRMWARE_FOLDER: Final = "cgi_camera/firmware"

SERVICE_RECORD_CLIP: Final = "record_clip"
ATTR_DURATION: Final = "duration"
ATTR_LOOKBACK: Final = "lookback"
ATTR_FILENAME: Final = "filename"
MIN_CLIP_SECONDS: Final = 1
MAX_CLIP_SECONDS: Final = 600
EVENT_CLIP_SAVED: Final = "cgi_camera_clip_saved"
# Clips live in Home Assistant's local media folder, under this folder.
CLIP_FOLDER: Final = "cgi_camera"

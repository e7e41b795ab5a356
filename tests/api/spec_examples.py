r"""Every answer the spec (camera-http-api.txt) prints, as the bytes a device sends.

Each constant is one whole HTTP answer: status line, headers and body, written
line for line as the spec prints it, one bytes literal per printed line:

* ``\r\n`` where the spec prints ``\r\n`` and ``\n`` where it prints ``\n``;
* a line the spec prints with no line-ending marker ends with a bare ``\n``
  (said next to each such answer);
* a header the page layout wrapped over two printed lines (e.g.
  ``Content-Type:`` / ``multipart/x-mixed-replace;boundary=...\r\n``) is one
  header line, the wrap being one space: a line break inside a header is not
  HTTP (aiohttp refuses it) and the spec's boxes wrap long lines;
* ``<JPEG image data>``, ``<Audio data>``, ``<group number>``, ``<IP
  addresses>``, ``<yes/no>``, ``<MAC address>`` and the backup's file content
  are replaced by data of the kind they name (sizes as printed: a JPEG of
  exactly ``Content-Length`` bytes, audio blocks of 240 bytes); free-text
  placeholders (``<description>``, ``<error message>``, ``<additional error
  information>``, ``<system log information>``) are kept as printed;
* the `` .`` lines that say "the stream goes on" are not sent: the device
  closes the connection there;
* where the spec prints only a body (5.1.1.4's listing, the storage XML) the
  head is the one of the answer format that section refers to (5.1.1.2 for
  ``param.cgi``, a plain ``text/xml`` 200 for ``list.cgi``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpecExample:
    """One printed answer: where the spec prints it and the request it answers."""

    section: str
    path: str
    raw: bytes


def jpeg(size: int, seed: int = 0) -> bytes:
    """A JPEG-shaped blob (SOI ... EOI) of exactly ``size`` bytes."""
    filler = bytes((seed + index * 31) % 251 for index in range(size - 4))
    return b"\xff\xd8" + filler + b"\xff\xd9"


def audio_block(seed: int) -> bytes:
    r"""240 bytes of coded audio: no ``\n``, nothing that looks like a header."""
    return bytes(0x80 + (seed * 17 + index * 7) % 128 for index in range(240))


JPEG_15656 = jpeg(15656, 1)
JPEG_14978 = jpeg(14978, 2)
JPEG_15136 = jpeg(15136, 3)
AUDIO = tuple(audio_block(seed) for seed in range(4))

# -- 4.2.1 HTTP status codes -----------------------------------------------------------

STATUS_404 = b"HTTP/1.0 404 Not Found\r\n"
"""4.2.1 "Request includes invalid file names": a status line and nothing else."""

STATUS_404_ENDED = STATUS_404 + b"\r\n"
"""The same answer with the blank line that ends an HTTP head (not printed)."""

# -- 5.1.1 param.cgi -------------------------------------------------------------------

PARAM_RFC_FORMAT = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Network.IPAddress=10.13.12.36\n"  # <parameter pair>, as 5.1.1.2 defines it
)
"""5.1.1.1 "Response format" (``responseformat=rfc``)."""

PARAM_LIST_NETWORK = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"Network.IPAddress=10.13.12.36\n"
    b"Network.SubnetMask=255.255.255.0\n"
)
"""5.1.1.2 "Network query response" (a bare-LF header line and blank line)."""

PARAM_ERROR = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\n# Error: <description>\n"
"""5.1.1.2 "If the CGI request includes an invalid parameter value"."""

EVENT_E0_VALUES: dict[str, str] = {
    "Event.E0.Name": "MyEvent",
    "Event.E0.Type": "T",
    "Event.E0.Enabled": "yes",
    "Event.E0.Active": "no",
    "Event.E0.Priority": "1",
    "Event.E0.Image": "1",
    "Event.E0.HWInputs": "xxxx",
    "Event.E0.SWInput": "",
    "Event.E0.Weekdays": "1111111",
    "Event.E0.Starttime": "00:00",
    "Event.E0.Duration": "0",
    "Event.E0.ImageURLSettingsEnabled": "no",
    "Event.E0.ImageURLSettings": "",
    "Event.E0.IncludePreTrigger": "no",
    "Event.E0.PreTriggerSize": "0",
    "Event.E0.PreTriggerInterval": "1000",
    "Event.E0.PreTriggerIntervalUnit": "s",
    "Event.E0.PreTriggerUnit": "s",
    "Event.E0.IncludePostTrigger": "no",
    "Event.E0.PostTriggerSize": "0",
    "Event.E0.PostTriggerInterval": "1000",
    "Event.E0.PostTriggerIntervalUnit": "s",
    "Event.E0.PostTriggerUnit": "s",
    "Event.E0.IncludeBestEffort": "no",
    "Event.E0.BestEffortInterval": "1000",
    "Event.E0.BestEffortDuration": "0",
    "Event.E0.BestEffortIntervalUnit": "s",
    "Event.E0.BestEffortDurationUnit": "s",
    "Event.E0.FileName": "image.jpg",
    "Event.E0.Suffix": "%y-%m-%d_%H-%M-%S-%f",
    "Event.E0.MaxSequenceNumber": "-100",
}
"""What 5.1.1.4's listing must parse to (in this order)."""

EVENT_E0_LISTING = (
    b"HTTP/1.0 200 OK\r\n"  # head: the list output format of 5.1.1.2
    b"Content-Type: text/plain\n"
    b"\n"
    # the listing as printed: no line-ending markers, so bare \n
    b"Event.E0.Name=MyEvent\n"
    b"Event.E0.Type=T\n"
    b"Event.E0.Enabled=yes\n"
    b"Event.E0.Active=no\n"
    b"Event.E0.Priority=1\n"
    b"Event.E0.Image=1\n"
    b"Event.E0.HWInputs=xxxx\n"
    b"Event.E0.SWInput=\n"
    b"Event.E0.Weekdays=1111111\n"
    b"Event.E0.Starttime=00:00\n"
    b"Event.E0.Duration=0\n"
    b"Event.E0.ImageURLSettingsEnabled=no\n"
    b"Event.E0.ImageURLSettings=\n"
    b"Event.E0.IncludePreTrigger=no\n"
    b"Event.E0.PreTriggerSize=0\n"
    b"Event.E0.PreTriggerInterval=1000\n"
    b"Event.E0.PreTriggerIntervalUnit=s\n"
    b"Event.E0.PreTriggerUnit=s\n"
    b"Event.E0.IncludePostTrigger=no\n"
    b"Event.E0.PostTriggerSize=0\n"
    b"Event.E0.PostTriggerInterval=1000\n"
    b"Event.E0.PostTriggerIntervalUnit=s\n"
    b"Event.E0.PostTriggerUnit=s\n"
    b"Event.E0.IncludeBestEffort=no\n"
    b"Event.E0.BestEffortInterval=1000\n"
    b"Event.E0.BestEffortDuration=0\n"
    b"Event.E0.BestEffortIntervalUnit=s\n"
    b"Event.E0.BestEffortDurationUnit=s\n"
    b"Event.E0.FileName=image.jpg\n"
    b"Event.E0.Suffix=%y-%m-%d_%H-%M-%S-%f\n"
    b"Event.E0.MaxSequenceNumber=-100\n"
)
"""5.1.1.4 "A listing of the new group will output the following"."""

ADD_OK = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\nE7 OK\r\n"
"""5.1.1.6 "Add new event entry and set the specified name" response."""

REMOVE_OK = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\nOK\r\n"
"""5.1.1.6 "A successful remove" and "Delete an event entry" response."""

ADD_NOT_CREATED = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"<additional error information>\n"  # printed without a line-ending marker
    b"# Request failed: <error message>\n"
)
"""5.1.1.6 "Add new group failed. The group was not created"."""

ADD_CREATED_NOT_SET = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"<additional error information>\n"  # printed without a line-ending marker
    b"# Error: <error message>\r\n"
)
"""5.1.1.6 "The group was created, but the specified parameters could not be set"."""

REMOVE_FAILED = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"<additional error information>\n"  # printed without a line-ending marker
    b"# Request failed: <error message>\r\n"
)
"""5.1.1.6 "Remove failed"."""

MOTION_ADD_OK = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"M3 OK\r\n"  # M<group number> OK
)
"""5.4.1 "Add a new Motion Detection window" return."""

# -- 5.1.5 / 5.1.10 backup and system log ----------------------------------------------

BACKUP_CONTENT = b"etc/\x00" + bytes(range(256)) * 4

BACKUP = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: application/x-tar\r\n"
    # printed wrapped inside "<MAC address>"
    b"Content-Disposition: attachment; filename=backup_00408c123456.tar\r\n"
    b"\r\n" + BACKUP_CONTENT  # <file content of backup_<MAC address>.tar>
)
"""5.1.5 backup.cgi return."""

SYSTEM_LOG = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"<system log information>"  # no line-ending marker and nothing after it
)
"""5.1.10 systemlog.cgi return."""

# -- 5.1.12 date.cgi -------------------------------------------------------------------

DATE_GET = (
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nApr 03, 2003 15:16:04\r\n"
)
"""5.1.12.1 example."""

DATE_SET_OK = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nOK\r\n"
"""5.1.12.2 "A successful set" (and the "Set the date" response)."""

DATE_SET_FAILED = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Request failed: <error message>\r\n"
)
"""5.1.12.2 "A failed set"."""

# -- 5.2 image and video ---------------------------------------------------------------

IMAGESIZE_176 = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"image width = 176\n"
    b"image height = 144\n"
)
"""5.2.1 default settings of camera 1."""

IMAGESIZE_160 = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"image width = 160\n"
    b"image height = 120\n"
)
"""5.2.1 ``resolution=QCIF&compression=60``."""

VIDEOSTATUS = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    # printed without line-ending markers: bare \n
    b"Video 1 = video\n"
    b"Video 2 = no video\n"
    b"Video 3 = no video\n"
    b"Video 4 = video\n"
)
"""5.2.2 status of inputs 1 to 4."""

JPEG = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Length: 15656\r\n"
    b"\r\n" + JPEG_15656 + b"\r\n"  # <JPEG image data>\r\n
)
"""5.2.4.3 "Requested JPEG image"."""

MJPEG = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace;boundary=myboundary\r\n"  # wrapped
    b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Length: 15656\r\n"
    b"\r\n" + JPEG_15656 + b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Length: 14978\r\n"
    b"\r\n" + JPEG_14978 + b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Length: 15136\r\n"
    b"\r\n" + JPEG_15136 + b"\r\n"
    b"--myboundary\r\n"
    # " ." x 3: the stream goes on
)
"""5.2.4.7 "Requested Multipart JPEG image"."""

# -- 5.5.1.1 I/O monitor ---------------------------------------------------------------

MONITOR = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace; boundary=ioboundary\r\n"  # wrapped
    b"\r\n"
    b"\r\n"
    b"\r\n"
    b"\r\n"
    b"--ioboundary\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"IO0:/\n"
    b"\r\n"
    b"\r\n"
    b"--ioboundary\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"IO0:H\n"
    b"\r\n"
    b"--ioboundary\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"\r\n"
    b"IO0:\\\n"  # printed "IO0:\\n": the state character \ then LF
    b"\r\n"
    b"\r\n"
    b"--ioboundary\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"\r\n"
    b"\r\n"
    b"\r\n"
    b"--ioboundary\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"\r\n"
    # " ." x 3: the stream goes on
)
"""5.5.1.1 "Monitor data on input port 1"."""

# -- 5.7.2 ipfilter.cgi ----------------------------------------------------------------

IPFILTER_OK = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nOK\r\n"
"""5.7.2 "A successful add, remove, removeall or update"."""

IPFILTER_LIST = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Accept addresses: 10.13.10.12 10.13.17.0/24\r\n"  # <IP addresses>
    b"Enabled: yes\r\n"  # <yes/no>
)
"""5.7.2 "A list"."""

IPFILTER_VERIFICATION_FAILED = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b'Verification failed: IP address "10.13.17.245" is not an\n'  # wrapped
    b"accepted address\r\n"
)
"""5.7.2 "Verification failed. The settings did not take place"."""

IPFILTER_LIST_VERIFY = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Accept addresses: 10.13.10.12\r\n"
    b"Enabled: no\r\n"
    b'Verification failed: IP address "10.13.17.245" is not an\n'  # wrapped
    b"accepted address"  # printed without a line ending: none is sent
)
"""5.7.2 ``action=list&verify=yes`` response."""

# -- 5.8 audio -------------------------------------------------------------------------

AUDIO_SINGLEPART = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: audio/basic\r\n"
    b"\r\n" + AUDIO[0] + AUDIO[1] + AUDIO[2]
    # <Audio data> x 3, "right after another without any extra information"
    # "." x 3: the stream goes on
)
"""5.8.3 "Singlepart Audio data encoded with G.711 u-law"."""

AUDIO_MULTIPART_FORMAT = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace; boundary=--myboundary\r\n"  # wrapped
    b"\r\n"
    b"--myboundary\r\n"  # --<boundary> with <boundary> = myboundary
    b"Content-Type: audio/basic\r\n"  # <audio MIME>
    b"\r\n" + AUDIO[0] + b"\r\n"
    b"--myboundary\r\n"
)
"""5.8.4 "Return" (the boundary parameter declared with its ``--``)."""

AUDIO_MULTIPART = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace;boundary=myboundary\r\n"  # wrapped
    b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: audio/32KADPCM\r\n"
    b"\r\n" + AUDIO[0] + b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: audio/32KADPCM\r\n"
    b"\r\n" + AUDIO[1] + b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: audio/32KADPCM\r\n"  # printed without the blank line
     + AUDIO[2] + b"\r\n"
    b"--myboundary\r\n"
    b"Content-Type: audio/32KADPCM\r\n"
    b"\r\n" + AUDIO[3] + b"\r\n"
    b"--myboundary\r\n"
    # "." x 3: the stream goes on
)
"""5.8.4 "Multipart Audio data encoded with G.726 32kbit/s"."""

# -- 5.9 storage (the spec prints the bodies only) -------------------------------------

_XML_HEAD = b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n"

STORAGE_DISKS = _XML_HEAD + (
    # printed without line-ending markers: bare \n
    b'<?xml version="1.0" ?>\n'
    b"  <root>\n"
    b'  <disks numberofdisks="1">\n'
    b'  <disk diskid="SD_DISK" totalsize="124048" freesize="124032"\n'
    b'cleanuplevel="95" cleanupmaxage="1" cleanuppolicy="none"\n'
    b'   locked="no" full="no" readonly="no" status="OK" />\n'
    b"  </disks>\n"
    b"  </root>\n"
)
"""5.9.3 list.cgi?diskid=... return value."""

STORAGE_RECORDINGS = _XML_HEAD + (
    # printed without line-ending markers: bare \n; indented; no </root>
    b'    <?xml version="1.0" ?>\n'
    b"      <root>\n"
    b'      <recordings totalnumberofrecordings="1"\n'
    b'numberofrecordings="1">\n'
    b"      <recording\n"
    b'recordingid="0237d4aa-506b-11d5-83d8-00408c903eb5"\n'
    b'diskid="SD_DISK" starttime="2001-05-24T17:34:20.648568Z"\n'
    b'starttimelocal="2001-05-24T17:34:20.648568+0000" stoptime=""\n'
    b'stoptimelocal="" recordingtype="scheduled" eventid="sd"\n'
    b'recordingstatus="active" locked="no">\n'
    b'      <video mimetype="image/jpeg" source="" framerate="30:1"\n'
    b'resolution="176x120"\n'
    b'codecdata="AAAAAWdCACnikFiPy4GrBgEG4eJEVAAAAAFozjyA"\n'
    b'capsstr="image/jpeg, squarepixelenabled=(boolean)false,\n'
    b"width=(int)176, height=(int)120,\n"
    b'framerate=(fraction)2147483647/1" />\n'
    b"      </recording>\n"
    b"      </recordings>\n"
)
"""5.9.4 list.cgi?recordingid=... return value, exactly as printed."""

EXAMPLES: dict[str, SpecExample] = {
    "status_404": SpecExample("4.2.1", "/image.cgi", STATUS_404),
    "status_404_ended": SpecExample("4.2.1", "/image.cgi", STATUS_404_ENDED),
    "param_rfc_format": SpecExample("5.1.1.1", "/param.cgi", PARAM_RFC_FORMAT),
    "param_list_network": SpecExample("5.1.1.2", "/param.cgi", PARAM_LIST_NETWORK),
    "param_error": SpecExample("5.1.1.2", "/param.cgi", PARAM_ERROR),
    "event_e0_listing": SpecExample("5.1.1.4", "/param.cgi", EVENT_E0_LISTING),
    "add_ok": SpecExample("5.1.1.6", "/param.cgi", ADD_OK),
    "remove_ok": SpecExample("5.1.1.6", "/param.cgi", REMOVE_OK),
    "add_not_created": SpecExample("5.1.1.6", "/param.cgi", ADD_NOT_CREATED),
    "add_created_not_set": SpecExample("5.1.1.6", "/param.cgi", ADD_CREATED_NOT_SET),
    "remove_failed": SpecExample("5.1.1.6", "/param.cgi", REMOVE_FAILED),
    "backup": SpecExample("5.1.5", "/backup.cgi", BACKUP),
    "system_log": SpecExample("5.1.10", "/systemlog.cgi", SYSTEM_LOG),
    "date_get": SpecExample("5.1.12.1", "/date.cgi", DATE_GET),
    "date_set_ok": SpecExample("5.1.12.2", "/date.cgi", DATE_SET_OK),
    "date_set_failed": SpecExample("5.1.12.2", "/date.cgi", DATE_SET_FAILED),
    "imagesize_176": SpecExample("5.2.1", "/imagesize.cgi", IMAGESIZE_176),
    "imagesize_160": SpecExample("5.2.1", "/imagesize.cgi", IMAGESIZE_160),
    "videostatus": SpecExample("5.2.2", "/videostatus.cgi", VIDEOSTATUS),
    "jpeg": SpecExample("5.2.4.3", "/image.cgi", JPEG),
    "mjpeg": SpecExample("5.2.4.7", "/mjpg/video.cgi", MJPEG),
    "motion_add_ok": SpecExample("5.4.1", "/param.cgi", MOTION_ADD_OK),
    "monitor": SpecExample("5.5.1.1", "/io/input.cgi", MONITOR),
    "ipfilter_ok": SpecExample("5.7.2", "/ipfilter.cgi", IPFILTER_OK),
    "ipfilter_list": SpecExample("5.7.2", "/ipfilter.cgi", IPFILTER_LIST),
    "ipfilter_verification_failed": SpecExample(
        "5.7.2", "/ipfilter.cgi", IPFILTER_VERIFICATION_FAILED
    ),
    "ipfilter_list_verify": SpecExample("5.7.2", "/ipfilter.cgi", IPFILTER_LIST_VERIFY),
    "audio_singlepart": SpecExample("5.8.3", "/audio/receive.cgi", AUDIO_SINGLEPART),
    "audio_multipart_format": SpecExample(
        "5.8.4", "/audio/receive.cgi", AUDIO_MULTIPART_FORMAT
    ),
    "audio_multipart": SpecExample("5.8.4", "/audio/receive.cgi", AUDIO_MULTIPART),
    "storage_disks": SpecExample("5.9.3", "/list.cgi", STORAGE_DISKS),
    "storage_recordings": SpecExample("5.9.4", "/list.cgi", STORAGE_RECORDINGS),
}
"""Every example, by name; the tests check each one through the client."""

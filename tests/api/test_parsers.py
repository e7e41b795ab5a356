"""Parsers of the plain-text, I/O, PTZ and XML answers, with property tests."""

from __future__ import annotations

import contextlib
from datetime import datetime
from urllib.parse import parse_qsl

from hypothesis import given, settings, strategies as st
import pytest

from cgi_camera_api import (
    CameraError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraValueError,
    PulseSequence,
)
from cgi_camera_api.encoding import build_query, encode_value
from cgi_camera_api.errors import check_range
from cgi_camera_api.io import (
    parse_active,
    parse_check,
    parse_monitor_part,
)
from cgi_camera_api.params import (
    normalise_mac,
    parse_add_answer,
    parse_params,
    parse_user_groups,
    refusal,
)
from cgi_camera_api.ptz import (
    check_float,
    check_int,
    format_number,
    parse_info,
    parse_position,
    parse_presets,
    parse_speed,
)
from cgi_camera_api.storage import parse_disks, parse_recordings

PROPERTY = settings(max_examples=200, deadline=None)

# -- encoding ---------------------------------------------------------------


def test_encoding_reserved_characters() -> None:
    """Every reserved character of the spec is %-encoded; lists keep commas."""
    assert encode_value("; / ? : @ & = + , $") == (
        "%3B%20%2F%20%3F%20%3A%20%40%20%26%20%3D%20%2B%20%2C%20%24"
    )
    assert build_query([("group", ("Event.E2", "a,b")), ("x", 5)]) == (
        "group=Event.E2,a%2Cb&x=5"
    )
    assert build_query([]) == ""


@PROPERTY
@given(st.lists(st.tuples(st.text(min_size=1), st.text()), max_size=5))
def test_encoding_round_trip(pairs: list[tuple[str, str]]) -> None:
    """Decoding the query gives back exactly the pairs (no injection)."""
    query = build_query(pairs)
    assert parse_qsl(query, keep_blank_values=True) == pairs


def test_check_range_rejects_bools_and_nan() -> None:
    """bool, NaN and non-numbers are outside every range."""
    for value in (True, float("nan"), "1"):
        with pytest.raises(CameraValueError) as info:
            check_range("x", value, 0, 10)  # type: ignore[arg-type]
        assert info.value.argument == "x"
        assert (info.value.minimum, info.value.maximum) == (0, 10)


# -- params --------------------------------------------------------------------


def test_parse_params_line_endings_and_errors() -> None:
    """``\\n`` and ``\\r\\n``; values keep ``=``; errors raise."""
    text = "A.B=1\r\nA.C=x=y\n\nA.D=\n"
    assert parse_params(text) == {"A.B": "1", "A.C": "x=y", "A.D": ""}
    assert list(parse_params(text)) == ["A.B", "A.C", "A.D"]
    with pytest.raises(CameraRequestRefusedError) as info:
        parse_params("A=1\n# Error: Error -1 getting param in group 'X'\n")
    assert info.value.message.startswith("# Error: Error -1")
    assert parse_params("A=1\n# Error: no group\n", skip_errors=True) == {"A": "1"}
    with pytest.raises(CameraResponseError):
        parse_params("no equals sign")


@pytest.mark.parametrize(
    "text",
    [
        "# Error: bad",
        "x\n# Request failed: no\n",
        "Request failed: bad date",
        'Accept addresses: 1.2.3.4\r\nVerification failed: IP address "1" is not',
    ],
)
def test_refusals(text: str) -> None:
    """All four refusal forms are recognised and keep the text."""
    message = refusal(text)
    assert message is not None
    assert message.split(":")[0].lstrip("# ") in (
        "Error",
        "Request failed",
        "Verification failed",
    )


def test_add_answer_and_groups() -> None:
    """``E7 OK``; users per group."""
    assert parse_add_answer("E7 OK\r\n") == "E7"
    assert parse_add_answer("E7 ok\n") == "E7"  # a device's own spelling
    with pytest.raises(CameraResponseError):
        parse_add_answer("OK\r\n")
    with pytest.raises(CameraRequestRefusedError):
        parse_add_answer("# Request failed: template\n")
    assert parse_user_groups('admin="root,joe"\nviewer=\n\n') == {
        "admin": ("root", "joe"),
        "viewer": (),
    }
    with pytest.raises(CameraResponseError):
        parse_user_groups("garbage")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00:40:8C:12:34:56", "00:40:8c:12:34:56"),
        ("00408c123456", "00:40:8c:12:34:56"),
        ("00-40-8C-12-34-56", "00:40:8c:12:34:56"),
        ("00:40:8C:12:34", None),
        ("zz408c123456", None),
    ],
)
def test_normalise_mac(raw: str, expected: str | None) -> None:
    """Colon, bare and dashed forms."""
    assert normalise_mac(raw) == expected


@PROPERTY
@given(st.text(max_size=400))
def test_text_parsers_raise_only_camera_errors(text: str) -> None:
    """Random text: a result or a CameraError, for every text parser."""
    for parser in (
        parse_params,
        parse_add_answer,
        parse_user_groups,
        parse_position,
        parse_speed,
        parse_presets,
        parse_info,
        parse_monitor_part,
        lambda t: parse_check(t, [1, 2]),
        lambda t: parse_check(t, [1]),
        lambda t: parse_disks(t.encode()),
        lambda t: parse_recordings(t.encode()),
    ):
        with contextlib.suppress(CameraError):
            parser(text.encode() if parser is parse_monitor_part else text)  # type: ignore[operator]


# -- I/O ------------------------------------------------------------------------


def test_pulse_sequences() -> None:
    """The spec's examples, the builder and the one-relay rule."""
    seq = PulseSequence.parse("1:/300\\500/300\\")
    assert seq.port == 1
    assert seq.steps == ("/", 300, "\\", 500, "/", 300, "\\")
    assert str(seq) == "1:/300\\500/300\\"
    assert seq.for_port(1) == "1:/300\\500/300\\"
    assert str(PulseSequence.parse("1000/")) == "1000/"
    assert PulseSequence.parse("1000/").for_port(2) == "2:1000/"
    assert str(PulseSequence.pulses(300, 500, 2)) == "/300\\500/300\\"
    assert str(PulseSequence.pulses(100, 1, 1)) == "/100\\"
    with pytest.raises(CameraValueError, match="port 1, not port 2"):
        seq.for_port(2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1:",
        "300",
        "1:/,2:/",
        "1:/2:\\",
        "x:/",
        "1:/a",
        "/0\\",
        "/99999999\\",
        "1:/\uff13\\",
    ],
)
def test_bad_pulse_sequences(text: str) -> None:
    """Syntax errors and two relays in one request."""
    with pytest.raises(CameraValueError):
        PulseSequence.parse(text)


def test_pulse_builder_ranges() -> None:
    """Builder arguments and direct construction are validated."""
    for args in ((0, 1, 1), (1, 0, 1), (1, 1, 0), (1, 1, True)):
        with pytest.raises(CameraValueError):
            PulseSequence.pulses(*args)
    with pytest.raises(CameraValueError, match="two waits"):
        PulseSequence(("/", 1, 2))
    with pytest.raises(CameraValueError, match="unknown action"):
        PulseSequence(("/", "x"))
    with pytest.raises(CameraValueError):
        PulseSequence(("/",), port=0)


@PROPERTY
@given(st.text(alphabet="0123456789/\\:,", max_size=20))
def test_pulse_parse_round_trip(text: str) -> None:
    """A parsed sequence prints back to an equivalent action value."""
    try:
        seq = PulseSequence.parse(text)
    except CameraValueError:
        return
    assert PulseSequence.parse(str(seq)) == seq


def test_monitor_part_forms() -> None:
    """``/``, ``H``, ``\\``, ``L``; blank and header-like lines ignored."""
    body = b"\r\nContent-Type: text/plain\r\nIO0:/\nIO1:H\r\n\r\nIO2:\\\nIO3:L\n"
    assert parse_monitor_part(body) == [(0, True), (1, True), (2, False), (3, False)]
    # an unknown line is skipped (logged once), never fatal for the stream
    assert parse_monitor_part(b"IO1:?\nIO2:/\n") == [(2, True)]


def test_parse_check_forms() -> None:
    """``input1=1``, ``1=active``, ``IO0:/`` and a bare value."""
    assert parse_check("input1=1\ninput2=0\n", [1, 2]) == {1: "1", 2: "0"}
    assert parse_check("1=active\r\n2=inactive", [1, 2]) == {1: "active", 2: "inactive"}
    assert parse_check("IO0:/\nIO1:\\\n", [1, 2]) == {1: "/", 2: "\\"}
    assert parse_check("1\n", [2]) == {2: "1"}
    with pytest.raises(CameraResponseError, match="no state"):
        parse_check("input1=1\n", [1, 2])
    with pytest.raises(CameraResponseError):
        parse_check("what?\nhuh", [1, 2])
    assert parse_active(" Active ") is True
    with pytest.raises(CameraResponseError):
        parse_active("maybe")


# -- PTZ -------------------------------------------------------------------------


def test_ptz_answers() -> None:
    """query=position/speed/presetposcam and info=1."""
    position = parse_position(
        "pan=12.5\r\ntilt=-4\nzoom=1\nfocus=\nautofocus=on\nautoiris=off\n"
    )
    assert (position.pan, position.tilt, position.zoom, position.focus) == (
        12.5,
        -4.0,
        1.0,
        None,
    )
    assert (position.autofocus, position.autoiris) == (True, False)
    for bad in ("", "pan=x", "pan=inf", "autofocus=maybe"):
        with pytest.raises(CameraResponseError):
            parse_position(bad)
    assert parse_speed("speed=50\n") == 50
    with pytest.raises(CameraResponseError):
        parse_speed("nothing")
    assert [
        p.number for p in parse_presets("presetposno2=B\npresetposno1=A\nx=y\n")
    ] == [1, 2]
    info = parse_info(
        "Available commands:\n{camera=[n]}\n{move=home|up}\n{areazoom=[x],[y],[z]}\n"
        "query=speed|position\n{whoami}\n"
    )
    assert {"camera", "move", "areazoom", "query", "whoami"} <= info.commands
    assert info.supports("move")
    with pytest.raises(CameraResponseError):
        parse_info("Available commands:\n")


def test_ptz_ranges() -> None:
    """Validation names the argument and its range; numbers format plainly."""
    assert check_float("pan", 12.5, (-180, 180)) == "12.5"
    assert check_float("pan", -0.00001, (-180, 180)) == "0"
    assert check_float("pan", 3, (-180, 180)) == "3"
    assert check_int("zoom", 5.0, (1, 9999)) == "5"  # type: ignore[arg-type]
    assert format_number(1e-7) == "0"
    for value in (180.5, float("inf"), float("nan")):
        with pytest.raises(CameraValueError) as info:
            check_float("pan", value, (-180, 180))
        assert (info.value.argument, info.value.minimum, info.value.maximum) == (
            "pan",
            -180,
            180,
        )
        assert "-180" in str(info.value)
    with pytest.raises(CameraValueError, match="integer"):
        check_int("zoom", 1.5, (1, 9999))  # type: ignore[arg-type]


# -- storage ----------------------------------------------------------------------

DISKS = b"""<?xml version="1.0" ?>
  <root>
  <disks numberofdisks="1">
  <disk diskid="SD_DISK" totalsize="124048" freesize="124032"
cleanuplevel="95" cleanupmaxage="1" cleanuppolicy="none"
   locked="no" full="no" readonly="no" status="OK" />
  </disks>
  </root>"""

RECORDINGS = b"""<?xml version="1.0" ?>
  <root>
  <recordings totalnumberofrecordings="1" numberofrecordings="1">
  <recording recordingid="0237d4aa-506b-11d5-83d8-00408c903eb5"
diskid="SD_DISK" starttime="2001-05-24T17:34:20.648568Z"
starttimelocal="2001-05-24T17:34:20.648568+0000" stoptime=""
stoptimelocal="" recordingtype="scheduled" eventid="sd"
recordingstatus="active" locked="no">
  <video mimetype="image/jpeg" source="" framerate="30:1" resolution="176x120" />
  </recording>
  </recordings>
  </root>"""


def test_storage_spec_examples() -> None:
    """The spec's disk and recording listings."""
    (disk,) = parse_disks(DISKS)
    assert disk.disk_id == "SD_DISK"
    assert (disk.total_kib, disk.free_kib, disk.cleanup_level) == (124048, 124032, 95)
    assert disk.status == "OK"
    assert not (disk.locked)
    assert not (disk.full)
    assert not (disk.readonly)
    (recording,) = parse_recordings(RECORDINGS)
    assert recording.recording_id.startswith("0237d4aa")
    assert recording.start_time is not None
    assert recording.start_time.year == 2001
    assert recording.stop_time is None
    assert recording.status == "active"
    assert isinstance(recording.start_time, datetime)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><root>&a;</root>',
        b'<!DOCTYPE r SYSTEM "http://x/evil.dtd"><root/>',
        b"<root>&undefined;</root>",
        b"<root><disk diskid=''/></root>",
        b"<root><disk diskid='a' totalsize='x'/></root>",
        b"<root><recording recordingid=''/></root>",
        b"<root><recording recordingid='r' starttime='yesterday'/></root>",
        b"not xml",
        b"<root>" + b" " * (5 * 1024 * 1024),
    ],
)
def test_storage_refuses_entities_and_bad_xml(xml: bytes) -> None:
    """DTDs, entities, malformed XML and bad values raise CameraResponseError."""

    def parse_both() -> None:
        parse_disks(xml)
        parse_recordings(xml)

    with pytest.raises(CameraResponseError):
        parse_both()


@PROPERTY
@given(st.binary(max_size=500))
def test_storage_random_bytes(data: bytes) -> None:
    """Random bytes: a result or a CameraError."""
    for parser in (parse_disks, parse_recordings):
        with contextlib.suppress(CameraError):
            parser(data)

"""The text and XML parsers are tolerant: odd lines are skipped, never fatal.

What a device written from another reading of the spec sends: spaces around
separators, unknown lines, a wrapped verification sentence, a deny-policy IP
filter list, an unterminated XML document.  Values asked for must still be
there, and nothing but CameraError subclasses ever escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from datetime import UTC, datetime
import logging
import time
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from cgi_camera_api import (
    CameraError,
    CameraRequestRefusedError,
    CameraResponseError,
    IpFilter,
    PtzPreset,
    lines as lines_module,
)
from cgi_camera_api.errors import CameraGroupValuesNotSetError
from cgi_camera_api.io import (
    parse_active,
    parse_check,
    parse_monitor_part,
)
from cgi_camera_api.lines import (
    forget_skipped_lines,
    line_kind,
    skip_line,
    split_param_line,
    text_lines,
)
from cgi_camera_api.params import (
    parse_add_answer,
    parse_params,
    parse_user_groups,
)
from cgi_camera_api.parsers_text import (
    parse_date,
    parse_image_size,
    parse_ip_filter,
    parse_video_status,
)
from cgi_camera_api.ptz import parse_presets
from cgi_camera_api.storage import parse_disks, parse_recordings

LOGGER = lines_module.__name__
PROPERTY = settings(max_examples=150, deadline=None)


@pytest.fixture(autouse=True)
def fresh_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every kind of skipped line is logged again in each test."""
    forget_skipped_lines()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    yield
    forget_skipped_lines()


def skipped(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The skip messages logged so far."""
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


# -- lines -----------------------------------------------------------------------------


def test_text_lines_only_split_on_line_ends() -> None:
    r"""``\\r\\n``, ``\\n``, ``\\r``; not Latin-1 ``\\x85`` or a form feed."""
    assert text_lines("a\r\nb\nc\rd") == ["a", "b", "c", "d"]
    assert text_lines("A=x\x85y\x0cz\n") == ["A=x\x85y\x0cz", ""]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Image.MaxViewers=10", ("Image.MaxViewers", "10")),
        ("Image.MaxViewers = 10", ("Image.MaxViewers", "10")),
        ("Image.MaxViewers =10 ", ("Image.MaxViewers", "10")),
        ("Image.Text=value with spaces", ("Image.Text", "value with spaces")),
        ("Image.Text = value with spaces ", ("Image.Text", "value with spaces")),
        ("Image.Text= padded ", ("Image.Text", " padded ")),
        (" Image.Text=x=y", ("Image.Text", "x=y")),
        ("A.B=", ("A.B", "")),
        ("image width = 176", None),
        ("# comment=1", None),
        ("=value", None),
        ("no separator", None),
    ],
)
def test_split_param_line(line: str, expected: tuple[str, str] | None) -> None:
    """Spaces around ``=`` belong to the separator; inner spaces are kept."""
    assert split_param_line(line) == expected


def test_skip_line_logs_once_per_kind(caplog: pytest.LogCaptureFixture) -> None:
    """Digits do not make a new kind; the remembered kinds are bounded."""
    assert line_kind(" IO7:? ") == line_kind("IO12:?") == "IO0:?"
    skip_line("x", "IO7:?")
    skip_line("x", "IO8:?")
    skip_line("y", "IO8:?")
    assert len(skipped(caplog)) == 2
    for index in range(lines_module.MAX_LOGGED_KINDS):
        skip_line("z", f"kind {chr(65 + index % 26)}{'x' * (index // 26)}")
    before = len(skipped(caplog))
    skip_line("z", "one kind too many")
    assert len(skipped(caplog)) == before


# -- param.cgi and pwdgrp.cgi ----------------------------------------------------------


def test_params_with_spaces_and_unknown_lines(caplog: pytest.LogCaptureFixture) -> None:
    """``name = value``; unknown lines skipped and logged once."""
    text = (
        "Image.MaxViewers = 10\r\n"
        "Image.Text=value with spaces\n"
        "some banner line\n"
        "some banner line\n"
        "Image.I0.Resolution=640x480\n"
    )
    assert parse_params(text) == {
        "Image.MaxViewers": "10",
        "Image.Text": "value with spaces",
        "Image.I0.Resolution": "640x480",
    }
    assert len(skipped(caplog)) == 1
    assert "some banner line" in skipped(caplog)[0]


def test_params_only_unknown_lines_raise() -> None:
    """Nothing but unknown lines: the values are absent."""
    with pytest.raises(CameraResponseError, match="no parameters"):
        parse_params("image width = 176\nimage height = 144\n")
    assert parse_params("") == {}
    assert parse_params("# not an error prefix\n", skip_errors=True) == {}
    # a refused list (5.1.1.6's form) read with skip_errors: no values, no error
    refused = "<additional error information>\n# Error: <error message>\r\n"
    assert parse_params(refused, skip_errors=True) == {}
    with pytest.raises(CameraRequestRefusedError):
        parse_params(refused)


def test_user_groups_tolerant() -> None:
    """Spaced form, quoted lists, unknown lines; only garbage raises."""
    assert parse_user_groups('admin = "root, joe"\nbanner\nview=\n') == {
        "admin": ("root", "joe"),
        "view": (),
    }
    with pytest.raises(CameraResponseError):
        parse_user_groups("banner\n")


# -- add answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "group", "group_id"),
    [
        ("E8 created\n# Error: Event.E.Foo: no such parameter\r\n", None, "E8"),
        ("Event.E8 created\n# Error: x\r\n", None, "E8"),
        ("Group E8 was created\n# Error: x\r\n", None, "E8"),
        ("Created group Event.E9\n# Error: x\r\n", None, "E9"),
        ("created: M2\n# Error: x\r\n", None, "M2"),
        ("E7 OK\r\n# Error: could not set Event.E7.Foo\r\n", None, "E7"),
        ("# Error: Error setting 'Event.E10.Name'\r\n", "Event", "E10"),
        ("# Error: Error setting 'Event.E10.Name'\r\n", None, None),
        ("<additional error information>\n# Error: <error message>\r\n", None, None),
    ],
)
def test_add_created_but_not_set(text: str, group: str | None, group_id: str) -> None:
    """``# Error:`` means the group exists: its id travels with the error."""
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        parse_add_answer(text, group)
    assert info.value.group_id == group_id
    assert isinstance(info.value, CameraRequestRefusedError)
    assert "# Error:" in info.value.message


def test_add_answer_forms_and_redaction() -> None:
    """``E7 OK`` among other lines; refusals keep the info and are redacted."""
    assert parse_add_answer("\r\n  E7 OK \r\n") == "E7"
    with pytest.raises(CameraResponseError, match="no group id"):
        parse_add_answer("M<group number> OK\r\n")
    with pytest.raises(CameraRequestRefusedError) as info:
        parse_add_answer(
            "bad password hunter2\n# Request failed: x\n",
            redact=lambda text: text.replace("hunter2", "***"),
        )
    assert type(info.value) is CameraRequestRefusedError
    assert info.value.message == "bad password ***\n# Request failed: x"


# -- I/O -------------------------------------------------------------------------------


def test_monitor_part_skips_unknown_lines(caplog: pytest.LogCaptureFixture) -> None:
    """Unknown lines are skipped and logged once per kind, across parts."""
    for _ in range(3):
        assert parse_monitor_part(
            b"IO1:?\r\nStatus ok\nIO0:/\nContent-Length: 7\r\nIO2:L\n"
        ) == [(0, True), (2, False)]
    messages = skipped(caplog)
    assert len(messages) == 2
    assert "IO1:?" in messages[0]
    assert "Status ok" in messages[1]


@pytest.mark.parametrize(
    ("text", "ports", "expected"),
    [
        ("input 1 = 1\ninput 2 = 0\n", [1, 2], {1: "1", 2: "0"}),
        (
            "input1 = active\r\ninput2 = inactive\r\n",
            [1, 2],
            {1: "active", 2: "inactive"},
        ),
        ("input 1 = 1\n", [1], {1: "1"}),
        ("Input 1 : active\n", [1], {1: "active"}),
        ("port1 = no signal\n", [1], {1: "no signal"}),
        ("Content-Type: text/plain\n\ninput1=1\ninput2=0\n", [1, 2], {1: "1", 2: "0"}),
        ("banner line\n1\n", [1], {1: "1"}),
        ("active\n", [1], {1: "active"}),
    ],
)
def test_check_answers_with_spaces(
    text: str, ports: list[int], expected: dict[int, str]
) -> None:
    """Spaces in and around the name and separator; unknown lines skipped."""
    assert parse_check(text, ports) == expected


def test_check_unknown_lines_logged_and_missing_raise(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unknown lines are not fatal, absent ports are."""
    assert parse_check("hello there\ninput1=1\ninput2=0\n", [1, 2]) == {
        1: "1",
        2: "0",
    }
    assert "hello there" in skipped(caplog)[0]
    with pytest.raises(CameraResponseError, match="no state"):
        parse_check("hello there\ngeneral kenobi\n", [1])
    with pytest.raises(CameraResponseError, match="no state"):
        parse_check("input1=1\nbanner\n", [1, 2])
    assert parse_check("input 1 = no signal\n", [1]) == {1: "no signal"}
    with pytest.raises(CameraResponseError, match="unknown port state"):
        parse_active("no signal")


# -- imagesize, videostatus, date ------------------------------------------------------


def test_image_size_tolerant(caplog: pytest.LogCaptureFixture) -> None:
    """Other spellings, unknown lines; a missing value raises."""
    size = parse_image_size("Camera 1\r\nwidth=640\r\nImage Height: 480\r\n")
    assert (size.width, size.height) == (640, 480)
    assert "Camera 1" in skipped(caplog)[0]
    with pytest.raises(CameraResponseError, match="no image size"):
        parse_image_size("image width = 176\n")


def test_video_status_tolerant(caplog: pytest.LogCaptureFixture) -> None:
    """``Video1=video``; unknown lines skipped; a missing source raises."""
    assert parse_video_status(
        "Status:\nVideo1=video\nVideo 2 : no video\n", [1, 2]
    ) == {
        1: True,
        2: False,
    }
    assert "Status:" in skipped(caplog)[0]
    with pytest.raises(CameraResponseError, match=r"\[2\]"):
        parse_video_status("Video 1 = video\n", [1, 2])


def test_date_tolerant() -> None:
    """Full month names, other lines around; bad dates raise."""
    assert parse_date("\r\nDate:\r\nApril 3, 2003 15:16:04\r\n") == datetime(
        2003, 4, 3, 15, 16, 4
    )
    assert parse_date("Apr 03 2003 15:16:04", UTC).tzinfo is UTC
    for bad in ("Foo 03, 2003 15:16:04", "Feb 30, 2003 15:16:04", "today", ""):
        with pytest.raises(CameraResponseError, match="not a date"):
            parse_date(bad)


# -- IP filter -------------------------------------------------------------------------


def test_ip_filter_deny_policy() -> None:
    """``Deny addresses:`` (policy=deny) gives the addresses and "deny"."""
    listed = parse_ip_filter("Deny addresses: 10.0.0.1 10.0.1.0/24\r\nEnabled: yes\r\n")
    assert listed == IpFilter(("10.0.0.1", "10.0.1.0/24"), True, "deny")
    assert parse_ip_filter("Deny addresses:\r\nEnabled: no\r\n").addresses == ()


@pytest.mark.parametrize(
    ("text", "policy", "addresses"),
    [
        (
            "Accept addresses: 1.2.3.4\nEnabled: yes\nPolicy: Deny\n",
            "deny",
            ("1.2.3.4",),
        ),
        (
            "Deny addresses: 1.2.3.4\nEnabled: yes\nPolicy: allow\n",
            "allow",
            ("1.2.3.4",),
        ),
        ("Accept addresses: 1.1.1.1\nDeny addresses: 2.2.2.2\n", None, ("1.1.1.1",)),
        (
            "Accept addresses: 1.1.1.1\nDeny addresses: 2.2.2.2\nPolicy: deny\n",
            "deny",
            ("2.2.2.2",),
        ),
        ("Enabled: yes\n", None, ()),
    ],
)
def test_ip_filter_policy_forms(
    text: str, policy: str | None, addresses: tuple[str, ...]
) -> None:
    """An explicit ``Policy:`` line wins over the addresses' heading."""
    listed = parse_ip_filter(text)
    assert (listed.policy, listed.addresses) == (policy, addresses)


@pytest.mark.parametrize(
    "sentence",
    [
        'Verification failed: IP address "10.13.17.245" is not an accepted address',
        'Verification failed: IP address "10.13.17.245" is not an\r\n'
        "accepted address\r\n",
        'Verification failed: IP address "10.13.17.245" is\nnot an\naccepted address\n',
        "Verification failed: IP address 10.13.17.245 is not an accepted address",
    ],
)
def test_ip_filter_verification_forms(sentence: str) -> None:
    """The sentence on one line or wrapped, before or after the settings."""
    for text in (
        "Accept addresses: 10.13.10.12\r\nEnabled: no\r\n" + sentence,
        sentence + "\r\nAccept addresses: 10.13.10.12\r\nEnabled: no\r\n",
    ):
        listed = parse_ip_filter(text, verify=True)
        assert listed.addresses == ("10.13.10.12",)
        assert not listed.enabled
        assert listed.verified is False
        assert listed.rejected_address == "10.13.17.245"


def test_ip_filter_verification_results_and_refusals() -> None:
    """verified: True when asked and passed, None when not asked."""
    text = "Accept addresses: 10.13.10.12\r\nEnabled: yes\r\n"
    assert parse_ip_filter(text, verify=True).verified is True
    assert parse_ip_filter(text, verify=False).verified is None
    assert parse_ip_filter(text).verified is None
    unnamed = parse_ip_filter(text + "Verification failed: no reason\n")
    assert (unnamed.verified, unnamed.rejected_address) == (False, None)
    with pytest.raises(CameraRequestRefusedError, match="# Error: no"):
        parse_ip_filter(text + "# Error: no\n")
    with pytest.raises(CameraRequestRefusedError) as info:
        parse_ip_filter(
            'Verification failed: IP address "pw123" is not\n',
            redact=lambda t: t.replace("pw123", "***"),
        )
    assert "pw123" not in info.value.message
    with pytest.raises(CameraResponseError, match="no IP filter settings"):
        parse_ip_filter("nothing here\n")


# -- storage XML -----------------------------------------------------------------------


def test_xml_unterminated_at_its_end_is_read() -> None:
    """Open elements at the end: the elements read so far count."""
    (disk,) = parse_disks(b"  <root><disks><disk diskid='SD_DISK' totalsize='1'/>\n")
    assert disk.disk_id == "SD_DISK"
    assert parse_recordings(b"<root><recordings>") == ()


@pytest.mark.parametrize(
    "xml",
    [
        b"<root><disk diskid='a'/><disk diskid='b",  # cut inside a tag
        b"<root><disk diskid='a'/></ro",
        b"",
        b"   \n",
        b'<!DOCTYPE r [<!ENTITY a "x">]><root><disk diskid="&a;"/>',
        b'<!DOCTYPE r SYSTEM "http://x/evil.dtd"><root>',
        b"<root>&undefined;",
        b"<root/>junk",
        b"<root><disk diskid='a'></root>",
        b'<?xml version="1.0" encoding="no-such-codec"?><root/>',
        b'<?xml version="1.0" encoding="big5"?><root/>',
    ],
)
def test_xml_garbage_still_raises(xml: bytes) -> None:
    """Cut tags, DTDs, entities, mismatched tags, unknown encodings."""
    with pytest.raises(CameraResponseError):
        parse_disks(xml)


@pytest.mark.parametrize(
    ("parser", "xml"),
    [
        (parse_disks, b"<root><disk diskid=''/>"),
        (parse_disks, b"<root><disk diskid='a' totalsize='x'/>"),
        (parse_recordings, b"<root><recording recordingid=''/>"),
        (parse_recordings, b"<root><recording recordingid='r' starttime='now'/>"),
        (parse_disks, b"<root>" + b" " * (4 * 1024 * 1024)),
    ],
)
def test_xml_bad_values_raise(parser: Callable[[bytes], Any], xml: bytes) -> None:
    """An unterminated document is read, but its values must be right."""
    with pytest.raises(CameraResponseError):
        parser(xml)


def test_long_lines_parse_in_linear_time() -> None:
    """No regex backtracks badly on a long line (answers may be 4 MB)."""
    word = "a" * 200_000
    dotted = "a." * 100_000
    started = time.monotonic()
    with pytest.raises(CameraGroupValuesNotSetError):
        parse_add_answer(f"{word} created {dotted}\n# Error: {word}\n", "Event")
    assert parse_video_status(f"Video 1 = a{' ' * 200_000}b \n", [1]) == {1: False}
    with pytest.raises(CameraResponseError):
        parse_check(f"input{'1' * 200_000}={' ' * 200_000}\n", [1, 2])
    with pytest.raises(CameraResponseError):
        parse_params(f"{word} {word}\n")
    parse_ip_filter(f"Enabled: yes\nVerification failed: {'IP address ' * 20_000}\n")
    assert time.monotonic() - started < 5


def test_huge_numbers_are_not_ports() -> None:
    """A 5000-digit port or preset number is an unknown line, not a ValueError."""
    digits = "1" * 5000
    assert parse_monitor_part(f"IO{digits}:/\nIO1:H\n".encode()) == [(1, True)]
    with pytest.raises(CameraResponseError, match="no state"):
        parse_check(f"input{digits}=1\ninput{digits}=0\n", [1, 2])
    assert parse_presets(f"presetposno{digits}=A\npresetposno2=B\n") == (
        PtzPreset(2, "B"),
    )


# -- nothing but CameraError -----------------------------------------------------------

TEXT_PARSERS: list[Callable[[str], Any]] = [
    parse_image_size,
    lambda t: parse_video_status(t, [1, 2]),
    parse_date,
    parse_ip_filter,
    lambda t: parse_ip_filter(t, verify=True),
    lambda t: parse_add_answer(t, "Event"),
    parse_params,
    parse_user_groups,
    lambda t: parse_check(t, [1]),
    lambda t: parse_monitor_part(t.encode("utf-8", "surrogatepass")),
    split_param_line,
]

LINE_PIECES = st.sampled_from(
    [
        "Accept addresses: ",
        "Deny addresses: ",
        "Enabled: ",
        "Policy: ",
        "Verification failed: ",
        'IP address "',
        "# Error: ",
        "# Request failed: ",
        "Request failed: ",
        " OK",
        "E7",
        " created",
        "Event.E",
        "image width = ",
        "Video 1 = ",
        "input 1 = ",
        "IO0:",
        "Apr 03, 2003 ",
        "15:16:04",
        "=",
        " ",
        "\r\n",
        "\n",
        "\r",
        "9",
        "yes",
        "\x85",
    ]
)


@PROPERTY
@given(
    st.one_of(st.text(max_size=300), st.lists(LINE_PIECES, max_size=40).map("".join))
)
def test_text_parsers_raise_only_camera_errors(text: str) -> None:
    """Random and spec-shaped text: a result or a CameraError."""
    for parser in TEXT_PARSERS:
        with contextlib.suppress(CameraError):
            parser(text)


XML_PIECES = st.sampled_from(
    [
        "<root>",
        "</root>",
        "<disk diskid='a' ",
        "/>",
        ">",
        "</disk>",
        "<recording recordingid='r' starttime='2001-05-24T17:34:20Z'>",
        "</recording>",
        '<?xml version="1.0" ?>',
        "<!DOCTYPE r>",
        "&amp;",
        " ",
        "\n",
    ]
)


@PROPERTY
@given(st.lists(XML_PIECES, max_size=30).map("".join))
def test_xml_parsers_raise_only_camera_errors(xml: str) -> None:
    """Spec-shaped XML fragments: a result or a CameraResponseError."""
    for parser in (parse_disks, parse_recordings):
        with contextlib.suppress(CameraResponseError):
            parser(xml.encode())

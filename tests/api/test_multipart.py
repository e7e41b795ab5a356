"""The incremental multipart reader: quirks, caps and property tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

from hypothesis import given, settings, strategies as st
import pytest

from cgi_camera_api import (
    CameraConnectionError,
    CameraError,
    CameraResponseError,
    IoEvent,
    MultipartStreamReader,
    PortMapper,
)
from cgi_camera_api.io import monitor_events
from cgi_camera_api.multipart import (
    StreamBuffer,
    boundary_from_content_type,
)

from .helpers import read_parts, run, source, split

PROPERTY = settings(max_examples=200, deadline=None)


def build_stream(
    bodies: list[bytes],
    *,
    boundary: bytes = b"myboundary",
    with_length: list[bool] | None = None,
    extra_crlf: list[int] | None = None,
    preamble: int = 0,
    close: bool = False,
) -> bytes:
    """A valid multipart/x-mixed-replace stream of ``bodies``."""
    out = [b"\r\n" * preamble]
    for index, body in enumerate(bodies):
        sized = with_length[index] if with_length else True
        out.append(b"--" + boundary + b"\r\nContent-Type: image/jpeg\r\n")
        if sized:
            out.append(b"Content-Length: %d\r\n" % len(body))
        out.append(b"\r\n" + body + b"\r\n")
        if sized and extra_crlf:
            out.append(b"\r\n" * extra_crlf[index])
    out.append(b"--" + boundary + (b"--\r\n" if close else b"\r\n"))
    return b"".join(out)


async def test_spec_mjpeg_example() -> None:
    """Content-Length parts as in spec 5.2.4.7; the stream ends at a boundary."""
    frames = [b"\xff\xd8one\xff\xd9", b"\xff\xd8two\r\n--myboundary\xff\xd9"]
    parts, error = await read_parts(build_stream(frames), [7, 50], "myboundary")
    assert [part.body for part in parts] == frames
    assert parts[0].headers["content-type"] == "image/jpeg"
    assert error is None


async def test_boundary_without_length_and_closing() -> None:
    """No Content-Length: the boundary delimits; ``--b--`` ends the stream."""
    data = build_stream([b"abc", b"", b"x\r\n"], with_length=[False] * 3, close=True)
    parts, error = await read_parts(data + b"ignored", [], "myboundary")
    assert [part.body for part in parts] == [b"abc", b"", b"x\r\n"]
    assert error is None


@pytest.mark.parametrize(
    ("declared", "used"),
    [("--myb", b"--myb"), ("--myb", b"----myb"), ("myb", b"--myb")],
)
async def test_boundary_with_or_without_leading_dashes(
    declared: str, used: bytes
) -> None:
    """``boundary=--myb`` (spec 5.8.4) matches ``--myb`` and ``----myb`` lines."""
    data = used + b"\r\nContent-Type: audio/basic\r\n\r\nAAAA\r\n" + used + b"\r\n"
    data += b"Content-Type: audio/basic\r\n\r\nBBBB\r\n" + used + b"--\r\n"
    parts, error = await read_parts(data, [3, 9], declared)
    assert [part.body for part in parts] == [b"AAAA", b"BBBB"]
    assert error is None


async def test_part_without_blank_line_after_headers() -> None:
    """Spec 5.8.4's third part has no blank line before its data."""
    data = (
        b"--myboundary\r\nContent-Type: audio/32KADPCM\r\n\x01\x02\x03\r\n"
        b"--myboundary\r\nContent-Type: audio/32KADPCM\r\n\x00" + b"\xfe" * 9000
    )
    data += b"\r\n--myboundary\r\n"
    parts, error = await read_parts(data, [10], "myboundary")
    assert [part.body for part in parts] == [b"\x01\x02\x03", b"\x00" + b"\xfe" * 9000]
    assert error is None


async def test_io_spec_example() -> None:
    """Spec 5.5.1.1's monitor example with its extra blank lines."""
    data = (
        b"\r\n\r\n\r\n--ioboundary\r\nContent-Type: text/plain\r\n\r\nIO0:/\n\r\n\r\n"
        b"--ioboundary\r\nContent-Type: text/plain\r\n\r\nIO0:H\n\r\n"
        b"--ioboundary\r\nContent-Type: text/plain\r\n\r\n\r\nIO0:\\\n\r\n\r\n"
        b"--ioboundary\r\nContent-Type: text/plain\r\n\r\n\r\n\r\n\r\n"
        b"--ioboundary\r\nContent-Type: text/plain\r\n\r\n\r\n"
    )
    parts, error = await read_parts(data, [], "ioboundary")
    assert [part.body.strip() for part in parts] == [b"IO0:/", b"IO0:H", b"IO0:\\", b""]
    assert isinstance(error, CameraConnectionError)  # the last part was cut


async def test_wrong_length_resynchronises() -> None:
    """A Content-Length shorter than the data: skip to the next boundary."""
    data = (
        b"--b\r\nContent-Length: 2\r\n\r\nabcdef\r\n--b\r\n"
        b"Content-Length: 1\r\n\r\nz\r\n--b\r\n"
    )
    parts, error = await read_parts(data, [], "b")
    assert [part.body for part in parts] == [b"abcdef", b"z"]
    assert error is None


async def test_empty_parts_and_bad_length() -> None:
    """``--b`` right after ``--b``; a non-numeric Content-Length is ignored."""
    data = b"--b\r\n--b\r\nContent-Length: x\r\n\r\nq\r\n--b--\r\n"
    parts, error = await read_parts(data, [], "b")
    assert [part.body for part in parts] == [b"", b"q"]
    assert error is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"--b\r\nContent-Length: 100\r\n\r\nshort", CameraConnectionError),
        (b"--b\r\nContent-Type: x\r\n", CameraConnectionError),
        (b"--b\r\nContent-Type: x", CameraConnectionError),
        (b"--b\r\n\r\nno boundary follows", CameraConnectionError),
        (b"<html>garbage</html>\r\n", CameraResponseError),
        (b"x" * 20000, CameraResponseError),
        (b"--b\r\nContent-Length: 5000\r\n\r\n", CameraResponseError),
        (b"--b\r\n\r\n" + b"y" * 5000, CameraResponseError),
        (b"--b\r\n" + b"H: v\r\n" * 70, CameraResponseError),
    ],
)
async def test_errors(data: bytes, expected: type[CameraError]) -> None:
    """Cut parts, garbage, oversize parts and header floods."""
    parts, error = await read_parts(data, [], "b", max_part_bytes=4096)
    assert not parts
    assert isinstance(error, expected)


async def test_reading_after_a_cut_raises_again_and_after_close_ends() -> None:
    """A cut stream keeps raising; a closed one keeps ending."""
    reader = MultipartStreamReader(source([b"--b\r\n\r\nxx"]), "b", max_part_bytes=99)
    for _ in range(2):
        with pytest.raises(CameraConnectionError):
            await reader.next_part()
    closed = MultipartStreamReader(source([b"--b--\r\n"]), "b", max_part_bytes=99)
    assert await closed.next_part() is None
    assert await closed.next_part() is None
    empty = MultipartStreamReader(source([b"\r\n"]), "b", max_part_bytes=99)
    assert await empty.next_part() is None


def test_boundary_from_content_type() -> None:
    """Quoted, with dashes, missing; non-multipart types give None."""
    assert (
        boundary_from_content_type('multipart/x-mixed-replace; boundary="a b"') == "a b"
    )
    assert (
        boundary_from_content_type("multipart/x-mixed-replace;boundary=--myboundary")
        == "--myboundary"
    )
    assert boundary_from_content_type("image/jpeg") is None
    with pytest.raises(CameraResponseError):
        boundary_from_content_type("multipart/x-mixed-replace")


async def test_stream_buffer_reads() -> None:
    """read_exactly / read_up_to at the end of the stream."""
    buffer = StreamBuffer(source([b"ab", b"", b"cde"]))
    assert await buffer.read_exactly(3) == b"abc"
    assert await buffer.read_exactly(5) is None
    assert await buffer.read_up_to(10) == b"de"
    assert await buffer.read_up_to(10) == b""
    assert buffer.at_eof


bodies = st.lists(st.binary(max_size=300), min_size=1, max_size=6)


@PROPERTY
@given(
    bodies,
    st.data(),
    st.lists(st.integers(min_value=0, max_value=5000), max_size=12),
    st.sampled_from(["myboundary", "--myboundary"]),
    st.booleans(),
)
def test_valid_streams_split_anywhere(
    frames: list[bytes],
    data: st.DataObject,
    cuts: list[int],
    declared: str,
    close: bool,
) -> None:
    """The same parts whatever the chunk boundaries, sized or not."""
    wire = declared.encode() if declared.startswith("--") else b"myboundary"
    sized = data.draw(
        st.lists(st.booleans(), min_size=len(frames), max_size=len(frames))
    )
    extra = data.draw(
        st.lists(st.integers(0, 3), min_size=len(frames), max_size=len(frames))
    )
    frames = [
        body if flag else body.replace(b"myboundary", b"xyboundary")
        for body, flag in zip(frames, sized, strict=True)
    ]
    stream = build_stream(
        frames,
        boundary=wire,
        with_length=sized,
        extra_crlf=extra,
        preamble=data.draw(st.integers(0, 3)),
        close=close,
    )
    parts, error = run(read_parts(stream, cuts, declared))
    assert error is None
    assert [part.body for part in parts] == frames


@PROPERTY
@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=10))
def test_random_input_raises_only_camera_errors(
    garbage: bytes, cuts: list[int]
) -> None:
    """Random bytes: parts, a clean end, or a CameraError; nothing else."""
    parts, _error = run(read_parts(garbage, cuts, "b", max_part_bytes=1024))
    assert all(len(part.body) <= 1024 for part in parts)


@PROPERTY
@given(
    st.lists(
        st.sampled_from(
            [
                b"--b\r\n",
                b"--b--\r\n",
                b"\r\n",
                b"Content-Length: 3\r\n",
                b"abc",
                b"Content-Type: x\r\n",
                b"\n",
                b"--",
                b"b",
                b"\xff\xd8",
            ]
        ),
        max_size=30,
    ),
    st.lists(st.integers(0, 400), max_size=8),
)
def test_structured_noise_is_chunking_independent(
    pieces: list[bytes], cuts: list[int]
) -> None:
    """Near-valid input gives the same result however it is chunked."""
    data = b"".join(pieces)
    whole = run(read_parts(data, [], "b", max_part_bytes=64))
    chunked = run(read_parts(data, cuts, "b", max_part_bytes=64))
    assert [p.body for p in whole[0]] == [p.body for p in chunked[0]]
    assert type(whole[1]) is type(chunked[1])


def test_split_helper() -> None:
    """The helper keeps every byte."""
    assert b"".join(split(b"abcdef", [2, 2, 9])) == b"abcdef"


async def _monitor_events(
    data: bytes, cuts: list[int], ports: list[int]
) -> tuple[list[IoEvent], CameraError | None]:
    reader = MultipartStreamReader(
        source(split(data, cuts)), "ioboundary", max_part_bytes=4096
    )

    async def bodies() -> AsyncIterator[bytes]:
        async for part in reader:
            yield part.body

    events: list[IoEvent] = []
    try:
        async for event in monitor_events(bodies(), PortMapper(ports)):
            events.append(event)
    except CameraError as err:
        return events, err
    return events, None


@PROPERTY
@given(
    st.lists(st.tuples(st.integers(1, 3), st.booleans()), min_size=1, max_size=15),
    st.lists(st.integers(0, 2), min_size=15, max_size=15),
    st.lists(st.integers(0, 2000), max_size=10),
    st.booleans(),
    st.booleans(),
)
def test_monitor_stream_split_anywhere(
    changes: list[tuple[int, bool]],
    blanks: list[int],
    cuts: list[int],
    zero_based: bool,
    letters: bool,
) -> None:
    """The same events whatever the chunking, blank lines and H/L or / and \\."""
    out = [b"\r\n\r\n--ioboundary\r\n"]
    for index, (port, active) in enumerate(changes):
        char = (b"H" if active else b"L") if letters else (b"/" if active else b"\\")
        number = port - 1 if zero_based else port
        out.append(b"Content-Type: text/plain\r\n\r\n" + b"\r\n" * blanks[index])
        out.append(b"IO%d:%s\n\r\n" % (number, char) + b"\r\n" * blanks[-index])
        out.append(b"--ioboundary\r\n")
    if zero_based:  # a device that numbers from zero says IO0 at once
        out.insert(1, b"Content-Type: text/plain\r\n\r\nIO0:L\n--ioboundary\r\n")
        changes = [(1, False), *changes]
    expected: list[IoEvent] = []
    last: dict[int, bool] = {}
    for port, active in changes:
        if last.get(port) != active:
            last[port] = active
            expected.append(IoEvent(port, active))
    events, error = run(_monitor_events(b"".join(out), cuts, [1, 2, 3]))
    assert error is None
    assert events == expected

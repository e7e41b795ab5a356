"""Port numbering is decided once per device, from what it reports."""

from __future__ import annotations

import pytest

from cgi_camera_api.io import PortMapper, PortNumbering

FOUR = [1, 2, 3, 4]


def _ports(mapper: PortMapper, numbers: list[int]) -> list[int | None]:
    return [mapper.port(number) for number in numbers]


@pytest.mark.parametrize(
    ("first_report", "mode", "description", "reports", "expected"),
    [
        # as requested
        ([1, 2, 3, 4], "one", "one-based", [[2], [4], [1]], [2, 4, 1]),
        # zero-based: IO0..IO3
        ([0, 1, 2, 3], "zero", "zero-based", [[1], [3], [0]], [2, 4, 1]),
        # port 1 as IO0, the rest as requested (the spec's monitor example)
        (
            [0, 2, 3, 4],
            "one",
            "one-based, port 1 as IO0",
            [[2], [3], [4], [0]],
            [2, 3, 4, 1],
        ),
    ],
)
def test_a_complete_report_decides_for_good(
    first_report: list[int],
    mode: str,
    description: str,
    reports: list[list[int]],
    expected: list[int],
) -> None:
    """The first full report decides; later single-port reports never flip it."""
    mapper = PortMapper(FOUR)
    mapper.learn(first_report)
    assert mapper.numbering.mode == mode
    assert mapper.numbering.description == description
    seen = []
    for report in reports:
        mapper.learn(report)
        seen += _ports(mapper, report)
        assert mapper.numbering.mode == mode
    assert seen == expected


def test_io0_quirk_never_flips_with_many_ports() -> None:
    """Input 2 and input 3 keep their own numbers after IO0 and IO4 (the old bug)."""
    mapper = PortMapper(FOUR)
    for report in ([0], [2], [4], [0], [3], [2]):
        mapper.learn(report)
    assert _ports(mapper, [0, 2, 3, 4]) == [1, 2, 3, 4]
    assert mapper.numbering.mode == "one"


def test_zero_based_is_recognised_across_single_reports() -> None:
    """IO0 then IO1 in separate parts can only be zero-based."""
    mapper = PortMapper([1, 2, 3])
    mapper.learn([0])
    assert mapper.numbering.mode == "undecided"
    assert mapper.port(2) == 3  # a set that reported IO0 reads zero-based meanwhile
    mapper.learn([1])
    assert mapper.numbering.mode == "zero"
    assert _ports(mapper, [0, 1, 2, 3]) == [1, 2, 3, None]


def test_the_decision_holds_for_every_port_set_of_the_device() -> None:
    """Relays read with the numbering the inputs decided."""
    numbering = PortNumbering()
    inputs = PortMapper(FOUR, numbering)
    inputs.learn([0, 1, 2, 3])
    relays = PortMapper([1, 2], numbering)
    relays.learn([1])  # single, ambiguous on its own
    assert relays.port(1) == 2
    assert relays.port(0) == 1


def test_contradicting_reports_change_nothing() -> None:
    """Once one-based, a report of 0 and 1 is read one-based (IO0 as port 1)."""
    mapper = PortMapper([1, 2])
    mapper.learn([1, 2])
    mapper.learn([0, 1])
    assert mapper.numbering.mode == "one"
    assert _ports(mapper, [0, 1, 2]) == [1, 1, 2]


def test_single_ports_alone_decide_nothing() -> None:
    """A one-port device is read the same either way: IO0 or IO1 is its port."""
    mapper = PortMapper([1])
    mapper.learn([0])
    assert mapper.numbering.mode == "undecided"
    assert _ports(mapper, [0, 1, 2]) == [1, None, None]
    other = PortMapper([1])
    other.learn([1])
    assert _ports(other, [0, 1]) == [1, 1]


def test_unknown_numbers_are_dropped() -> None:
    """A number outside the requested ports maps to nothing."""
    mapper = PortMapper([1, 2])
    mapper.learn([1, 2])
    assert mapper.port(7) is None

"""The last seconds of a live stream, held for clips that start in the past.

A :class:`FrameRing` holds the frames a source sent in the last ``seconds``,
with their arrival times.  Its memory is capped twice: by age, and by
:data:`MAX_LOOKBACK_BYTES` (the oldest frames go first), so a camera sending
large frames at a high rate cannot take more than the cap.  At 10 fps, 30 s
of 640x480 frames (about 40 kB each) are 300 frames, 12 MB.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

#: The most memory one source's lookback may hold (frame bytes).
MAX_LOOKBACK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class TimedFrame:
    """A frame and the loop time at which it arrived."""

    arrived: float
    data: bytes


class FrameRing:
    """The frames of the last ``seconds``, at most ``max_bytes`` of them."""

    def __init__(self, seconds: float, max_bytes: int = MAX_LOOKBACK_BYTES) -> None:
        """Start empty."""
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._frames: deque[TimedFrame] = deque()
        self._bytes = 0

    def __len__(self) -> int:
        """Return how many frames are held."""
        return len(self._frames)

    @property
    def size(self) -> int:
        """Return the bytes of the frames held."""
        return self._bytes

    def push(self, arrived: float, data: bytes) -> None:
        """Add the newest frame; drop what is too old or over the cap."""
        self._frames.append(TimedFrame(arrived, data))
        self._bytes += len(data)
        oldest_kept = arrived - self.seconds
        while self._frames and (
            self._frames[0].arrived < oldest_kept or self._bytes > self.max_bytes
        ):
            self._bytes -= len(self._frames.popleft().data)

    def since(self, start: float) -> list[TimedFrame]:
        """Return the frames that arrived at ``start`` or later, oldest first."""
        return [frame for frame in self._frames if frame.arrived >= start]

    def clear(self) -> None:
        """Drop every frame (the stream ended: they are no longer contiguous)."""
        self._frames.clear()
        self._bytes = 0

    def diagnostics(self) -> dict[str, Any]:
        """Return the seconds kept, the frames and bytes held and the cap."""
        return {
            "seconds": self.seconds,
            "frames": len(self._frames),
            "bytes": self._bytes,
            "max_bytes": self.max_bytes,
        }

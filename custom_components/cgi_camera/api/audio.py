"""The speaker's audio formats (spec 5.8.1) and real-time pacing of 240-byte blocks.

``audio/transmit.cgi`` plays what it receives as it arrives: a body sent
faster than real time fills the device's buffer (and what is buffered still
plays after the connection is closed), a body sent slower makes gaps.
:func:`paced_blocks` sends each 240-byte block (spec 5.8.3, 5.8.5) when the
device is about to need it, with a small lead against network jitter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

AUDIO_BLOCK_BYTES = 240
"""Every block of coded audio is 240 bytes (spec 5.8.3, 5.8.4, 5.8.5)."""

SAMPLE_RATE = 8000
"""G.711 and G.726 are 8 kHz mono."""

PACING_LEAD = 0.06
"""Seconds of sound the device may hold ahead of what it plays.

Enough for the network's jitter; small enough that a stop is heard at once
(the connection closes, and at most this much, or one block, still plays).
"""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """One MIME type of spec 5.8.1 and its data rate."""

    content_type: str
    bytes_per_second: int
    bits_per_sample: int

    @property
    def block_seconds(self) -> float:
        """How long one 240-byte block plays."""
        return AUDIO_BLOCK_BYTES / self.bytes_per_second

    def seconds(self, size: int) -> float:
        """How long ``size`` bytes play."""
        return size / self.bytes_per_second


ULAW = AudioFormat("audio/basic", 8000, 8)
"""G.711 µ-law, 64 kbit/s."""

G726_32 = AudioFormat("audio/32KADPCM", 4000, 4)
"""G.726 at 32 kbit/s."""

G726_24 = AudioFormat("audio/G723", 3000, 3)
"""G.726 at 24 kbit/s (the spec's name for it is ``audio/G723``)."""

TRANSMIT_FORMATS: tuple[AudioFormat, ...] = (ULAW, G726_32, G726_24)
"""Spec 5.8.1's types, best sound first: discovery picks the first one taken."""

FORMATS_BY_TYPE = {each.content_type: each for each in TRANSMIT_FORMATS}


def audio_format(content_type: str) -> AudioFormat:
    """The format of a spec 5.8.1 MIME type (``KeyError`` for another)."""
    return FORMATS_BY_TYPE[content_type]


async def paced_blocks(
    audio: bytes, audio_format: AudioFormat, *, lead: float = PACING_LEAD
) -> AsyncIterator[bytes]:
    """``audio`` in 240-byte blocks, each yielded when the device needs it.

    A block goes once the device, playing since the first block, will hold
    no more than ``lead`` seconds (or the one block) with it: the first
    block at once, then at the format's own rate, on the event loop's clock
    from the first block (so a late wake-up is caught up, never
    accumulated).  The last block may be shorter.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    for offset in range(0, len(audio), AUDIO_BLOCK_BYTES):
        end = offset + AUDIO_BLOCK_BYTES
        due = start + audio_format.seconds(end) - lead
        if offset and (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        yield audio[offset : offset + AUDIO_BLOCK_BYTES]

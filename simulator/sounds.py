"""Sounds to play to the simulated speaker (tests and benchmarks)."""

from __future__ import annotations

import io
import math
import wave


def tone_wav(
    seconds: float,
    *,
    frequency: float = 440.0,
    rate: int = 8000,
    amplitude: float = 0.5,
) -> bytes:
    """A mono 16-bit WAV file of a sine tone (``amplitude`` of full scale)."""
    peak = amplitude * 32767
    samples = (
        round(peak * math.sin(2 * math.pi * frequency * n / rate))
        for n in range(int(rate * seconds))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(
            b"".join(sample.to_bytes(2, "little", signed=True) for sample in samples)
        )
    return out.getvalue()

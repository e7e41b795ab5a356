"""Named device profiles: how independently written devices differ.

Each profile is a set of :class:`SimulatorConfig` keyword arguments; see the
profile table in README.md.
"""

from __future__ import annotations

from typing import Any

from .config import SimulatorConfig

PROFILES: dict[str, dict[str, Any]] = {
    # aiohttp's HTTP/1.1 framing, the full parameter tree, 1-based ports.
    "default": {},
    # HTTP/1.0, bare-LF header lines, close-delimited bodies, MJPEG parts
    # without Content-Length under ``boundary=--myboundary``.
    "spec-literal": {"wire": "spec-literal"},
    # param.cgi lists only the names the spec prints.
    "minimal": {"param_tree": "minimal"},
    # Ports reported 0-based: IO0..IO3, input0=...
    "zero-based": {"numbering": "zero", "inputs": 4},
    # Port 1 reported as IO0 / input0, the others 1-based (the spec's example).
    "io0": {"numbering": "io0", "inputs": 4},
    # Inputs active when the circuit opens, relays active when open.
    "trig-open": {"input_trig": "open", "output_active": "open"},
    # A 4-source video server with the minimal tree and PTZ on source 2 only.
    "video-server-minimal": {
        "sources": 4,
        "param_tree": "minimal",
        "ptz_sources": (2,),
    },
    # Everything an independently written device may do at once.
    "spec-strict": {
        "wire": "spec-literal",
        "param_tree": "minimal",
        "numbering": "io0",
        "inputs": 4,
        "input_trig": "open",
    },
}


def profile_config(name: str, **overrides: Any) -> SimulatorConfig:
    """The configuration of profile ``name``, with ``overrides`` on top."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r} (one of {', '.join(PROFILES)})")
    return SimulatorConfig(**{**PROFILES[name], **overrides})

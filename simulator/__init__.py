"""A stateful simulator of the CGI camera HTTP API (see README.md)."""

from .config import RESOLUTIONS, SimulatorConfig
from .server import Simulator

__all__ = ["RESOLUTIONS", "Simulator", "SimulatorConfig"]

"""A stateful simulator of the CGI camera HTTP API (see README.md)."""

from .config import RESOLUTIONS, SimulatorConfig
from .profiles import PROFILES, profile_config
from .server import Simulator

__all__ = ["PROFILES", "RESOLUTIONS", "Simulator", "SimulatorConfig", "profile_config"]

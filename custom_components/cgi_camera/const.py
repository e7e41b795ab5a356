"""Constants for the CGI Camera integration."""

from typing import Final

DOMAIN: Final = "cgi_camera"

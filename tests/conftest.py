"""Shared fixtures.

custom_components.cgi_camera must be imported first: otherwise the name
custom_components resolves to the test plugin's own package.
"""

import custom_components.cgi_camera  # noqa: F401  # isort: skip

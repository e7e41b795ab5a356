"""Which library these tests run against, and that it needs no Home Assistant."""

from __future__ import annotations

from pathlib import Path
import sys
import sysconfig

import cgi_camera_api
from cgi_camera_api import CameraClient, groups

from . import IN_TREE, WHEEL_LANE

ROOT = Path(__file__).parent.parent.parent


def test_the_library_under_test() -> None:
    """The installed wheel in the library lane, the in-tree package otherwise."""
    location = Path(cgi_camera_api.__file__).resolve()
    if WHEEL_LANE:
        assert cgi_camera_api.__name__ == "cgi_camera_api"
        site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
        assert location.is_relative_to(site_packages), location
        assert "homeassistant" not in sys.modules
    else:
        assert cgi_camera_api.__name__ == IN_TREE
        assert location == ROOT / "custom_components" / "cgi_camera" / "api" / (
            "__init__.py"
        )
    assert (location.parent / "py.typed").is_file()
    assert sys.modules["cgi_camera_api.groups"] is groups
    assert CameraClient.__module__ == f"{cgi_camera_api.__name__}.client"


async def test_client_has_one_attribute_per_group() -> None:
    """The facade: eleven API groups, no flat request methods."""
    client = CameraClient(None, "camera.invalid", username="u", password="p")  # type: ignore[arg-type]
    names = [
        "params",
        "system",
        "video",
        "ptz",
        "io",
        "storage",
        "users",
        "ip_filter",
        "audio",
        "events",
        "motion",
    ]
    for name in names:
        assert isinstance(getattr(client, name), groups.ApiGroup), name
    public = {
        name for name in dir(client) if not name.startswith("_") and name not in names
    }
    assert public == {
        "auth_scheme",
        "base_url",
        "changing_credentials",
        "get_device_info",
        "update_credentials",
    }
    assert repr(client.ptz) == "PtzApi('http://camera.invalid:80')"

"""The API client's wheel metadata: what quality_scale.yaml and the README say."""

from __future__ import annotations

import ast
from pathlib import Path
import sys
import tomllib

ROOT = Path(__file__).parent.parent
LIBRARY = ROOT / "custom_components" / "cgi_camera" / "api"
PROJECT = tomllib.loads((LIBRARY / "pyproject.toml").read_text())["project"]


def test_wheel_metadata() -> None:
    """Name, version, MIT, Python 3.13+, and only aiohttp and yarl."""
    assert PROJECT["name"] == "cgi-camera-api"
    assert PROJECT["version"]
    assert PROJECT["description"]
    assert PROJECT["license"] == "MIT"
    assert PROJECT["requires-python"] == ">=3.13"
    assert sorted(d.split(">")[0] for d in PROJECT["dependencies"]) == [
        "aiohttp",
        "yarl",
    ]
    assert (LIBRARY / "py.typed").is_file()
    # The wheel carries the project's own licence text.
    assert (LIBRARY / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()


def test_library_imports_only_itself_the_stdlib_aiohttp_and_yarl() -> None:
    """Absolute imports name the stdlib or a declared dependency; no Home Assistant."""
    allowed = {"aiohttp", "yarl"} | sys.stdlib_module_names
    for path in LIBRARY.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name}: {name}"

"""Module structure: no module below a package's __init__.py imports the package.

The package's ``__init__`` sets the entry up and imports the platforms'
helpers; a module importing it back makes an import cycle (and runs setup
code for a type). The runtime data, the typed ConfigEntry and the client
factory live in ``runtime.py`` for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
COMPONENT = ROOT / "custom_components" / "cgi_camera"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(module: str, is_package: bool, node: ast.AST) -> list[str]:
    """The modules an import statement imports (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 0:
        return _from(node.module or "", node)
    # ``from . import x`` in a/b/c.py is package a.b; in a/b/__init__.py too.
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    source = ".".join([*base, node.module] if node.module else base)
    return _from(source, node)


def _from(source: str, node: ast.ImportFrom) -> list[str]:
    """``from source import a``: source, and source.a (a may be a module)."""
    return [source, *(f"{source}.{alias.name}" for alias in node.names)]


def imports_of_own_packages(path: Path, source: str | None = None) -> list[str]:
    """``line: imported package`` for each import of a package ``path`` is in.

    Importing a submodule (``from .const import X``) is fine; importing the
    package itself (``from . import X``, ``from custom_components.cgi_camera
    import X``, ``import custom_components.cgi_camera``) is not, except by
    the package's own ``__init__``.
    """
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    parts = module.split(".")
    # Every package above the module (the module itself when it is a package
    # is its own __init__, which may import its submodules).
    ancestors = {".".join(parts[:end]) for end in range(2, len(parts))}
    if not is_package:
        ancestors.add(".".join(parts[:-1]))
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        for name in _imported(module, is_package, node):
            if name in ancestors:
                found.append(f"{path.name}:{getattr(node, 'lineno', 0)}: {name}")
    return found


MODULES = sorted(COMPONENT.rglob("*.py"))


@pytest.mark.parametrize(
    "path", MODULES, ids=[str(p.relative_to(COMPONENT)) for p in MODULES]
)
def test_no_module_imports_its_own_package(path: Path) -> None:
    """No module imports a package it is in (runtime.py has the shared types)."""
    assert imports_of_own_packages(path) == []


def test_the_check_finds_every_form() -> None:
    """The check sees relative, absolute and plain imports, typing-only ones too."""
    sensor = COMPONENT / "sensor.py"
    for source in (
        "from . import CgiCameraConfigEntry\n",
        "from custom_components.cgi_camera import create_client\n",
        "import custom_components.cgi_camera\n",
        "import custom_components.cgi_camera as integration\n",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from . import CgiCameraConfigEntry\n",
        "def f():\n    from . import const\n",
        "from custom_components import cgi_camera\n",
    ):
        assert imports_of_own_packages(sensor, source), source
    client = COMPONENT / "api" / "client.py"
    assert imports_of_own_packages(client, "from .. import DOMAIN\n")
    assert imports_of_own_packages(client, "from . import CameraError\n")
    api = COMPONENT / "api" / "__init__.py"
    assert imports_of_own_packages(api, "from .. import DOMAIN\n")
    for fine in (
        "from .runtime import CgiCameraConfigEntry\n",
        "from .const import DOMAIN\n",
        "from .api import CameraClient\n",
        "import custom_components.cgi_camera.const\n",
        "from homeassistant.core import HomeAssistant\n",
    ):
        assert imports_of_own_packages(sensor, fine) == [], fine
    # The package's __init__ imports its modules; api's __init__ its own.
    init = COMPONENT / "__init__.py"
    assert imports_of_own_packages(init, "from .runtime import create_client\n") == []
    assert imports_of_own_packages(api, "from .client import CameraClient\n") == []

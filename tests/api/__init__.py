"""Tests of the API client library, written against its own name.

``cgi_camera_api`` is the name the library's wheel installs.  scripts/test
runs these tests twice:

* in ``.venv-lib`` (``CGI_CAMERA_API=wheel``), against the installed wheel,
  with no Home Assistant in that venv and no root ``conftest.py`` loaded;
* in ``.venv`` with every other test, where the name is bound here to the
  in-tree package ``custom_components.cgi_camera.api``: one set of modules,
  shared with the integration, and their coverage measured.

This package's ``__init__`` runs before any of its modules is imported, by
pytest or by another test package.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

LIBRARY = "cgi_camera_api"
IN_TREE = "custom_components.cgi_camera.api"
WHEEL_LANE = os.environ.get("CGI_CAMERA_API") == "wheel"


def _bind_in_tree() -> None:
    """Make ``cgi_camera_api`` and its submodules the in-tree modules."""
    package = importlib.import_module(IN_TREE)
    sys.modules[LIBRARY] = package
    for found in pkgutil.walk_packages(package.__path__, f"{IN_TREE}."):
        module = importlib.import_module(found.name)
        sys.modules[LIBRARY + found.name.removeprefix(IN_TREE)] = module


if not WHEEL_LANE:
    _bind_in_tree()

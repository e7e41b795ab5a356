"""Install requirements_test.txt minus what the test plugin brings (newest-HA lane).

Run with the Python of an environment where the newest
pytest-homeassistant-custom-component is installed already (it pins Home
Assistant and its own test tools). Installs the project's other test
requirements, skipping Home Assistant, the plugin and every distribution the
environment has already; if an exact pin has no release for this Python, the
newest release of each is installed instead. ``--dry-run`` only prints them.

Does what ``../shared/tools/newest-ha-tests`` does inside its chroot, for CI.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
import re
import subprocess
import sys

REQUIREMENTS = Path(__file__).parent.parent / "requirements_test.txt"
PLUGIN = {"homeassistant", "pytest-homeassistant-custom-component"}


def _name(requirement: str) -> str:
    name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]
    return name.lower().replace("_", "-")


def wanted(lines: list[str], installed: set[str]) -> list[str]:
    """The requirement lines still to install."""
    result = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = _name(line)
        if name in PLUGIN or name in installed:
            continue
        result.append(line)
    return result


def main() -> int:
    """Install (or with --dry-run print) the missing test requirements."""
    installed = {
        dist.metadata["Name"].lower().replace("_", "-")
        for dist in metadata.distributions()
    }
    want = wanted(REQUIREMENTS.read_text().splitlines(), installed)
    if "--dry-run" in sys.argv[1:]:
        print("\n".join(want))
        return 0
    if not want:
        return 0
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    if subprocess.call([*pip, *want]) == 0:
        return 0
    # An exact pin may have no release for this Python: take the newest.
    return subprocess.call([*pip, *(re.split(r"[<>=!~; ]", w)[0] for w in want)])


if __name__ == "__main__":
    sys.exit(main())

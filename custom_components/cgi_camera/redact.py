"""The one rule for what must not leave Home Assistant: secrets and addresses.

Diagnostics and the ``get_parameters`` action both use it. Parameters are
redacted by name (secrets, user lists, MAC and serial; addresses and host
names) and every text by pattern: IPv4 and IPv6 addresses (with or without a
port, bracketed or in a Python ``('addr', port)`` tuple), MAC addresses, the
host part of URLs, and the words that name this device and its owner (the
configured host and user name, the device's host name).

Over-redaction is accepted: a firmware version shaped like an IPv4 address
is hidden too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import ipaddress
import re
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_HOST, CONF_USERNAME

from .api.params import SECRET_NAME

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

REDACTED = "**REDACTED**"
# The parameter holding the device's host name.
HOST_NAME_PARAM = "Network.HostName"

# Parameters whose name says they hold an address or a host name.
ADDRESS_NAME = re.compile(
    r"address|router|gateway|dns|server|host|domain|broadcast|subnet|netmask"
    r"|ntp|url|mail",
    re.I,
)

# A candidate IPv6 address: hex groups with at least two colons (validated
# with ipaddress), optionally bracketed with a port, or with a zone.
_IPV6 = re.compile(
    r"\[(?P<bracketed>[0-9A-Fa-f:.]+(?:%[\w.-]+)?)\](?::\d{1,5})?"
    r"|(?<![\w:.])(?P<bare>(?:[0-9A-Fa-f]{0,4}:){2,}[0-9A-Fa-f.]*(?:%[\w.-]+)?)"
)
# An IPv4 address, with its port when written ``addr:port``.
_IPV4 = re.compile(
    r"(?<![\w.])(?P<address>(?:\d{1,3}\.){3}\d{1,3})(?::\d{1,5})?(?![\w.])"
)
_MAC = re.compile(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])")
# The authority of a URL (``scheme://user:pw@host:port``).
_URL_AUTHORITY = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/\s'\"<>]+")


def is_secret_name(name: str) -> bool:
    """Whether a parameter's name says its value is secret."""
    return SECRET_NAME.search(name) is not None


def is_address_name(name: str) -> bool:
    """Whether a parameter's name says its value is an address or a host name."""
    return ADDRESS_NAME.search(name) is not None


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _ipv6(match: re.Match[str]) -> str:
    candidate = match.group("bracketed") or match.group("bare")
    return REDACTED if _valid_ip(candidate) else match.group(0)


def _ipv4(match: re.Match[str]) -> str:
    return REDACTED if _valid_ip(match.group("address")) else match.group(0)


class Redactor:
    """Redact secrets, addresses and the given identifying words.

    ``words``: host names and user names, replaced wherever they stand as a
    word of their own (case-insensitive).
    """

    def __init__(self, words: Iterable[str | None] = ()) -> None:
        """Keep the words (empty ones are ignored)."""
        # Longest first: a word inside a longer one must not break it up.
        unique = sorted(
            {word.strip() for word in words if word and word.strip()},
            key=lambda word: (-len(word), word),
        )
        self.words = tuple(unique)
        self._words = (
            re.compile(
                r"(?<![\w-])(?:"
                + "|".join(re.escape(word) for word in unique)
                + r")(?![\w-])",
                re.IGNORECASE,
            )
            if unique
            else None
        )

    @classmethod
    def for_entry(
        cls,
        entry: CgiCameraConfigEntry,
        params: Mapping[str, str] | None = None,
        users: Iterable[str] = (),
    ) -> Redactor:
        """The configured host and user name and the device's host name.

        Both the one at setup and the one ``params`` report now (it may have
        changed since). For a loaded entry (the device is in its runtime data).
        ``users``: further user names (the device's accounts), redacted too.
        """
        host, user = entry.data.get(CONF_HOST), entry.data.get(CONF_USERNAME)
        reported = (params or {}).get(HOST_NAME_PARAM)
        return cls((host, user, entry.runtime_data.device.name, reported, *users))

    def text(self, text: str) -> str:
        """``text`` without addresses, MACs, URL hosts or the words."""
        text = _URL_AUTHORITY.sub(rf"\g<scheme>{REDACTED}", text)
        text = _IPV6.sub(_ipv6, text)
        text = _IPV4.sub(_ipv4, text)
        text = _MAC.sub(REDACTED, text)
        if self._words is not None:
            text = self._words.sub(REDACTED, text)
        return text

    def params(self, params: Mapping[str, str]) -> dict[str, str]:
        """Parameters redacted by name, then every value by pattern."""
        return {
            name: REDACTED
            if value and (is_secret_name(name) or is_address_name(name))
            else self.text(value)
            for name, value in params.items()
        }

    def data(self, value: Any) -> Any:
        """Every text in ``value`` (mappings, lists, tuples, sets) redacted.

        Keys are kept as they are (they are names, not values).
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.data(item) for item in value]
        return value

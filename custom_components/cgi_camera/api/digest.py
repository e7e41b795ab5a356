"""HTTP Digest access authentication (RFC 7616), client side.

MD5 (and MD5-sess / SHA-256, which cost nothing extra) with ``qop=auth``,
``nc`` counting per nonce, a fresh ``cnonce`` per request and re-challenge
when the server flags the nonce ``stale``.  The RFC 2069 form (no ``qop``) is
answered too.  ``auth-int`` only challenges are refused.

aiohttp 3.11 has no Digest support (its ``DigestAuthMiddleware`` arrived in
3.12, which Home Assistant 2025.4 does not ship), so this small module exists.
It also parses ``WWW-Authenticate`` headers, which may hold several
challenges (``Basic realm="x", Digest realm="y", nonce="..."``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import os
import re

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # noqa: S105  # RFC 9110 token
_PARAM_RE = re.compile(
    rf"\s*({_TOKEN})\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|({_TOKEN}=*))\s*(?:,|$)"
)
_SCHEME_RE = re.compile(rf"\s*,*\s*({_TOKEN})(?:\s+|$)")


class DigestError(ValueError):
    """A challenge this module cannot answer (unknown algorithm, auth-int)."""


@dataclass(frozen=True)
class Challenge:
    """One challenge of a ``WWW-Authenticate`` header."""

    scheme: str  # lower-case: "basic", "digest", ...
    params: dict[str, str] = field(default_factory=dict)  # keys lower-case


def parse_www_authenticate(headers: list[str]) -> list[Challenge]:
    """Parse every challenge of one or more ``WWW-Authenticate`` header values.

    Unparseable parts are skipped; the result may be empty.
    """
    challenges: list[Challenge] = []
    for header in headers:
        pos = 0
        while pos < len(header):
            scheme_match = _SCHEME_RE.match(header, pos)
            if scheme_match is None:
                break
            scheme = scheme_match.group(1).lower()
            pos = scheme_match.end()
            params: dict[str, str] = {}
            while pos < len(header):
                match = _PARAM_RE.match(header, pos)
                if match is None:
                    break
                name, quoted, token = match.groups()
                value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token
                params[name.lower()] = value
                pos = match.end()
            challenges.append(Challenge(scheme, params))
    return challenges


def _hasher(algorithm: str) -> str:
    base = algorithm.upper().removesuffix("-SESS")
    if base == "MD5":
        return "md5"
    if base == "SHA-256":
        return "sha256"
    raise DigestError(f"unsupported digest algorithm {algorithm!r}")


def _h(name: str, data: str) -> str:
    return hashlib.new(name, data.encode(), usedforsecurity=False).hexdigest()


def compute_response(
    *,
    username: str,
    password: str,
    realm: str,
    method: str,
    uri: str,
    nonce: str,
    nc: str | None,
    cnonce: str | None,
    qop: str | None,
    algorithm: str = "MD5",
) -> str:
    """The ``response`` value of RFC 7616 section 3.4.1."""
    name = _hasher(algorithm)
    ha1 = _h(name, f"{username}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = _h(name, f"{ha1}:{nonce}:{cnonce}")
    ha2 = _h(name, f"{method}:{uri}")
    if qop is None:
        return _h(name, f"{ha1}:{nonce}:{ha2}")
    return _h(name, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DigestAuth:
    """The state of a Digest session: the last challenge and the nonce count."""

    def __init__(self, username: str, password: str, challenge: Challenge) -> None:
        """Start from a ``Digest`` challenge (raises :class:`DigestError`)."""
        self._username = username
        self._password = password
        self._nonce_count = 0
        self._realm = ""
        self._nonce = ""
        self._opaque: str | None = None
        self._algorithm = "MD5"
        self._qop: str | None = None
        self.update(challenge)

    def __repr__(self) -> str:
        """Never show the password."""
        return f"DigestAuth(realm={self._realm!r}, algorithm={self._algorithm!r})"

    @property
    def nonce_count(self) -> int:
        """How many requests were signed with the current nonce."""
        return self._nonce_count

    def update(self, challenge: Challenge) -> None:
        """Take a new challenge (new or stale nonce); restarts the nonce count."""
        params = challenge.params
        if challenge.scheme != "digest" or "nonce" not in params:
            raise DigestError("not a digest challenge")
        algorithm = params.get("algorithm", "MD5")
        _hasher(algorithm)
        qop: str | None = None
        if "qop" in params:
            offered = {item.strip().lower() for item in params["qop"].split(",")}
            if "auth" not in offered:
                raise DigestError("the server offers only qop=auth-int")
            qop = "auth"
        if params["nonce"] != self._nonce:
            self._nonce_count = 0
        self._realm = params.get("realm", "")
        self._nonce = params["nonce"]
        self._opaque = params.get("opaque")
        self._algorithm = algorithm
        self._qop = qop

    def set_credentials(self, username: str, password: str) -> None:
        """Use new credentials with the current nonce."""
        self._username = username
        self._password = password

    def authorization(self, method: str, uri: str, cnonce: str | None = None) -> str:
        """The ``Authorization`` header value for one request (counts ``nc``)."""
        self._nonce_count += 1
        nc = f"{self._nonce_count:08x}"
        if cnonce is None:
            cnonce = os.urandom(16).hex()
        response = compute_response(
            username=self._username,
            password=self._password,
            realm=self._realm,
            method=method,
            uri=uri,
            nonce=self._nonce,
            nc=nc if self._qop else None,
            cnonce=cnonce if self._qop else None,
            qop=self._qop,
            algorithm=self._algorithm,
        )
        fields = [
            f"username={_quote(self._username)}",
            f"realm={_quote(self._realm)}",
            f"nonce={_quote(self._nonce)}",
            f"uri={_quote(uri)}",
            f"algorithm={self._algorithm}",
            f"response={_quote(response)}",
        ]
        if self._opaque is not None:
            fields.append(f"opaque={_quote(self._opaque)}")
        if self._qop:
            fields += [f"qop={self._qop}", f"nc={nc}", f"cnonce={_quote(cnonce)}"]
        return "Digest " + ", ".join(fields)

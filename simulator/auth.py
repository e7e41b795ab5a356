"""HTTP Basic and Digest (RFC 7616, MD5, qop=auth) authentication."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import hashlib
import re
import secrets
import time

from .config import AuthScheme
from .users import Level, User, Users

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def md5(text: str) -> str:
    """Hex MD5 digest of ``text`` (RFC 7616 H())."""
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the protocol's hash


def parse_digest(header: str) -> dict[str, str]:
    """Parse the parameters of a ``Digest ...`` header value."""
    out: dict[str, str] = {}
    for match in _PARAM.finditer(header):
        quoted = match.group(2)
        value = quoted.replace('\\"', '"') if quoted is not None else match.group(3)
        out[match.group(1).lower()] = value
    return out


@dataclass
class AuthResult:
    """Outcome of checking one request's credentials."""

    user: User | None
    stale: bool = False


@dataclass
class Authenticator:
    """Checks credentials and builds challenges."""

    scheme: AuthScheme
    realm: str
    nonce_lifetime: float
    clock: Callable[[], float] = time.monotonic
    nonces: dict[str, float] = field(default_factory=dict)

    def new_nonce(self) -> str:
        """Issue a fresh nonce."""
        now = self.clock()
        expired = [
            n for n, t in self.nonces.items() if now - t > 2 * self.nonce_lifetime
        ]
        for nonce in expired:
            del self.nonces[nonce]
        nonce = secrets.token_hex(16)
        self.nonces[nonce] = now
        return nonce

    def challenges(self, *, stale: bool = False) -> list[str]:
        """WWW-Authenticate header values (Digest first)."""
        out: list[str] = []
        if self.scheme in ("digest", "both"):
            value = (
                f'Digest realm="{self.realm}", nonce="{self.new_nonce()}", '
                f'algorithm=MD5, qop="auth"'
            )
            if stale:
                value += ", stale=true"
            out.append(value)
        if self.scheme in ("basic", "both"):
            out.append(f'Basic realm="{self.realm}"')
        return out

    def check(
        self,
        headers: Mapping[str, str],
        method: str,
        uris: tuple[str, ...],
        users: Users,
    ) -> AuthResult:
        """Return the authenticated user (or None, possibly stale)."""
        header = headers.get("Authorization", "")
        kind, _, rest = header.partition(" ")
        kind = kind.lower()
        if kind == "basic" and self.scheme in ("basic", "both"):
            return AuthResult(self._basic(rest.strip(), users))
        if kind == "digest" and self.scheme in ("digest", "both"):
            return self._digest(parse_digest(rest), method, uris, users)
        return AuthResult(None)

    @staticmethod
    def _basic(token: str, users: Users) -> User | None:
        try:
            decoded = base64.b64decode(token, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, sep, password = decoded.partition(":")
        if not sep:
            return None
        return users.authenticate(name, password)

    def _digest(
        self,
        params: dict[str, str],
        method: str,
        uris: tuple[str, ...],
        users: Users,
    ) -> AuthResult:
        name = params.get("username", "")
        nonce = params.get("nonce", "")
        uri = params.get("uri", "")
        user = users.accounts.get(name)
        if (
            user is None
            or params.get("realm") != self.realm
            or uri not in uris
            or params.get("algorithm", "MD5").upper() != "MD5"
            or nonce not in self.nonces
        ):
            return AuthResult(None)
        ha1 = md5(f"{user.name}:{self.realm}:{user.password}")
        ha2 = md5(f"{method}:{uri}")
        qop = params.get("qop")
        if qop == "auth":
            nc, cnonce = params.get("nc", ""), params.get("cnonce", "")
            expected = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        elif qop is None:
            expected = md5(f"{ha1}:{nonce}:{ha2}")
        else:
            return AuthResult(None)
        if not secrets.compare_digest(expected, params.get("response", "")):
            return AuthResult(None)
        if self.clock() - self.nonces[nonce] > self.nonce_lifetime:
            return AuthResult(None, stale=True)
        return AuthResult(user)

    def forget_nonces(self) -> None:
        """Drop every nonce (reboot)."""
        self.nonces.clear()


def required_level(path: str, query: Mapping[str, str]) -> Level:
    """Access level a request needs (see README for the table)."""
    action = query.get("action", "")
    if path == "/param.cgi":
        return Level.VIEWER if action in ("", "list") else Level.ADMIN
    if path == "/date.cgi":
        return Level.ADMIN if action == "set" else Level.VIEWER
    if path in ("/io/output.cgi", "/io/port.cgi") and "action" in query:
        return Level.OPERATOR
    return LEVELS.get(path, Level.VIEWER)


LEVELS: dict[str, Level] = {
    "/pwdgrp.cgi": Level.ROOT,
    "/audio/transmit.cgi": Level.OPERATOR,
    "/factorydefault.cgi": Level.ADMIN,
    "/hardfactorydefault.cgi": Level.ADMIN,
    "/backup.cgi": Level.ADMIN,
    "/restore.cgi": Level.ADMIN,
    "/firmwareupgrade.cgi": Level.ADMIN,
    "/restart.cgi": Level.ADMIN,
    "/systemlog.cgi": Level.ADMIN,
    "/setosd.cgi": Level.ADMIN,
    "/ipfilter.cgi": Level.ADMIN,
    "/com/ptzconfig.cgi": Level.ADMIN,
    "/mount.cgi": Level.ADMIN,
    "/format.cgi": Level.ADMIN,
    "/remove.cgi": Level.ADMIN,
}

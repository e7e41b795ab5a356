"""Digest authentication against RFC 7616's example values."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from cgi_camera_api import (
    DigestAuth,
    compute_response,
    parse_www_authenticate,
)
from cgi_camera_api.digest import Challenge, DigestError

NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
OPAQUE = "FQhe/qaQuc9V8k9Xww7DIf9h7bo5DQ8bSwJB7kjA4bgmCCf4Wro"
RFC_HEADER = (
    'Digest realm="http-auth@example.org", qop="auth, auth-int", '
    f'algorithm=MD5, nonce="{NONCE}", opaque="{OPAQUE}"'
)


def test_rfc7616_md5_response() -> None:
    """Section 3.9.1: the MD5 response value."""
    assert (
        compute_response(
            username="Mufasa",
            password="Circle of Life",
            realm="http-auth@example.org",
            method="GET",
            uri="/dir/index.html",
            nonce=NONCE,
            nc="00000001",
            cnonce=CNONCE,
            qop="auth",
        )
        == "8ca523f5e9506fed4657c9700eebdbec"
    )


def test_rfc7616_sha256_response() -> None:
    """Section 3.9.1: the SHA-256 response value."""
    assert (
        compute_response(
            username="Mufasa",
            password="Circle of Life",
            realm="http-auth@example.org",
            method="GET",
            uri="/dir/index.html",
            nonce=NONCE,
            nc="00000001",
            cnonce=CNONCE,
            qop="auth",
            algorithm="SHA-256",
        )
        == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    )


def test_authorization_header_from_rfc_challenge() -> None:
    """The header built from the RFC's challenge carries the RFC's response."""
    (challenge,) = parse_www_authenticate([RFC_HEADER])
    assert challenge.scheme == "digest"
    assert challenge.params["qop"] == "auth, auth-int"
    auth = DigestAuth("Mufasa", "Circle of Life", challenge)
    header = auth.authorization("GET", "/dir/index.html", cnonce=CNONCE)
    assert header.startswith("Digest ")
    fields = parse_www_authenticate([header])[0].params
    assert fields["response"] == "8ca523f5e9506fed4657c9700eebdbec"
    assert fields["nc"] == "00000001"
    assert fields["qop"] == "auth"
    assert fields["cnonce"] == CNONCE
    assert fields["opaque"] == OPAQUE
    assert fields["uri"] == "/dir/index.html"
    assert "Circle of Life" not in header
    assert "Circle of Life" not in repr(auth)


def test_nonce_count_and_stale_rechallenge() -> None:
    """nc counts per nonce and restarts with a new (stale) nonce."""
    (challenge,) = parse_www_authenticate([RFC_HEADER])
    auth = DigestAuth("Mufasa", "Circle of Life", challenge)
    auth.authorization("GET", "/a")
    second = parse_www_authenticate([auth.authorization("GET", "/a")])[0].params
    assert second["nc"] == "00000002"
    assert auth.nonce_count == 2
    auth.update(Challenge("digest", {"nonce": "fresh", "qop": "auth", "stale": "true"}))
    third = parse_www_authenticate([auth.authorization("GET", "/a")])[0].params
    assert third["nc"] == "00000001"
    assert third["nonce"] == "fresh"
    # the same nonce again does not reset the count
    auth.update(Challenge("digest", {"nonce": "fresh", "qop": "auth"}))
    assert auth.nonce_count == 1


def test_rfc2069_and_sess_and_credentials() -> None:
    """No qop: the RFC 2069 form; MD5-sess; new credentials."""
    auth = DigestAuth("u", "p", Challenge("digest", {"nonce": "n", "realm": "r"}))
    fields = parse_www_authenticate([auth.authorization("GET", "/x")])[0].params
    assert "qop" not in fields
    assert "nc" not in fields
    assert fields["response"] == compute_response(
        username="u",
        password="p",
        realm="r",
        method="GET",
        uri="/x",
        nonce="n",
        nc=None,
        cnonce=None,
        qop=None,
    )
    auth.set_credentials("v", "q")
    assert 'username="v"' in auth.authorization("GET", "/x")
    sess = DigestAuth(
        "u",
        "p",
        Challenge("digest", {"nonce": "n", "qop": "auth", "algorithm": "MD5-sess"}),
    )
    assert "algorithm=MD5-sess" in sess.authorization("GET", "/x", cnonce="c")


@pytest.mark.parametrize(
    "challenge",
    [
        Challenge("digest", {"nonce": "n", "qop": "auth-int"}),
        Challenge("digest", {"nonce": "n", "algorithm": "SHA-512-256"}),
        Challenge("digest", {}),
        Challenge("basic", {"realm": "x"}),
    ],
)
def test_unanswerable_challenges(challenge: Challenge) -> None:
    """auth-int only, unknown algorithms, missing nonce, not digest."""
    with pytest.raises(DigestError):
        DigestAuth("u", "p", challenge)


def test_parse_several_challenges() -> None:
    """One header with Basic and Digest, and two headers."""
    one = parse_www_authenticate(
        ['Basic realm="cam", Digest realm="cam", nonce="abc", qop="auth"']
    )
    assert [c.scheme for c in one] == ["basic", "digest"]
    assert one[1].params == {"realm": "cam", "nonce": "abc", "qop": "auth"}
    two = parse_www_authenticate(['Basic realm="a"', "Digest nonce=xyz, stale=TRUE"])
    assert two[1].params == {"nonce": "xyz", "stale": "TRUE"}
    escaped = parse_www_authenticate(['Digest realm="a \\"b\\"", nonce="n"'])
    assert escaped[0].params["realm"] == 'a "b"'
    assert parse_www_authenticate(["Negotiate abc==", ""]) == [Challenge("negotiate")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=3))
def test_parse_never_fails(headers: list[str]) -> None:
    """Any header text parses into a (possibly empty) list."""
    for challenge in parse_www_authenticate(headers):
        assert challenge.scheme == challenge.scheme.lower()

"""Query-string building exactly as the spec asks.

Every parameter name and value is percent-encoded with
``urllib.parse.quote(value, safe="")`` so the spec's reserved characters
(``; / ? : @ & = + , $`` and space) always become ``%XX``: a value can never
add or change another parameter.  Lists the spec defines as comma-separated
(``group=a,b``, ``check=1,2``, ``center=x,y``) keep literal commas *between*
items while every item is encoded on its own.  The result is handed to aiohttp
as ``yarl.URL(..., encoded=True)`` so nothing is re-encoded or decoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

type QueryValue = str | int | Sequence[str | int]
"""A value: a scalar, or a comma-separated list (a list or tuple)."""


def encode(value: str | int) -> str:
    """Percent-encode one name, value or list item."""
    return quote(str(value), safe="")


def encode_value(value: QueryValue) -> str:
    """Encode a scalar, or a list as encoded items joined by literal commas."""
    if isinstance(value, str | int):
        return encode(value)
    return ",".join(encode(item) for item in value)


def build_query(params: Iterable[tuple[str, QueryValue]]) -> str:
    """Build ``name=value&name=value`` (no leading ``?``), everything encoded."""
    return "&".join(f"{encode(name)}={encode_value(value)}" for name, value in params)

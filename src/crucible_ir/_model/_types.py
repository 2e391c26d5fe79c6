"""The constrained field types every IR model is written in.

Each alias carries its rule as `msgspec.Meta` constraints: the JSON decoder
enforces them natively, the checker behind `errors()` reads the same
constraints back (see ``_checker``), and the JSON Schema shows them. A rule is
written once, here.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from msgspec import Meta


def doc(text: str) -> Meta:
    """Field documentation: shown in the class docstring and the JSON Schema."""
    return Meta(description=text)


def _num(**bounds: float) -> Any:
    """A JSON number (integer or float, kept as written) within ``bounds``."""
    meta: Any = Meta
    return Annotated[int, meta(**bounds)] | Annotated[float, meta(**bounds)]


# The regex of semver.org, anchored; decoders apply patterns with `re.search`.
# Each pattern ends in `$(?!\n)`: Python's `$` also matches before a final
# newline, and the lookahead makes it mean "end of text" as in JSON Schema.
SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$(?!\n)"
)
# Scheme http or https, a host (name, IPv4 or bracketed IPv6), optional port,
# then anything without whitespace.
URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://(?:[^\s/?#@\[\]]+@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#:@\[\]]+)(?::\d{1,5})?(?:[/?#]\S*)?$(?!\n)"

Id = Annotated[str, Meta(min_length=1, extra={"expected": "a non-empty identifier"})]
"""An identifier: any non-empty string (the reference holds these as atoms)."""

NAME_EXPECTED = "a non-empty name"

Name = Annotated[str, Meta(min_length=1, extra={"expected": NAME_EXPECTED})]
"""A value of an open vocabulary (``profile``, ``split``, ``device``, ...): a non-empty string."""

Text = str
"""Free text; may be empty."""

Flag = bool
"""A real JSON boolean (``1`` or ``"yes"`` are not booleans)."""

PosInt = Annotated[int, Meta(ge=1)]
"""An integer >= 1."""

NonNegInt = Annotated[int, Meta(ge=0)]
"""An integer >= 0."""

Number = _num()
"""A JSON number: an integer stays an integer and a float a float."""

Unit = _num(ge=0, le=1)
"""A number in [0, 1] (probabilities, rates, thresholds)."""

HalfOpenUnit = _num(ge=0, lt=1)
"""A number in [0, 1)."""

Percent = _num(ge=0, le=100)
"""A number in [0, 100]."""

PosNumber = _num(gt=0)
"""A number > 0."""

NonNegNumber = _num(ge=0)
"""A number >= 0."""

SemVer = Annotated[
    str,
    Meta(
        pattern=SEMVER_PATTERN,
        extra={"expected": "a Semantic Versioning 2.0.0 version such as 1.2.3 or 2.0.0-rc.1"},
    ),
]
"""A Semantic Versioning 2.0.0 string: ``1.2.3``, ``2.0.0-rc.1+build.7``."""

HttpUrl = Annotated[
    str,
    Meta(
        pattern=URL_PATTERN,
        extra_json_schema={"format": "uri"},
        extra={"expected": "an absolute http(s) URL such as https://api.example.com/v1"},
    ),
]
"""An absolute ``http://`` or ``https://`` URL."""

Timestamp = Annotated[datetime.datetime, Meta(tz=True)]
"""A timezone-aware datetime; on the wire ISO 8601 with an offset (``Z`` for UTC)."""

JSONMap = dict[str, Any]
"""An opaque JSON object, passed through untouched."""

JSONValue = Any
"""Any JSON value."""

"""Problems as values (`Issue`) first, exceptions (`IRError` and kin) second."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from enum import Enum

import msgspec

__all__ = ["DecodeError", "IRError", "Issue", "IssueCode", "Loc", "ValidationError", "path_of"]

Loc = tuple[str | int, ...]
"""A structured location: the keys (``str``) and list indexes (``int``) from the object checked."""

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10

    class StrEnum(str, Enum):
        """`enum.StrEnum` for Python 3.10."""

        def __str__(self) -> str:
            return str(self.value)


class IssueCode(StrEnum):
    """The closed vocabulary of problem kinds; members compare equal to their names."""

    REQUIRED = "required"
    """A required value is missing, or ``None`` where a value is required."""
    EMPTY = "empty"
    """An empty string or list where content is required."""
    TYPE = "type"
    """A value of the wrong type."""
    ENUM = "enum"
    """A value outside a closed vocabulary."""
    RANGE = "range"
    """A number out of its range (non-finite numbers included)."""
    FORMAT = "format"
    """A string that is not a SemVer version, an http(s) URL, a timestamp, ..."""
    CONSISTENCY = "consistency"
    """A rule across fields failed: duplicates, ordering, references."""
    UNKNOWN_FIELD = "unknown_field"
    """A key the type does not define (reported by strict decoding only)."""
    SYNTAX = "syntax"
    """Malformed JSON, YAML or TOML, or a document nested too deeply."""


# A key written bare in a path: no dot, bracket, quote, backslash or white space.
_BARE_KEY = re.compile(r'[^\s.\[\]"\\]+')


def path_of(loc: Loc) -> str:
    """The printed path of a location: dotted keys, ``[i]`` indexes, odd keys quoted.

    A key that holds a dot, a bracket, a quote, a backslash or white space (or
    is empty) is written as a JSON string in brackets, so every path names one
    location: ``metadata["a.b"]`` is the key ``a.b``, ``metadata.a.b`` the key
    ``b`` inside the key ``a``.

    >>> path_of(("pipeline", 2, "name")), path_of(("metadata", "a.b")), path_of(())
    ('pipeline[2].name', 'metadata["a.b"]', '')
    """
    parts: list[str] = []
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _BARE_KEY.fullmatch(key):
            parts.append(f".{key}" if parts else key)
        else:
            import json

            parts.append(f"[{json.dumps(key, ensure_ascii=False)}]")
    return "".join(parts)


class Issue(msgspec.Struct, frozen=True, repr_omit_defaults=True):
    """One problem, at one path; ``str(issue)`` is ``"<path>: <message>"``.

    The issues this package reports are made with `Issue.at`, which writes
    ``path`` from ``loc``. Equality leaves ``loc`` out: ``path`` names the same
    place, and an issue made by hand may not give ``loc``.

    >>> str(Issue("reliability.stats.alpha", "range", "expected a number in [0, 1], got 1.5"))
    'reliability.stats.alpha: expected a number in [0, 1], got 1.5'
    """

    path: str
    """Where the problem is: ``backend.id``, ``pipeline[2].name``; ``""`` for the object itself."""
    code: IssueCode
    """What kind of problem it is (see `IssueCode`)."""
    message: str
    """What is wrong and what would be right."""
    line: int | None = None
    """1-based line in the source text, when the problem was found while parsing text."""
    column: int | None = None
    """1-based column in the source text, when known."""
    loc: Loc = ()
    """Where the problem is, as keys and indexes: ``("pipeline", 2, "name")``."""

    def __post_init__(self) -> None:
        code: object = self.code
        if not isinstance(code, IssueCode):  # a plain string such as "range"
            msgspec.structs.force_setattr(self, "code", IssueCode(code))

    @classmethod
    def at(
        cls,
        loc: Loc,
        code: IssueCode | str,
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> Issue:
        """The issue at ``loc``, its ``path`` written from it.

        >>> Issue.at(("outputs", 1, "name"), "consistency", "duplicate output name 'x'")
        Issue(path='outputs[1].name', code=<IssueCode.CONSISTENCY: 'consistency'>, message="duplicate output name 'x'", loc=('outputs', 1, 'name'))
        """
        return cls(path_of(loc), code, message, line, column, loc)  # type: ignore[arg-type]

    def _key(self) -> tuple[object, ...]:
        return (self.path, self.code, self.message, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def _line(self) -> str:
        """``str(self)``, and where in the source text when known: a line of an error's text."""
        if self.line is None:
            return str(self)
        column = "" if self.column is None else f", column {self.column}"
        return f"{self} (at line {self.line}{column})"


class IRError(ValueError):
    """Base of every error this package raises about a document; carries ``errors``."""

    errors: list[Issue]
    """Every problem found: field checks first (in field order), then cross-field rules."""

    def __init__(self, errors: Iterable[Issue], *, title: str | None = None) -> None:
        self.errors = list(errors)
        self._title = title
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [issue._line() for issue in self.errors]
        if self._title:
            lines.insert(0, self._title)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,), {"_title": self._title})


class ValidationError(IRError):
    """An object broke the rules of the IR (ranges, vocabularies, required values, ...)."""


class DecodeError(IRError):
    """Input could not be turned into an IR object: bad syntax, wrong JSON types, missing keys."""

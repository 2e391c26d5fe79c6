"""Problems as values (`Issue`) first, exceptions (`IRError` and kin) second."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import Enum
from typing import Final

import msgspec

__all__ = ["DecodeError", "IRError", "Issue", "IssueCode", "ValidationError"]

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


_CODES: Final = {code.value: code for code in IssueCode}


class Issue(msgspec.Struct, frozen=True, repr_omit_defaults=True):
    """One problem, at one path.

    ``path`` uses dotted field names and ``[i]`` indices from the object that was
    checked (``pipeline[2].name``); ``""`` is the object itself. ``line`` and
    ``column`` (1-based) are set when the problem was found in source text.

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

    def __post_init__(self) -> None:
        code: object = self.code
        if not isinstance(code, IssueCode):  # a plain string such as "range"
            msgspec.structs.force_setattr(self, "code", IssueCode(code))

    def __str__(self) -> str:
        where = self.path or "(root)"
        if self.line is not None:
            at = (
                f"line {self.line}"
                if self.column is None
                else f"line {self.line}, column {self.column}"
            )
            where = f"{where} ({at})"
        return f"{where}: {self.message}"


class IRError(ValueError):
    """Base of every error this package raises about a document; carries ``errors``."""

    errors: list[Issue]
    """Every problem found: field checks first (in field order), then cross-field rules."""

    def __init__(self, errors: Iterable[Issue], *, title: str | None = None) -> None:
        self.errors = list(errors)
        self._title = title
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [str(issue) for issue in self.errors]
        if self._title:
            lines.insert(0, self._title)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,), {"_title": self._title})


class ValidationError(IRError):
    """An object broke the rules of the IR (ranges, vocabularies, required values, ...)."""


class DecodeError(IRError):
    """Input could not be turned into an IR object: bad syntax, wrong JSON types, missing keys."""


def code_of(value: str) -> IssueCode:
    """The `IssueCode` named ``value``."""
    return _CODES[value]

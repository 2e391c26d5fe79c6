"""`errors`, `validate`, `is_valid`: every rule, every problem, at its path.

IR objects are immutable, so what a decoder has already checked need not be
checked again. Three identity tables remember (a) objects whose field types
and values msgspec's typed decoder checked, for which `errors` runs only the
cross-field rules, (b) objects built from checked plain data, whose opaque
values need no JSON scan, and (c) objects found valid, which `to_json` writes
without looking for unencodable values. They hold their objects weakly.
"""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

from ._base import IRStruct
from ._checker import check, check_rules_only, encoding_checker_for
from ._errors import Issue, IssueCode, ValidationError
from ._jsonscan import TOO_DEEP, json_type_name
from ._stack import depth_round_trips

__all__ = [
    "encoding_problems",
    "errors",
    "forgive_depth",
    "is_valid",
    "mark_decoded",
    "mark_typed",
    "too_deep",
    "unwritable",
    "validate",
]

_T = TypeVar("_T")


class _Marks:
    """A set of objects by identity, held weakly.

    ``id(obj) -> weakref``: a lookup checks that the reference still leads to
    the very object, so an id reused by a later object is never mistaken for
    it. Dead entries are swept when the table has doubled since the last
    sweep, instead of by a callback at each object's death (a plain dict with
    plain references is several times cheaper than a WeakValueDictionary).
    """

    __slots__ = ("_refs", "_sweep_at")

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._sweep_at = 1024

    def add(self, obj: object) -> None:
        refs = self._refs
        refs[id(obj)] = weakref.ref(obj)
        if len(refs) >= self._sweep_at:
            for key in [k for k, ref in refs.items() if ref() is None]:
                del refs[key]
            self._sweep_at = max(1024, 2 * len(refs))

    def __contains__(self, obj: object) -> bool:
        ref = self._refs.get(id(obj))
        return ref is not None and ref() is obj


_decoded = _Marks()
_typed = _Marks()
_valid = _Marks()


def mark_decoded(obj: object) -> None:
    """Record that the typed decoder checked every field value of ``obj``."""
    _decoded.add(obj)


def mark_typed(obj: object) -> None:
    """Record that ``obj`` was built from checked plain data: field types right, opaque values JSON."""
    _typed.add(obj)


def errors(obj: Any) -> list[Issue]:
    """Every problem with ``obj``, deep; ``[]`` when it is valid.

    >>> from crucible_ir import BackendRef
    >>> for issue in errors(BackendRef(id="", profile=None)):
    ...     print(issue)
    id: expected a non-empty identifier, got an empty string
    profile: expected a string, got null (the default is 'default')
    """
    if not isinstance(obj, IRStruct):
        return [Issue("", IssueCode.TYPE, f"expected an IR object, got {json_type_name(obj)}")]
    try:
        if obj in _decoded:  # known to encode faithfully already: nothing to remember
            return check_rules_only(obj)
        issues = check(obj, scan=obj not in _typed)
    except RecursionError:
        issues = [Issue("", IssueCode.SYNTAX, "object nested too deeply to check")]
    if issues:
        issues = forgive_depth(obj, issues)
    if not issues:
        _valid.add(obj)
    return issues


def too_deep(issue: Issue) -> bool:
    """Whether ``issue`` is an opaque value nested deeper than the JSON scan's fixed limit."""
    return issue.code is IssueCode.SYNTAX and issue.message == TOO_DEEP


def forgive_depth(obj: object, issues: list[Issue]) -> list[Issue]:
    """``issues`` less the `too_deep` ones when msgspec writes ``obj``'s depth and reads it back.

    `from_json` reads whatever msgspec's decoder reads, opaque values some 990
    levels deep included; the same test here keeps `errors` and `from_dict`
    in agreement with it.
    """
    if any(too_deep(issue) for issue in issues) and depth_round_trips(obj):
        return [issue for issue in issues if not too_deep(issue)]
    return issues


def encoding_problems(obj: Any) -> list[Issue]:
    """What keeps ``obj`` from being written as JSON that reads back equal.

    Wrong types, non-finite numbers, timestamps without (or with sub-minute)
    offsets, opaque values that are not plain JSON. Objects that came from a
    decoder or passed validation are known to have none.
    """
    if obj in _decoded or obj in _valid or obj in _typed:
        return []
    if not isinstance(obj, IRStruct):
        return [Issue("", IssueCode.TYPE, f"expected an IR object, got {json_type_name(obj)}")]
    issues: list[Issue] = []
    try:
        encoding_checker_for(type(obj))(obj, "", issues, 0)
    except RecursionError:
        issues.append(Issue("", IssueCode.SYNTAX, "object nested too deeply to write"))
    return issues


def unwritable(exc: BaseException) -> ValidationError:
    """The error for an object the JSON encoder refused (``exc`` says why)."""
    return ValidationError([Issue("", IssueCode.TYPE, f"cannot be written as JSON: {exc}")])


def validate(obj: _T) -> _T:
    """Return ``obj`` unchanged when it is valid; raise `ValidationError` listing every problem.

    >>> from crucible_ir import StageDef
    >>> validate(StageDef(name="inference")).name
    'inference'
    """
    issues = errors(obj)
    if issues:
        raise ValidationError(issues)
    return obj


def is_valid(obj: Any) -> bool:
    """Whether ``obj`` has no problem at all."""
    return not errors(obj)

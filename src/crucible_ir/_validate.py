"""`errors`, `validate`, `is_valid`: every rule, every problem, at its path.

IR objects are immutable, so a verdict about one need not be reached twice.
Two small identity caches remember (a) objects whose fields the typed decoder
has already checked, so only the cross-field rules remain, and (b) objects
found fully valid. Each cache holds strong references to a bounded number of
recent objects: an object in it cannot be freed, so its ``id`` cannot be
reused by another object while the entry lives.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from ._base import IRStruct
from ._checker import check, check_rules_only, encoding_checker_for
from ._errors import Issue, IssueCode, ValidationError
from ._jsonscan import json_type_name

__all__ = ["encoding_problems", "errors", "is_valid", "mark_decoded", "mark_typed", "validate"]

_T = TypeVar("_T")
_CACHE_SIZE: Final = 64
_decoded: dict[int, Any] = {}
_typed: dict[int, Any] = {}
_valid: dict[int, Any] = {}


def _remember(cache: dict[int, Any], obj: object) -> None:
    if len(cache) >= _CACHE_SIZE:
        del cache[next(iter(cache))]
    cache[id(obj)] = obj


def mark_decoded(obj: object) -> None:
    """Record that the typed decoder checked every field value of ``obj``."""
    _remember(_decoded, obj)


def mark_typed(obj: object) -> None:
    """Record that ``obj`` was built from checked plain data: field types right, opaque values JSON."""
    _remember(_typed, obj)


def errors(obj: Any) -> list[Issue]:
    """Every problem with ``obj``, deep; ``[]`` when it is valid.

    >>> from crucible_ir import BackendRef
    >>> for issue in errors(BackendRef(id="", profile=None)):
    ...     print(issue)
    id: expected a non-empty identifier, got an empty string
    profile: expected a string, got None
    """
    key = id(obj)
    if _valid.get(key) is obj:
        return []
    if not isinstance(obj, IRStruct):
        return [Issue("", IssueCode.TYPE, f"expected an IR object, got {json_type_name(obj)}")]
    try:
        if _decoded.get(key) is obj:
            issues = check_rules_only(obj)  # type: ignore[arg-type]
        else:
            issues = check(obj, scan=_typed.get(key) is not obj)
    except RecursionError:
        issues = [Issue("", IssueCode.SYNTAX, "object nested too deeply to check")]
    if not issues:
        _remember(_valid, obj)
    return issues


def encoding_problems(obj: Any) -> list[Issue]:
    """What keeps ``obj`` from being written as JSON that reads back equal.

    Wrong types, non-finite numbers, timestamps without (or with sub-minute)
    offsets, opaque values that are not plain JSON. Objects that came from a
    decoder or passed validation are known to have none.
    """
    key = id(obj)
    if _decoded.get(key) is obj or _valid.get(key) is obj or _typed.get(key) is obj:
        return []
    if not isinstance(obj, IRStruct):
        return [Issue("", IssueCode.TYPE, f"expected an IR object, got {json_type_name(obj)}")]
    issues: list[Issue] = []
    try:
        encoding_checker_for(type(obj))(obj, "", issues, 0)
    except RecursionError:
        issues.append(Issue("", IssueCode.SYNTAX, "object nested too deeply to write"))
    return issues


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

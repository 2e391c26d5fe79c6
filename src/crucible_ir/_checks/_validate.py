"""`errors`, `validate`, `is_valid`: every rule, every problem, at its path.

Nothing is remembered between calls: the lists and maps an object holds can
change. A valid object is answered in C (msgspec writes it and reads it back
equal, then the cross-field rules run); only otherwise does the checker walk it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from .._codec._json import round_trip, written
from .._codec._limits import json_type_name
from .._errors import Issue, IssueCode, ValidationError
from .._model._base import IRStruct
from ._checker import check, rule_issues

__all__ = ["encoding_problems", "errors", "is_valid", "validate"]

_T = TypeVar("_T")


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
    if round_trip(obj) is not None:
        return rule_issues(obj)
    return check(obj)


def encoding_problems(obj: Any) -> list[Issue]:
    """What `to_json` would refuse ``obj`` for (not a broken rule); ``[]`` when nothing."""
    try:
        written(obj)
    except ValidationError as exc:
        return exc.errors
    return []


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

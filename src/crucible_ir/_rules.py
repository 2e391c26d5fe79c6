"""Rules across fields: every one of them, in one place.

Each rule takes ``(obj, path, out)`` and appends an `Issue` with code
``consistency`` per violation. Rules run after the field checks of their class,
on objects that may hold values of the wrong type, so each rule looks only at
values of the types it understands.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from msgspec import UNSET

from ._backend._capabilities import Capabilities
from ._backend._messages import ContentPart
from ._backend._options import Options
from ._backend_ref import BackendRef  # noqa: F401 - registry order
from ._deployment import DeploymentStatus
from ._errors import Issue, IssueCode
from ._experiment import Experiment
from ._model_registry import ModelVersion  # noqa: F401
from ._reliability import Ensemble
from ._training import TrainingRun

__all__ = ["RULES", "Rule"]

Rule = Callable[[Any, str, list[Issue]], None]
RULES: dict[type, list[Rule]] = {}


def _rule(*classes: type) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for cls in classes:
            RULES.setdefault(cls, []).append(fn)
        return fn

    return register


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _duplicates(items: Iterable[Any], list_path: str, out: list[Issue], what: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            continue
        if name in seen:
            out.append(
                Issue(
                    f"{list_path}[{index}].name",
                    IssueCode.CONSISTENCY,
                    f"duplicate {what} name {name!r} (also at {list_path}[{seen[name]}])",
                )
            )
        else:
            seen[name] = index


def _not_before(obj: Any, path: str, out: list[Issue], earlier: str, later: str) -> None:
    start, end = getattr(obj, earlier), getattr(obj, later)
    if (
        isinstance(start, datetime.datetime)
        and isinstance(end, datetime.datetime)
        and start.utcoffset() is not None
        and end.utcoffset() is not None
        and end < start
    ):
        out.append(
            Issue(
                _at(path, later),
                IssueCode.CONSISTENCY,
                f"{later} ({end.isoformat()}) is before {earlier} ({start.isoformat()})",
            )
        )


@_rule(Experiment)
def unique_stage_names(exp: Experiment, path: str, out: list[Issue]) -> None:
    """Stage names in a pipeline are unique."""
    if isinstance(exp.pipeline, (list, tuple)):
        _duplicates(exp.pipeline, _at(path, "pipeline"), out, "stage")


@_rule(Experiment)
def unique_output_names(exp: Experiment, path: str, out: list[Issue]) -> None:
    """Output names are unique."""
    if isinstance(exp.outputs, (list, tuple)):
        _duplicates(exp.outputs, _at(path, "outputs"), out, "output")


@_rule(Experiment, DeploymentStatus)
def updated_not_before_created(obj: Any, path: str, out: list[Issue]) -> None:
    """``updated_at >= created_at``."""
    _not_before(obj, path, out, "created_at", "updated_at")


@_rule(TrainingRun)
def completed_not_before_started(run: TrainingRun, path: str, out: list[Issue]) -> None:
    """``completed_at >= started_at``."""
    _not_before(run, path, out, "started_at", "completed_at")


@_rule(Ensemble)
def weights_name_models(ens: Ensemble, path: str, out: list[Issue]) -> None:
    """Every key of ``weights`` is one of ``models`` (when both are set)."""
    weights, models = ens.weights, ens.models
    if not isinstance(weights, dict) or not isinstance(models, (list, tuple)):
        return
    known = {m for m in models if isinstance(m, str)}
    for key in weights:
        if isinstance(key, str) and key not in known:
            out.append(
                Issue(
                    f"{_at(path, 'weights')}.{key}",
                    IssueCode.CONSISTENCY,
                    f"weight for {key!r}, which is not one of models ({', '.join(sorted(known)) or 'none'})",
                )
            )


@_rule(DeploymentStatus)
def ready_within_total(status: DeploymentStatus, path: str, out: list[Issue]) -> None:
    """``ready_replicas <= total_replicas``."""
    ready, total = status.ready_replicas, status.total_replicas
    if type(ready) is int and type(total) is int and ready > total:
        out.append(
            Issue(
                _at(path, "ready_replicas"),
                IssueCode.CONSISTENCY,
                f"ready_replicas ({ready}) exceeds total_replicas ({total})",
            )
        )


@_rule(Options)
def json_schema_for_json_schema_format(opts: Options, path: str, out: list[Issue]) -> None:
    """``json_schema`` is set when ``response_format`` is json_schema."""
    if opts.response_format == "json_schema" and opts.json_schema is None:
        out.append(
            Issue(
                _at(path, "json_schema"),
                IssueCode.CONSISTENCY,
                "json_schema is required when response_format is json_schema",
            )
        )


@_rule(Capabilities)
def default_model_among_models(caps: Capabilities, path: str, out: list[Issue]) -> None:
    """``default_model`` is one of ``models`` when ``models`` is not empty."""
    models, default = caps.models, caps.default_model
    if not isinstance(default, str) or not default or not isinstance(models, (list, tuple)):
        return  # nothing to compare (an empty name is reported by the field check)
    if models and default not in models:
        listed = ", ".join(m for m in models if isinstance(m, str))
        out.append(
            Issue(
                _at(path, "default_model"),
                IssueCode.CONSISTENCY,
                f"default_model {default!r} is not one of models ({listed})",
            )
        )


_PART_PAYLOAD: dict[str, tuple[tuple[str, ...], ...]] = {
    "text": (("text",),),
    "image": (("url", "base64"),),
    "audio": (("url", "base64"),),
    "tool_result": (("tool_call_id",), ("content",)),
}
"""Per part type: the keys it needs; one key of each group must hold a value."""


@_rule(ContentPart)
def part_has_its_payload(part: ContentPart, path: str, out: list[Issue]) -> None:
    """Each content part holds what its type needs.

    A text part has ``text``, an image or audio part a ``url`` or ``base64``, a
    tool_result part a ``tool_call_id`` and a ``content``.
    """
    groups = _PART_PAYLOAD.get(part.type) if isinstance(part.type, str) else None
    for group in groups or ():
        if all(getattr(part, key) is None or getattr(part, key) is UNSET for key in group):
            keys = " or ".join(f"`{key}`" for key in group)
            out.append(
                Issue(
                    _at(path, group[0]),
                    IssueCode.CONSISTENCY,
                    f"{'an' if part.type[0] in 'aeiou' else 'a'} {part.type} part needs {keys}",
                )
            )

"""Rules across fields: every one of them, in one place.

A rule takes one IR object and yields ``(relative location, message)`` for each
violation (code ``consistency``). The object's values may have the wrong type:
each rule looks only at values of the types it understands.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from typing import TypeAlias

    Violation: TypeAlias = tuple[tuple[str | int, ...], str]
    """``(location relative to the object, message)``."""

    Rule: TypeAlias = Callable[[Any], Iterable[Violation]]

__all__ = ["RULES", "Rule", "Violation"]

RULES: dict[str, list[Rule]] = {}
"""The rules of each IR type, by type name."""


def _rule(*type_names: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for name in type_names:
            RULES.setdefault(name, []).append(fn)
        return fn

    return register


def _absent(value: Any) -> bool:
    """None, or msgspec's UNSET (a key left out)."""
    return value is None or value is msgspec.UNSET


def _duplicates(items: Any, field: str, what: str) -> Iterator[Violation]:
    if not isinstance(items, (list, tuple)):
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        name = getattr(item, "name", None)
        if isinstance(name, str) and name in seen:
            message = f"duplicate {what} name {name!r} (also at {field}[{seen[name]}])"
            yield (field, index, "name"), message
        elif isinstance(name, str) and name:  # (an empty name is the field check's)
            seen[name] = index


def _not_before(obj: Any, earlier: str, later: str) -> Iterator[Violation]:
    start: Any = getattr(obj, earlier, None)
    end: Any = getattr(obj, later, None)
    aware = (isinstance(t, datetime.datetime) and t.utcoffset() is not None for t in (start, end))
    if all(aware) and end < start:
        yield (later,), f"{later} ({end.isoformat()}) is before {earlier} ({start.isoformat()})"


@_rule("experiment")
def unique_stage_names(exp: Any) -> Iterable[Violation]:
    """Stage names in a pipeline are unique."""
    return _duplicates(exp.pipeline, "pipeline", "stage")


@_rule("experiment")
def unique_output_names(exp: Any) -> Iterable[Violation]:
    """Output names are unique."""
    return _duplicates(exp.outputs, "outputs", "output")


@_rule("experiment", "deployment.status")
def updated_not_before_created(obj: Any) -> Iterable[Violation]:
    """``updated_at >= created_at``."""
    return _not_before(obj, "created_at", "updated_at")


@_rule("training.run")
def completed_not_before_started(run: Any) -> Iterable[Violation]:
    """``completed_at >= started_at``."""
    return _not_before(run, "started_at", "completed_at")


@_rule("reliability.ensemble")
def weights_name_models(ens: Any) -> Iterable[Violation]:
    """Every key of ``weights`` names one of ``models`` (a name, or a backend ref's ``id``)."""
    weights, models = ens.weights, ens.models
    if not weights or not isinstance(weights, dict) or not isinstance(models, (list, tuple)):
        return ()
    ids = (m if isinstance(m, str) else getattr(m, "id", None) for m in models)
    known: set[str] = {name for name in ids if isinstance(name, str)}
    listed = ", ".join(sorted(known)) or "none"
    return [
        (("weights", key), f"weight for {key!r}, which is not one of models ({listed})")
        for key in weights
        if isinstance(key, str) and key not in known
    ]


@_rule("deployment.status")
def ready_within_total(status: Any) -> Iterator[Violation]:
    """``ready_replicas <= total_replicas``."""
    ready, total = status.ready_replicas, status.total_replicas
    if type(ready) is int and type(total) is int and ready > total:
        yield ("ready_replicas",), f"ready_replicas ({ready}) exceeds total_replicas ({total})"


@_rule("backend.options")
def json_schema_for_json_schema_format(opts: Any) -> Iterator[Violation]:
    """``json_schema`` is set when ``response_format`` is json_schema."""
    if opts.response_format == "json_schema" and opts.json_schema is None:
        yield ("json_schema",), "json_schema is required when response_format is json_schema"


@_rule("backend.prompt")
def prompt_messages_have_content(prompt: Any) -> Iterator[Violation]:
    """Every message of a prompt has content: only a completion's answer may have none."""
    messages = prompt.messages if isinstance(prompt.messages, (list, tuple)) else ()
    for index, message in enumerate(messages):
        if getattr(message, "content", "") is None:
            yield (
                ("messages", index, "content"),
                "expected a string or a list of content parts, got null "
                "(only a completion's answer may have no content)",
            )


@_rule("backend.capabilities")
def default_model_among_models(caps: Any) -> Iterator[Violation]:
    """``default_model`` is one of ``models`` when ``models`` is not empty."""
    models, default = caps.models, caps.default_model
    if not isinstance(default, str) or not default or not isinstance(models, (list, tuple)):
        return  # nothing to compare (an empty name is reported by the field check)
    if models and default not in models:
        listed = ", ".join(m for m in models if isinstance(m, str))
        yield ("default_model",), f"default_model {default!r} is not one of models ({listed})"


_PART_PAYLOAD: dict[str, tuple[tuple[str, ...], ...]] = {
    "text": (("text",),),
    "image": (("url", "base64"),),
    "audio": (("url", "base64"),),
    "tool_result": (("tool_call_id",), ("content",)),
}
"""Per part type: the keys it needs; one key of each group must hold a value."""


@_rule("backend.content_part")
def part_has_its_payload(part: Any) -> Iterator[Violation]:
    """Each content part holds what its type needs (`_PART_PAYLOAD`)."""
    kind = part.type
    groups = _PART_PAYLOAD.get(kind) if isinstance(kind, str) else None
    for group in groups or ():
        if all(_absent(getattr(part, key, None)) for key in group):
            keys = " or ".join(f"`{key}`" for key in group)
            yield (group[0],), f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} part needs {keys}"

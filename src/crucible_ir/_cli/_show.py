"""``crucible-ir show FILE``: the document as a tree, readable at a glance.

An experiment is drawn like the reference's architecture picture: backend
(and its fallbacks), pipeline, dataset, each reliability mechanism, outputs,
and the model lifecycle. Other types are drawn field by field.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, NamedTuple

from .._base import IRStruct
from .._canonical import canonical_data
from .._experiment import Experiment
from ._common import open_input, print_problems, printable, use_color
from ._locate import check

__all__ = ["render", "run"]


class _Node(NamedTuple):
    label: str
    detail: str
    children: list[_Node]


def _node(label: str, detail: str = "", children: Iterable[_Node] = ()) -> _Node:
    return _Node(label, detail, list(children))


class _Style:
    """Colours (on a terminal) around text from the document, made printable first."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, code: str, text: str) -> str:
        text = printable(text)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def title(self, label: str, name: Any = None, *, bold: bool = True) -> str:
        """A label (bold), then a cyan name if there is one."""
        label = self.paint("1", label) if bold else label
        return label if name is None else f"{label} {self.paint('36', str(name))}"


def _kv(pairs: Iterable[tuple[str, Any]]) -> str:
    parts = []
    for key, value in pairs:
        if value is None or value in ([], {}):
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        parts.append(f"{key}={value}")
    return printable("  ".join(parts))


def _fields(obj: Any, names: str) -> list[tuple[str, Any]]:
    """``(shown name, value)`` for ``"shown=attribute shown ..."`` (``shown`` alone: the same)."""
    pairs = []
    for spec in names.split():
        shown, _, attribute = spec.partition("=")
        pairs.append((shown, getattr(obj, attribute or shown)))
    return pairs


def _experiment(exp: Experiment, s: _Style) -> _Node:
    title = s.title("Experiment", exp.id)
    if exp.experiment_type:
        title += f" ({printable(exp.experiment_type)})"
    root = _node(title, s.paint("2", _kv(_fields(exp, "owner tags"))))
    if exp.description:
        root.children.append(_node(s.paint("2", exp.description)))
    root.children.append(_backend(exp.backend, s))
    stages = list(exp.pipeline or [])
    pipe = _node(
        s.title("Pipeline"), s.paint("2", f"{len(stages)} stage{'s' * (len(stages) != 1)}")
    )
    for i, stage in enumerate(stages, 1):
        parts = [printable(stage.module or ""), "" if stage.enabled else s.paint("33", "disabled")]
        parts.append(s.paint("2", _kv([("options", stage.options)])))
        detail = "  ".join(part for part in parts if part)
        pipe.children.append(_node(f"{i}. {s.paint('36', str(stage.name))}", detail))
    root.children.append(pipe)
    d = exp.dataset
    if d is not None:
        detail = _kv(_fields(d, "provider split version format"))
        root.children.append(_node(s.title("Dataset", d.name), detail))
    if exp.reliability is not None:
        mechanisms = list(_mechanisms(exp.reliability, s))
        if mechanisms:
            root.children.append(_node(s.title("Reliability"), "", mechanisms))
    if exp.outputs:
        outputs = [
            _node(
                s.paint("36", str(o.name)),
                printable(f"{', '.join(o.formats) or '(no format)'} -> {o.sink}"),
            )
            for o in exp.outputs
        ]
        root.children.append(_node(s.title("Outputs"), "", outputs))
    life = []
    if exp.model_version is not None:
        mv = exp.model_version
        title = s.title("Model version", mv.model_id, bold=False) + f" {printable(mv.version)}"
        life.append(_node(title, _kv(_fields(mv, "id stage parent=parent_version"))))
    if exp.training_config is not None:
        tc = exp.training_config
        pairs = [("model", tc.model_ref.id), ("data", tc.dataset_ref.name)]
        pairs += _fields(tc, "epochs batch=batch_size lr=learning_rate optimizer device")
        life.append(_node(s.title("Training", tc.id, bold=False), _kv(pairs)))
    if exp.baseline is not None:
        detail = _kv(_fields(exp.baseline, "provider framework version"))
        life.append(_node(s.title("Baseline", exp.baseline.id, bold=False), detail))
    if life:
        root.children.append(_node(s.title("Lifecycle"), "", life))
    return root


def _mechanisms(rel: Any, s: _Style) -> Iterable[_Node]:
    """One node per reliability mechanism the experiment configures."""

    def head(label: str, name: str) -> str:
        return s.title(label, name, bold=False)

    if (e := rel.ensemble) is not None:
        weights = e.weights or {}
        ids = [m if isinstance(m, str) else m.id for m in e.models or []]  # names or refs
        models = ", ".join(f"{m} {weights[m]}" if m in weights else str(m) for m in ids)
        pairs = [("mode", e.execution_mode), ("models", models or None)]
        yield _node(
            head("Ensemble", e.strategy), _kv(pairs + _fields(e, "min_agreement timeout_ms"))
        )
    if (h := rel.hedging) is not None:
        detail = _kv(_fields(h, "delay_ms percentile max_hedges budget_percent"))
        yield _node(head("Hedging", h.strategy), detail)
    if (st := rel.stats) is not None:
        names = "alpha confidence=confidence_level effect_size=effect_size_type"
        names += " correction=multiple_testing_correction bootstrap=bootstrap_iterations"
        yield _node(head("Stats", ", ".join(st.tests)), _kv(_fields(st, names)))
    if (f := rel.fairness) is not None:
        state = "on" if f.enabled else s.paint("33", "off")
        detail = _kv(_fields(f, "metrics group_by threshold fail_on_violation"))
        yield _node(f"Fairness {state}", detail)
    if (g := rel.guardrails) is not None:
        checks = [
            name
            for name, on in _fields(
                g,
                "prompt_injection=prompt_injection_detection jailbreak=jailbreak_detection "
                "PII_detection=pii_detection PII_redaction=pii_redaction "
                "moderation=content_moderation",
            )
            if on
        ]
        pairs = [("checks", [c.replace("_", " ") for c in checks])]
        pairs += _fields(g, "fail_on_detection")
        yield _node(head("Guardrails", ", ".join(g.profiles) or "(no profile)"), _kv(pairs))
    if (fb := rel.feedback) is not None:
        state = "on" if fb.enabled else s.paint("33", "off")
        names = "sampling=sampling_rate types=feedback_types storage retention_days"
        yield _node(f"Feedback {state}", _kv(_fields(fb, names)))
    for name in ("monitoring", "drift", "circuit_breaker"):
        value = getattr(rel, name)
        if value:
            yield _node(name.replace("_", " ").capitalize(), _kv(value.items()))


def _backend(ref: Any, s: _Style) -> _Node:
    if ref is None:
        return _node(s.title("Backend"), s.paint("33", "(missing)"))
    names = "profile model=model_version endpoint=endpoint_url deployment=deployment_id"
    node = _node(s.title("Backend", ref.id), _kv(_fields(ref, names)))
    parent, current = node, ref.fallback
    for _ in range(32):  # a fallback chain is drawn 32 deep at most
        if current is None:
            break
        child = _node(
            s.title("Fallback", current.id), _kv(_fields(current, "profile model=model_version"))
        )
        parent.children.append(child)
        parent, current = child, current.fallback
    return node


def _generic(obj: IRStruct, s: _Style) -> _Node:
    from .._plan import plan

    data = canonical_data(obj)
    # the identifying (required) fields first, then the rest in wire order
    required = [f.name for f in plan(type(obj)).fields if f.required]
    data = {**{name: data[name] for name in required if name in data}, **data}
    root = _node(s.title(type(obj).__ir_type__))
    stack: list[tuple[_Node, Any]] = [(root, data)]
    while stack:
        node, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, sub in items:
            if sub is None:
                continue
            label = f"[{key}]" if isinstance(key, int) else printable(str(key))
            if isinstance(sub, (dict, list)) and sub:
                child = _node(s.title(label))
                stack.append((child, sub))
            else:
                child = _node(f"{label}: {s.paint('36', json.dumps(sub, ensure_ascii=False))}")
            node.children.append(child)
    return root


def render(obj: IRStruct, *, color: bool = False) -> str:
    """The tree of ``obj`` as text."""
    s = _Style(color)
    root = _experiment(obj, s) if isinstance(obj, Experiment) else _generic(obj, s)
    lines = [f"{root.label}  {root.detail}".rstrip()]
    stack = [(child, "", i == len(root.children) - 1) for i, child in enumerate(root.children)]
    stack.reverse()
    while stack:
        node, prefix, last = stack.pop()
        lines.append(f"{prefix}{'└── ' if last else '├── '}{node.label}  {node.detail}".rstrip())
        inner = prefix + ("    " if last else "│   ")
        for i, child in reversed(list(enumerate(node.children))):
            stack.append((child, inner, i == len(node.children) - 1))
    if not color:  # nothing of ours to keep: make every line printable
        lines = [printable(line) for line in lines]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the tree; exit 1 (with the problems) when the file cannot be decoded."""
    checked = check(open_input(args.file, args), strict=False)
    if checked.obj is None:
        print_problems(checked.problems)
        return 1
    sys.stdout.write(render(checked.obj, color=use_color(sys.stdout, args.color)))
    if checked.problems:
        count = len(checked.problems)
        print(f"({count} validation problem(s): run crucible-ir validate)", file=sys.stderr)
    return 0

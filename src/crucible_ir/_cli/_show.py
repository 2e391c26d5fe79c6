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
from dataclasses import dataclass, field
from typing import Any

from .._base import IRStruct
from .._canonical import canonical_data
from .._experiment import Experiment
from ._common import open_input, print_problems, printable, use_color
from ._locate import check

__all__ = ["render", "run"]


@dataclass
class _Node:
    label: str
    detail: str = ""
    children: list[_Node] = field(default_factory=list)


class _Style:
    """Colours (on a terminal) around text from the document, made printable first."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _paint(self, code: str, text: str) -> str:
        text = printable(text)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def label(self, text: str) -> str:
        return self._paint("1", text)

    def name(self, text: str) -> str:
        return self._paint("36", text)

    def dim(self, text: str) -> str:
        return self._paint("2", text)

    def warn(self, text: str) -> str:
        return self._paint("33", text)


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


def _experiment(exp: Experiment, s: _Style) -> _Node:
    title = f"{s.label('Experiment')} {s.name(exp.id)}"
    if exp.experiment_type:
        title += f" ({printable(exp.experiment_type)})"
    root = _Node(title, s.dim(_kv([("owner", exp.owner), ("tags", exp.tags)])))
    if exp.description:
        root.children.append(_Node(s.dim(exp.description)))
    root.children.append(_backend(exp.backend, s, "Backend"))
    stages = list(exp.pipeline or [])
    pipe = _Node(s.label("Pipeline"), s.dim(f"{len(stages)} stage{'s' * (len(stages) != 1)}"))
    for i, stage in enumerate(stages, 1):
        flags = [] if stage.enabled else [s.warn("disabled")]
        pipe.children.append(
            _Node(
                f"{i}. {s.name(str(stage.name))}",
                "  ".join(
                    [
                        *(printable(m) for m in [stage.module] if m),
                        *flags,
                        s.dim(_kv([("options", stage.options)])),
                    ]
                ).strip(),
            )
        )
    root.children.append(pipe)
    if exp.dataset is not None:
        d = exp.dataset
        root.children.append(
            _Node(
                f"{s.label('Dataset')} {s.name(str(d.name))}",
                _kv(
                    [
                        ("provider", d.provider),
                        ("split", d.split),
                        ("version", d.version),
                        ("format", d.format),
                    ]
                ),
            )
        )
    rel = exp.reliability
    if rel is not None:
        node = _Node(s.label("Reliability"))
        if rel.ensemble is not None:
            e = rel.ensemble
            models = ", ".join(
                f"{m} {e.weights[m]}" if e.weights and m in e.weights else str(m)
                for m in (e.models or [])
            )
            node.children.append(
                _Node(
                    f"Ensemble {s.name(e.strategy)}",
                    _kv(
                        [
                            ("mode", e.execution_mode),
                            ("models", models or None),
                            ("min_agreement", e.min_agreement),
                            ("timeout_ms", e.timeout_ms),
                        ]
                    ),
                )
            )
        if rel.hedging is not None:
            h = rel.hedging
            node.children.append(
                _Node(
                    f"Hedging {s.name(h.strategy)}",
                    _kv(
                        [
                            ("delay_ms", h.delay_ms),
                            ("percentile", h.percentile),
                            ("max_hedges", h.max_hedges),
                            ("budget_percent", h.budget_percent),
                        ]
                    ),
                )
            )
        if rel.stats is not None:
            st = rel.stats
            node.children.append(
                _Node(
                    f"Stats {s.name(', '.join(st.tests))}",
                    _kv(
                        [
                            ("alpha", st.alpha),
                            ("confidence", st.confidence_level),
                            ("effect_size", st.effect_size_type),
                            ("correction", st.multiple_testing_correction),
                            ("bootstrap", st.bootstrap_iterations),
                        ]
                    ),
                )
            )
        if rel.fairness is not None:
            f = rel.fairness
            state = "on" if f.enabled else s.warn("off")
            node.children.append(
                _Node(
                    f"Fairness {state}",
                    _kv(
                        [
                            ("metrics", f.metrics),
                            ("group_by", f.group_by),
                            ("threshold", f.threshold),
                            ("fail_on_violation", f.fail_on_violation),
                        ]
                    ),
                )
            )
        if rel.guardrails is not None:
            g = rel.guardrails
            checks = [
                name
                for name, on in [
                    ("prompt injection", g.prompt_injection_detection),
                    ("jailbreak", g.jailbreak_detection),
                    ("PII detection", g.pii_detection),
                    ("PII redaction", g.pii_redaction),
                    ("moderation", g.content_moderation),
                ]
                if on
            ]
            node.children.append(
                _Node(
                    f"Guardrails {s.name(', '.join(g.profiles) or '(no profile)')}",
                    _kv([("checks", checks), ("fail_on_detection", g.fail_on_detection)]),
                )
            )
        if rel.feedback is not None:
            fb = rel.feedback
            node.children.append(
                _Node(
                    f"Feedback {'on' if fb.enabled else s.warn('off')}",
                    _kv(
                        [
                            ("sampling", fb.sampling_rate),
                            ("types", fb.feedback_types),
                            ("storage", fb.storage),
                            ("retention_days", fb.retention_days),
                        ]
                    ),
                )
            )
        for name in ("monitoring", "drift", "circuit_breaker"):
            value = getattr(rel, name)
            if value:
                node.children.append(_Node(name.replace("_", " ").capitalize(), _kv(value.items())))
        if node.children:
            root.children.append(node)
    if exp.outputs:
        outs = _Node(s.label("Outputs"))
        for o in exp.outputs:
            outs.children.append(
                _Node(
                    s.name(str(o.name)),
                    printable(f"{', '.join(o.formats) or '(no format)'} -> {o.sink}"),
                )
            )
        root.children.append(outs)
    life = _Node(s.label("Lifecycle"))
    if exp.model_version is not None:
        mv = exp.model_version
        life.children.append(
            _Node(
                f"Model version {s.name(str(mv.model_id))} {mv.version}",
                _kv([("id", mv.id), ("stage", mv.stage), ("parent", mv.parent_version)]),
            )
        )
    if exp.training_config is not None:
        tc = exp.training_config
        life.children.append(
            _Node(
                f"Training {s.name(str(tc.id))}",
                _kv(
                    [
                        ("model", tc.model_ref.id),
                        ("data", tc.dataset_ref.name),
                        ("epochs", tc.epochs),
                        ("batch", tc.batch_size),
                        ("lr", tc.learning_rate),
                        ("optimizer", tc.optimizer),
                        ("device", tc.device),
                    ]
                ),
            )
        )
    if exp.baseline is not None:
        b = exp.baseline
        life.children.append(
            _Node(
                f"Baseline {s.name(str(b.id))}",
                _kv([("provider", b.provider), ("framework", b.framework), ("version", b.version)]),
            )
        )
    if life.children:
        root.children.append(life)
    return root


def _backend(ref: Any, s: _Style, label: str) -> _Node:
    if ref is None:
        return _Node(s.label(label), s.warn("(missing)"))
    node = _Node(
        f"{s.label(label)} {s.name(str(ref.id))}",
        _kv(
            [
                ("profile", ref.profile),
                ("model", ref.model_version),
                ("endpoint", ref.endpoint_url),
                ("deployment", ref.deployment_id),
            ]
        ),
    )
    depth = 0
    current = ref.fallback
    parent = node
    while current is not None and depth < 32:
        child = _Node(
            f"{s.label('Fallback')} {s.name(str(current.id))}",
            _kv([("profile", current.profile), ("model", current.model_version)]),
        )
        parent.children.append(child)
        parent, current, depth = child, current.fallback, depth + 1
    return node


def _generic(obj: IRStruct, s: _Style) -> _Node:
    from .._plan import plan

    data = canonical_data(obj)
    # the identifying (required) fields first, then the rest in wire order
    required = [f.name for f in plan(type(obj)).fields if f.required]
    data = {**{name: data[name] for name in required if name in data}, **data}
    root = _Node(f"{s.label(type(obj).__ir_type__)}")
    stack: list[tuple[_Node, Any]] = [(root, data)]
    while stack:
        node, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, sub in items:
            if sub is None:
                continue
            label = f"[{key}]" if isinstance(key, int) else printable(str(key))
            if isinstance(sub, (dict, list)) and sub:
                child = _Node(s.label(label))
                stack.append((child, sub))
            else:
                child = _Node(f"{label}: {s.name(json.dumps(sub, ensure_ascii=False))}")
            node.children.append(child)
    return root


def render(obj: IRStruct, *, color: bool = False) -> str:
    """The tree of ``obj`` as text."""
    s = _Style(color)
    root = _experiment(obj, s) if isinstance(obj, Experiment) else _generic(obj, s)
    lines = [f"{root.label}  {root.detail}".rstrip()]
    stack: list[tuple[_Node, str, bool]] = [
        (child, "", i == len(root.children) - 1)
        for i, child in reversed(list(enumerate(root.children)))
    ]
    while stack:
        node, prefix, last = stack.pop()
        branch = "└── " if last else "├── "
        lines.append(f"{prefix}{branch}{node.label}  {node.detail}".rstrip())
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
        print(
            f"({len(checked.problems)} validation problem(s): run crucible-ir validate)",
            file=sys.stderr,
        )
    return 0

"""Static checks of the public typing, read by mypy (``make typecheck``), never run.

Every type-name form of ``from_json``, ``from_dict`` and ``iter_jsonl`` returns the
class it names, under ``mypy --strict``, and so does every class form.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

import crucible_ir as ir
from crucible_ir import backend, deployment, feedback, reliability, training


def _decoded(text: str, data: dict[str, Any]) -> None:
    assert_type(ir.from_json(text, "experiment"), ir.Experiment)
    assert_type(ir.from_json(text.encode(), "backend_ref"), ir.BackendRef)
    assert_type(ir.from_json(text, "dataset_ref"), ir.DatasetRef)
    assert_type(ir.from_json(text, "stage_def"), ir.StageDef)
    assert_type(ir.from_json(text, "output_spec"), ir.OutputSpec)
    assert_type(ir.from_json(text, "reliability.config"), reliability.Config)
    assert_type(ir.from_json(text, "reliability.ensemble"), reliability.Ensemble)
    assert_type(ir.from_json(text, "reliability.hedging"), reliability.Hedging)
    assert_type(ir.from_json(text, "reliability.stats"), reliability.Stats)
    assert_type(ir.from_json(text, "reliability.fairness"), reliability.Fairness)
    assert_type(ir.from_json(text, "reliability.guardrail"), reliability.Guardrail)
    assert_type(ir.from_json(text, "model_ref"), ir.ModelRef)
    assert_type(ir.from_json(text, "model_version"), ir.ModelVersion)
    assert_type(ir.from_json(text, "training.config"), training.Config)
    assert_type(ir.from_json(text, "training.run"), training.Run)
    assert_type(ir.from_json(text, "deployment.config"), deployment.Config)
    assert_type(ir.from_json(text, "deployment.status"), deployment.Status)
    assert_type(ir.from_json(text, "feedback.config"), feedback.Config)
    assert_type(ir.from_json(text, "feedback.event"), feedback.Event)
    assert_type(ir.from_json(text, "backend.prompt"), backend.Prompt)
    assert_type(ir.from_json(text, "backend.options"), backend.Options)
    assert_type(ir.from_json(text, "backend.completion"), backend.Completion)
    assert_type(ir.from_json(text, "backend.capabilities"), backend.Capabilities)
    assert_type(ir.from_json(text, ir.Experiment, strict=True), ir.Experiment)
    assert_type(ir.from_json(text, backend.Message), backend.Message)
    assert_type(ir.from_dict(data, "experiment", strict=True), ir.Experiment)
    assert_type(ir.from_dict(data, "reliability.config"), reliability.Config)
    assert_type(ir.from_dict(data, "training.run"), training.Run)
    assert_type(ir.from_dict(data, "backend.completion"), backend.Completion)
    assert_type(ir.from_dict(data, ir.StageDef), ir.StageDef)
    assert_type(ir.from_dict(data, "no.such.type"), Any)
    for event in ir.iter_jsonl(text.encode(), "feedback.event"):
        assert_type(event, feedback.Event)
    for stage in ir.iter_jsonl("stages.jsonl", ir.StageDef, strict=True):
        assert_type(stage, ir.StageDef)
    # Text is str or bytes, and the type a class or a name (strict's unused-ignore check
    # fails this file when such a call is accepted).
    ir.from_json(3, "experiment")  # type: ignore[call-overload]
    ir.from_json(text, 3)  # type: ignore[call-overload]
    assert_type(ir.validate(ir.from_json(text, "experiment")), ir.Experiment)

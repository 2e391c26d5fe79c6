"""Quick start: define an experiment, add reliability, validate it, serialize it.

Mirrors the "Quick Start" and "Validation" sections of the reference docs.
Run with ``python examples/quick_start.py``.
"""

import crucible_ir as ir
from crucible_ir import reliability

# An experiment needs an id, a backend and a pipeline of at least one stage.
# Construction never validates: it is plain data until you ask.
experiment = ir.new_experiment(
    id="gpt4_benchmark",
    backend=ir.BackendRef(id="openai_gpt4"),
    pipeline=[
        ir.StageDef(name="preprocessing"),
        ir.StageDef(name="inference"),
        ir.StageDef(name="evaluation"),
    ],
    dataset=ir.DatasetRef(name="mmlu", split="test"),
)

# Objects are immutable: `replace` returns a new experiment with the change.
experiment = ir.replace(
    experiment,
    reliability=reliability.Config(
        ensemble=reliability.Ensemble(
            strategy="majority",
            models=["gpt4", "claude", "gemini"],
            execution_mode="parallel",
        ),
        stats=reliability.Stats(tests=["ttest", "bootstrap"], alpha=0.05),
    ),
)

# `validate` returns the object unchanged when it is valid.
ir.validate(experiment)
print("valid:", ir.is_valid(experiment))
print("stages:", [stage.name for stage in experiment.pipeline])

# Serialize to JSON: every field is written, unset ones as null, keys sorted
# (the same bytes the Elixir reference writes).
text = ir.to_json(experiment)
print("ensemble JSON:", ir.to_json(experiment.reliability.ensemble))
print("round trip equal:", ir.from_json(text, "experiment") == experiment)

# An invalid experiment: `errors` lists every problem, never just the first.
invalid = ir.Experiment(id="test", backend=None, pipeline=None)
for issue in ir.errors(invalid):
    print(f"  {issue.code}: {issue}")

# `validate` raises ValidationError, which carries the same list in `.errors`.
try:
    ir.validate(invalid)
except ir.ValidationError as exc:
    print("ValidationError with", len(exc.errors), "problems")

"""Ensemble voting: several models answer, a strategy combines the answers.

Mirrors "Ensemble Voting Experiment" in the reference docs, then shows the
rules validation applies to an ensemble.
"""

import crucible_ir as ir
from crucible_ir import reliability

ensemble = reliability.Ensemble(
    strategy="weighted",
    models=["gpt4", "claude", "gemini"],
    # Every weights key must be one of `models`.
    weights={"gpt4": 0.5, "claude": 0.3, "gemini": 0.2},
    execution_mode="parallel",
    min_agreement=0.6,  # a fraction in [0, 1]
    timeout_ms=30_000,
)
experiment = ir.new_experiment(
    id="ensemble_exp",
    backend=ir.BackendRef(id="gpt4"),
    pipeline=[ir.StageDef(name="inference")],
    reliability=reliability.Config(ensemble=ensemble),
)
ir.validate(experiment)
print("strategy:", ensemble.strategy, "| mode:", ensemble.execution_mode)
print("total weight:", round(sum(ensemble.weights.values()), 6))

# Closed vocabularies, ranges and cross-field rules are all checked, and every
# problem is reported at its path from the object validated.
broken = ir.replace(
    experiment,
    reliability=reliability.Config(
        ensemble=ir.replace(
            ensemble,
            strategy="plurality",  # not a strategy
            weights={"gpt4": 0.5, "llama": 0.5},  # "llama" is not in models
            min_agreement=1.5,  # above 1
        )
    ),
)
try:
    ir.validate(broken)
except ir.ValidationError as exc:
    for issue in exc.errors:
        print(f"{issue.code:<12} {issue}")

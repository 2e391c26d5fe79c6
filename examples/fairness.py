"""Fairness checks: compare metrics across groups and fail on a violation.

Mirrors "Fairness Checking" in the reference docs.
"""

import crucible_ir as ir
from crucible_ir import reliability

fairness = reliability.Fairness(
    enabled=True,  # the default is False: fairness is opt-in
    metrics=["demographic_parity", "equalized_odds"],
    group_by="gender",
    threshold=0.8,  # the "80% rule", a fraction in [0, 1]
    fail_on_violation=True,
)
experiment = ir.new_experiment(
    id="fairness_exp",
    backend=ir.BackendRef(id="gpt4"),
    pipeline=[ir.StageDef(name="inference")],
    reliability=reliability.Config(fairness=fairness),
)
ir.validate(experiment)
print(f"fairness: {fairness.metrics} by {fairness.group_by}, threshold {fairness.threshold}")

# The builder turns fairness on for you.
built = (
    ir.experiment("fairness_builder")
    .with_backend("gpt4")
    .add_stage("inference")
    .with_fairness(metrics=["equal_opportunity"], group_by="age_band", threshold=0.9)
    .build()
)
print("builder enabled it:", built.reliability.fairness.enabled)

# Booleans must be real booleans, and the threshold is a fraction.
bad = reliability.Fairness(enabled="yes", threshold=80, group_by="")
for issue in ir.errors(bad):
    print(f"  [{issue.code}] {issue}")

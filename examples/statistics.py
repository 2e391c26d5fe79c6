"""Statistical testing: which tests run on the results, at what significance.

Mirrors "Statistical Testing" in the reference docs.
"""

import crucible_ir as ir
from crucible_ir import reliability

stats = reliability.Stats(
    tests=["ttest", "mannwhitney", "bootstrap"],
    alpha=0.01,
    effect_size_type="cohens_d",
    bootstrap_iterations=10_000,
    multiple_testing_correction="holm",  # open vocabulary: any non-empty name
)
experiment = ir.new_experiment(
    id="stats_exp",
    backend=ir.BackendRef(id="gpt4"),
    pipeline=[ir.StageDef(name="inference")],
    dataset=ir.DatasetRef(name="mmlu"),
    reliability=reliability.Config(stats=stats),
)
ir.validate(experiment)
print("tests:", ", ".join(stats.tests))
print("alpha:", stats.alpha, "| bootstrap iterations:", stats.bootstrap_iterations)

# Defaults match the reference: t-test and bootstrap at alpha 0.05.
default = reliability.Stats()
print("defaults:", default.tests, default.alpha)

# alpha and confidence_level are probabilities; iterations are positive integers.
bad = reliability.Stats(alpha=5, confidence_level=95.0, bootstrap_iterations=0)
try:
    ir.validate(bad)
except ir.ValidationError as exc:
    print(f"{len(exc.errors)} problems:")
    print(exc)  # str() lists every issue, one per line

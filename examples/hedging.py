"""Request hedging: send a backup request when the first one is slow.

Mirrors "Hedging for Low Latency" in the reference docs. Note that
``percentile`` is a fraction in [0, 1] (0.95 for p95), not 95.
"""

import crucible_ir as ir
from crucible_ir import reliability

# Hedge when a request is slower than the 95th percentile of recent latencies,
# at most twice per call, spending at most 15% extra.
percentile = reliability.Hedging(
    strategy="percentile",
    percentile=0.95,
    max_hedges=2,
    budget_percent=15,
)
experiment = ir.new_experiment(
    id="low_latency_exp",
    backend=ir.BackendRef(id="gpt4"),
    pipeline=[ir.StageDef(name="inference")],
    reliability=reliability.Config(hedging=percentile),
)
ir.validate(experiment)
print("percentile hedging:", percentile.percentile, "max hedges:", percentile.max_hedges)

# The simplest strategy: a fixed delay before the backup request.
fixed = reliability.Hedging(strategy="fixed", delay_ms=100)
print("fixed hedging valid:", ir.is_valid(fixed), "delay:", fixed.delay_ms, "ms")

# The default is "off" -- a string, also when written as `strategy: off` in YAML.
print("default strategy:", repr(reliability.Hedging().strategy))

# Common mistakes, all reported at once.
mistakes = reliability.Hedging(strategy="percentile", percentile=95, max_hedges=0, delay_ms=-5)
for issue in ir.errors(mistakes):
    print(f"  {issue.path}: {issue.message}")

"""The fluent builder: chain calls, then `build()` to validate.

Mirrors the "Fluent Builder API" section of the reference docs, and shows that
every builder method returns a NEW builder, so partial builders can be shared.
"""

import crucible_ir as ir

experiment = (
    ir.experiment("comprehensive_test")
    .with_description("Production reliability test")
    .with_backend("gpt4", profile="fast")
    .add_stage("preprocessing", options={"normalize": True})
    .add_stage("inference")
    .add_stage("postprocessing")
    .with_dataset("mmlu", split="test")
    # The reliability sections accumulate into one reliability.Config.
    .with_ensemble("majority", models=["gpt4", "claude"])
    .with_hedging("fixed", delay_ms=100)
    .with_stats(["ttest", "bootstrap"], alpha=0.01)
    .with_fairness(metrics=["demographic_parity"], threshold=0.8)  # enabled=True by default here
    .with_guardrails(profiles=["strict"], pii_detection=True)
    .add_output("results", formats=["json", "html"])
    .build()  # validates: returns the Experiment or raises ValidationError
)
rel = experiment.reliability
print("built:", experiment.id, "on", experiment.backend.id, f"({experiment.backend.profile})")
print("pipeline:", " -> ".join(stage.name for stage in experiment.pipeline))
print("reliability:", rel.ensemble.strategy, rel.hedging.strategy, rel.stats.alpha)
print("fairness enabled:", rel.fairness.enabled)

# Builders are immutable: one base, several experiments.
base = ir.experiment("ablation").with_backend("gpt4").add_stage("inference")
with_hedging = base.with_hedging("percentile", percentile=0.95)
print("base has reliability:", base.draft().reliability is not None)
print("derived hedging:", with_hedging.draft().reliability.hedging.strategy)

# Lifecycle helpers fill in sensible ids.
lifecycle = (
    base.with_experiment_type("training")
    .with_model_version("gpt2", "1.0.0")  # id defaults to "gpt2_1_0_0"
    .with_training_config("gpt2", "wikitext", epochs=3)  # id defaults to "train_ablation"
    .with_baseline("gpt2_base", provider="huggingface")
    .build()
)
print("model version id:", lifecycle.model_version.id)
print("training config id:", lifecycle.training_config.id)

# `draft()` returns the experiment as it stands; `build()` validates it first.
print("draft without a backend:", ir.experiment("invalid").draft().backend)
try:
    ir.experiment("invalid").build()  # no backend, no stages
except ir.ValidationError as exc:
    print("build() failed:")
    for issue in exc.errors:
        print("  ", issue)

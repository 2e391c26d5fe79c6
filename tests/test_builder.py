"""The fluent, immutable experiment builder (API section 5)."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

import pytest

import crucible_ir as ir
from crucible_ir import feedback, reliability, training

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers


def base() -> ir.ExperimentBuilder:
    return ir.experiment("exp").with_backend("gpt4").add_stage("inference")


def _issues(exc: ir.ValidationError) -> list[tuple[str, str]]:
    return [(i.path, str(i.code)) for i in exc.errors]


# -- entry points ---------------------------------------------------------------------------------


def test_three_ways_to_start() -> None:
    a = ir.experiment("x").with_backend("b").add_stage("s").draft()
    b = ir.Builder.experiment("x").with_backend("b").add_stage("s").draft()
    c = ir.ExperimentBuilder("x").with_backend("b").add_stage("s").draft()
    assert a == b == c
    assert isinstance(ir.experiment("x"), ir.ExperimentBuilder)


def test_a_fresh_builder_drafts_an_empty_experiment() -> None:
    draft = ir.experiment("x").draft()
    assert draft == ir.Experiment(id="x", backend=None, pipeline=[])  # type: ignore[arg-type]


# -- every method ---------------------------------------------------------------------------------


def test_description_owner_tags_metadata_type() -> None:
    exp = (
        base()
        .with_description("Évaluation 🧪")
        .with_owner("team@example.com")
        .with_tags("nightly", "llm")
        .with_metadata({"run": 7, "nested": {"k": [1.5]}})
        .with_experiment_type("comparison")
        .build()
    )
    assert exp.description == "Évaluation 🧪"
    assert exp.owner == "team@example.com"
    assert exp.tags == ["nightly", "llm"]
    assert exp.metadata == {"run": 7, "nested": {"k": [1.5]}}
    assert exp.experiment_type == "comparison"


def test_with_tags_replaces_earlier_tags() -> None:
    assert base().with_tags("a", "b").with_tags("c").draft().tags == ["c"]
    assert base().with_tags().draft().tags == []


def test_with_backend() -> None:
    assert base().draft().backend == ir.BackendRef(id="gpt4")
    assert base().draft().backend.profile == "default"
    backend = (
        base()
        .with_backend(
            "openai",
            profile="fast",
            options={"temperature": 0.0},
            endpoint_url="https://api.example.com/v1",
            fallback=ir.BackendRef(id="claude"),
        )
        .draft()
        .backend
    )
    assert backend == ir.BackendRef(
        id="openai",
        profile="fast",
        options={"temperature": 0.0},
        endpoint_url="https://api.example.com/v1",
        fallback=ir.BackendRef(id="claude"),
    )
    with pytest.raises(TypeError):
        base().with_backend("x", nope=1)


def test_add_stage_appends_in_order() -> None:
    exp = (
        ir.experiment("x")
        .with_backend("b")
        .add_stage("pre", module="Elixir.MyApp.Pre", options={"lowercase": True})
        .add_stage("run")
        .add_stage("report", enabled=False)
        .build()
    )
    assert exp.pipeline == [
        ir.StageDef(name="pre", module="Elixir.MyApp.Pre", options={"lowercase": True}),
        ir.StageDef(name="run"),
        ir.StageDef(name="report", enabled=False),
    ]


def test_with_dataset() -> None:
    assert base().with_dataset("mmlu").draft().dataset == ir.DatasetRef(name="mmlu")
    ds = (
        base()
        .with_dataset(
            "mmlu", provider="huggingface", split="test", options={"limit": 5}, version="2"
        )
        .draft()
    )
    assert ds.dataset == ir.DatasetRef(
        name="mmlu", provider="huggingface", split="test", options={"limit": 5}, version="2"
    )


def test_add_output_appends_with_defaults() -> None:
    exp = (
        base()
        .add_output("report")
        .add_output("raw", formats=["json", "csv"], sink="s3", options={"b": 1})
        .build()
    )
    assert exp.outputs == [
        ir.OutputSpec(name="report"),
        ir.OutputSpec(name="raw", formats=["json", "csv"], sink="s3", options={"b": 1}),
    ]
    assert exp.outputs[0].formats == ["markdown"]
    assert exp.outputs[0].sink == "file"
    assert base().draft().outputs is None


def test_reliability_sections() -> None:
    exp = (
        base()
        .with_ensemble("weighted", models=["a", "b"], weights={"a": 0.7, "b": 0.3})
        .with_hedging("percentile", percentile=0.95, delay_ms=50)
        .with_stats(["ttest"])
        .with_fairness(threshold=0.8)
        .with_guardrails(pii_detection=True)
        .with_feedback(sampling_rate=0.1)
        .build()
    )
    assert exp.reliability == reliability.Config(
        ensemble=reliability.Ensemble(
            strategy="weighted", models=["a", "b"], weights={"a": 0.7, "b": 0.3}
        ),
        hedging=reliability.Hedging(strategy="percentile", percentile=0.95, delay_ms=50),
        stats=reliability.Stats(tests=["ttest"], alpha=0.05),
        fairness=reliability.Fairness(enabled=True, threshold=0.8),
        guardrails=reliability.Guardrail(pii_detection=True),
        feedback=feedback.Config(enabled=True, sampling_rate=0.1),
    )


def test_with_ensemble_takes_backend_refs_as_members() -> None:
    mock = ir.BackendRef(id="mock", options={})
    exp = (
        base()
        .with_ensemble("weighted", models=["gpt4", mock], weights={"gpt4": 0.5, "mock": 0.5})
        .build()
    )
    assert exp.reliability is not None
    assert exp.reliability.ensemble is not None
    assert exp.reliability.ensemble.models == ["gpt4", mock]
    with pytest.raises(ir.ValidationError) as info:
        base().with_ensemble("weighted", models=[mock], weights={"gpt4": 1.0}).build()
    assert [i.path for i in info.value.errors] == ["reliability.ensemble.weights.gpt4"]


def test_reliability_defaults() -> None:
    rel = (
        base()
        .with_stats(("ttest", "anova"))
        .with_fairness()
        .with_feedback()
        .with_guardrails()
        .draft()
        .reliability
    )
    assert rel is not None
    assert rel.stats == reliability.Stats(tests=["ttest", "anova"])
    assert helpers.same(rel.stats.alpha, 0.05)
    assert rel.fairness == reliability.Fairness(enabled=True)
    assert rel.feedback == feedback.Config(enabled=True)
    assert rel.guardrails == reliability.Guardrail()
    # The defaults can be overridden.
    rel = (
        base()
        .with_stats([], alpha=0.01)
        .with_fairness(enabled=False)
        .with_feedback(enabled=False)
        .draft()
        .reliability
    )
    assert rel is not None
    assert rel.stats == reliability.Stats(tests=[], alpha=0.01)
    assert rel.fairness == reliability.Fairness(enabled=False)
    assert rel.feedback == feedback.Config(enabled=False)


def test_reliability_sections_accumulate_and_replace() -> None:
    builder = base().with_stats(["ttest"]).with_ensemble("majority")
    assert builder.draft().reliability == reliability.Config(
        stats=reliability.Stats(tests=["ttest"]), ensemble=reliability.Ensemble(strategy="majority")
    )
    replaced = builder.with_stats(["bootstrap"], alpha=0.1)
    assert replaced.draft().reliability == reliability.Config(
        stats=reliability.Stats(tests=["bootstrap"], alpha=0.1),
        ensemble=reliability.Ensemble(strategy="majority"),
    )
    assert base().draft().reliability is None


def test_with_model_version() -> None:
    mv = base().with_model_version("gpt2", "1.0.0").draft().model_version
    assert mv == ir.ModelVersion(id="gpt2_1_0_0", model_id="gpt2", version="1.0.0")
    mv = base().with_model_version("llama3", "2.0.0-rc.1", stage="staging").draft().model_version
    assert mv == ir.ModelVersion(
        id="llama3_2_0_0-rc_1", model_id="llama3", version="2.0.0-rc.1", stage="staging"
    )
    mv = base().with_model_version("gpt2", "1.0.0", id="custom").draft().model_version
    assert mv is not None
    assert mv.id == "custom"


def test_with_training_config() -> None:
    cfg = base().with_training_config("gpt2", "wikitext").draft().training_config
    assert cfg == training.Config(
        id="train_exp", model_ref=ir.ModelRef(id="gpt2"), dataset_ref=ir.DatasetRef(name="wikitext")
    )
    model = ir.ModelRef(id="llama", provider="huggingface")
    data = ir.DatasetRef(name="mmlu", split="test")
    cfg = (
        base()
        .with_training_config(model, data, epochs=3, learning_rate=1e-5)
        .draft()
        .training_config
    )
    assert cfg == training.Config(
        id="train_exp", model_ref=model, dataset_ref=data, epochs=3, learning_rate=1e-5
    )
    cfg = base().with_training_config(model, "wiki", id="t1").draft().training_config
    assert cfg is not None
    assert (cfg.id, cfg.dataset_ref) == ("t1", ir.DatasetRef(name="wiki"))
    # The id follows the experiment's id.
    other = ir.experiment("other").with_training_config("m", "d").draft().training_config
    assert other is not None
    assert other.id == "train_other"


def test_with_baseline() -> None:
    assert base().with_baseline("gpt2").draft().baseline == ir.ModelRef(id="gpt2")
    assert base().with_baseline(
        "gpt2", provider="openai", version="4"
    ).draft().baseline == ir.ModelRef(id="gpt2", provider="openai", version="4")


# -- draft and build ------------------------------------------------------------------------------


def test_draft_does_not_validate() -> None:
    draft = ir.experiment("").with_ensemble("bogus").with_stats(["t"], alpha=5).draft()
    assert draft.id == ""
    assert not ir.is_valid(draft)


def test_build_validates_and_lists_every_problem() -> None:
    with pytest.raises(ir.ValidationError) as info:
        ir.experiment("").build()
    assert _issues(info.value) == [("backend", "required"), ("id", "empty"), ("pipeline", "empty")]
    with pytest.raises(ir.ValidationError) as info:
        (
            base()
            .add_stage("inference")
            .with_ensemble("bogus")
            .with_stats(["ttest"], alpha=5)
            .with_model_version("gpt2", "1.0")
            .add_output("o")
            .add_output("o")
            .build()
        )
    assert sorted(_issues(info.value)) == sorted(
        [
            ("pipeline[1].name", "consistency"),
            ("reliability.ensemble.strategy", "enum"),
            ("reliability.stats.alpha", "range"),
            ("model_version.version", "format"),
            ("outputs[1].name", "consistency"),
        ]
    )
    assert len(str(info.value).splitlines()) == 5


def test_build_returns_the_draft_when_valid() -> None:
    builder = base().with_dataset("mmlu").with_hedging("fixed", delay_ms=100)
    exp = builder.build()
    assert isinstance(exp, ir.Experiment)
    assert exp == builder.draft()
    assert ir.errors(exp) == []


# -- immutability ---------------------------------------------------------------------------------

CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("with_description", ("d",), {}),
    ("with_owner", ("o",), {}),
    ("with_tags", ("a", "b"), {}),
    ("with_metadata", ({"k": 1},), {}),
    ("with_backend", ("other",), {"profile": "p"}),
    ("add_stage", ("extra",), {}),
    ("with_dataset", ("mmlu",), {}),
    ("with_ensemble", ("majority",), {}),
    ("with_hedging", ("fixed",), {"delay_ms": 1}),
    ("with_stats", (["ttest"],), {}),
    ("with_fairness", (), {}),
    ("with_guardrails", (), {"pii_detection": True}),
    ("with_feedback", (), {}),
    ("add_output", ("out",), {}),
    ("with_experiment_type", ("evaluation",), {}),
    ("with_model_version", ("gpt2", "1.0.0"), {}),
    ("with_training_config", ("gpt2", "wiki"), {}),
    ("with_baseline", ("gpt2",), {}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_every_method_returns_a_new_builder_and_leaves_the_old_one(
    method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    old = base().with_tags("t").add_output("first").with_stats(["bootstrap"])
    before = ir.to_json(old.draft())
    new = getattr(old, method)(*args, **kwargs)
    assert isinstance(new, ir.ExperimentBuilder)
    assert new is not old
    assert ir.to_json(old.draft()) == before
    assert new.draft() != old.draft()


def test_partial_builders_can_be_shared() -> None:
    shared = (
        ir.experiment("x").with_backend("b").add_stage("s").with_stats(["ttest"]).add_output("o1")
    )
    left = shared.add_stage("left").with_ensemble("majority").add_output("o2")
    right = shared.add_stage("right").with_hedging("fixed").with_tags("r")
    assert [s.name for s in shared.draft().pipeline] == ["s"]
    assert [s.name for s in left.draft().pipeline] == ["s", "left"]
    assert [s.name for s in right.draft().pipeline] == ["s", "right"]
    assert [o.name for o in left.draft().outputs or []] == ["o1", "o2"]
    assert [o.name for o in right.draft().outputs or []] == ["o1"]
    left_rel, right_rel = left.draft().reliability, right.draft().reliability
    assert left_rel is not None
    assert right_rel is not None
    assert (left_rel.ensemble is not None, left_rel.hedging) == (True, None)
    assert (right_rel.ensemble, right_rel.hedging is not None) == (None, True)
    assert left_rel.stats == right_rel.stats == reliability.Stats(tests=["ttest"])
    assert shared.draft().reliability == reliability.Config(
        stats=reliability.Stats(tests=["ttest"])
    )
    assert shared.draft().tags is None


def test_arguments_are_copied_into_the_builder() -> None:
    options = {"temperature": 0.2}
    metadata = {"k": 1}
    tests = ["ttest"]
    formats = ["json"]
    builder = (
        base()
        .with_backend("b", options=options)
        .with_metadata(metadata)
        .with_stats(tests)
        .add_output("o", formats=formats)
    )
    options["temperature"] = 9
    metadata["k"] = 9
    tests.append("anova")
    formats.append("csv")
    draft = builder.draft()
    assert draft.backend.options == {"temperature": 0.2}
    assert draft.metadata == {"k": 1}
    assert draft.reliability is not None
    assert draft.reliability.stats == reliability.Stats(tests=["ttest"])
    assert draft.outputs == [ir.OutputSpec(name="o", formats=["json"])]


def test_changing_a_draft_pipeline_does_not_change_the_builder() -> None:
    builder = base()
    builder.draft().pipeline.append(ir.StageDef(name="sneaky"))
    assert [s.name for s in builder.draft().pipeline] == ["inference"]


def test_changing_a_built_experiment_does_not_change_the_builder() -> None:
    builder = base().with_tags("a").add_output("o").with_metadata({"k": 1})
    exp = builder.build()
    assert exp.tags is not None
    assert exp.outputs is not None
    assert exp.metadata is not None
    exp.tags.append("x")
    exp.outputs.append(ir.OutputSpec(name="z"))
    exp.metadata["q"] = 2
    again = builder.draft()
    assert again.tags == ["a"]
    assert again.outputs == [ir.OutputSpec(name="o")]
    assert again.metadata == {"k": 1}


def test_changing_nested_containers_of_a_draft_does_not_change_the_builder() -> None:
    builder = base().with_backend("b", options={"a": 1}).with_stats(["ttest"])
    draft = builder.draft()
    assert draft.backend.options is not None
    assert draft.reliability is not None
    assert draft.reliability.stats is not None
    draft.backend.options["a"] = 2
    draft.reliability.stats.tests.append("anova")
    again = builder.draft()
    assert again.backend.options == {"a": 1}
    assert again.reliability is not None
    assert again.reliability.stats == reliability.Stats(tests=["ttest"])


# -- the reference's builder fixture --------------------------------------------------------------


def test_builder_reproduces_the_reference_builder_fixture() -> None:
    path = helpers.INTEROP / "reference" / "experiment" / "builder.json"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    expected = helpers.load_json(path)
    exp = (
        ir.experiment("builder_demo")
        .with_description("Built with the fluent builder API")
        .with_backend("openai_gpt4", profile="fast", options={"temperature": 0.0})
        .add_stage("preprocess", module="Elixir.MyApp.Preprocessor", options={"lowercase": True})
        .add_stage("inference")
        .add_stage("report", enabled=False)
        .with_dataset("mmlu", split="test", options={"limit": 100})
        .with_ensemble("majority", models=["gpt4", "claude"], min_agreement=0.5)
        .with_hedging("fixed", delay_ms=100, max_hedges=1)
        .with_stats(["ttest", "bootstrap"], alpha=0.01, bootstrap_iterations=1000)
        .add_output("results", formats=["json", "csv"], options={"path": "out/"})
        .build()
    )
    assert helpers.diff(json.loads(ir.to_json(exp)), expected) == []
    assert exp == ir.from_json(path.read_text(encoding="utf-8"), "experiment")

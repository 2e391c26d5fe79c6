"""The fluent, immutable experiment builder.

Every method returns a new builder; the old one is unchanged, so a partial
builder can be shared and extended in several directions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._checks._validate import validate
from ._model._backend_ref import BackendRef
from ._model._dataset import DatasetRef
from ._model._experiment import Experiment
from ._model._feedback import FeedbackConfig
from ._model._model_registry import ModelRef, ModelVersion
from ._model._output import OutputSpec
from ._model._reliability import Ensemble, Fairness, Guardrail, Hedging, ReliabilityConfig, Stats
from ._model._stage import StageDef
from ._model._training import TrainingConfig

__all__ = ["Builder", "ExperimentBuilder", "experiment", "new_experiment"]


class ExperimentBuilder:
    """Builds an `Experiment` step by step.

    >>> exp = (
    ...     ExperimentBuilder("demo")
    ...     .with_backend("gpt4", profile="fast")
    ...     .add_stage("inference")
    ...     .with_ensemble("majority", models=["gpt4", "claude"])
    ...     .build()
    ... )
    >>> exp.reliability.ensemble.strategy, exp.backend.profile
    ('majority', 'fast')
    """

    __slots__ = ("_fields",)

    def __init__(self, id: str) -> None:
        # The experiment's fields; "reliability" holds the parts of its ReliabilityConfig.
        self._fields: dict[str, Any] = {"id": id, "backend": None, "pipeline": []}

    def _with(self, **fields: Any) -> ExperimentBuilder:
        new = object.__new__(ExperimentBuilder)
        new._fields = {**self._fields, **fields}
        return new

    def _with_reliability(self, **parts: Any) -> ExperimentBuilder:
        return self._with(reliability={**self._fields.get("reliability", {}), **parts})

    def __repr__(self) -> str:
        return f"ExperimentBuilder({self.draft()!r})"

    # -- identity and description ---------------------------------------
    def with_description(self, text: str) -> ExperimentBuilder:
        """Set the description."""
        return self._with(description=text)

    def with_owner(self, name: str) -> ExperimentBuilder:
        """Set the owner."""
        return self._with(owner=name)

    def with_tags(self, *tags: str) -> ExperimentBuilder:
        """Set the tags (replacing earlier ones)."""
        return self._with(tags=list(tags))

    def with_metadata(self, mapping: Mapping[str, Any]) -> ExperimentBuilder:
        """Set the metadata map."""
        return self._with(metadata=dict(mapping))

    def with_experiment_type(self, type: str) -> ExperimentBuilder:
        """Set the experiment type: evaluation, training, comparison, ablation, ..."""
        return self._with(experiment_type=type)

    # -- what runs -------------------------------------------------------
    def with_backend(
        self,
        id: str,
        *,
        profile: str = "default",
        options: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ExperimentBuilder:
        """Set the backend under test; ``fields`` are further `BackendRef` fields."""
        ref = BackendRef(id=id, profile=profile, options=_copy(options), **fields)
        return self._with(backend=ref)

    def add_stage(
        self,
        name: str,
        *,
        module: str | None = None,
        options: Mapping[str, Any] | None = None,
        enabled: bool = True,
    ) -> ExperimentBuilder:
        """Append a stage to the pipeline."""
        stage = StageDef(name=name, module=module, options=_copy(options), enabled=enabled)
        return self._with(pipeline=[*self._fields["pipeline"], stage])

    def with_dataset(
        self,
        name: str,
        *,
        provider: str = "crucible_datasets",
        split: str = "train",
        options: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ExperimentBuilder:
        """Set the dataset; ``fields`` are further `DatasetRef` fields."""
        data = DatasetRef(
            name=name, provider=provider, split=split, options=_copy(options), **fields
        )
        return self._with(dataset=data)

    def add_output(
        self,
        name: str,
        *,
        formats: str | Sequence[str] = ("markdown",),
        sink: str = "file",
        options: Mapping[str, Any] | None = None,
    ) -> ExperimentBuilder:
        """Append an output; ``formats`` is a list of formats, or one format (``"json"``)."""
        output = OutputSpec(name=name, formats=_items(formats), sink=sink, options=_copy(options))
        return self._with(outputs=[*(self._fields.get("outputs") or []), output])

    # -- reliability -----------------------------------------------------
    def with_ensemble(self, strategy: str, **fields: Any) -> ExperimentBuilder:
        """Set ensemble voting; ``models`` may list names and `BackendRef` objects."""
        return self._with_reliability(ensemble=Ensemble(strategy=strategy, **fields))  # type: ignore[arg-type]

    def with_hedging(self, strategy: str, **fields: Any) -> ExperimentBuilder:
        """Set request hedging."""
        return self._with_reliability(hedging=Hedging(strategy=strategy, **fields))  # type: ignore[arg-type]

    def with_stats(self, tests: str | Iterable[str], **fields: Any) -> ExperimentBuilder:
        """Set statistical testing: a list of tests, or one test (``"ttest"``); alpha is 0.05.

        >>> experiment("e").with_stats("ttest").draft().reliability.stats.tests
        ['ttest']
        """
        return self._with_reliability(stats=Stats(tests=_items(tests), **fields))

    def with_fairness(self, **fields: Any) -> ExperimentBuilder:
        """Set fairness checks (``enabled`` defaults to True here)."""
        fields.setdefault("enabled", True)
        return self._with_reliability(fairness=Fairness(**fields))

    def with_guardrails(self, **fields: Any) -> ExperimentBuilder:
        """Set security guardrails."""
        return self._with_reliability(guardrails=Guardrail(**fields))

    def with_feedback(self, **fields: Any) -> ExperimentBuilder:
        """Set feedback collection (``enabled`` defaults to True here)."""
        fields.setdefault("enabled", True)
        return self._with_reliability(feedback=FeedbackConfig(**fields))

    # -- lifecycle -------------------------------------------------------
    def with_model_version(self, model_id: str, version: str, **fields: Any) -> ExperimentBuilder:
        """Set the model version evaluated; its ``id`` defaults to ``model_id_1_0_0``."""
        fields.setdefault("id", f"{model_id}_{version}".replace(".", "_"))
        return self._with(model_version=ModelVersion(model_id=model_id, version=version, **fields))

    def with_training_config(
        self, model_ref: ModelRef | str, dataset_ref: DatasetRef | str, **fields: Any
    ) -> ExperimentBuilder:
        """Set training; refs are IR objects or ids/names. ``id`` defaults to ``train_<id>``."""
        model = model_ref if isinstance(model_ref, ModelRef) else ModelRef(id=model_ref)
        data = dataset_ref if isinstance(dataset_ref, DatasetRef) else DatasetRef(name=dataset_ref)
        fields.setdefault("id", f"train_{self._fields['id']}")
        return self._with(
            training_config=TrainingConfig(model_ref=model, dataset_ref=data, **fields)
        )

    def with_baseline(self, model_id: str, **fields: Any) -> ExperimentBuilder:
        """Set the baseline model for comparison experiments."""
        return self._with(baseline=ModelRef(id=model_id, **fields))

    # -- results ---------------------------------------------------------
    def draft(self) -> Experiment:
        """The experiment as built so far, not validated.

        Each call returns new objects with their own lists and maps, so
        changing one never reaches the builder or other drafts.
        """
        fields = dict(self._fields)
        if "reliability" in fields:
            fields["reliability"] = ReliabilityConfig(**fields["reliability"])
        return copy.deepcopy(Experiment(**fields))

    def build(self) -> Experiment:
        """The experiment, validated; raises `ValidationError` listing every problem."""
        return validate(self.draft())


def _copy(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A dict of its own: changing the caller's mapping later never reaches the builder."""
    return None if mapping is None else dict(mapping)


def _items(values: str | Iterable[str]) -> list[str]:
    """A list of names: one string is one name, never split into its characters."""
    return [values] if isinstance(values, str) else list(values)


def experiment(id: str) -> ExperimentBuilder:
    """Start building an experiment named ``id``.

    >>> experiment("demo").with_backend("gpt4").add_stage("run").build().id
    'demo'
    """
    return ExperimentBuilder(id)


class Builder:
    """Namespace mirroring the reference's ``CrucibleIR.Builder`` module."""

    experiment = staticmethod(experiment)


def new_experiment(**attrs: Any) -> Experiment:
    """An `Experiment` from keyword arguments, not validated.

    >>> from crucible_ir import BackendRef, StageDef
    >>> new_experiment(id="x", backend=BackendRef(id="gpt4"), pipeline=[StageDef(name="run")]).id
    'x'
    """
    return Experiment(**attrs)

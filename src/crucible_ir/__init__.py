"""crucible-ir: the CrucibleIR intermediate representation of ML reliability experiments.

Typed, immutable IR objects; JSON that the Elixir reference reads and writes;
validation that reports every problem at its path; a fluent builder.

>>> import crucible_ir as ir
>>> exp = ir.experiment("demo").with_backend("gpt4").add_stage("inference").build()
>>> ir.from_json(ir.to_json(exp), "experiment") == exp
True
"""

from . import backend, deployment, feedback, reliability, training
from ._backend_ref import BackendRef
from ._base import replace, type_names
from ._builder import Builder, ExperimentBuilder, experiment
from ._canonical import fingerprint
from ._codec import from_dict, from_json, to_dict, to_json
from ._dataset import DatasetRef
from ._errors import DecodeError, IRError, Issue, IssueCode, ValidationError
from ._experiment import Experiment
from ._jsonl import iter_jsonl
from ._model_registry import ModelRef, ModelVersion
from ._output import OutputSpec
from ._schema import json_schema
from ._stage import StageDef
from ._validate import errors, is_valid, validate
from ._version import __version__

__all__ = [
    "BackendRef",
    "Builder",
    "DatasetRef",
    "DecodeError",
    "Experiment",
    "ExperimentBuilder",
    "IRError",
    "Issue",
    "IssueCode",
    "ModelRef",
    "ModelVersion",
    "OutputSpec",
    "StageDef",
    "ValidationError",
    "__version__",
    "backend",
    "deployment",
    "errors",
    "experiment",
    "feedback",
    "fingerprint",
    "from_dict",
    "from_json",
    "is_valid",
    "iter_jsonl",
    "json_schema",
    "new_experiment",
    "reliability",
    "replace",
    "to_dict",
    "to_json",
    "training",
    "type_names",
    "validate",
]


def new_experiment(**attrs: object) -> Experiment:
    """An `Experiment` from keyword arguments, not validated.

    >>> new_experiment(id="x", backend=BackendRef(id="gpt4"), pipeline=[StageDef(name="run")]).id
    'x'
    """
    return Experiment(**attrs)  # type: ignore[arg-type]


def __dir__() -> list[str]:
    return list(__all__)

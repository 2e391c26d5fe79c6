"""crucible-ir: the CrucibleIR intermediate representation of ML reliability experiments.

Typed, immutable IR objects; JSON that the Elixir reference reads and writes;
validation that reports every problem at its path; a fluent builder.

>>> import crucible_ir as ir
>>> exp = ir.experiment("demo").with_backend("gpt4").add_stage("inference").build()
>>> ir.from_json(ir.to_json(exp), "experiment") == exp
True

``IR_VERSION`` is the version of the reference's IR that is read and written
("0.3.0"); ``__version__`` is this package's.

Names are imported on first use, so ``import crucible_ir`` costs next to
nothing and a command that needs little starts fast.
"""

from __future__ import annotations

import importlib

from ._version import IR_VERSION, __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

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

# Public name -> the module that defines it ("" for the public submodules).
_WHERE = {
    "BackendRef": "._backend_ref",
    "Builder": "._builder",
    "DatasetRef": "._dataset",
    "DecodeError": "._errors",
    "Experiment": "._experiment",
    "ExperimentBuilder": "._builder",
    "IRError": "._errors",
    "Issue": "._errors",
    "IssueCode": "._errors",
    "ModelRef": "._model_registry",
    "ModelVersion": "._model_registry",
    "OutputSpec": "._output",
    "StageDef": "._stage",
    "ValidationError": "._errors",
    "backend": "",
    "deployment": "",
    "errors": "._validate",
    "experiment": "._builder",
    "feedback": "",
    "fingerprint": "._canonical",
    "from_dict": "._codec",
    "from_json": "._codec",
    "is_valid": "._validate",
    "iter_jsonl": "._jsonl",
    "json_schema": "._schema",
    "new_experiment": "._builder",
    "reliability": "",
    "replace": "._base",
    "to_dict": "._codec",
    "to_json": "._codec",
    "training": "",
    "type_names": "._base",
    "validate": "._validate",
}

__all__ = [
    "IR_VERSION",
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


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'crucible_ir' has no attribute {name!r}")
    if where:
        value = getattr(importlib.import_module(where, __name__), name)
    else:
        value = importlib.import_module(f".{name}", __name__)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return list(__all__)

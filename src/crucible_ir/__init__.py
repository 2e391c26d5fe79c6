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
    from ._builder import Builder, ExperimentBuilder, experiment
    from ._checks._validate import errors, is_valid, validate
    from ._codec._canonical import fingerprint
    from ._codec._json import from_dict, from_json, to_dict, to_json
    from ._codec._jsonl import iter_jsonl
    from ._codec._limits import MAX_DEPTH
    from ._codec._schema import json_schema
    from ._errors import DecodeError, IRError, Issue, IssueCode, ValidationError
    from ._model._backend_ref import BackendRef
    from ._model._base import replace, type_names
    from ._model._dataset import DatasetRef
    from ._model._experiment import Experiment
    from ._model._model_registry import ModelRef, ModelVersion
    from ._model._output import OutputSpec
    from ._model._stage import StageDef

# The module that defines each public name ("" for the public submodules).
_MODULES = {
    "": ("backend", "deployment", "feedback", "reliability", "training"),
    "._builder": ("Builder", "ExperimentBuilder", "experiment", "new_experiment"),
    "._checks._validate": ("errors", "is_valid", "validate"),
    "._codec._canonical": ("fingerprint",),
    "._codec._json": ("from_dict", "from_json", "to_dict", "to_json"),
    "._codec._jsonl": ("iter_jsonl",),
    "._codec._limits": ("MAX_DEPTH",),
    "._codec._schema": ("json_schema",),
    "._errors": ("DecodeError", "IRError", "Issue", "IssueCode", "ValidationError"),
    "._model._backend_ref": ("BackendRef",),
    "._model._base": ("replace", "type_names"),
    "._model._dataset": ("DatasetRef",),
    "._model._experiment": ("Experiment",),
    "._model._model_registry": ("ModelRef", "ModelVersion"),
    "._model._output": ("OutputSpec",),
    "._model._stage": ("StageDef",),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "IR_VERSION",
    "MAX_DEPTH",
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

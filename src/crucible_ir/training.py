"""Model training: `Config` (what to train, how) and `Run` (one execution of it).

>>> from crucible_ir import ModelRef, DatasetRef, training
>>> cfg = training.Config(id="t", model_ref=ModelRef(id="gpt2"), dataset_ref=DatasetRef(name="w"))
>>> cfg.batch_size
32
"""

from ._model._training import RunStatus
from ._model._training import TrainingConfig as Config
from ._model._training import TrainingRun as Run

__all__ = ["Config", "Run", "RunStatus"]


def __dir__() -> list[str]:
    return list(__all__)

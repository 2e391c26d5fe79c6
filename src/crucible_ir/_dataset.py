"""`DatasetRef`: the data an experiment evaluates on or trains with."""

from typing import Annotated, ClassVar

from ._base import IRStruct
from ._types import JSONMap, Name, Text, doc

__all__ = ["DatasetRef"]


class DatasetRef(IRStruct, frozen=True):
    """Reference to a dataset from a provider, with a split and options.

    >>> DatasetRef(name="mmlu", split="test").provider
    'crucible_datasets'
    """

    __ir_type__: ClassVar[str] = "dataset_ref"

    name: Annotated[
        Name,
        doc(
            "The dataset name, an identifier or free text such as `TIGER-Lab/MMLU-Pro` (required)."
        ),
    ]
    provider: Annotated[
        Name, doc("Where the dataset comes from: `crucible_datasets`, `huggingface`, ...")
    ] = "crucible_datasets"
    split: Annotated[Name, doc("The split to use: `train`, `test`, `validation`, ...")] = "train"
    options: Annotated[
        JSONMap | None, doc("Dataset-specific options (limit, subset, shuffle, ...).")
    ] = None
    version: Annotated[Text | None, doc("The dataset version.")] = None
    format: Annotated[
        Name | None, doc("The data format: `parquet`, `csv`, `jsonl`, `arrow`, ...")
    ] = None
    schema: Annotated[JSONMap | None, doc("The expected schema of the records, opaque.")] = None

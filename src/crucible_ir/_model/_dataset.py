"""`DatasetRef`: the data an experiment evaluates on or trains with."""

from typing import Annotated, ClassVar

from ._base import IRStruct
from ._types import JSONMap, Name, Text, doc

__all__ = ["DatasetRef"]


class DatasetRef(IRStruct, frozen=True, kw_only=True):
    """Reference to a dataset from a provider, with a split and options.

    >>> DatasetRef(name="mmlu", split="test").provider
    'crucible_datasets'
    """

    __ir_type__: ClassVar[str] = "dataset_ref"

    format: Annotated[
        Name | None, doc("The data format: `parquet`, `csv`, `jsonl`, `arrow`, ...")
    ] = None
    name: Annotated[
        Name,
        doc(
            "The dataset name, an identifier or free text such as `TIGER-Lab/MMLU-Pro` (required)."
        ),
    ]
    options: Annotated[
        JSONMap | None, doc("Dataset-specific options (limit, subset, shuffle, ...).")
    ] = None
    provider: Annotated[
        Name, doc("Where the dataset comes from: `crucible_datasets`, `huggingface`, ...")
    ] = "crucible_datasets"
    schema: Annotated[JSONMap | None, doc("The expected schema of the records, opaque.")] = None
    split: Annotated[Name, doc("The split to use: `train`, `test`, `validation`, ...")] = "train"
    version: Annotated[Text | None, doc("The dataset version.")] = None

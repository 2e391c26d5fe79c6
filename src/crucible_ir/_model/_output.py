"""`OutputSpec`: where and how an experiment's results are written."""

from typing import Annotated, ClassVar

import msgspec

from ._base import IRStruct
from ._types import Id, JSONMap, Name, doc

__all__ = ["OutputSpec"]


class OutputSpec(IRStruct, frozen=True, kw_only=True):
    """An output: its formats and its sink.

    >>> OutputSpec(name="results").formats
    ['markdown']
    """

    __ir_type__: ClassVar[str] = "output_spec"

    formats: Annotated[
        list[Name], doc("Formats to write: `markdown`, `json`, `html`, `latex`, `csv`, ...")
    ] = msgspec.field(default_factory=lambda: ["markdown"])
    name: Annotated[Id, doc("The output name, unique within the experiment (required).")]
    options: Annotated[JSONMap | None, doc("Sink-specific options (path, bucket, ...).")] = None
    sink: Annotated[Name, doc("The destination: `file`, `stdout`, `s3`, `postgres`, ...")] = "file"

"""`StageDef`: one step of an experiment's pipeline."""

from typing import Annotated, ClassVar

from ._base import IRStruct
from ._types import Flag, Id, JSONMap, Name, doc

__all__ = ["StageDef"]


class StageDef(IRStruct, frozen=True, kw_only=True):
    """A pipeline stage. ``module`` names the implementation; it is never imported.

    >>> StageDef(name="inference").enabled
    True
    """

    __ir_type__: ClassVar[str] = "stage_def"

    enabled: Annotated[Flag, doc("Whether the stage runs.")] = True
    module: Annotated[
        Name | None,
        doc("The module implementing the stage, e.g. `Elixir.MyApp.Preprocessor`: a name only."),
    ] = None
    name: Annotated[Id, doc("The stage name, unique within its pipeline (required).")]
    options: Annotated[
        JSONMap | None, doc("Stage options; opaque here, validated by the stage.")
    ] = None

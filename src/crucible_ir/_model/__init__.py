"""The IR model: the frozen `msgspec.Struct` classes of every IR type and their field types.

``_base`` holds `IRStruct` and the registry of stable type names, ``_types``
the constrained field types (each rule written once, in an annotation), then
one module per area of the IR (experiment and its parts, reliability,
training, deployment, feedback, model registry; the backend types in
``_backend``); ``_models`` imports them all, which fills the registry. The
public modules (`crucible_ir.reliability`, ...) re-export these classes.
Nothing here decodes or encodes: the codec and the checks read these
classes through the type tree (``crucible_ir._typetree``).
"""

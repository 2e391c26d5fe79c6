"""The IR model: the frozen `msgspec.Struct` classes of every IR type and their field types.

``_base`` holds `IRStruct` and the registry of type names, ``_types`` the
constrained field types, then one module per area of the IR. Nothing here
decodes or encodes: the codec and the checks read these classes through
the type tree (``crucible_ir._typetree``).
"""

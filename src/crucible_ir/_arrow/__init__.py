"""The machinery of `crucible_ir.arrow` (which needs pyarrow)."""

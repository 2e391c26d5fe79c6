"""The checks: what makes an IR object valid beyond what its types say.

``_checker`` walks an object along the type tree (``crucible_ir._typetree``)
and reports each field that breaks its annotation; ``_rules`` holds the
cross-field rules, written once; ``_validate`` holds `validate`, `errors` and
`is_valid`, which ask msgspec first (an object it writes and reads back equal
holds every type and constraint) and walk the checker only when that fails.
Every problem is an `Issue` at its path.
"""

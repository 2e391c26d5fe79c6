"""The checks: what makes an IR object valid beyond what its types say.

``_checker`` walks an object along the type tree and reports each value that
breaks its annotation; ``_rules`` holds the cross-field rules; ``_validate``
holds `validate`, `errors` and `is_valid`. Every problem is an `Issue` at its path.
"""

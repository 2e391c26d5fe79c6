"""The backend IR: provider-neutral LLM request and response types (the reference's v0.3).

The public names live in `crucible_ir.backend`; this private package holds the
definitions, one module per concern. Its modules import the core with relative
imports (``from .._base import ...``) so that the package stays one consistent
whole even when a tool loads ``crucible_ir`` a second time under another name
(an absolute import would then mix the two copies and register every type twice).
"""

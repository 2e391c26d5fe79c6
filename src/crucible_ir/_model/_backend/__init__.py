"""The backend IR: provider-neutral LLM request and response types (the reference's v0.3).

Its modules import the core relatively (``from .._base import ...``): an
absolute import would mix two copies of the package when a tool loads
``crucible_ir`` a second time under another name, registering every type twice.
"""

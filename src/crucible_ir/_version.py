"""The package version, and the version of the IR whose wire format it speaks."""

__version__ = "0.1.0"

IR_VERSION = "0.3.0"
"""The version of the reference implementation (CrucibleIR) whose wire format this is."""

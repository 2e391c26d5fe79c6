"""The package version."""

__version__ = "0.1.0"
IR_VERSION = "0.3.0"

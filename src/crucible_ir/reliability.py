"""Reliability mechanisms of an experiment: ensemble, hedging, stats, fairness, guardrails.

>>> from crucible_ir import reliability
>>> reliability.Config(hedging=reliability.Hedging(strategy="fixed", delay_ms=100)).hedging.delay_ms
100
"""

from ._model._reliability import (
    Ensemble,
    EnsembleStrategy,
    ExecutionMode,
    Fairness,
    Guardrail,
    Hedging,
    HedgingStrategy,
    Stats,
)
from ._model._reliability import ReliabilityConfig as Config

__all__ = [
    "Config",
    "Ensemble",
    "EnsembleStrategy",
    "ExecutionMode",
    "Fairness",
    "Guardrail",
    "Hedging",
    "HedgingStrategy",
    "Stats",
]


def __dir__() -> list[str]:
    return list(__all__)

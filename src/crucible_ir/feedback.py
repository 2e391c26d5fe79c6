"""User feedback: `Config` (how it is collected) and `Event` (one piece of it).

>>> from crucible_ir import feedback
>>> feedback.Event(id="evt_1", feedback_value="up").feedback_type
'thumbs'
"""

from ._model._feedback import FeedbackConfig as Config
from ._model._feedback import FeedbackEvent as Event

__all__ = ["Config", "Event"]


def __dir__() -> list[str]:
    return list(__all__)

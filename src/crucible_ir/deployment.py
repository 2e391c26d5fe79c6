"""Model deployment: `Config` (where and how to serve) and `Status` (how it is doing).

>>> from crucible_ir import deployment
>>> deployment.Status(id="s1", deployment_id="d1").state
'pending'
"""

from ._model._deployment import DeploymentConfig as Config
from ._model._deployment import DeploymentState
from ._model._deployment import DeploymentStatus as Status

__all__ = ["Config", "DeploymentState", "Status"]


def __dir__() -> list[str]:
    return list(__all__)

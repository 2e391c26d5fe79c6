"""Deployment: a `deployment.Config` and the `deployment.Status` of its rollout.

The config says where and how to serve a model version; the status says how
the rollout is doing (state, health, replicas, traffic).
"""

from datetime import datetime, timedelta, timezone

import crucible_ir as ir
from crucible_ir import deployment

config = deployment.Config(
    id="sentiment_prod",
    model_version_id="sentiment_bert_1_1_0",
    environment="production",
    strategy="canary",
    replicas=3,
    # target, resources, scaling, health_check and endpoint are opaque maps:
    # passed through untouched for the serving platform to interpret.
    target={"platform": "kubernetes", "namespace": "ml-serving"},
    resources={"cpu": "2", "memory": "8Gi", "gpu": 1},
    scaling={"min_replicas": 3, "max_replicas": 10, "target_cpu": 0.7},
    health_check={"path": "/healthz", "interval_s": 10},
    endpoint={"path": "/v1/sentiment"},
)
ir.validate(config)

created = datetime(2024, 3, 16, 8, 0, tzinfo=timezone.utc)
status = deployment.Status(
    id="sentiment_prod_status",
    deployment_id=config.id,
    state="active",  # pending, deploying, active, degraded, failed, terminated
    health="healthy",
    ready_replicas=3,
    total_replicas=config.replicas,
    traffic_percent=10.0,  # canary: a percentage in [0, 100]
    endpoint_url="https://ml.example.com/v1/sentiment",
    last_health_check=created + timedelta(minutes=5),
    created_at=created,
    updated_at=created + timedelta(minutes=5),
)
ir.validate(status)
print(f"{config.id}: {config.strategy} to {config.environment}, {config.replicas} replicas")
print(
    f"status: {status.state}/{status.health}, "
    f"{status.ready_replicas}/{status.total_replicas} ready, {status.traffic_percent}% traffic"
)

# Promote the canary: objects are immutable, so a new status is made.
promoted = status.replace(traffic_percent=100.0, updated_at=created + timedelta(hours=1))
print("promoted valid:", ir.is_valid(promoted), "traffic:", promoted.traffic_percent)

# Replica counts, traffic range, URL format and the state vocabulary are checked.
bad = status.replace(
    state="running",
    ready_replicas=4,
    traffic_percent=150.0,
    endpoint_url="ml.example.com/v1",
)
for issue in ir.errors(bad):
    print(f"  [{issue.code}] {issue}")

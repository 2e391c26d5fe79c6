"""Model registry: a `ModelRef` and its `ModelVersion`s, linked by SemVer lineage.

Each version names the version it was derived from in ``parent_version``;
versions must be Semantic Versioning 2.0.0 strings ("1.2.0", "2.0.0-rc.1").
"""

from datetime import datetime, timezone

import crucible_ir as ir

model = ir.ModelRef(
    id="sentiment_bert",
    name="Sentiment BERT",
    provider="huggingface",
    framework="pytorch",
    architecture="transformer",
    task="text_classification",
    artifact_uri="hf://acme/sentiment-bert",
)
ir.validate(model)


def version(semver, parent=None, stage="development", accuracy=None, day=1):
    """A version of `model`, with an id derived from its SemVer string."""
    return ir.ModelVersion(
        id=f"{model.id}_{semver}".replace(".", "_").replace("-", "_"),
        model_id=model.id,
        version=semver,
        parent_version=parent,
        stage=stage,
        metrics={"accuracy": accuracy} if accuracy is not None else None,
        created_at=datetime(2024, 3, day, 12, 0, tzinfo=timezone.utc),
        created_by="ml-platform",
    )


versions = [
    version("1.0.0", stage="archived", accuracy=0.87, day=1),
    version("1.1.0", parent="1.0.0", stage="production", accuracy=0.91, day=8),
    version("2.0.0-rc.1", parent="1.1.0", stage="staging", accuracy=0.93, day=15),
]
for v in versions:
    ir.validate(v)

# Walk the lineage from the newest version back to the root.
by_version = {v.version: v for v in versions}
chain, current = [], versions[-1]
while current is not None:
    chain.append(current.version)
    current = by_version.get(current.parent_version)
print(f"{model.name} ({model.provider}/{model.framework})")
print("lineage:", " <- ".join(chain))
production = [v.id for v in versions if v.stage == "production"]
print("in production:", production)

# "v1.0" and "1.0" are not SemVer; the problems come with their paths.
bad = ir.ModelVersion(id="bad", model_id=model.id, version="v1.0", parent_version="1.0")
for issue in ir.errors(bad):
    print(f"  [{issue.code}] {issue}")

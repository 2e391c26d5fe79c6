"""Training: a `training.Config` (what and how to train) and a `training.Run` of it.

The run records timestamps, a per-epoch metrics history, the best metrics,
checkpoints and the model version it produced.
"""

from datetime import datetime, timedelta, timezone

import crucible_ir as ir
from crucible_ir import training

config = training.Config(
    id="train_sentiment_v2",
    model_ref=ir.ModelRef(id="sentiment_bert", provider="huggingface", framework="pytorch"),
    dataset_ref=ir.DatasetRef(name="imdb", split="train"),
    epochs=3,
    batch_size=16,
    learning_rate=2e-5,
    optimizer="adamw",
    validation_split=0.1,  # in [0, 1)
    device="cuda",
    seed=42,
    mixed_precision=True,
    gradient_clipping=1.0,
    early_stopping={"monitor": "val_loss", "patience": 2},  # opaque map
    checkpoint_every=500,
)
ir.validate(config)

# Metrics history: one opaque map per epoch, as a trainer would report it.
history = [
    {"epoch": 1, "loss": 0.41, "val_loss": 0.35, "accuracy": 0.86},
    {"epoch": 2, "loss": 0.27, "val_loss": 0.29, "accuracy": 0.90},
    {"epoch": 3, "loss": 0.19, "val_loss": 0.30, "accuracy": 0.91},
]
best = min(history, key=lambda row: row["val_loss"])
started = datetime(2024, 3, 15, 9, 30, tzinfo=timezone.utc)

run = training.Run(
    id="run_2024_03_15",
    config=config,
    status="completed",
    current_epoch=3,
    metrics_history=history,
    best_metrics=best,
    checkpoint_uris=[f"s3://ckpt/sentiment/epoch-{row['epoch']}" for row in history],
    final_model_version="sentiment_bert_1_1_0",
    started_at=started,
    completed_at=started + timedelta(hours=2, minutes=5),
)
ir.validate(run)
print(f"run {run.id}: {run.status} after {run.completed_at - run.started_at}")
print("best epoch:", run.best_metrics["epoch"], "val_loss:", run.best_metrics["val_loss"])
print("started_at on the wire:", ir.to_dict(run)["started_at"])

# Paths reach into the nested config: `config.learning_rate`, ...
broken = ir.replace(
    run,
    status="done",  # not a run status
    completed_at=started - timedelta(minutes=1),  # before started_at
    config=ir.replace(config, learning_rate=0, validation_split=1.0),
)
for issue in ir.errors(broken):
    print(f"  [{issue.code}] {issue}")

"""Deterministic benchmark data: the experiment documents and the feedback-event JSONL.

Everything is built in code (no fixture is read at benchmark time) and written to
``benchmarks/data/`` (git-ignored); files are regenerated when missing.

* :func:`experiment_document` -- a fully populated, *valid* experiment (~9 KB compact).
  Its shape follows the reference implementation's ``experiment/full`` fixture, made
  valid under crucible_ir's stricter rules (hedging percentile in [0, 1], ensemble
  weight keys among the models, ``updated_at >= created_at``, unique stage and output
  names, every timestamp with an offset).
* :func:`invalid_experiment_document` -- the same document with exactly
  :data:`INVALID_PROBLEMS` independent value-rule violations (section 4 of the spec:
  enum, range, empty, format, consistency). Every value keeps its correct JSON type,
  so decoding succeeds and only validation finds the problems.
* :func:`write_feedback_events` -- JSONL of ``feedback.event`` records generated with
  ``random.Random(EVENT_SEED)``.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Bump when the generators change so stale files are not reused.
DATA_VERSION = 1
EVENT_SEED = 20261126
FULL_EVENTS = 200_000
QUICK_EVENTS = 20_000

JSON = dict[str, Any]


def dumps_compact(value: object) -> bytes:
    """Compact JSON with sorted keys and raw UTF-8, the way the reference writes it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# --------------------------------------------------------------------------------------
# The experiment document
# --------------------------------------------------------------------------------------


def _opaque_metadata(label: str) -> JSON:
    """The reference fixture's opaque map: big ints, floats, nulls, unicode, nesting."""
    return {
        "big_int": 9007199254740993,
        "flags": [True, False, None],
        "label": label,
        "learning_rate": 0.001,
        "negative": -42,
        "nested": {
            "levels": [1, 2, {"deep": True, "empty_list": [], "empty_map": {}}],
            "ratio": 1.0e-5,
        },
        "note": "Zoë Ångström — 実験 🚀 «ok»",
        "unit": 1.0,
    }


def _model_ref() -> JSON:
    return {
        "architecture": "transformer",
        "artifact_uri": "hf://meta-llama/Llama-3.1-8B-Instruct",
        "framework": "pytorch",
        "id": "llama3_8b_instruct",
        "metadata": _opaque_metadata("model_ref"),
        "name": "Llama 3.1 8B Instruct — ラマ",
        "options": {"device_map": "auto", "dtype": "bfloat16", "trust_remote_code": False},
        "provider": "huggingface",
        "task": "text_generation",
        "version": "3.1.0",
    }


def _dataset_ref() -> JSON:
    return {
        "format": "parquet",
        "name": "mmlu_pro",
        "options": {
            "fraction": 0.001,
            "limit": 500,
            "shuffle": {"buffer": 10000, "seed": 1234},
            "subset": "college_mathematics",
        },
        "provider": "huggingface",
        "schema": {
            "fields": [
                {"name": "question", "type": "string"},
                {"name": "choices", "type": "list<string>"},
                {"name": "answer", "type": "int64"},
                {"name": "category", "type": "string"},
            ],
            "primary_key": "id",
        },
        "split": "validation",
        "version": "1.2.0",
    }


def _pipeline() -> list[JSON]:
    return [
        {
            "enabled": True,
            "module": "Elixir.MyApp.Preprocessor",
            "name": "preprocess",
            "options": {
                "max_length": 512,
                "normalizers": ["nfkc", "lowercase", "strip_accents"],
                "strip_html": True,
                "thresholds": {"max": 1.0, "min": 1.0e-5},
            },
        },
        {
            "enabled": True,
            "module": "Elixir.MyApp.Stages.Retrieve",
            "name": "retrieve",
            "options": {
                "index": "mmlu-pro-embeddings-v3",
                "rerank": {"model": "bge-reranker-large", "top_n": 5},
                "top_k": 20,
            },
        },
        {
            "enabled": True,
            "module": "Elixir.MyApp.Stages.Inference",
            "name": "inference",
            "options": {
                "batch_size": 8,
                "max_retries": 2,
                "stop": ["</s>", "\n\nQuestion:"],
                "system_prompt": "You are a careful assistant. Answer with a single letter.",
                "temperature": 0.2,
            },
        },
        {
            "enabled": True,
            "module": "Elixir.MyApp.Stages.EnsembleVote",
            "name": "ensemble_vote",
            "options": {"quorum": 2, "tie_breaker": "highest_confidence"},
        },
        {
            "enabled": True,
            "module": "Elixir.MyApp.Stages.Score",
            "name": "score",
            "options": {
                "bootstrap": {"iterations": 10000, "seed": 7},
                "metrics": ["accuracy", "exact_match", "calibration_error"],
            },
        },
        {
            "enabled": True,
            "module": "Elixir.MyApp.Stages.Judge",
            "name": "judge",
            "options": {
                "judge_model": "gpt-4o-mini-2024-07-18",
                "rubric": ["correctness", "completeness", "harmlessness", "style"],
                "scale": {"max": 10, "min": 1},
                "temperature": 0.0,
            },
        },
        {"enabled": False, "module": None, "name": "postprocess", "options": None},
    ]


def _outputs() -> list[JSON]:
    return [
        {
            "formats": ["markdown", "json", "html", "latex", "csv"],
            "name": "full_report",
            "options": {
                "acl": {"grants": ["team-a", "team-b"], "public": False},
                "bucket": "crucible-results",
                "prefix": "runs/2024/03/",
            },
            "sink": "s3",
        },
        {"formats": ["json"], "name": "summary", "options": None, "sink": "stdout"},
        {
            "formats": ["json"],
            "name": "dashboard",
            "options": {"panel": "reliability-overview", "refresh_s": 60},
            "sink": "grafana",
        },
        {
            "formats": ["jsonl", "parquet"],
            "name": "per_item_traces",
            "options": {
                "compression": "zstd",
                "include": ["prompt", "completion", "scores", "latency_ms"],
                "path": "/var/lib/crucible/traces/llm_reliability_full/",
                "rotate_mb": 256,
            },
            "sink": "file",
        },
    ]


def _reliability() -> JSON:
    return {
        "circuit_breaker": {"failure_threshold": 5, "half_open_max": 1, "reset_timeout_ms": 60000},
        "drift": {
            "features": ["prompt_length", "topic", "locale"],
            "metrics": {"js_divergence": 0.08, "ks": 0.05, "psi": 0.1},
            "reference_window": "7d",
        },
        "ensemble": {
            "execution_mode": "hedged",
            "min_agreement": 0.66,
            "models": ["gpt4", "claude", "llama", "mistral"],
            "options": {
                "abstain_below": 0.35,
                "normalize": True,
                "tie_breaker": "highest_confidence",
            },
            "strategy": "weighted",
            "timeout_ms": 30000,
            "weights": {"claude": 0.3, "gpt4": 0.4, "llama": 0.2, "mistral": 0.1},
        },
        "fairness": {
            "enabled": True,
            "fail_on_violation": True,
            "group_by": "gender",
            "metrics": ["demographic_parity", "equalized_odds", "equal_opportunity"],
            "options": {
                "groups": ["female", "male", "non-binary", "undisclosed"],
                "intersectional": ["age_bucket", "region"],
                "min_group_size": 30,
            },
            "threshold": 0.8,
        },
        "feedback": {
            "anonymize_pii": False,
            "drift_detection": {"method": "psi", "threshold": 0.2, "window_days": 7},
            "enabled": True,
            "feedback_types": ["thumbs", "rating", "correction", "label"],
            "options": {"bucket": "feedback-events", "compression": "zstd"},
            "retention_days": 90,
            "retraining_trigger": {"min_events": 5000, "on_drift": True, "schedule": "0 3 * * 1"},
            "sampling_rate": 0.25,
            "storage": "s3",
        },
        "guardrails": {
            "content_moderation": True,
            "fail_on_detection": False,
            "jailbreak_detection": True,
            "options": {
                "pii_types": ["email", "phone", "ssn", "credit_card"],
                "blocklists": ["default", "finance", "medical"],
                "redaction_token": "[REDACTED]",
            },
            "pii_detection": True,
            "pii_redaction": False,
            "profiles": ["strict", "moderate"],
            "prompt_injection_detection": True,
        },
        "hedging": {
            "budget_percent": 10,
            "delay_ms": 150,
            "max_hedges": 2,
            "options": {"cooldown_ms": 500, "min_samples": 50, "window": 1000},
            "percentile": 0.95,
            "strategy": "percentile",
        },
        "monitoring": {
            "enabled": True,
            "exporters": ["prometheus", "otlp"],
            "interval_s": 15,
            "labels": {"env": "staging", "team": "reliability"},
        },
        "stats": {
            "alpha": 0.001,
            "bootstrap_iterations": 10000,
            "confidence_level": 0.999,
            "effect_size_type": "cohens_d",
            "multiple_testing_correction": "holm",
            "options": {"paired": True, "seed": 9007199254740993},
            "tests": ["ttest", "bootstrap", "mannwhitney"],
        },
    }


def experiment_dict() -> JSON:
    """The valid, fully populated experiment as a plain JSON value (fresh copy each call)."""
    metadata = _opaque_metadata("experiment")
    metadata["git"] = {"branch": "main", "commit": "4f9d2c1b7e0a3358", "dirty": False}
    metadata["scheduler"] = {"cron": "0 2 * * *", "queue": "gpu-a100", "priority": 5}
    metadata["sweep"] = {
        "max_tokens": [256, 1024],
        "temperature": [0.0, 0.2, 0.7],
        "top_p": [0.9, 1.0],
    }
    metadata["contacts"] = [
        {"name": "Zoë Ångström", "role": "owner", "slack": "#llm-reliability"},
        {"name": "李 明", "role": "reviewer", "slack": "#eval-infra"},
    ]
    return {
        "backend": {
            "deployment_id": "deploy_us_east_1",
            "endpoint_url": "https://api.openai.example.com/v1",
            "fallback": {
                "deployment_id": "deploy_eu_west_1",
                "endpoint_url": "https://api.anthropic.example.com/v1",
                "fallback": {
                    "deployment_id": None,
                    "endpoint_url": "http://localhost:8080/v1",
                    "fallback": None,
                    "id": "local_llama",
                    "model_version": None,
                    "options": None,
                    "profile": "default",
                },
                "id": "anthropic_claude",
                "model_version": "claude-3-5-sonnet-20240620",
                "options": {"max_tokens": 2048, "temperature": 0.0},
                "profile": "fast",
            },
            "id": "openai_gpt4o",
            "model_version": "gpt-4o-2024-08-06",
            "options": {
                "budget_usd": 0.001,
                "headers": {"X-Région": "eu-west-1", "X-Trace": "abc-123"},
                "max_tokens": 4096,
                "retry": {"attempts": 3, "backoff_ms": [100, 200, 400]},
                "seed_big": 9007199254740993,
                "stop": ["\n\n", "END"],
                "temperature": 0.2,
            },
            "profile": "high_accuracy",
        },
        "baseline": _model_ref(),
        "created_at": "2024-03-15T09:30:00.123456Z",
        "dataset": _dataset_ref(),
        "description": "Évaluation de fiabilité — 信頼性評価 🧪",
        "experiment_type": "comparison",
        "id": "llm_reliability_full",
        "metadata": metadata,
        "model_version": {
            "artifact_uri": "s3://models/llama3/2.1.0/",
            "created_at": "2024-03-15T09:30:00.123456Z",
            "created_by": "ml-platform@example.com",
            "description": "Fine-tuned on curated feedback — données nettoyées ✓",
            "id": "llama3_v2_1_0",
            "metrics": {
                "accuracy": 0.9123,
                "f1": 0.887,
                "loss": 1.0e-5,
                "per_category": {
                    "biology": 0.88,
                    "chemistry": 0.861,
                    "economics": 0.9,
                    "history": 0.84,
                    "law": 0.79,
                    "math": 0.912,
                    "physics": 0.893,
                },
                "perplexity": 3.41,
                "samples": 9007199254740993,
            },
            "model_id": "llama3_8b_instruct",
            "options": {
                "calibration": {"method": "temperature_scaling", "samples": 512},
                "quantization": "int8",
            },
            "parent_version": "2.0.3",
            "stage": "production",
            "training_run_id": "run_2024_03_15",
            "version": "2.1.0",
        },
        "outputs": _outputs(),
        "owner": "reliability-team@example.com",
        "pipeline": _pipeline(),
        "reliability": _reliability(),
        "tags": ["nightly", "regression", "llm", "mmlu-pro", "ensemble", "hedging", "fairness"],
        "training_config": {
            "batch_size": 64,
            "checkpoint_every": 500,
            "dataset_ref": _dataset_ref(),
            "device": "cuda",
            "early_stopping": {"min_delta": 0.001, "monitor": "val_loss", "patience": 3},
            "epochs": 20,
            "gradient_clipping": 1.0,
            "id": "train_llama3_ft",
            "learning_rate": 1.0e-5,
            "loss_function": "mse",
            "metrics": ["loss", "accuracy", "f1", "perplexity"],
            "mixed_precision": True,
            "model_ref": _model_ref(),
            "optimizer": "adamw",
            "options": {
                "optimizer_args": {"betas": [0.9, 0.999], "eps": 1.0e-8, "weight_decay": 0.01},
                "scheduler": {"eta_min": 1.0e-7, "type": "cosine"},
                "warmup_steps": 100,
            },
            "seed": 42,
            "validation_split": 0.1,
        },
        "updated_at": "2024-03-16T18:05:42Z",
    }


def _set(path: tuple[str | int, ...], value: object) -> Callable[[JSON], None]:
    def apply(doc: JSON) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return apply


def _duplicate_output_name(doc: JSON) -> None:
    doc["outputs"][1]["name"] = doc["outputs"][0]["name"]


#: The violations planted by :func:`invalid_experiment_dict`:
#: (path, rule kind, description, mutation). They are independent of each other.
INVALID_PROBLEMS: tuple[tuple[str, str, str, Callable[[JSON], None]], ...] = (
    (
        "reliability.ensemble.strategy",
        "enum",
        '"plurality" is not an ensemble strategy',
        _set(("reliability", "ensemble", "strategy"), "plurality"),
    ),
    (
        "reliability.stats.alpha",
        "range",
        "1.5 is outside [0, 1]",
        _set(("reliability", "stats", "alpha"), 1.5),
    ),
    (
        "reliability.hedging.max_hedges",
        "range",
        "0 is below 1",
        _set(("reliability", "hedging", "max_hedges"), 0),
    ),
    ("pipeline[2].name", "empty", 'a stage named ""', _set(("pipeline", 2, "name"), "")),
    (
        "outputs[1].name",
        "consistency",
        'a second output named "full_report"',
        _duplicate_output_name,
    ),
    (
        "model_version.version",
        "format",
        '"v1" is not SemVer',
        _set(("model_version", "version"), "v1"),
    ),
    (
        "training_config.batch_size",
        "range",
        "0 is below 1",
        _set(("training_config", "batch_size"), 0),
    ),
    (
        "backend.endpoint_url",
        "format",
        "an ftp:// URL is not an http(s) URL",
        _set(("backend", "endpoint_url"), "ftp://files.example.com/models"),
    ),
    (
        "updated_at",
        "consistency",
        "updated_at (2024-03-01) is before created_at (2024-03-15)",
        _set(("updated_at",), "2024-03-01T00:00:00Z"),
    ),
    (
        "reliability.feedback.sampling_rate",
        "range",
        "1.25 is outside [0, 1]",
        _set(("reliability", "feedback", "sampling_rate"), 1.25),
    ),
)


def single_problem_dicts() -> Iterator[tuple[str, JSON]]:
    """The valid experiment with each planted problem alone (for sanity checks)."""
    for path, _kind, _what, mutate in INVALID_PROBLEMS:
        doc = experiment_dict()
        mutate(doc)
        yield path, doc


def invalid_experiment_dict() -> JSON:
    """The valid experiment with all the independent problems of :data:`INVALID_PROBLEMS`."""
    doc = experiment_dict()
    for _path, _kind, _what, mutate in INVALID_PROBLEMS:
        mutate(doc)
    return doc


# --------------------------------------------------------------------------------------
# Feedback events
# --------------------------------------------------------------------------------------

_VOCABULARY = """
    the model answer question explain summary context retrieval latency token budget
    reliability ensemble vote confidence calibration drift window feature user request
    response prompt quality correct wrong partial citation source document policy safety
    translate french german japanese code python function error stack trace database
    query index cache memory throughput benchmark dataset label rating review customer
    order invoice refund shipping address account password reset billing plan upgrade
"""
_WORDS = tuple(_VOCABULARY.split())

_DEPLOYMENTS = (
    "llama3-prod",
    "llama3-canary",
    "gpt4o-use1",
    "gpt4o-euw1",
    "claude-support",
    "mistral-batch",
)
_MODEL_VERSIONS = ("2.1.0", "2.0.3", "2.1.1-rc.1", "3.0.0", "1.9.12")
_FEEDBACK_TYPES = ("thumbs", "rating", "correction", "label", "flag")
_LABELS = ("helpful", "harmful", "off_topic", "hallucination", "incomplete", "toxic", "spam")
_CLIENTS = ("web", "ios", "android", "api", "slack")
_LOCALES = ("en-US", "en-GB", "fr-FR", "de-DE", "ja-JP", "pt-BR")
_EPOCH = datetime(2024, 3, 1, tzinfo=timezone.utc)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + rng.choice((".", "?", ".", "!"))


def _timestamp(rng: random.Random) -> str:
    moment = _EPOCH + timedelta(seconds=rng.randrange(30 * 86_400))
    if rng.random() < 0.35:
        moment = moment.replace(microsecond=rng.randrange(1_000_000))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def feedback_event(rng: random.Random) -> JSON:
    """One realistic ``feedback.event`` record drawn from ``rng``."""
    feedback_type = rng.choice(_FEEDBACK_TYPES)
    value: object
    if feedback_type == "thumbs":
        value = rng.choice(("up", "up", "down"))
    elif feedback_type == "rating":
        value = rng.randint(1, 5)
    elif feedback_type == "correction":
        value = _sentence(rng, 1, 6)
    elif feedback_type == "label":
        value = rng.choice(_LABELS)
    else:
        value = rng.random() < 0.2
    params: JSON = {"temperature": round(rng.uniform(0.0, 1.2), 2)}
    if rng.random() < 0.5:
        params["max_tokens"] = rng.choice((256, 512, 1024, 2048))
    if rng.random() < 0.3:
        params["top_p"] = rng.choice((0.9, 0.95, 1.0))
    metadata: JSON | None = None
    if rng.random() < 0.4:
        metadata = {"client": rng.choice(_CLIENTS), "locale": rng.choice(_LOCALES)}
        if rng.random() < 0.5:
            metadata["ab_bucket"] = rng.randrange(16)
    tokens = rng.randint(5, 400)
    return {
        "deployment_id": rng.choice(_DEPLOYMENTS),
        "feedback_type": feedback_type,
        "feedback_value": value,
        "id": f"evt_{rng.getrandbits(64):016x}",
        "input": {"params": params, "prompt": _sentence(rng, 2, 6)},
        "latency_ms": int(rng.lognormvariate(6.3, 0.6)),
        "metadata": metadata,
        "model_version": rng.choice(_MODEL_VERSIONS),
        "output": {"text": _sentence(rng, 1, 5), "tokens": tokens},
        "session_id": f"sess_{rng.getrandbits(32):08x}",
        "timestamp": _timestamp(rng),
        "user_id": f"user_{rng.randrange(50_000)}",
    }


def iter_feedback_lines(count: int, seed: int = EVENT_SEED) -> Iterator[bytes]:
    """``count`` JSONL lines (each ending in ``\\n``); a prefix of any longer run."""
    rng = random.Random(seed)
    for _ in range(count):
        yield dumps_compact(feedback_event(rng)) + b"\n"


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _write_atomic(path: Path, chunks: Iterator[bytes] | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        if isinstance(chunks, bytes):
            fh.write(chunks)
        else:
            fh.writelines(chunks)
    tmp.replace(path)


def experiment_path() -> Path:
    return DATA_DIR / f"experiment_v{DATA_VERSION}.json"


def invalid_experiment_path() -> Path:
    return DATA_DIR / f"experiment_invalid10_v{DATA_VERSION}.json"


def events_path(count: int) -> Path:
    return DATA_DIR / f"feedback_events_{count}_v{DATA_VERSION}.jsonl"


def ensure_experiment_files(*, force: bool = False) -> tuple[Path, Path]:
    """Write the valid and the invalid experiment documents unless already present."""
    valid, invalid = experiment_path(), invalid_experiment_path()
    if force or not valid.is_file():
        _write_atomic(valid, dumps_compact(experiment_dict()))
    if force or not invalid.is_file():
        _write_atomic(invalid, dumps_compact(invalid_experiment_dict()))
    return valid, invalid


def ensure_events_file(count: int, *, force: bool = False) -> Path:
    """Write ``count`` feedback events as JSONL unless already present."""
    path = events_path(count)
    if force or not path.is_file():
        _write_atomic(path, iter_feedback_lines(count))
    return path

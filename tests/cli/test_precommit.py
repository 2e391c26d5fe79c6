"""The shipped pre-commit hooks: they install as they are and check experiment files only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ._support import REPO

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
EXPERIMENT = {"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}

# Files a project holds beside its experiments, which the hooks must leave alone:
# each would fail as an experiment, so a hook that looked at one would say so.
OTHERS = {
    "package.json": '{"name": "app", "version": "1.0.0"}\n',
    "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
    "pyproject.toml": '[project]\nname = "app"\n',
    ".github/workflows/ci.yml": "on: push\njobs: {}\n",
    "config/settings.yaml": "debug: true\n",
}
EXPERIMENTS = {
    "experiments/good.yaml": "# a comment\nid: e\nbackend: {id: b}\npipeline: [{name: a}]\n",
    "experiments/nested/typo.json": json.dumps({**EXPERIMENT, "reliabilty": {}}) + "\n",
    "evals/mmlu.crucible.toml": 'id = "e"\nbackend = {id = "b"}\npipeline = [{nme = "a"}]\n',
}


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook["id"])
def test_the_default_files_pattern_picks_experiments_only(hook: dict[str, str]) -> None:
    pattern = re.compile(hook["files"])
    assert "additional_dependencies" not in hook
    for path in OTHERS:
        assert not pattern.search(path), (hook["id"], path)
    picked = {path for path in EXPERIMENTS if pattern.search(path)}
    if hook["id"] == "crucible-ir-validate":
        assert picked == set(EXPERIMENTS)
    else:  # fmt: JSON only; YAML and TOML files usually hold comments, which fmt refuses
        assert picked == {"experiments/nested/typo.json"}
    for path in ("examples/experiments/x.yml", "a.crucible.yaml", "a.crucible.json"):
        assert pattern.search(path) or hook["id"] == "crucible-ir-fmt", path


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
def test_pre_commit_try_repo_checks_only_the_experiments(tmp_path: Path) -> None:
    """``pre-commit try-repo`` builds the hook environment from this checkout, as a user's would."""
    sample = tmp_path / "sample"
    for path, text in {**OTHERS, **EXPERIMENTS}.items():
        (sample / path).parent.mkdir(parents=True, exist_ok=True)
        (sample / path).write_text(text, encoding="utf-8")
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--all-files"],
            cwd=sample,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    validate = try_repo("crucible-ir-validate")
    assert validate.returncode == 1, validate.stdout + validate.stderr
    out = validate.stdout
    assert "experiments/nested/typo.json:1:" in out
    assert "reliabilty: unknown field `reliabilty`; did you mean `reliability`?" in out
    assert "evals/mmlu.crucible.toml:3:" in out
    assert "experiments/good.yaml" not in out  # valid, comments and all
    for path in OTHERS:
        assert path not in out, path

    fmt = try_repo("crucible-ir-fmt")
    assert fmt.returncode == 1, fmt.stdout + fmt.stderr
    assert "experiments/nested/typo.json:1:" in fmt.stdout  # refused: fmt would drop the key
    assert "(fmt would drop it)" in fmt.stdout
    for path in OTHERS:
        assert path not in fmt.stdout, path

    (sample / "experiments/nested/typo.json").write_text(
        json.dumps(EXPERIMENT, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (sample / "evals/mmlu.crucible.toml").write_text(
        'id = "e"\nbackend = {id = "b"}\npipeline = [{name = "a"}]\n', encoding="utf-8"
    )
    _git(sample, "add", "-A")
    assert try_repo("crucible-ir-validate").returncode == 0
    fixed = try_repo("crucible-ir-fmt")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

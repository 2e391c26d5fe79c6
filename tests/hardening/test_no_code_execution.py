"""No code execution: YAML tags never construct, ``StageDef.module`` is never imported,
no eval, no network. The IR is data only.
"""

from __future__ import annotations

import ast
import json
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

import crucible_ir as ir
from crucible_ir._sources import SourceError, load_yaml

from .conftest import REPO, run_cli, run_script

SRC = REPO / "src" / "crucible_ir"


# -- YAML tags ----------------------------------------------------------------------


def _tagged_documents(marker: Path) -> dict[str, str]:
    m = json.dumps(str(marker))
    return {
        "apply_os_system": f"id: !!python/object/apply:os.system ['touch {marker}']\n",
        "apply_open": f"id: !!python/object/apply:builtins.open [{m}, 'w']\n",
        "new_open": f"id: !!python/object/new:builtins.open [{m}, 'w']\n",
        "name": "id: !!python/name:os.system\n",
        "module": "id: !!python/module:os\n",
        "object": "id: !!python/object:pathlib.Path {}\n",
        "long_form": f"id: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n",
        "custom": "id: !custom value\n",
        "custom_mapping": "backend: !custom {id: x}\n",
        "custom_sequence": "pipeline: !custom [a]\n",
        "root": f"--- !!python/object/apply:os.system ['touch {marker}']\n",
        "tag_directive": f"%TAG !e! tag:yaml.org,2002:python/object/apply:\n---\n"
        f"id: !e!os.system ['touch {marker}']\n",
        "set": "tags: !!set {a: null}\n",
        "binary": "id: !!binary aGVsbG8=\n",
    }


def test_yaml_tags_never_construct(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    for name, text in _tagged_documents(marker).items():
        with pytest.raises(SourceError) as info:
            load_yaml(text)
        assert "tag" in info.value.message, (name, info.value)
        assert not marker.exists(), name


def test_yaml_tags_through_the_command_line(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    names = []
    for name, text in _tagged_documents(marker).items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            "backend: {id: b}\npipeline: [{name: s}]\n" + text.replace("--- ", "x: "),
            encoding="utf-8",
        )
        names.append(path.name)
    for argv in (["validate", *names], ["hash", *names], ["fmt", "--check", *names]):
        result = run_cli(*(str(tmp_path / a) if a in names else a for a in argv))
        result.clean()
        assert result.code in (1, 2)
        assert not marker.exists()
    for name in names:
        for argv in (["show", name], ["convert", name, "--to", "json"], ["diff", name, name]):
            result = run_cli(*(str(tmp_path / a) if a in names else a for a in argv))
            result.clean()
            assert result.code in (1, 2), result
    result = run_script(["validate", *names], cwd=tmp_path)
    result.clean()
    assert result.code == 1
    assert len(result.out.splitlines()) == len(names)
    assert all("tag" in line for line in result.out.splitlines())
    assert not marker.exists()


# -- StageDef.module is a name, never imported -----------------------------------------


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """An importable module that leaves a marker file when imported; its name and marker."""
    name = f"evil_probe_{secrets.token_hex(6)}"
    marker = tmp_path / f"{name}.imported"
    (tmp_path / f"{name}.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name, marker


def test_the_probe_works(probe: tuple[str, Path]) -> None:
    """The probe would notice: importing it writes the marker (in a subprocess)."""
    import subprocess

    name, marker = probe
    subprocess.run(
        [sys.executable, "-c", f"import {name}"], cwd=marker.parent, check=True, timeout=60
    )
    assert marker.exists()
    marker.unlink()


def test_stage_module_is_never_imported(probe: tuple[str, Path], tmp_path: Path) -> None:
    name, marker = probe
    modules = [name, f"Elixir.{name}", "Elixir.Evil", f"{name}.sub", "os"]
    before = set(sys.modules)
    for module in modules:
        data = {
            "id": "exp",
            "backend": {"id": "b"},
            "pipeline": [{"name": "s", "module": module}, {"name": "t", "module": name}],
        }
        text = json.dumps(data)
        for obj in (
            ir.from_json(text, "experiment"),
            ir.from_json(text, "experiment", strict=True),
            ir.from_dict(data, "experiment"),
            ir.experiment("exp").with_backend("b").add_stage("s", module=module).build(),
            ir.StageDef(name="s", module=module),
        ):
            ir.validate(obj)
            assert ir.errors(obj) == []
            ir.to_json(obj)
            ir.to_dict(obj)
            ir.fingerprint(obj)
            repr(obj)
            ir.from_json(ir.to_json(obj), type(obj))
        path = tmp_path / "exp.json"
        path.write_text(text, encoding="utf-8")
        for argv in (
            ["validate", path],
            ["show", path],
            ["hash", path],
            ["fmt", path],
            ["convert", path, "--to", "yaml"],
            ["diff", path, path],
        ):
            result = run_cli(*argv)
            result.clean()
            assert result.code == 0, result
    assert not marker.exists()
    new = set(sys.modules) - before
    assert not {m for m in new if "evil" in m.lower() or m.startswith("Elixir")}, new
    assert name not in sys.modules


# -- no eval, no dynamic imports, no network: read from the source --------------------


def _sources() -> list[tuple[Path, ast.Module]]:
    found = [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in SRC.rglob("*.py")]
    assert len(found) > 20
    return found


def _calls(tree: ast.AST) -> list[tuple[str, ast.Call]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            out.append((name, node))
    return out


def test_no_eval_no_exec_no_compile() -> None:
    """No generated code: nothing is compiled or run from text, the package's own or input."""
    imports = []
    for path, tree in _sources():
        for name, call in _calls(tree):
            builtin = isinstance(call.func, ast.Name)  # (not `re.compile`)
            assert name not in ("eval", "exec", "__import__", "load_module", "exec_module"), (
                f"{path.name}:{call.lineno}: {name}()"
            )
            assert not (builtin and name == "compile"), f"{path.name}:{call.lineno}: compile()"
            if name == "import_module":
                imports.append(path.relative_to(SRC).as_posix())
    # importlib.import_module only in the package's lazy attribute loader, which
    # imports its own submodules named in a table of string literals.
    assert set(imports) <= {"__init__.py"}
    init = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    tables = [
        node.value
        for node in init.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "_MODULES" for t in node.targets)
    ]
    # The private modules, by the relative name the loader imports them by ("._model._base").
    private = {
        "." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for p in SRC.rglob("_*.py")
        if p.name != "__init__.py"
    }
    if imports:
        # The table maps each module name, a string literal, to the names it defines.
        (table,) = tables
        assert isinstance(table, ast.Dict)
        modules = set()
        for key in table.keys:
            assert isinstance(key, ast.Constant)
            assert isinstance(key.value, str)
            assert key.value in ("", *private)
            modules.add(key.value)
        # The loader's lookup is built from that table alone.
        assert set(ir._WHERE.values()) == modules


@pytest.mark.parametrize("name", ["os", "sys", "subprocess", "pickle", "_checker.exec"])
def test_the_lazy_loader_imports_nothing_it_is_asked_for(name: str) -> None:
    before = set(sys.modules)
    with pytest.raises(AttributeError):
        getattr(ir, name)
    assert set(sys.modules) == before


FORBIDDEN_MODULES = {
    "pickle", "cPickle", "marshal", "shelve", "dill", "socket", "ssl", "urllib", "http",
    "requests", "httpx", "aiohttp", "ftplib", "smtplib", "xmlrpc", "subprocess", "ctypes",
}  # fmt: skip


def test_no_pickle_no_dynamic_import_no_network_modules() -> None:
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_MODULES, (
                    f"{path.relative_to(SRC)}:{node.lineno} imports {name}"
                )


def test_no_network_access(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access attempted")

    for attr in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, attr, refuse)
    data = {
        "id": "exp",
        "backend": {
            "id": "b",
            "endpoint_url": "https://api.example.com/v1",
            "fallback": {"id": "c", "endpoint_url": "http://[::1]:8080/x"},
        },
        "pipeline": [{"name": "s", "module": "urllib.request"}],
        "dataset": {"name": "d", "provider": "https://example.com/data.json"},
        "metadata": {"$ref": "https://example.com/schema.json", "$schema": "http://x/y"},
    }
    text = json.dumps(data)
    obj = ir.from_json(text, "experiment", strict=True)
    ir.validate(obj)
    ir.to_json(obj)
    ir.fingerprint(obj)
    ir.json_schema("experiment")
    path = tmp_path / "exp.json"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "exp.yaml").write_text("$ref: https://example.com/x.yaml\n", encoding="utf-8")
    for argv in (
        ["validate", path],
        ["validate", tmp_path / "exp.yaml"],
        ["show", path],
        ["hash", path],
        ["convert", path, "--to", "toml"],
        ["schema", "experiment"],
    ):
        result = run_cli(*argv)
        result.clean()
        assert result.code in (0, 1)
    assert attempts == []

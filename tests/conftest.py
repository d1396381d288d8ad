"""Shared fixtures: fake third-party distributions and running the real ``motrix`` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass
class FakeDist:
    """A distribution made of a ``*.dist-info`` with ``entry_points.txt`` and one module."""

    root: Path
    name: str
    version: str
    module: str


def write_fake_dist(root: Path, name: str, module: str, source: str, version: str = "1.0.0") -> FakeDist:
    """Put an installable-looking distribution under ``root`` (add ``root`` to the path)."""
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[motrix.plugins]\n{name} = {module}\n")
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    return FakeDist(root, name, version, module)


@pytest.fixture
def fake_dist(tmp_path: Path) -> Callable[..., FakeDist]:
    """Factory: ``fake_dist(name, module, source)`` → a dist in its own folder under tmp_path."""

    def make(name: str, module: str, source: str, version: str = "1.0.0") -> FakeDist:
        return write_fake_dist(tmp_path / name, name, module, source, version)

    return make


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_motrix(
    *args: str, paths: tuple[Path, ...] = (), env: dict[str, str] | None = None,
    cwd: Path | None = None, timeout: float = 600,
) -> CliResult:
    """Run the installed ``motrix`` command in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MOTRIX_")}
    if paths:
        full_env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), full_env.get("PYTHONPATH", "")])
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "motrix", *args], capture_output=True, text=True,
        env=full_env, cwd=cwd, timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def motrix_cli() -> Callable[..., CliResult]:
    return run_motrix


@pytest.fixture(autouse=True)
def _plain_motrix_environment(monkeypatch):
    """Tests set MOTRIX_* variables themselves; CI's strict mode is checked explicitly."""
    for var in ("MOTRIX_PLUGINS_STRICT", "MOTRIX_DISABLE_PLUGINS", "MOTRIX_RUNS_DIR", "MOTRIX_DEBUG"):
        monkeypatch.delenv(var, raising=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """In CI every plugin is installed: a module skipped because one of *our* modules fails
    to import is a broken package, not a missing optional dependency."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and "could not import 'motrix" in str(report.longrepr):
        report.outcome = "failed"

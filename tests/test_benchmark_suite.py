"""The performance suite (benchmarks/suite.py): JSON with the machine, tables, targets, the doc's markers."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "suite.py"


@pytest.fixture(scope="module")
def suite():
    spec = importlib.util.spec_from_file_location("motrix_benchmark_suite", SUITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _results(**parts) -> dict:
    machine = {
        "commit": "abc1234",
        "cpu_model": "Test CPU",
        "cpus": 2,
        "memory_gib": 8.0,
        "gpu": None,
        "python": "3.11.7",
        "versions": {"motrixsim": "0.10.1", "torch": "2.13.0"},
    }
    return {
        "date": "2026-11-21",
        "quick": False,
        "machine": machine,
        "load_before": 0.5,
        "load_after": 0.7,
        "seconds": 300.0,
        **parts,
    }


def test_targets_compare_each_measured_figure_with_its_goal(suite):
    results = _results(
        env=[
            {"env": "cartpole", "num_envs": 1024, "ratio": 0.91},
            {"env": "go1", "num_envs": 1024, "ratio": 0.7},
            {"env": "go1", "num_envs": 256, "ratio": 0.1},
        ],
        train=[
            {"env": "cartpole", "backend": "torch", "num_envs": 2048, "train_env_steps_per_s": 150_000},
            {"env": "go1", "backend": "jax", "num_envs": 1024, "ratio_to_env_only": 0.4},
        ],
        solve=[{"backend": "torch", "max_command_s": 9.0, "min_play_mean": 1000.0, "median_to_950_s": None}],
        cli=[{"command": "motrix list", "median_s": 0.1}],
    )
    met = {t["target"]: t["met"] for t in suite.targets(results)}
    assert met == {
        "cartpole env/physics ratio at 1024 envs": True,
        "go1 env/physics ratio at 1024 envs": False,  # 0.7 < 0.8; the 256-env row is not a target
        "cartpole training at 2048 envs, torch (env-steps/s)": True,
        "go1 training / env-only, jax": False,
        "default `motrix train cartpole`, torch: slowest command (s)": True,
        "median time to mean return 950, torch (s)": False,  # never reached
        "`motrix list` wall time (s)": True,
    }


def test_tables_name_the_machine_and_mark_missed_targets(suite):
    results = _results(
        train=[
            {
                "env": "go1",
                "backend": "torch",
                "num_envs": 1024,
                "train_env_steps_per_s": 8_800,
                "env_only_env_steps_per_s": 14_400,
                "ratio_to_env_only": 0.61,
                "time_split": {
                    "env": 6.0,
                    "act": 0.4,
                    "record": 0.1,
                    "update": 3.4,
                    "other": 0.1,
                    "wall": 10.0,
                },
            }
        ],
        cli=[
            {
                "command": "motrix list",
                "median_s": 0.9,
                "min_s": 0.8,
                "max_s": 1.0,
                "heavy_imports": ["torch"],
            }
        ],
    )
    results["targets"] = suite.targets(results)
    text = suite.markdown(results)
    assert "commit `abc1234` on Test CPU, 2 CPUs, 8.0 GiB, no GPU" in text
    assert "| go1 | torch | 1,024 | 8,800 | 14,400 | 0.61 | 60% · 4% · 1% · 34% · 1% |" in text
    assert "| `motrix list` | 0.900 | 0.800 | 1.000 | torch |" in text
    assert "| `motrix list` wall time (s) | 0.9 | <= 0.5 | **no** |" in text
    assert "### 1." not in text  # parts that did not run have no table


def test_the_doc_keeps_its_prose_and_gets_fresh_tables_between_the_markers(suite, tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Perf\n\nintro\n\n{suite.BEGIN}\nold tables\n{suite.END}\n\n## After\nanalysis\n")
    suite.update_doc(doc, "new tables")
    assert (
        doc.read_text()
        == f"# Perf\n\nintro\n\n{suite.BEGIN}\nnew tables\n{suite.END}\n\n## After\nanalysis\n"
    )
    fresh = tmp_path / "fresh.md"
    suite.update_doc(fresh, "t")
    assert fresh.read_text() == f"{suite.BEGIN}\nt\n{suite.END}\n"


def test_the_cli_part_runs_the_real_commands_and_writes_json_and_tables(tmp_path):
    out, doc = tmp_path / "suite.json", tmp_path / "perf.md"
    done = subprocess.run(
        [sys.executable, str(SUITE), "--quick", "--parts", "cli", "--json", str(out), "--doc", str(doc)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    assert results["machine"]["cpus"] >= 1 and results["machine"]["versions"]["motrix-core"]
    commands = {r["command"]: r for r in results["cli"]}
    assert commands["motrix list"]["median_s"] > 0
    assert commands["motrix list"]["heavy_imports"] == []  # listing imports no framework, no MotrixSim
    assert "### 4. CLI start-up" in doc.read_text()

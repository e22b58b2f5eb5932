"""Shared fixtures: paths to the shared data and one processed run of the seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTLEDGER_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.json"
SAMPLES = ROOT / "samples"


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the CLI as a user would, in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-m", "eventledger", *args], capture_output=True, text=True, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return json.loads(GOLD.read_text("utf-8"))


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory) -> Path:
    """`eventledger run` over the seeds; returns the export folder."""
    base = tmp_path_factory.mktemp("seeds")
    cli("run", str(SEEDS), "--db", str(base / "ledger.duckdb"), "--out", str(base / "out"), "-q")
    return base / "out"

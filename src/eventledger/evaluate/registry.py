"""Every public benchmark suite by name: the module that runs it and its runner function.

A suite runner takes the shared folder (holding `eval-data/`) and returns a result dict
with `suite`, `metric`, the metric's value under that name, `floor` and `n`.
Modules are imported only when their suite runs: some load large models or data.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

SUITES: dict[str, tuple[str, str]] = {
    "plover": ("eventledger.evaluate.suites", "run_plover"),
    "petr2": ("eventledger.evaluate.suites", "run_petr2"),
    "case2021": ("eventledger.evaluate.suites", "run_case2021"),
    "conflibert": ("eventledger.evaluate.suites", "run_conflibert"),
    "timex": ("eventledger.evaluate.time_suites", "run_timex"),
    "dating": ("eventledger.evaluate.time_suites", "run_dating"),
    "polnear": ("eventledger.evaluate.polnear", "run_polnear"),
    "tls": ("eventledger.evaluate.tls_suite", "run_tls"),
    "geo": ("eventledger.evaluate.geo_suite", "run_geo"),
}


def run(name: str, shared: Path) -> dict:
    if name not in SUITES:
        raise ValueError(f"unknown suite {name!r}: {', '.join(SUITES)}")
    module, function = SUITES[name]
    return getattr(import_module(module), function)(Path(shared))

"""What temporal expressions cost: the share of the pipeline's time spent finding and
normalising timexes and dating events, on the bundled samples.

    python bench/timex_share.py

Runs the batch stages over samples/ under cProfile (after loading the model, so the load
is not counted) and prints the seconds inside `eventledger.dates` and
`eventledger.extract.dating` against the total; writes bench/results/timex_share.json.
"""

from __future__ import annotations

import cProfile
import json
import pstats
from pathlib import Path

from record import save

from eventledger.ingest.readers import read_inputs
from eventledger.nlp.model import load_nlp
from eventledger.pipeline import process_batch
from eventledger.records import Document

ROOT = Path(__file__).resolve().parents[1]
TIME_MODULES = ("eventledger/dates/", "eventledger/extract/dating.py")


def in_dates(path: str) -> bool:
    return any(m in path for m in TIME_MODULES)


def main() -> None:
    docs = [d for d in read_inputs([str(ROOT / "samples")]) if isinstance(d, Document)]
    load_nlp()
    profile = cProfile.Profile()
    profile.enable()
    process_batch(docs)
    profile.disable()
    stats = pstats.Stats(profile)
    total = sum(tt for (_, _, tt, _, _) in stats.stats.values())
    # time spent inside the date code, counted where it is entered from other code
    timex = sum(
        ct
        for (path, _, _), (_, _, _, _, callers) in stats.stats.items()
        if in_dates(path)
        for (caller, _, _), (_, _, _, ct) in callers.items()
        if not in_dates(caller)
    )
    result = {
        "documents": len(docs),
        "pipeline_s": round(total, 3),
        "timex_s": round(timex, 3),
        "share": round(timex / total, 4),
    }
    print(json.dumps(result))
    save("timex_share", result)


if __name__ == "__main__":
    main()

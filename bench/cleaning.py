"""Cleaning benchmark: junk removal on full-page text, HTML extraction, and the seeds.

    python bench/cleaning.py [--shared ../shared] [--json bench/results/cleaning.json]

1. Full-page text of the 181 pages of the Zyte article-extraction benchmark (inscriptis
   rendering, one line per block): each line is body when it occurs in the gold body.
   Our plain-text cleaner vs a length/stop-word/punctuation baseline, as
   character-weighted line precision, recall and F1 (summed over all pages).
2. HTML path on the same pages: trafilatura in precision mode alone and through
   eventledger's HTML reader, with the benchmark's own metric (bag of token 4-grams,
   per-page normalised, averaged; F1 of the averages).
3. Seeds gold: share of `boilerplate` lines removed, share of `evidence` strings kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

from inscriptis import get_text
from spacy.lang.en.stop_words import STOP_WORDS

from eventledger.clean.boilerplate import clean_text, ends_sentence, words
from eventledger.clean.html import extract_html

TOKEN = re.compile(r"\w+")


def norm(text: str) -> str:
    return " ".join(TOKEN.findall(text.lower()))


def baseline_keep(line: str) -> bool:
    """The simple heuristic the issue names: length, stop words, final punctuation."""
    ws = words(line)
    if len(ws) < 8:
        return False
    stop = sum(w.lower() in STOP_WORDS for w in ws) / len(ws)
    return stop >= 0.25 and (ends_sentence(line) or len(ws) >= 20)


def line_scores(lines: list[str], gold: str, kept: list[bool]) -> tuple[int, int, int]:
    """Character-weighted true positives, kept chars and body chars for one page."""
    gold_n = f" {norm(gold)} "
    tp = kept_chars = body_chars = 0
    for line, k in zip(lines, kept, strict=True):
        n = norm(line)
        if not n:
            continue
        body = f" {n} " in gold_n
        size = len(n)
        body_chars += size * body
        kept_chars += size * k
        tp += size * (body and k)
    return tp, kept_chars, body_chars


def prf(tp: float, kept: float, body: float) -> dict:
    p = tp / kept if kept else 0.0
    r = tp / body if body else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def shingles(text: str, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def shingle_prf(pages: list[tuple[str, str]]) -> dict:
    """The benchmark's metric: per-page normalised shingle counts, averaged P and R."""
    ps, rs = [], []
    for gold, pred in pages:
        g, p = shingles(gold), shingles(pred)
        tp = sum((g & p).values())
        fp = sum((p - g).values())
        fn = sum((g - p).values())
        total = tp + fp + fn
        if total:
            tp, fp, fn = tp / total, fp / total, fn / total
        if tp + fp > 0:
            ps.append(1.0 if fp == fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            rs.append(1.0 if fp == fn == 0 else tp / (tp + fn))
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def extraction_benchmark(root: Path) -> dict:
    gold = json.loads((root / "ground-truth.json").read_text("utf-8"))
    ours = [0, 0, 0]
    base = [0, 0, 0]
    trafilatura_pages, wrapped_pages = [], []
    import trafilatura

    for key, item in sorted(gold.items()):
        with gzip.open(root / "html" / f"{key}.html.gz") as fh:
            html = fh.read().decode("utf-8", "replace")
        body = item["articleBody"]
        lines = [ln.strip() for ln in get_text(html).splitlines() if ln.strip()]
        kept_text = f" {norm(clean_text(chr(10).join(lines), has_title=False).text)} "
        kept = [f" {norm(ln)} " in kept_text for ln in lines]
        for acc, k in ((ours, kept), (base, [baseline_keep(ln) for ln in lines])):
            for i, v in enumerate(line_scores(lines, body, k)):
                acc[i] += v
        plain = trafilatura.extract(html, favor_precision=True) or ""
        trafilatura_pages.append((body, plain))
        page = extract_html(html)
        wrapped_pages.append((body, clean_text(page.text, has_title=False, density=False).text))
    return {
        "pages": len(gold),
        "fullpage_lines_eventledger": prf(*ours),
        "fullpage_lines_baseline": prf(*base),
        "html_trafilatura_precision": shingle_prf(trafilatura_pages),
        "html_eventledger": shingle_prf(wrapped_pages),
    }


def seeds(shared: Path) -> dict:
    gold = json.loads((shared / "gold" / "seeds.json").read_text("utf-8"))
    junk = gone = evidence = kept = 0
    for article in gold:
        raw = (shared / "seeds" / article["file"]).read_text("utf-8")
        cleaned = clean_text(raw)
        for line in article["boilerplate"]:
            junk += 1
            gone += line not in cleaned.text
        for item in article["events"] + article["claims"]:
            evidence += 1
            kept += item["evidence"] in cleaned.text
    return {
        "boilerplate_removed": round(gone / junk, 4),
        "boilerplate_lines": junk,
        "evidence_kept": round(kept / evidence, 4),
        "evidence_strings": evidence,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared")
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "cleaning.json"
    )
    args = parser.parse_args()
    results = {
        "seeds": seeds(args.shared),
        **extraction_benchmark(args.shared / "eval-data" / "article-extraction-benchmark"),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    s = results["seeds"]
    print(
        f"seeds: boilerplate removed {s['boilerplate_removed']:.1%} of {s['boilerplate_lines']},"
        f" evidence kept {s['evidence_kept']:.1%} of {s['evidence_strings']}"
    )
    print(f"{'181 pages':<40} {'P':>6} {'R':>6} {'F1':>6}")
    for name in (
        "fullpage_lines_eventledger",
        "fullpage_lines_baseline",
        "html_trafilatura_precision",
        "html_eventledger",
    ):
        m = results[name]
        print(f"{name:<40} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

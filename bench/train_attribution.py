"""Learn PolNeAR cue words from the train split; pick the thresholds on dev.

A word form is a cue when the train annotators marked it inside a cue span in at least
`ratio` of its occurrences in the train texts, and at least `count` times. The kept words
go to `src/eventledger/data/models/attribution_cues.tsv` (word, stance, cue count, ratio),
read by the `polnear` suite's `lexicon` system. Thresholds are chosen by attribution F1
on the dev split (the test split is never read here).

    python bench/train_attribution.py            # tune on dev, write the file
    python bench/train_attribution.py --ratio 0.3 --count 5   # fixed thresholds

With `--crf-every N` it also trains the CRF cue tagger (`attribution_cues.crfsuite`, the
suite's `crf` system) on every N-th train article for each (c1, c2) of `CRF_GRID` and
keeps the best on dev. The shipped model: all 840 train articles,

    python bench/train_attribution.py --ratio 0.4 --count 3 --crf-every 1 --cache /tmp/pn
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path

import pycrfsuite
from spacy.tokens import Doc, DocBin

from eventledger.evaluate import polnear
from eventledger.extract.lexicon import reporting_verbs
from eventledger.nlp.model import load_nlp

SHARED = Path(__file__).resolve().parents[2] / "shared"
OUT = Path(__file__).resolve().parents[1] / "src/eventledger/data/models/attribution_cues.tsv"
WORD = re.compile(r"[a-z]+(?:[’'][a-z]+)?")
CRF_OUT = OUT.with_suffix(".crfsuite")
# dev attribution F1 on all train articles, today's features: (0.05, 0.01) 0.683,
# (0.2, 0.05) 0.703, (0.5, 0.1) 0.710, (1.0, 0.2) 0.716, (2.0, 0.4) 0.716 (shipped);
# frame and lemma-window features added on top gave 0.698 at (0.2, 0.05), so were dropped.
CRF_GRID = [(0.5, 0.1), (1.0, 0.2), (2.0, 0.4)]
GRID = [(r, c) for r in (0.2, 0.3, 0.4, 0.5) for c in (3, 8)]


def counts(shared: Path) -> tuple[Counter, Counter]:
    """(times inside a cue span, times in the texts) per lower-case word form."""
    in_cue, total = Counter(), Counter()
    for text, golds in polnear.articles(shared, "train"):
        total.update(WORD.findall(text.lower()))
        for gold in golds:
            for start, end in gold.cue:
                in_cue.update(WORD.findall(text[start:end].lower()))
    return in_cue, total


def lexicon(in_cue: Counter, total: Counter, ratio: float, count: int) -> dict[str, tuple]:
    return {
        w: (n, n / total[w])
        for w, n in in_cue.items()
        if n >= count and total[w] and n / total[w] >= ratio
    }


def write(words: dict[str, tuple], ratio: float, count: int) -> None:
    verbs = reporting_verbs()
    lines = [
        "# PolNeAR cue word forms learned by bench/train_attribution.py from the train split",
        f"# (kept: inside a cue span in >= {ratio} of occurrences, >= {count} times).",
        "# Format: word TAB stance (reporting.tsv's when the word form is listed there,",
        "# else other) TAB times as a cue TAB share of occurrences as a cue",
    ]
    for w, (n, share) in sorted(words.items()):
        stance = next((s for rest, s in verbs.get(w, []) if not rest), "other")
        lines.append(f"{w}\t{stance}\t{n}\t{share:.3f}")
    OUT.write_text("\n".join(lines) + "\n", "utf-8")


def parsed(shared: Path, split: str, every: int, cache: Path | None) -> tuple[list, list[Doc]]:
    """Articles of a split (every n-th) and their parses, cached in a DocBin if asked."""
    data = polnear.articles(shared, split)[::every]
    nlp = load_nlp()
    if cache is not None and cache.is_file():
        return data, list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
    docs = list(nlp.pipe((t for t, _ in data), batch_size=8))
    if cache is not None:
        cache.write_bytes(DocBin(docs=docs).to_bytes())
    return data, docs


def labels(doc: Doc, golds: list[polnear.Attribution]) -> list[list[str]]:
    """C for a token inside a gold cue span, O elsewhere; one list per sentence."""
    spans = [span for gold in golds for span in gold.cue]
    return [
        ["C" if polnear.overlaps(spans, [(t.idx, t.idx + len(t))]) else "O" for t in sent]
        for sent in doc.sents
    ]


def train_crf(train: list, docs: list[Doc], cues: dict, c1: float, c2: float) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for (_, golds), doc in zip(train, docs, strict=True):
        for rows, tags in zip(polnear.cue_features(doc, cues), labels(doc, golds), strict=True):
            trainer.append(rows, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 150, "feature.minfreq": 2})
    trainer.train(str(CRF_OUT))


def crf_f1(dev: list, docs: list[Doc], cues: dict) -> float:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(CRF_OUT))
    pairs = [
        (g, polnear.predicted(d, polnear.crf_cue(tags := polnear.crf_tags(d, tagger, cues)), tags))
        for (_, g), d in zip(dev, docs, strict=True)
    ]
    return polnear.score(pairs).f1("attribution")["f1"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--ratio", type=float)
    parser.add_argument("--count", type=int)
    parser.add_argument("--crf-every", type=int, default=0, help="CRF on every n-th article")
    parser.add_argument("--cache", type=Path, help="folder for parsed DocBins")
    args = parser.parse_args()
    started = time.perf_counter()
    in_cue, total = counts(args.shared)
    if args.ratio is not None and args.count is not None:
        best = (args.ratio, args.count)
    else:
        dev, docs = parsed(args.shared, "dev", 1, args.cache and args.cache / "dev.docbin")
        scores = {}
        for ratio, count in GRID:
            rule = polnear.lexicon_cue(dict.fromkeys(lexicon(in_cue, total, ratio, count), "other"))
            pairs = [(g, polnear.predicted(d, rule)) for (_, g), d in zip(dev, docs, strict=True)]
            scores[(ratio, count)] = polnear.score(pairs).f1("attribution")["f1"]
            f1 = scores[(ratio, count)]
            print(f"dev  ratio {ratio:.2f}  count {count:2d}  attribution F1 {f1:.3f}", flush=True)
        best = max(scores, key=scores.get)
    words = lexicon(in_cue, total, *best)
    write(words, *best)
    print(f"kept {len(words)} cue words (ratio {best[0]}, count {best[1]}) -> {OUT}")
    if args.crf_every:
        cache = args.cache
        train, train_docs = parsed(
            args.shared, "train", args.crf_every, cache and cache / "train.docbin"
        )
        dev, docs = parsed(args.shared, "dev", 1, cache and cache / "dev.docbin")
        cues = {w: "other" for w in words}
        best_f1, best_c = -1.0, None
        for c1, c2 in CRF_GRID:  # 5 to 20 minutes each on 840 articles, 2 busy cores
            train_crf(train, train_docs, cues, c1, c2)
            f1 = crf_f1(dev, docs, cues)
            print(f"dev  CRF c1 {c1} c2 {c2}  attribution F1 {f1:.3f}", flush=True)
            if f1 > best_f1:
                best_f1, best_c = f1, (c1, c2)
                CRF_OUT.replace(CRF_OUT.with_suffix(".best"))
        CRF_OUT.with_suffix(".best").replace(CRF_OUT)
        print(f"CRF (c1, c2 = {best_c}) on {len(train)} train articles -> {CRF_OUT}")
    print(f"took {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()

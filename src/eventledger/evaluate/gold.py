"""Score an export folder against gold in the contract's format (shared spec, section 6).

Events: a gold event matches an extracted one when the extracted sentence contains the
gold evidence and the types are equal; each extracted event matches at most one gold
event. Unmatched extracted events are false positives unless they match an optional
gold event. Matched pairs score source/target country (and sector where gold names one;
`symmetric` lets source and target swap), date at gold's precision, status and tolls.
Claims match on evidence alone and score speaker country and stance. Publication dates
and cleaning (boilerplate gone, evidence kept) are scored per article.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PRECISION_LENGTH = {"day": 10, "month": 7, "year": 4}


def load_export(folder: Path) -> dict[str, list[dict]]:
    def rows(name: str) -> list[dict]:
        path = folder / f"{name}.jsonl"
        return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]

    return {name: rows(name) for name in ("articles", "events", "claims")}


def find_article(articles: list[dict], file: str) -> dict | None:
    """The exported article whose source path ends with the gold file name."""
    return next(
        (a for a in articles if a["source_path"].replace("\\", "/").split("/")[-1] == file), None
    )


def actor_ok(gold: dict | None, got: dict | None) -> bool | None:
    """None when gold has no country to check; else whether country (and sector) agree."""
    if not gold or not gold.get("country"):
        return None
    if not got:
        return False
    countries = {gold["country"], *gold.get("country_alt", [])}
    if got.get("country") not in countries:
        return False
    sectors = {gold.get("sector"), *gold.get("sector_alt", [])} - {None}
    return not sectors or got.get("sector") in sectors


def roles_ok(gold: dict, got: dict) -> tuple[bool | None, bool | None]:
    straight = (
        actor_ok(gold.get("source"), got.get("source")),
        actor_ok(gold.get("target"), got.get("target")),
    )
    if not gold.get("symmetric"):
        return straight
    swapped = (
        actor_ok(gold.get("source"), got.get("target")),
        actor_ok(gold.get("target"), got.get("source")),
    )
    return max(straight, swapped, key=lambda pair: sum(bool(x) for x in pair))


def date_ok(gold: dict, got: dict) -> bool:
    if gold.get("date"):
        size = PRECISION_LENGTH.get(gold.get("date_precision") or "", len(gold["date"]))
        value = got.get("date") or ""
        return len(value) >= size and value[:size] == gold["date"][:size]
    if gold.get("date_range"):
        lo, hi = gold["date_range"]
        value = got.get("date")
        return bool(value) and lo[: len(value)] <= value[: len(lo)] and value[: len(hi)] <= hi
    return got.get("date") is None


def status_ok(gold: dict, got: dict) -> bool:
    return got.get("status") in {gold.get("status"), gold.get("status_alt")} - {None}


def match(golds: list[dict], extracted: list[dict], same_type: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, gold items with the fewest candidates first; among
    candidates in one sentence, those whose trigger or reporting verb is inside the gold
    evidence come first (several claims or events often share a sentence)."""

    def closeness(gold: dict, item: dict) -> int:
        word = (item.get("trigger") or item.get("verb") or "").split(" ")[0].lower()
        return 0 if word and word in gold["evidence"].lower() else 1

    candidates = {
        g: sorted(
            (
                i
                for i, e in enumerate(extracted)
                if gold["evidence"] in e["sentence"]
                and (not same_type or e["type"] == gold["type"])
            ),
            key=lambda i, gold=gold: closeness(gold, extracted[i]),
        )
        for g, gold in enumerate(golds)
    }
    used: set[int] = set()
    pairs = []
    for g in sorted(candidates, key=lambda k: len(candidates[k])):
        free = [i for i in candidates[g] if i not in used]
        if free:
            used.add(free[0])
            pairs.append((g, free[0]))
    return pairs


def align(
    golds: list[dict], optional: list[dict], extracted: list[dict], same_type: bool
) -> tuple[list[tuple[int, int]], list[dict]]:
    """Matched (gold, extracted) index pairs, and the extracted items that are false
    positives: neither matched to gold nor to an optional gold item."""
    pairs = match(golds, extracted, same_type)
    matched = {i for _, i in pairs}
    rest = [e for i, e in enumerate(extracted) if i not in matched]
    borderline = {i for _, i in match(optional, rest, same_type)}
    return pairs, [e for j, e in enumerate(rest) if j not in borderline]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def published_ok(gold: dict, article: dict) -> bool:
    """Right at the precision the system claims, and at least as precise as inferable."""
    value, precision = article.get("published"), article.get("published_precision")
    if not value or precision not in PRECISION_LENGTH:
        return gold.get("published_inferable") is None
    size = PRECISION_LENGTH[precision]
    inferable = gold.get("published_inferable_precision")
    if inferable in PRECISION_LENGTH and PRECISION_LENGTH[inferable] > size:
        return False
    return value[:size] == (gold.get("published") or "")[:size]


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def add(self, name: str, ok: bool | None) -> None:
        if ok is None:
            return
        right, total = self.counts.setdefault(name, [0, 0])
        self.counts[name] = [right + bool(ok), total + 1]

    def rates(self) -> dict[str, dict[str, float]]:
        return {
            k: {"accuracy": round(r / t, 4) if t else 0.0, "n": t}
            for k, (r, t) in self.counts.items()
        }


def score(gold_path: Path, export: Path) -> dict[str, Any]:
    gold = json.loads(Path(gold_path).read_text("utf-8"))
    data = load_export(Path(export))
    tally = Tally()
    ev = [0, 0, 0]
    cl = [0, 0, 0]
    missing_articles = []
    misses: list[dict] = []
    false_positives: list[dict] = []
    argument_errors: list[dict] = []
    claim_errors: list[dict] = []
    for item in gold:
        article = find_article(data["articles"], item["file"])
        if article is None:
            missing_articles.append(item["file"])
            ev[2] += len(item.get("events", []))
            cl[2] += len(item.get("claims", []))
            continue
        aid = article["article_id"]
        text = article.get("text") or ""
        for line in item.get("boilerplate", []):
            tally.add("boilerplate_removed", line not in text)
        for g in item.get("events", []) + item.get("claims", []):
            tally.add("evidence_kept", g["evidence"] in text)
        if "published" in item:
            tally.add("published", published_ok(item, article))

        events = [e for e in data["events"] if e["article_id"] == aid]
        pairs, fp = align(item.get("events", []), item.get("optional_events", []), events, True)
        ev[0] += len(pairs)
        ev[1] += len(fp)
        ev[2] += len(item.get("events", [])) - len(pairs)
        for g, i in pairs:
            gold_event, got = item["events"][g], events[i]
            source, target = roles_ok(gold_event, got)
            tally.add("source_country", source)
            tally.add("target_country", target)
            if source is False or target is False:
                argument_errors.append(
                    {
                        "file": item["file"],
                        "type": gold_event["type"],
                        "evidence": gold_event["evidence"],
                        "gold": [_code(gold_event.get("source")), _code(gold_event.get("target"))],
                        "got": [_code(got.get("source")), _code(got.get("target"))],
                    }
                )
            tally.add("date", date_ok(gold_event, got))
            tally.add("status", status_ok(gold_event, got))
            tally.add("killed", got.get("killed") == gold_event.get("killed"))
            tally.add("injured", got.get("injured") == gold_event.get("injured"))
        hit = {g for g, _ in pairs}
        misses += [
            {"file": item["file"], "type": g["type"], "evidence": g["evidence"]}
            for k, g in enumerate(item.get("events", []))
            if k not in hit
        ]
        false_positives += [
            {
                "file": item["file"],
                "type": e["type"],
                "trigger": e.get("trigger"),
                "sentence": e["sentence"],
            }
            for e in fp
        ]

        claims = [c for c in data["claims"] if c["article_id"] == aid]
        cpairs, cfp = align(item.get("claims", []), item.get("optional_claims", []), claims, False)
        cl[0] += len(cpairs)
        cl[1] += len(cfp)
        cl[2] += len(item.get("claims", [])) - len(cpairs)
        for g, i in cpairs:
            gold_claim, got = item["claims"][g], claims[i]
            speaker = {
                "country": gold_claim.get("country"),
                "sector": None,
                "country_alt": gold_claim.get("country_alt", []),
            }
            speaker_ok = actor_ok(speaker, got.get("speaker"))
            tally.add("speaker_country", speaker_ok)
            tally.add("stance", got.get("stance") == gold_claim.get("stance"))
            if speaker_ok is False or got.get("stance") != gold_claim.get("stance"):
                claim_errors.append(
                    {
                        "file": item["file"],
                        "evidence": gold_claim["evidence"],
                        "gold": [
                            gold_claim.get("speaker"),
                            gold_claim.get("country"),
                            gold_claim.get("stance"),
                        ],
                        "got": [
                            got["speaker"].get("name"),
                            got["speaker"].get("country"),
                            got.get("stance"),
                            got.get("verb"),
                        ],
                    }
                )
    return {
        "gold": str(gold_path),
        "export": str(export),
        "articles": len(gold),
        "missing_articles": missing_articles,
        "events": prf(*ev),
        "claims": prf(*cl),
        "accuracy": tally.rates(),
        "missed_events": misses,
        "false_positive_events": false_positives,
        "argument_errors": argument_errors,
        "claim_errors": claim_errors,
    }


def _code(actor: dict | None) -> str | None:
    if not actor:
        return None
    return f"{actor.get('name')} = {actor.get('country')}/{actor.get('sector')}"

"""Score the corpus-level answers against a corpus gold file (`seeds-corpus.json`):
stories, same entities, same events and near-duplicates, each as pairwise merges.

Pairs: two gold items of one group that we put together are true merges; two items of
different groups that we put together are false merges. Entities: a gold variant in a
file maps to our canonical entities listing that spelling (case, "the" and curly quotes
aside) among those seen in that article; a cross-group pair counts as a false merge only
when both variants map to exactly one entity, the same one. Events: a gold member maps
to the events of its file whose sentence holds its evidence and whose type is its type.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def norm(text: str) -> str:
    text = text.replace("’", "'").strip().lower()
    return text[4:] if text.startswith("the ") else text


def pair_scores(groups: list[list[set[str]]]) -> dict:
    """`groups`: per gold group, per item, the set of our ids it maps to."""
    tp = fn = fp = 0
    for group in groups:
        for a, b in combinations(group, 2):
            if a & b:
                tp += 1
            else:
                fn += 1
    for g1, g2 in combinations(groups, 2):
        for a in g1:
            for b in g2:
                if len(a) == 1 and a == b:
                    fp += 1
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "true_merges": tp,
        "missed_merges": fn,
        "false_merges": fp,
    }


def file_ids(articles: list[dict]) -> dict[str, str]:
    return {Path(a["source_path"]).name: a["article_id"] for a in articles}


def score_corpus(gold_path: Path, export: Path) -> dict:
    gold = json.loads(Path(gold_path).read_text("utf-8"))
    articles = read_jsonl(export / "articles.jsonl")
    ids = file_ids(articles)
    by_id = {a["article_id"]: a for a in articles}
    result: dict = {
        "missing_articles": sorted(f for s in gold["stories"] for f in s if f not in ids)
    }

    story_groups = [[{by_id[ids[f]]["story_id"]} for f in s if f in ids] for s in gold["stories"]]
    result["stories"] = pair_scores(story_groups)

    entities = read_jsonl(export / "entities.jsonl")
    spelled: dict[tuple[str, str], set[str]] = {}
    for e in entities:
        for variant in e["variants"]:
            for aid in e["article_ids"]:
                spelled.setdefault((aid, norm(variant)), set()).add(e["entity_id"])
    entity_groups = []
    for detail in gold["same_entities_detail"]:
        items = []
        for m in detail["mentions"]:
            for v in m["variants"]:
                items.append(spelled.get((ids.get(m["file"], ""), norm(v)), set()))
        entity_groups.append(items)
    result["entities"] = pair_scores(entity_groups)

    events = read_jsonl(export / "events.jsonl")
    event_groups = []
    for group in gold["same_events"]:
        items = []
        for m in group["members"]:
            aid = ids.get(m["file"], "")
            items.append(
                {
                    e["fused_id"]
                    for e in events
                    if e["article_id"] == aid
                    and e["type"] == m["type"]
                    and m["evidence"] in e["sentence"]
                }
            )
        event_groups.append(items)
    result["events"] = pair_scores(event_groups)
    result["events"]["members_found"] = sum(bool(i) for g in event_groups for i in g)
    result["events"]["members"] = sum(len(g) for g in event_groups)

    found = {(a["article_id"], a["duplicate_of"]) for a in articles if a.get("duplicate_of")}
    wanted = {(ids.get(a, a), ids.get(b, b)) for a, b in gold.get("near_duplicates", [])}
    result["near_duplicates"] = {
        "found": len(found),
        "gold": len(wanted),
        "correct": len(found & wanted),
    }
    return result

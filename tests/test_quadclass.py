"""The shipped CAMEO pentaclass model: its test-split score and deterministic output."""

from __future__ import annotations

from importlib import resources

import pytest
from conftest import SHARED

from eventledger.extract import quadclass

SPLIT = SHARED / "eval-data" / "conflibert-cameo" / "cameo_class"
# bench/train_quadclass.py prints the model's test macro-F1 (0.7857; the target was 0.75,
# ConfliBERT reaches 0.86). The floor is that figure minus 0.015, so a changed model,
# tokeniser, spaCy parse or event extractor (the model reads the pipeline's event types)
# that costs more fails here: then retrain.
MIN_MACRO_F1 = 0.77


def read_split(name: str) -> tuple[list[str], list[int]]:
    rows = [line.rsplit("\t", 1) for line in (SPLIT / name).read_text("utf-8").splitlines()]
    return [s for s, _ in rows], [int(label) for _, label in rows]


def macro_f1(gold: list[int], pred: list[int]) -> float:
    scores = []
    for k in range(len(quadclass.LABELS)):
        tp = sum(g == k and p == k for g, p in zip(gold, pred, strict=True))
        fp = sum(g != k and p == k for g, p in zip(gold, pred, strict=True))
        fn = sum(g == k and p != k for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


@pytest.fixture(scope="module")
def test_split() -> tuple[list[str], list[int]]:
    if not (SPLIT / "test.tsv").exists():
        pytest.skip("shared eval data not present")
    return read_split("test.tsv")


def test_shipped_model_scores_on_test_split(test_split):
    sentences, gold = test_split
    out = quadclass.predict(sentences)
    assert len(out) == len(sentences)
    assert all(k in range(5) and 0.0 < p <= 1.0 for k, p in out)
    assert macro_f1(gold, [k for k, _ in out]) >= MIN_MACRO_F1


def test_predictions_are_deterministic(test_split):
    sentences = test_split[0][:60]
    events = quadclass.pipeline_events(sentences)
    first = quadclass.predict(sentences, events)
    assert quadclass.predict(sentences, events) == first
    assert quadclass.predict(list(reversed(sentences)), events[::-1]) == list(reversed(first))
    # A freshly loaded copy of the file gives the same answers as the cached one, and
    # letting the classifier extract the events itself gives the same as passing them.
    assert quadclass.load().predict(sentences[:20]) == first[:20]


def test_the_pipelines_event_types_inform_the_class():
    sentence = "The two governments signed an agreement on border security."
    events = quadclass.pipeline_events([sentence])
    assert quadclass.event_view(events[0]) == "AGREE"
    scores = quadclass.load().decision_function(quadclass.views([sentence], events))
    without = quadclass.load().decision_function(quadclass.views([sentence], [[]]))
    cooperation = quadclass.LABELS.index("verbal cooperation")
    assert scores[0, cooperation] > without[0, cooperation]


def test_model_is_small_and_pickle_free():
    path = resources.files("eventledger.data") / "models" / quadclass.MODEL_NAME
    assert len(path.read_bytes()) < 5_000_000
    model = quadclass.load()  # np.load(..., allow_pickle=False) inside
    assert model.coef.shape[0] == len(quadclass.LABELS)
    assert model.meta["sklearn"]
    assert quadclass.predict([]) == []

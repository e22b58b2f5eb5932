"""Train the CAMEO pentaclass sentence classifier shipped in eventledger/data/models.

    python bench/train_quadclass.py [--shared ../shared] [--out src/.../quadclass.npz] [--grid]

Data: ConfliBERT's CAMEO split (`eval-data/conflibert-cameo/cameo_class`, see SOURCE.txt
there): train 1,349 sentences, test 451, labels 0-4 (statement, verbal cooperation,
material cooperation, verbal conflict, material conflict).

Protocol: every choice (features, C, class weights, block weights, temperature) is made on
the train split only. The test split is read once, at the end, and scored with the model file
as written, reloaded through `eventledger.extract.quadclass`. `--grid` reprints the table the
configuration was chosen from, with three train-only estimates per row:

- `dev`: a fixed stratified quarter of train (seed 0) held out, the model fitted on the rest;
- `weekday`: train on the sentences without a weekday name, score the 267 with one
  (the older "said on Wednesday" wire style, a stand-in for a change of source);
- `topic`: 5-fold CV grouped by 25 k-means topic clusters (no topic in both train and test).

Plain random splits flatter: the first, text-only model (word 1-2 + char 3-6) had 0.87 CV and
0.65 on test; the test split has more old wire copy and other class shares (a third verbal
conflict). The weekday and topic splits are harder and ranked the rows differently.
Version 2 (masked lemmas + masked char + deps) scored 0.722 on test. Version 3 adds the
PLOVER types of the events eventledger's own pipeline extracts (binary, block weight 0.5):
mean of the three estimates 0.909 against 0.883, the largest gain in the table. Richer
event features (status, mode, actor sectors, top event; tried outside the table) scored
lower; rows within 0.005 of each other (weight 0.3, C=2) were taken as ties and the simpler
setting kept. It scored 0.786 on test. The model must now be retrained when the trigger
lexicons or event rules change much; the floor in tests/test_quadclass.py catches a drift.

Test looks: the first model and version 2 were each scored once on test (version 2 chosen on
train-only splits after the first score was seen); version 3 was chosen on the three splits
above and scored once.

Everything is seeded (LinearSVC random_state, fold seeds, k-means) and the model file is
written with fixed zip timestamps, so two runs write byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import spacy
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import (
    GroupKFold,
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from eventledger.extract import quadclass

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("eval-data") / "conflibert-cameo" / "cameo_class"
CV_SEEDS = (0, 1, 2)
FOLDS = 5
COLUMNS = quadclass.VIEWS
WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")

# Feature blocks: (view, tokeniser settings, min_df). Text-only baselines first.
TOKENS = r"\S+"
WORD12 = ("text", {"analyzer": "word", "ngram_range": [1, 2], "lowercase": True}, 2)
CHAR36 = ("text", {"analyzer": "char_wb", "ngram_range": [3, 6], "lowercase": True}, 2)
LEMMAS = (
    "lemmas",
    {"analyzer": "word", "ngram_range": [1, 2], "token_pattern": TOKENS, "lowercase": True},
    2,
)
MASKED = ("masked", {"analyzer": "char_wb", "ngram_range": [3, 6], "lowercase": True}, 2)
DEPS = (
    "deps",
    {"analyzer": "word", "ngram_range": [1, 1], "token_pattern": TOKENS, "lowercase": True},
    1,
)
# The pipeline's event types, binary (no min_df, no IDF), at this block weight.
EVENTS_WEIGHT = 0.5
EVENTS = ("events", {"analyzer": "word", "token_pattern": TOKENS, "lowercase": False})
# The shipped configuration.
BLOCKS = (LEMMAS, MASKED, DEPS)
C = 1.0


def read_split(path: Path) -> tuple[list[str], np.ndarray]:
    sentences, labels = [], []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            sentence, label = line.rsplit("\t", 1)
            sentences.append(sentence)
            labels.append(int(label))
    return sentences, np.array(labels)


def svm(c: float = C, weights: str | None = "balanced") -> LinearSVC:
    return LinearSVC(C=c, class_weight=weights, random_state=0, max_iter=10000)


def features(blocks, events: float = EVENTS_WEIGHT) -> ColumnTransformer:
    """TF-IDF blocks over the view columns, plus binary event types at weight `events`."""
    parts = []
    for n, (view, params, min_df) in enumerate(blocks):
        kw = {**params, "ngram_range": tuple(params["ngram_range"])}
        vec = TfidfVectorizer(sublinear_tf=True, min_df=min_df, dtype=np.float64, **kw)
        parts.append((f"b{n}", vec, COLUMNS.index(view)))
    if events:
        binary = CountVectorizer(binary=True, dtype=np.float64, **EVENTS[1])
        parts.append(("events", binary, COLUMNS.index(EVENTS[0])))
    return ColumnTransformer(parts, transformer_weights={"events": events} if events else None)


def table(sentences: list[str]) -> np.ndarray:
    """One row per sentence, one column per view (the pipeline's events extracted here)."""
    texts = quadclass.views(sentences)
    return np.array([texts[v] for v in quadclass.VIEWS], dtype=object).T


def iid_cv(pipe, rows, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Macro-F1 of pooled out-of-fold predictions per seed: mean, std, seed-0 predictions."""
    scores, first = [], None
    for seed in CV_SEEDS:
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        pred = cross_val_predict(pipe, rows, y, cv=folds)
        scores.append(f1_score(y, pred, average="macro"))
        first = pred if first is None else first
    return float(np.mean(scores)), float(np.std(scores)), first


def grid(sentences: list[str], y: np.ndarray) -> None:
    dev = np.zeros(len(y), dtype=bool)
    dev[train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)[1]] = True
    weekday = np.array([bool(WEEKDAY.search(s)) for s in sentences])
    topic_vectors = TfidfVectorizer(min_df=2, stop_words="english").fit_transform(sentences)
    topics = KMeans(25, random_state=0, n_init=4).fit_predict(topic_vectors)
    t0 = time.perf_counter()
    rows = table(sentences)
    print(f"views and pipeline events, {len(sentences)} sentences: {time.perf_counter() - t0:.0f}s")
    head = "configuration (train only; macro-F1)"
    print(f"\n{head:56s} {'dev':>6s} {'weekday':>8s} {'topic':>6s} {'mean':>6s}")
    text = (WORD12, CHAR36)

    def lr(c):
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)

    configs = [
        ("text word 1-2 + char 3-6 (first model)", text, svm(), 0),
        ("text word 1-2 + char 3-6 + event types", text, svm(), EVENTS_WEIGHT),
        ("masked lemmas + masked char + deps  [version 2]", BLOCKS, svm(), 0),
        ("masked lemmas + masked char + deps, LR C=30", BLOCKS, lr(30), 0),
        ("version 2 + event types, weight 0.3", BLOCKS, svm(), 0.3),
        ("version 2 + event types, weight 0.5  [shipped]", BLOCKS, svm(), EVENTS_WEIGHT),
        ("version 2 + event types, weight 1.0", BLOCKS, svm(), 1.0),
        ("version 2 + event types, SVM C=0.5", BLOCKS, svm(0.5), EVENTS_WEIGHT),
        ("version 2 + event types, SVM C=2", BLOCKS, svm(2.0), EVENTS_WEIGHT),
        ("version 2 + event types + text word 1-2", (*BLOCKS, WORD12), svm(), EVENTS_WEIGHT),
    ]
    for name, blocks, clf, events in configs:
        pipe = make_pipeline(features(blocks, events), clf)
        pipe.fit(rows[~dev], y[~dev])
        held = f1_score(y[dev], pipe.predict(rows[dev]), average="macro")
        pipe.fit(rows[~weekday], y[~weekday])
        shifted = f1_score(y[weekday], pipe.predict(rows[weekday]), average="macro")
        pred = cross_val_predict(pipe, rows, y, cv=GroupKFold(FOLDS), groups=topics)
        topic = f1_score(y, pred, average="macro")
        mean = (held + shifted + topic) / 3
        print(f"{name:56s} {held:6.4f} {shifted:8.4f} {topic:6.4f} {mean:6.4f}", flush=True)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Softmax temperature minimising log loss of out-of-fold SVM scores."""

    def nll(log_t: float) -> float:
        return -float(log_softmax(scores / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean())

    best = minimize_scalar(nll, bounds=(-5.0, 5.0), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(best.x))


def export(pipe, temperature: float, meta: dict, out: Path) -> None:
    union, clf = pipe[0], pipe[-1]
    blocks = []
    for n, (view, params, _) in enumerate(BLOCKS):
        vec = union.named_transformers_[f"b{n}"]
        blocks.append(quadclass.Block(view, params, _vocabulary(vec), vec.idf_))
    vec = union.named_transformers_["events"]
    view, params = EVENTS
    blocks.append(quadclass.Block(view, params, _vocabulary(vec), None, EVENTS_WEIGHT))
    quadclass.save(out, blocks, clf.coef_, clf.intercept_, temperature, meta)


def _vocabulary(vec) -> list[str]:
    """Terms in column order."""
    vocabulary = [""] * len(vec.vocabulary_)
    for term, index in vec.vocabulary_.items():
        vocabulary[index] = term
    return vocabulary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "src/eventledger/data/models" / quadclass.MODEL_NAME
    )
    parser.add_argument("--grid", action="store_true", help="print the model-selection table")
    args = parser.parse_args()

    train_x, train_y = read_split(args.shared / DATA / "train.tsv")
    nlp = quadclass._nlp()
    spacy_model = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
    print(f"scikit-learn {sklearn.__version__}, spaCy {spacy.__version__} ({spacy_model})")
    print(f"train: {len(train_x)} sentences")
    if args.grid:
        grid(train_x, train_y)

    rows = table(train_x)
    pipe = make_pipeline(features(BLOCKS), svm())
    mean, std, oof = iid_cv(pipe, rows, train_y)
    print(f"\nCV macro-F1 (train, {FOLDS}-fold x {len(CV_SEEDS)} seeds): {mean:.4f} ± {std:.4f}")
    print(classification_report(train_y, oof, target_names=quadclass.LABELS, digits=3))

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    oof_scores = cross_val_predict(pipe, rows, train_y, cv=folds, method="decision_function")
    temperature = fit_temperature(oof_scores, train_y)
    print(f"softmax temperature (out-of-fold log loss): {temperature:.4f}")

    pipe.fit(rows, train_y)
    meta = {
        "trained_on": str(DATA / "train.tsv"),
        "sklearn": sklearn.__version__,
        "spacy": spacy.__version__,
        "spacy_model": spacy_model,
        "features": "tfidf sublinear, l2 per block: masked lemmas 1-2, masked char_wb 3-6, deps;"
        f" binary pipeline event types x {EVENTS_WEIGHT}",
        "classifier": f"LinearSVC C={C} class_weight=balanced random_state=0",
        "cv_macro_f1": round(mean, 4),
    }
    export(pipe, temperature, meta, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, sha256 {digest})")

    model = quadclass.load(args.out)
    texts = {v: list(rows[:, i]) for i, v in enumerate(quadclass.VIEWS)}
    agree = np.mean(model.decision_function(texts).argmax(axis=1) == pipe.predict(rows))
    print(f"exported model vs fitted pipeline on train: {agree:.4%} same class")

    test_x, test_y = read_split(args.shared / DATA / "test.tsv")
    t0 = time.perf_counter()
    model = quadclass.load(args.out)
    t1 = time.perf_counter()
    pred = np.array([k for k, _ in model.predict(test_x)])
    t2 = time.perf_counter()
    test_f1 = f1_score(test_y, pred, average="macro")
    print(f"\nTEST macro-F1 ({len(test_x)} sentences): {test_f1:.4f}")
    print(f"load {t1 - t0:.2f}s, predict {len(test_x)} sentences {t2 - t1:.2f}s (spaCy loaded)")
    print(classification_report(test_y, pred, target_names=quadclass.LABELS, digits=3))
    print("confusion matrix (rows gold, columns predicted):")
    print(confusion_matrix(test_y, pred))
    return 0


if __name__ == "__main__":
    sys.exit(main())

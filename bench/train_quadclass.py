"""Train the CAMEO pentaclass sentence classifier shipped in eventledger/data/models.

    python bench/train_quadclass.py [--shared ../shared] [--out src/.../quadclass.npz] [--grid]

Data: ConfliBERT's CAMEO split (`eval-data/conflibert-cameo/cameo_class`, see SOURCE.txt
there): train 1,349 sentences, test 451, labels 0-4 (statement, verbal cooperation,
material cooperation, verbal conflict, material conflict).

Protocol: every choice (features, C, class weights, temperature) is made on the train split
only. The test split is read once, at the end, and scored with the model file as written,
reloaded through `eventledger.extract.quadclass`. `--grid` reprints the table the
configuration was chosen from, with three train-only estimates per row:

- `iid`: 5-fold stratified CV repeated with seeds 0, 1, 2 (macro-F1 of the pooled
  out-of-fold predictions, mean over the seeds);
- `weekday`: train on the sentences without a weekday name, score the 267 with one
  (the older "said on Wednesday" wire style, a stand-in for a change of source);
- `topic`: 5-fold CV grouped by 25 k-means topic clusters (no topic in both train and test).

Plain random CV flatters: the first, text-only model (word 1-2 + char 3-6) had 0.87 CV and
0.65 on test; the test split has more old wire copy and other class shares (a third verbal
conflict). The weekday and topic splits are harder and ranked the rows differently. Among the rows
that do not use the event rules, the shipped configuration is the best on the topic split
and within about 0.01 of the best on the other two; it scored 0.72 on test. Rule event
types added 0.02 on the topic split only; they were left out so that the model need not be
retrained whenever the rules change. The test split has thus been scored twice: the shipped
configuration was chosen, on train-only splits, after the first model's test score was seen.

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
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from eventledger.extract import quadclass

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("eval-data") / "conflibert-cameo" / "cameo_class"
CV_SEEDS = (0, 1, 2)
FOLDS = 5
COLUMNS = (*quadclass.VIEWS, "rules")
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


def features(blocks, rules: float = 0.0) -> ColumnTransformer:
    """TF-IDF blocks over the view columns (+ optional rule event-type indicators)."""
    parts = []
    for n, (view, params, min_df) in enumerate(blocks):
        kw = {**params, "ngram_range": tuple(params["ngram_range"])}
        vec = TfidfVectorizer(sublinear_tf=True, min_df=min_df, dtype=np.float64, **kw)
        parts.append((f"b{n}", vec, COLUMNS.index(view)))
    if rules:
        binary = CountVectorizer(binary=True, lowercase=False, token_pattern=TOKENS)
        parts.append(("rules", binary, COLUMNS.index("rules")))
    return ColumnTransformer(parts, transformer_weights={"rules": rules} if rules else None)


def table(sentences: list[str], rules: bool = False) -> np.ndarray:
    """One row per sentence, one column per view (and the rule event types if asked)."""
    texts = quadclass.views(sentences)
    kinds = rule_types(sentences) if rules else [""] * len(sentences)
    return np.array([*(texts[v] for v in quadclass.VIEWS), kinds], dtype=object).T


def rule_types(sentences: list[str]) -> list[str]:
    """PLOVER types eventledger's rule extractor finds in each sentence, space-separated."""
    from eventledger.api import process
    from eventledger.ingest.readers import content_id

    # A trailing newline makes `process` treat every item as text: a long one-line string
    # is otherwise probed as a file path (and raises OSError "File name too long").
    texts = [s + "\n" for s in sentences]
    types: dict[str, set[str]] = {}
    for event in process(texts).events:
        types.setdefault(event.article_id, set()).add(event.type)
    return [" ".join(sorted(types.get(content_id(t.encode()), ()))) for t in texts]


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
    weekday = np.array([bool(WEEKDAY.search(s)) for s in sentences])
    topic_vectors = TfidfVectorizer(min_df=2, stop_words="english").fit_transform(sentences)
    topics = KMeans(25, random_state=0, n_init=4).fit_predict(topic_vectors)
    t0 = time.perf_counter()
    rows = table(sentences, rules=True)
    print(f"views + rule types for {len(sentences)} sentences: {time.perf_counter() - t0:.1f}s")
    head = "configuration (train only; macro-F1)"
    print(f"\n{head:56s} {'iid':>13s} {'weekday':>8s} {'topic':>6s}")
    char25 = ("text", {**CHAR36[1], "ngram_range": [2, 5]}, 1)
    word12_1 = (*WORD12[:2], 1)

    def lr(c):
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)

    configs = [
        ("text word 1-2 (min_df 1) + char 2-5, LR C=10", (word12_1, char25), lr(10), 0),
        ("text word 1-2 (min_df 1) + char 2-5, SVM C=1", (word12_1, char25), svm(), 0),
        ("text word 1-2", (WORD12,), svm(), 0),
        ("text word 1-2 + char 3-6 (first model)", (WORD12, CHAR36), svm(), 0),
        ("text word 1-2 + char 3-6 + rule types", (WORD12, CHAR36), svm(), 0.5),
        ("text word 1-2 + char 3-6 + deps", (WORD12, CHAR36, DEPS), svm(), 0),
        ("deps only", (DEPS,), svm(), 0),
        ("masked lemmas 1-2", (LEMMAS,), svm(), 0),
        ("masked lemmas + masked char 3-6", (LEMMAS, MASKED), svm(), 0),
        ("masked lemmas + deps", (LEMMAS, DEPS), svm(), 0),
        ("masked lemmas + masked char + deps, SVM C=0.3", BLOCKS, svm(0.3), 0),
        ("masked lemmas + masked char + deps  [shipped]", BLOCKS, svm(), 0),
        ("masked lemmas + masked char + deps, SVM C=3", BLOCKS, svm(3.0), 0),
        ("masked lemmas + masked char + deps, no class weights", BLOCKS, svm(weights=None), 0),
        ("masked lemmas + masked char + deps, LR C=30", BLOCKS, lr(30), 0),
        ("masked lemmas + masked char + deps + rule types", BLOCKS, svm(), 0.5),
    ]
    for name, blocks, clf, rules in configs:
        pipe = make_pipeline(features(blocks, rules), clf)
        mean, std, _ = iid_cv(pipe, rows, y)
        pipe.fit(rows[~weekday], y[~weekday])
        shifted = f1_score(y[weekday], pipe.predict(rows[weekday]), average="macro")
        pred = cross_val_predict(pipe, rows, y, cv=GroupKFold(FOLDS), groups=topics)
        topic = f1_score(y, pred, average="macro")
        print(f"{name:56s} {mean:.4f}±{std:.4f} {shifted:8.4f} {topic:6.4f}", flush=True)


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
        vocabulary = [""] * len(vec.vocabulary_)
        for term, index in vec.vocabulary_.items():
            vocabulary[index] = term
        blocks.append(quadclass.Block(view, params, vocabulary, vec.idf_))
    quadclass.save(out, blocks, clf.coef_, clf.intercept_, temperature, meta)


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
        "features": "tfidf sublinear, l2 per block: masked lemmas 1-2, masked char_wb 3-6, deps",
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

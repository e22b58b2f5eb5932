"""PolNeAR attribution suite: how well `extract.claims.find_frames` finds who said what.

Data: `eval-data/polnear/{split}/text/*.txt` and BRAT standoff `attributions/*.ann`
(Newell et al., LREC 2018). An article annotated by several annotators is scored against
one annotation: the first `.ann` file in name order. Gold attributions whose cue or
content is missing are left out (a handful of unfinished annotations).

Matching, in the spirit of the PARC 3.0 / PolNeAR overlap scores: a predicted attribution
matches a gold one when

- their cue spans share at least one character,
- their content spans share at least one character (a content may be several pieces), and
- their source spans share at least one character; a gold attribution without a source
  (PolNeAR's "Attribution-no-source") does not score the source.

Each gold attribution matches at most one prediction and the reverse, greedily in text
order. Attribution F1 is over matched pairs: precision = matched / predicted, recall =
matched / gold. Cue F1 (cue overlap alone) and cue+content F1 are reported beside it.

Three systems are scored: `rules` (the reporting verbs of `data/reporting.tsv`, exactly
what the pipeline's claims use), `lexicon` (the same rules plus the cue words learned
from the train split, `data/models/attribution_cues.tsv`; PolNeAR also counts beliefs and
intentions, "thinks", "wants", as attributions) and `crf` (cues tagged by a CRF over
parse, lexicon and quote features, `data/models/attribution_cues.crfsuite`; its source
and content come from the same parse rules). Both models are built by
`bench/train_attribution.py` from the train split and chosen on dev. The suite's metric
is the `crf` figure (the best on dev).

The CRF is decoded as `data/models/attribution_cues.json` says (written by the same
script): a token is a cue when its cue marginal reaches `threshold` (Viterbi when null),
which trades some precision for the recall Viterbi left out. Around a tagged cue the
suite adds what PolNeAR annotates and the pipeline's claims need not: feelings and
intentions ("were frustrated that", "are afraid that"), the subject of a passive cue,
a participle's noun, a cue alone in its sentence speaking of the neighbouring one, and
PolNeAR's one role per token (a cue inside another attribution's content is dropped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pycrfsuite
from spacy.tokens import Doc, Token

from eventledger.extract.claims import (
    QUOTE_MARKS,
    CueRule,
    Frame,
    find_frames,
    quote_regions,
    reporting_cue,
)
from eventledger.extract.parse_helpers import child, reporting_match, subject
from eventledger.nlp.model import load_nlp
from eventledger.resolve.actors import phrase

FLOOR = 0.75
DIR = Path("eval-data/polnear")
Spans = list[tuple[int, int]]


@dataclass
class Attribution:
    cue: Spans
    source: Spans
    content: Spans
    stance: str = ""


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    def f1(self, level: str) -> dict[str, float]:
        tp = self.matched[level]
        p = tp / self.predicted if self.predicted else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


LEVELS = ("cue", "cue+content", "attribution")


def _spans(field_text: str) -> Spans:
    """ "Content 120 150;160 200" -> [(120, 150), (160, 200)]."""
    pieces = field_text.split(" ", 1)[1]
    return [(int(a), int(b)) for a, b in (p.split() for p in pieces.split(";"))]


def read_ann(path: Path) -> list[Attribution]:
    spans: dict[str, Spans] = {}
    relations = []
    for line in path.read_text("utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("T") and len(cells) >= 2:
            spans[cells[0]] = _spans(cells[1])
        elif line.startswith("E") and len(cells) >= 2:
            relations.append(dict(part.split(":", 1) for part in cells[1].split()[1:]))
    out = []
    for roles in relations:
        cue, content = spans.get(roles.get("Cue", "")), spans.get(roles.get("Content", ""))
        if cue and content:
            out.append(Attribution(cue, spans.get(roles.get("Source", ""), []), content))
    return out


def articles(shared: Path, split: str) -> list[tuple[str, list[Attribution]]]:
    """(text, gold attributions) per article of the split, first annotator's file."""
    root = Path(shared) / DIR / split
    out = []
    for text_path in sorted((root / "text").glob("*.txt")):
        anns = sorted((root / "attributions").glob(text_path.stem + "_*.ann"))
        if anns:
            out.append((text_path.read_text("utf-8"), read_ann(anns[0])))
    return out


@cache
def learned_cues() -> dict[str, str]:
    """Cue word forms learned from the train split: word -> stance."""
    path = resources.files("eventledger.data").joinpath("models/attribution_cues.tsv")
    if not path.is_file():
        return {}
    rows = [ln.split("\t") for ln in path.read_text("utf-8").splitlines()]
    return {r[0]: r[1].strip() for r in rows if len(r) > 1 and not r[0].startswith("#")}


def lexicon_cue(cues: dict[str, str]) -> CueRule:
    """The reporting verbs, plus verbs whose word form is a learned cue."""

    def rule(token: Token) -> tuple[str, str] | None:
        found = reporting_cue(token)
        if found is None and token.pos_ == "VERB" and token.lower_ in cues:
            found = (token.lemma_.lower(), cues[token.lower_])
        return found

    return rule


def cue_features(doc: Doc, cues: dict[str, str]) -> list[list[dict]]:
    """CRF features per token, one sequence per sentence: the word and its lemma with
    their parse roles, the parse neighbourhood (what hangs on it, what kind of subject,
    which preposition: "questions about", "support for"), lexicon hits, quote state (inside
    a quote, a mark or colon next to it) and where the sentence sits in its paragraph."""
    quoted = {i for start, end in quote_regions(doc) for i in range(start, end)}
    out = []
    paragraph_sentence = 0
    for sent in doc.sents:
        opens = sent.start == 0 or "\n" in doc[sent.start - 1].text or doc[sent.start].is_space
        paragraph_sentence = 0 if opens else paragraph_sentence + 1
        rows = []
        for t in sent:
            lemma = t.lemma_.lower()
            f = {
                "lower": t.lower_,
                "lemma": lemma,
                "lemma_dep": lemma + "|" + t.dep_,
                "suffix": t.lower_[-3:],
                "pos": t.pos_,
                "tag": t.tag_,
                "dep": t.dep_,
                "head": t.head.lemma_.lower(),
                "head_pos": t.head.pos_,
                "head_dep": t.dep_ + ">" + t.head.pos_,
                "head_lemma_dep": t.head.lemma_.lower() + "|" + t.dep_,
                "quoted": float(t.i in quoted),
                "reporting": float(reporting_cue(t) is not None),
                "head_reporting": float(reporting_cue(t.head) is not None),
                "learned": float(t.lower_ in cues),
                "ent": t.ent_type_,
                "paragraph_sentence": str(min(paragraph_sentence, 3)),
                "sentence_start": float(t.i == sent.start),
            }
            for c in t.children:
                f["child=" + c.dep_] = 1.0
                if c.dep_ in ("nsubj", "nsubjpass"):
                    f["subject"] = c.ent_type_ or c.pos_
                    f["subject_lemma"] = c.lemma_.lower() if c.pos_ == "PRON" else c.pos_
                if c.dep_ == "mark":
                    f["mark"] = c.lower_
                if c.dep_ in ("prep", "agent"):
                    f["prep=" + c.lower_] = 1.0
                if c.dep_ in ("ccomp", "xcomp") and c.i in quoted:
                    f["quoted_complement"] = 1.0
            for offset in (-2, -1, 1, 2):
                j = t.i + offset
                if sent.start <= j < sent.end:
                    f[f"{offset}:lower"] = doc[j].lower_
                    f[f"{offset}:pos"] = doc[j].pos_
            near = doc[max(t.i - 3, 0) : t.i + 4]
            f["quote_mark_near"] = float(any(n.text in QUOTE_MARKS for n in near))
            f["colon_next"] = float(t.i + 1 < len(doc) and doc[t.i + 1].text == ":")
            rows.append(f)
        out.append(rows)
    return out


@cache
def tagger() -> pycrfsuite.Tagger | None:
    path = resources.files("eventledger.data").joinpath("models/attribution_cues.crfsuite")
    if not path.is_file():
        return None
    found = pycrfsuite.Tagger()
    found.open(str(path))
    return found


@cache
def settings() -> dict:
    """How the shipped CRF was chosen and is decoded (`attribution_cues.json`, written by
    `bench/train_attribution.py`): `threshold` on a token's cue marginal, null for Viterbi."""
    path = resources.files("eventledger.data").joinpath("models/attribution_cues.json")
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def crf_tags(
    doc: Doc, model: pycrfsuite.Tagger, cues: dict[str, str], threshold: float | None = None
) -> set[int]:
    """Indices of the tokens the CRF tags as part of a cue: the Viterbi labels, or with a
    threshold every token whose cue marginal reaches it (recall was the CRF's weak side)."""
    tagged = set()
    for sent, rows in zip(doc.sents, cue_features(doc, cues), strict=True):
        labels = model.tag(rows)
        if threshold is None:
            tagged |= {t.i for t, label in zip(sent, labels, strict=True) if label == "C"}
        else:
            tagged |= {t.i for k, t in enumerate(sent) if model.marginal("C", k) >= threshold}
    return tagged


def crf_cue(tagged: set[int]) -> CueRule:
    """Cues where the CRF tags a verb (or a noun heading a tagged phrase)."""

    def rule(token: Token) -> tuple[str, str] | None:
        if token.i not in tagged or token.lower_ == "according":
            return None
        if token.pos_ == "ADJ" and token.dep_ == "acomp":  # "were afraid that ..."
            return token.lemma_.lower(), "other"
        if token.pos_ not in ("VERB", "NOUN") or token.head.i in tagged and token.pos_ != "VERB":
            return None
        found = reporting_match(token)
        return found or (token.lemma_.lower(), "other")

    return rule


def predicted(
    doc: Doc, cue_rule: CueRule = reporting_cue, tagged: set[int] | frozenset = frozenset()
) -> list[Attribution]:
    """Attributions of the doc; with CRF tags, a cue phrase ("took offense at") is the
    tagged run from the cue on, and its content leaves the run out (or, when nothing else
    is left, is what hangs on the run to its right)."""
    out = []
    for frame in find_frames(doc, cue_rule):
        cue, content = _cue_spans(frame), _content(frame)
        end = frame.cue.i + 1
        while end in tagged:
            end += 1
        if end > frame.cue.i + 1:
            run = range(frame.cue.i, end)
            right = {
                i
                for t in doc[frame.cue.i : end]
                for c in t.children
                if c.i >= end and c.dep_ not in ("punct", "cc", "conj")
                for i in _subtree_of(c)
            }
            quoted = {i for s, e in frame.quotes for i in range(s, e)}
            frame.content = (frame.content - set(run)) or right | quoted
            cue, content = (
                [(doc[frame.cue.i].idx, doc[end - 1].idx + len(doc[end - 1]))],
                (_content(frame)),
            )
        pinned = _pinned_content(frame, end)
        if pinned or not content:
            frame.content = pinned or _fallback_content(frame, end)
            content = _content(frame)
        out.append((frame, Attribution(cue, _source_spans(frame), content)))
    return _univocal(out)


def _univocal(found: list[tuple[Frame, Attribution]]) -> list[Attribution]:
    """PolNeAR gives each token one role, so a cue inside another attribution's content
    is part of what was said, not an attribution of its own."""
    kept: list[tuple[Frame, Attribution]] = []
    for frame, attribution in sorted(found, key=lambda pair: -len(pair[0].content)):
        if not any(frame.cue.i in outer.content for outer, _ in kept):
            kept.append((frame, attribution))
    return [attribution for frame, attribution in sorted(kept, key=lambda p: p[0].cue.i)]


def _pinned_content(frame: Frame, end: int) -> set[int]:
    """What was said when the parse names it outside the complement: the subject of a
    passive cue with an agent ("his views were echoed by experts"), the "as" of a verdict
    ("derided the deal as toothless"), or the relative pronoun a cue takes as object
    ("what he always knew", "which he pointed to as ...") with whatever hangs on the cue
    phrase to its right."""
    cue = frame.cue
    passive = child(cue, "nsubjpass")
    if passive is not None and child(cue, "agent") is not None:
        return _subtree_of(passive)
    as_ = next((c for c in cue.rights if c.dep_ == "prep" and c.lower_ == "as"), None)
    if as_ is not None and child(cue, "dobj") is not None:  # "derided the deal as toothless"
        return _subtree_of(as_)
    relative = next(
        (
            c
            for t in cue.doc[cue.i : end]
            for c in t.children
            if c.dep_ in ("dobj", "pobj")
            and (c.tag_ in ("WP", "WDT") or c.lower_ == "that")
            and c.i < cue.i
        ),
        None,
    )
    if relative is None:
        return set()
    rest = {
        i
        for c in cue.children
        if c.i >= end and c.dep_ not in ("punct", "cc", "conj", "advcl", "npadvmod")
        for i in _subtree_of(c)
    }
    return {relative.i} | rest


def _fallback_content(frame: Frame, end: int) -> set[int]:
    """PolNeAR pairs every cue with a content. When the parse gives none: the subject of
    a passive cue ("the talks are supported by X"), else what hangs on the cue to the
    right of the cue phrase ("said as much", "prefer Gary Johnson")."""
    cue = frame.cue
    passive = child(cue, "nsubjpass")
    if passive is not None:
        return _subtree_of(passive)
    source = _subtree_of(frame.source) if frame.source is not None else set()
    right = {
        i
        for c in cue.children
        if c.i >= end and c.dep_ not in ("punct", "cc", "conj", "advcl", "npadvmod")
        for i in _subtree_of(c)
    } - source
    return right or _neighbour_sentence(frame, end, source)


def _neighbour_sentence(frame: Frame, end: int, source: set[int]) -> set[int]:
    """A cue whose sentence holds nothing else speaks of a neighbour: "X added:" the next
    sentence, "“...” | Trump said." the previous one."""
    sent, doc = frame.cue.sent, frame.cue.doc
    words = [t for t in sent if not (t.is_space or t.is_punct)]
    if any(t.i not in source and not frame.cue.i <= t.i < end for t in words):
        return set()
    after = [t for t in doc[end : sent.end] if not t.is_space]
    if after and after[0].text == ":" and sent.end < len(doc):
        return {t.i for t in doc[sent.end].sent if not t.is_space}
    if sent.start > 0:
        return {t.i for t in doc[sent.start - 1].sent if not t.is_space}
    return set()


def _subtree_of(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def _cue_spans(frame: Frame) -> Spans:
    words = len(frame.verb.split())
    cue = frame.cue
    last = cue.doc[min(cue.i + words, len(cue.doc)) - 1]
    return [(cue.idx, last.idx + len(last))]


def _source_spans(frame: Frame) -> Spans:
    """The source phrase; PolNeAR marks a relative pronoun ("who said") where claims take
    its antecedent."""
    source = frame.source or _missing_source(frame)
    if source is None:
        return []
    relative = next(
        (c for c in frame.cue.children if c.tag_ in ("WP", "WDT") and c.dep_ == "nsubj"), None
    )
    span = phrase(relative or source)
    return [(span.start_char, span.end_char)]


def _missing_source(frame: Frame) -> Token | None:
    """A source the cue's subject does not give. PolNeAR counts feelings as attributions,
    so a passive cue's subject holds them ("protesters were frustrated that ..."); a
    participle has no subject of its own: "a tweet attacking X" is the tweet's, "despite
    admitting that ..." is said by the subject of the clause it hangs on."""
    cue = frame.cue
    passive = child(cue, "nsubjpass")
    if passive is not None and passive.i not in frame.content and child(cue, "agent") is None:
        return passive
    if cue.dep_ == "acomp":
        return subject(cue.head)
    if cue.tag_ not in ("VBG", "VBN") or cue.dep_ not in ("acl", "pcomp"):
        return None
    if cue.dep_ == "acl":
        return cue.head if cue.tag_ == "VBG" and cue.head.pos_ in ("NOUN", "PROPN") else None
    return subject(cue.head.head)


def _content(frame: Frame) -> Spans:
    doc = frame.cue.doc
    return [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in frame.content_spans()]


def overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def level_match(gold: Attribution, got: Attribution, level: str) -> bool:
    if not overlaps(gold.cue, got.cue):
        return False
    if level == "cue":
        return True
    if not overlaps(gold.content, got.content):
        return False
    return level == "cue+content" or not gold.source or overlaps(gold.source, got.source)


def score(pairs: list[tuple[list[Attribution], list[Attribution]]]) -> Tally:
    tally = Tally()
    for golds, preds in pairs:
        tally.gold += len(golds)
        tally.predicted += len(preds)
        for level in LEVELS:
            used: set[int] = set()
            for gold in golds:
                hit = next(
                    (
                        i
                        for i, p in enumerate(preds)
                        if i not in used and level_match(gold, p, level)
                    ),
                    None,
                )
                if hit is not None:
                    used.add(hit)
            tally.matched[level] += len(used)
    return tally


def evaluate(shared: Path, split: str = "test") -> dict:
    data = articles(shared, split)
    docs = list(load_nlp().pipe((text for text, _ in data), batch_size=8))
    cues = learned_cues()
    systems = {
        "rules": lambda doc: (reporting_cue, frozenset()),
        "lexicon": lambda doc: (lexicon_cue(cues), frozenset()),
    }
    if tagger() is not None:
        threshold = settings().get("threshold")
        systems["crf"] = lambda doc: (
            crf_cue(tags := crf_tags(doc, tagger(), cues, threshold)),
            tags,
        )
    result: dict = {"split": split, "articles": len(data)}
    for name, system in systems.items():
        pairs = [
            (gold, predicted(doc, *system(doc))) for (_, gold), doc in zip(data, docs, strict=True)
        ]
        tally = score(pairs)
        result[name] = {level: tally.f1(level) for level in LEVELS}
        result["gold"], result[f"{name}_predicted"] = tally.gold, tally.predicted
    return result


def run_polnear(shared: Path) -> dict:
    if not (Path(shared) / DIR / "test").is_dir():
        raise FileNotFoundError(f"no {DIR}/test under {shared}")
    result = evaluate(shared, "test")
    best = "crf" if "crf" in result else "lexicon"  # the CRF was best on dev
    value = result[best]["attribution"]["f1"]
    return {
        "suite": "polnear",
        "metric": "attribution_f1",
        "attribution_f1": value,
        "system": best,
        "floor": FLOOR,
        "n": result["gold"],
        **result,
    }

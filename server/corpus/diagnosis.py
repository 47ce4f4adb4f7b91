"""Retrieval diagnosis: which of the three RAG fixes an information failure needs, decided per case.

For an information-labelled case, `Analyzer.analyze` looks the reference's fact up in the case's corpus
(query: question + reference; with no reference, the question alone) and decides:

- `context_ignored` (behavior): the reference is in the context the model was shown and the output lacks it;
- `retrieval_miss`: a corpus passage holds the fact but it was not in the context (ranks for the question
  alone, by BM25, embeddings and hybrid, go into the evidence);
- `outdated_knowledge`: a dated passage states what the output says and is older than the passage holding
  the fact (or is the only passage on it): the knowledge base holds a stale version;
- `corpus_gap`: no passage holds the fact.

"Holds the fact" (`_support`): all (or, for a multi-word reference, two thirds) of the reference's content
words are in the passage, and `cosine(passage, question + reference) + 0.6 * question-word coverage >= 0.65`.
A yes/no reference names no fact to find, so relevance alone decides, at a stricter bar. The thresholds were
chosen on the shared data's information cases (see bench/retrieval_diagnosis.py); gold passage ids are never
an input here. Outdated needs dates: without `updated_at` on the documents formfact never says a passage is
stale, because it cannot tell the older of two versions.

`RetrievalRefiner` wraps the analyzer as a pipeline refiner that rewrites label, subtypes, route, action and
evidence coherently.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Callable

from classifiers.records import INFORMATION_SUBTYPES, Diagnosis, Evidence, FailureRecord, route_for
from classifiers.retrieval import Embedder, tokenize
from server.corpus.index import Corpora, CorpusIndex
from server.corpus.models import Finding, Passage

log = logging.getLogger(__name__)

_WORDS = re.compile(r"\w+")
# Subtypes this refiner decides; an engine's guess among them is replaced, other subtypes are kept.
_RETRIEVAL_SUBTYPES = ("retrieval_miss", "corpus_gap", "outdated_knowledge", "missing_knowledge")
# A yes/no answer names no fact a passage could contain; relevance alone decides for it.
_POLAR = frozenset({"yes", "true", "false", "correct", "incorrect"})


@dataclass(frozen=True)
class AnalyzerOptions:
    candidates: int = 30
    """Passages (hybrid, question + reference) examined for the fact."""
    depth: int = 10
    """How deep the per-retriever ranks of the fact passage are reported (0 = not in the top `depth`)."""
    min_ref_coverage: float = 2 / 3
    """Share of a multi-word reference's content words a passage must contain (one-word: all)."""
    relevance: float = 0.65
    """Bar for cosine(passage, question + reference) + question_weight * question-word coverage."""
    question_weight: float = 0.6
    no_reference_margin: float = 0.15
    """Extra relevance required when the reference has no content words (yes/no) or is absent."""


def _norm(text: str) -> str:
    return " " + " ".join(_WORDS.findall(text.lower())) + " "


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word, case- and punctuation-insensitive containment."""
    n = _norm(needle)
    return n.strip() != "" and n in _norm(haystack)


class Analyzer:
    """Decides the retrieval subtype of one case against one corpus."""

    def __init__(self, corpora: Corpora, default_corpus: str, retriever: str = "hybrid",
                 options: AnalyzerOptions | None = None):
        self.corpora = corpora
        self.default_corpus = default_corpus
        self.retriever = retriever
        self.options = options or AnalyzerOptions()

    def corpus_for(self, record: FailureRecord) -> str:
        # A routing key, not a classifier feature: it names which application's knowledge base to ask.
        return record.metadata.get("corpus") or self.default_corpus

    def analyze(self, record: FailureRecord, corpus: str | None = None) -> Finding:
        o = self.options
        ref = (record.reference or "").strip()
        if ref and record.context and any(contains_phrase(c, ref) for c in record.context) \
                and not contains_phrase(record.output, ref):
            n = next(i for i, c in enumerate(record.context, 1) if contains_phrase(c, ref))
            return Finding("context_ignored", support=1.0, depth=o.depth,
                           detail=f"the reference {ref!r} is in context passage {n} of {len(record.context)} "
                                  "and the output does not state it")
        index = self.corpora.get(corpus or self.corpus_for(record))
        if index.stats().passages == 0:
            return Finding("", detail=f"corpus {index.name!r} is empty", depth=o.depth)
        query = f"{record.input} {ref}".strip()
        fused, _, _ = index.ranked(query, "hybrid", o.candidates)
        found = index.passages(fused)
        cands = [found[p] for p in fused if p in found]
        qvec = Embedder.encode([query])[0]
        support = self._support_scores(index, record.input, ref, cands, qvec)
        holding = [(s, p) for s, p in zip(support, cands) if s > 0]
        stale = self._stale(index, record, ref)
        shown = [_norm(c) for c in record.context]
        if holding:
            s, fact = max(holding, key=lambda sp: sp[0])
            if stale is not None and stale.updated_at and fact.updated_at and stale.updated_at < fact.updated_at:
                return Finding("outdated_knowledge", fact.id, fact.doc_id, stale.id, stale.doc_id, support=s,
                               depth=o.depth, detail=f"the output matches {stale.doc_id!r} (updated {stale.updated_at}); "
                                                     f"{fact.doc_id!r} (updated {fact.updated_at}) holds the fact")
            if any(_norm(fact.text).strip() and _norm(fact.text) in c for c in shown):
                # The passage was shown and the output still missed it: that is not retrieval's fault.
                return Finding("context_ignored", fact.id, fact.doc_id, support=s, depth=o.depth,
                               detail=f"passage {fact.id} holds the fact and was in the context")
            b, e, h = self.ranks(index, record.input, fact.id)
            return Finding("retrieval_miss", fact.id, fact.doc_id, bm25_rank=b, embedding_rank=e, hybrid_rank=h,
                           support=s, depth=o.depth, detail=f"passage {fact.id} holds the fact; {_rank_text(b, e, o.depth)}")
        if stale is not None and stale.updated_at:
            return Finding("outdated_knowledge", stale_passage=stale.id, stale_doc=stale.doc_id, depth=o.depth,
                           detail=f"no passage holds the fact; {stale.doc_id!r} (updated {stale.updated_at}) "
                                  "states what the output says")
        best = max(support, default=0.0)
        return Finding("corpus_gap", depth=o.depth, support=best,
                       detail=f"none of the {len(cands)} closest passages holds the fact")

    def _support_scores(self, index: CorpusIndex, question: str, ref: str, cands: list[Passage],
                        qvec: object) -> list[float]:
        """Per candidate: its relevance score when it holds the fact, else 0."""
        o = self.options
        ref_toks, q_toks = set(tokenize(ref)) - _POLAR, set(tokenize(question))
        q_only = q_toks - ref_toks
        out = []
        for p in cands:
            toks = set(tokenize(p.text))
            sim = _cosine(index, p.id, qvec)
            qc = len(q_only & toks) / len(q_only) if q_only else 0.0
            score = sim + o.question_weight * qc
            if not ref_toks:
                ok = score >= o.relevance + o.no_reference_margin
            else:
                need = 1.0 if len(ref_toks) == 1 else o.min_ref_coverage
                ok = len(ref_toks & toks) / len(ref_toks) >= need - 1e-9 and score >= o.relevance
            out.append(score if ok else 0.0)
        return out

    def _stale(self, index: CorpusIndex, record: FailureRecord, ref: str) -> Passage | None:
        """A dated passage relevant to the question that states the output's answer and not the reference."""
        out = record.output.strip()
        if not out or not ref or len(tokenize(out)) > 12:
            return None
        fused, _, _ = index.ranked(f"{record.input} {out}", "bm25", 10)
        found = index.passages(fused)
        q = set(tokenize(record.input)) - set(tokenize(out))
        for pid in fused:
            p = found.get(pid)
            if p is None or not p.updated_at:
                continue
            toks = set(tokenize(p.text))
            if contains_phrase(p.text, out) and not contains_phrase(p.text, ref) and q and len(q & toks) / len(q) >= 0.3:
                return p
        return None

    def ranks(self, index: CorpusIndex, question: str, passage_id: str) -> tuple[int, int, int]:
        """(bm25, embedding, hybrid) 1-based rank of a passage for the question alone; 0 = beyond depth."""
        fused, bm25, emb = index.ranked(question, "hybrid", self.options.depth)
        pos = [r.index(passage_id) + 1 if passage_id in r else 0 for r in (bm25, emb, fused)]
        return pos[0], pos[1], pos[2]


def _cosine(index: CorpusIndex, passage_id: str, qvec: object) -> float:
    vec = index.vectors.vector(passage_id)
    return float(vec @ qvec) if vec is not None else 0.0  # type: ignore[operator]


def _rank_text(bm25: int, emb: int, depth: int) -> str:
    e = f"embeddings rank it {_ordinal(emb)}" if emb else f"embeddings do not have it in their top {depth}"
    b = f"BM25 ranks it {_ordinal(bm25)}" if bm25 else f"BM25 does not have it in its top {depth}"
    return f"{e}, {b}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def recommended_action(f: Finding) -> str:
    return {
        "retrieval_miss": f"improve retrieval: {f.detail}",
        "corpus_gap": "add a document that states the missing fact",
        "outdated_knowledge": f"update document {f.stale_doc!r}: {f.detail}",
        "context_ignored": f"finetune to use the given context: {f.detail}",
    }.get(f.subtype, "")


class RetrievalRefiner:
    """Pipeline refiner: rewrites an information diagnosis with the corpus's finding."""

    def __init__(self, analyzer: Analyzer, on_finding: Callable[[FailureRecord, Finding], None] | None = None):
        self.analyzer = analyzer
        self.on_finding = on_finding

    def __call__(self, record: FailureRecord, diagnosis: Diagnosis) -> Diagnosis:
        if diagnosis.label not in ("information", "both"):
            return diagnosis
        try:
            finding = self.analyzer.analyze(record)
        except Exception:  # a corpus problem must not lose the engine's diagnosis
            log.exception("retrieval diagnosis failed for %s", record.id)
            return diagnosis
        if not finding.subtype:
            return diagnosis
        return apply_finding(diagnosis, finding)


def apply_finding(diagnosis: Diagnosis, f: Finding) -> Diagnosis:
    """The diagnosis with the finding's subtype, label, route, action and evidence."""
    evidence = (*diagnosis.evidence, Evidence("corpus_retrieval", f"{f.subtype}: {f.detail}", round(f.support, 4)))
    if f.subtype == "context_ignored":
        # The fact was given and not used: a behavior failure, fixed by finetuning, not by the corpus.
        label = "behavior" if diagnosis.label == "information" else diagnosis.label
        kept = tuple(s for s in diagnosis.subtypes if s not in INFORMATION_SUBTYPES or label == "both")
        subtypes = ("context_ignored", *[s for s in kept if s != "context_ignored"])
    else:
        label = diagnosis.label
        subtypes = (f.subtype, *[s for s in diagnosis.subtypes if s not in _RETRIEVAL_SUBTYPES])
    route = route_for(label)
    return replace(diagnosis, label=label, subtypes=subtypes, route=route, evidence=evidence,
                   action=recommended_action(f) or diagnosis.action)

"""Token-level agreement between texts: output vs reference, output vs context, reference vs context.

Embeddings say two texts are about the same thing; tokens say whether the same facts (names, numbers) are
there. Grounding against `context` ranks passages with BM25 (rank_bm25) and measures, per output sentence,
how many of its content words the best passage holds: a summary whose sentences are mostly supported but a
few are not distorted the source (context ignored); a reference answer that no passage holds means
retrieval missed it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from rank_bm25 import BM25Okapi

_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being this that these "
    "those it its it's he she they them his her their we our you your i me my not no do does did so than then "
    "there here what which who whom whose when where why how can could would should will shall may might must "
    "have has had also just only very more most some any all each such into about over after before up out "
    "one two s t".split()
)
_TOKEN = re.compile(r"[a-z0-9\u00c0-\u024f]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


# A sentence of the context that prescribes how to answer: a schema note ("Compute final scores by summing
# end_scores.points"), a rule ("report calendar dates in store local time using ... AT TIME ZONE"), a column
# marked deprecated.
_DIRECTIVE = re.compile(r"^\s*(?:(?:note|important|rule)\s*[:\-]\s*)?(?:always|never|must|do not|don't|use|compute|"
                        r"calculate|report|subtract|add|filter|exclude|include|apply|convert|join|round|treat|count|"
                        r"only|avoid|prefer|put|keep)\b|\b(?:must|should|always|never)\b|\bdeprecated\b", re.I)
_CLAUSE = re.compile(r"(?<=[.;!?])\s+|\n+")

GAP_MIN_WORDS = 2
"""`ref_gap_in_context`: the fewest words of the reference the output must lack for their source to be told."""


def content_tokens(text: str) -> list[str]:
    """Lower-cased word tokens without stop words, crudely stemmed (plural s) so forms match."""
    out = []
    # "$2,462" and "2462" are one number, not "2" and "462".
    for tok in _TOKEN.findall(_THOUSANDS.sub("", text.lower())):
        if tok in _STOP:
            continue
        if len(tok) > 4 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        out.append(tok)
    return out


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    return [p for p in parts if len(content_tokens(p)) >= 3]


def recall(needle: Sequence[str], hay: set[str]) -> float:
    """Share of `needle` tokens present in `hay` (1.0 for an empty needle: nothing is missing)."""
    if not needle:
        return 1.0
    return sum(t in hay for t in needle) / len(needle)


@dataclass(frozen=True)
class Grounding:
    """How the output and the reference relate to the context passages."""

    out_support: float
    """Share of the output's content tokens found in the context."""
    unsupported_sentences: float
    """Share of output sentences whose content tokens are under half present in the best passage."""
    ref_in_context: float
    """Best per-passage recall of the reference's content tokens (0 when there is no reference)."""
    ref_in_top_bm25: float
    """Recall of the reference in the passage BM25 ranks first for the question."""
    ref_gap_in_context: float
    """Share of the reference's words that neither the output nor the question has (what the output got wrong or
    left out) which the context holds; 0 when fewer than GAP_MIN_WORDS are missing, too few to tell."""
    worst_sentence: str
    ref_gap_in_directive: int = 0
    """How many of those missing words stand in a sentence of the context that prescribes how to answer (a note
    on which column to sum, a rule on the time zone dates are reported in)."""


def ground(question: str, output: str, reference: str | None, context: Sequence[str]) -> Grounding:
    passages = [content_tokens(p) for p in context]
    bags = [set(p) for p in passages]
    union: set[str] = set().union(*bags) if bags else set()
    out_toks = content_tokens(output)
    out_support = recall(out_toks, union)
    sents = sentences(output) or ([output] if out_toks else [])
    worst, worst_score, unsupported = "", 2.0, 0
    for s in sents:
        toks = content_tokens(s)
        score = max((recall(toks, b) for b in bags), default=0.0)
        unsupported += score < 0.5
        if score < worst_score:
            worst, worst_score = s, score
    ref_toks = content_tokens(reference or "")
    question_toks = content_tokens(question) if ref_toks else []
    ref_in_ctx = max((recall(ref_toks, b) for b in bags), default=0.0) if ref_toks else 0.0
    ref_top = 0.0
    if ref_toks and passages and any(passages):
        bm25 = BM25Okapi([p or ["_"] for p in passages])
        scores = bm25.get_scores(question_toks or ["_"])
        top = max(range(len(passages)), key=lambda i: (scores[i], -i))
        ref_top = recall(ref_toks, bags[top])
    have = set(out_toks) | set(question_toks)
    gap = [t for t in set(ref_toks) if t not in have]
    ruled: set[str] = set()
    if gap:
        missing = set(gap)
        for passage, bag in zip(context, bags):
            if not missing & bag:
                continue  # (no missing word here: its rules cannot hold one)
            for clause in _CLAUSE.split(passage):
                if _DIRECTIVE.search(clause):
                    ruled.update(content_tokens(clause))
    return Grounding(
        out_support=out_support,
        unsupported_sentences=unsupported / len(sents) if sents else 0.0,
        ref_in_context=ref_in_ctx,
        ref_in_top_bm25=ref_top,
        ref_gap_in_context=recall(gap, union) if len(gap) >= GAP_MIN_WORDS else 0.0,
        worst_sentence=worst[:160],
        ref_gap_in_directive=sum(t in ruled for t in gap),
    )


def log_words(text: str) -> float:
    """log1p of the word count, scaled to about 0..1 for 0..3,000 words."""
    return math.log1p(len(text.split())) / 8.0

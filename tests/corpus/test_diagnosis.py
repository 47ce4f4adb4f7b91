"""server/corpus/diagnosis.py: retrieval_miss / corpus_gap / outdated_knowledge / context_ignored per case."""

from __future__ import annotations

from classifiers.records import Diagnosis, Evidence, FailureRecord
from server.corpus.diagnosis import Analyzer, RetrievalRefiner, apply_finding
from server.corpus.models import Document, Finding


def info(record: FailureRecord, subtypes: tuple[str, ...] = ("hallucination",)) -> Diagnosis:
    return Diagnosis(record.id, "information", subtypes, 0.8, "rag", (Evidence("engine", "x", 0.8),), "rag", "t")


def test_fact_in_corpus_but_not_in_context_is_a_retrieval_miss_with_ranks(corpora, facts) -> None:  # type: ignore[no-untyped-def]
    rec = FailureRecord("c1", "In which year did the Golden Gate Bridge open?", "1950", reference="1937",
                        context=("The Brooklyn Bridge opened in 1883 in New York.",))
    f = Analyzer(corpora, "kb").analyze(rec)
    assert f.subtype == "retrieval_miss"
    assert f.fact_doc == "bridge" and f.fact_passage == "bridge#0"
    assert f.bm25_rank == 1 and f.embedding_rank == 1 and f.hybrid_rank == 1
    assert "embeddings rank it 1st, BM25 ranks it 1st" in f.detail


def test_fact_absent_from_corpus_is_a_corpus_gap(corpora, facts) -> None:  # type: ignore[no-untyped-def]
    rec = FailureRecord("c2", "Who wrote the novel Middlemarch?", "Charles Dickens", reference="George Eliot")
    f = Analyzer(corpora, "kb").analyze(rec)
    assert f.subtype == "corpus_gap" and not f.fact_passage


def test_yes_no_reference_is_decided_by_relevance(corpora, facts) -> None:  # type: ignore[no-untyped-def]
    held = FailureRecord("c3", "Is Mount Everest the highest mountain above sea level on Earth?", "no", reference="yes")
    absent = FailureRecord("c4", "Is Lake Baikal the deepest lake in the world?", "no", reference="yes")
    a = Analyzer(corpora, "kb")
    assert a.analyze(held).subtype == "retrieval_miss"
    assert a.analyze(absent).subtype == "corpus_gap"


def test_fact_given_in_context_and_ignored_is_context_ignored(corpora, facts) -> None:  # type: ignore[no-untyped-def]
    rec = FailureRecord("c5", "How many moons does Saturn have?", "Saturn has 82 moons.", reference="146",
                        context=("Saturn has 146 confirmed moons as of 2023.",))
    f = Analyzer(corpora, "kb").analyze(rec)
    assert f.subtype == "context_ignored" and "context passage 1 of 1" in f.detail
    d = apply_finding(info(rec), f)
    assert (d.label, d.route, d.subtypes[0]) == ("behavior", "finetune", "context_ignored")
    assert "hallucination" not in d.subtypes


def test_older_passage_matching_the_output_is_outdated_knowledge(corpora) -> None:  # type: ignore[no-untyped-def]
    kb = corpora.get("dated")
    kb.upsert([
        Document("champ-2022", "The reigning world chess champion is Magnus Carlsen of Norway.", updated_at="2022-01-01T00:00:00+00:00"),
        Document("champ-2024", "The reigning world chess champion is Ding Liren of China.", updated_at="2024-01-01T00:00:00+00:00"),
        Document("noise", "Chess is played on a board of 64 squares.", updated_at="2024-01-01T00:00:00+00:00"),
    ])
    rec = FailureRecord("c6", "Who is the reigning world chess champion?", "Magnus Carlsen", reference="Ding Liren")
    f = Analyzer(corpora, "dated").analyze(rec)
    assert f.subtype == "outdated_knowledge"
    assert f.stale_doc == "champ-2022" and f.fact_doc == "champ-2024"
    d = apply_finding(info(rec), f)
    assert d.label == "information" and d.route == "rag" and "update document 'champ-2022'" in d.action
    # Undated documents: formfact cannot tell the older version, so it does not claim staleness.
    kb.upsert([Document("champ-2022", "The reigning world chess champion is Magnus Carlsen of Norway.")])
    assert Analyzer(corpora, "dated").analyze(rec).subtype == "retrieval_miss"


def test_refiner_rewrites_information_only_and_keeps_other_subtypes(corpora, facts) -> None:  # type: ignore[no-untyped-def]
    refine = RetrievalRefiner(Analyzer(corpora, "kb"))
    rec = FailureRecord("c7", "When was the piano invented and by whom?", "By Mozart in 1800.",
                        reference="Bartolomeo Cristofori, around 1700")
    d = refine(rec, info(rec, ("missing_knowledge", "hallucination")))
    assert d.subtypes == ("retrieval_miss", "hallucination")
    assert d.evidence[-1].signal == "corpus_retrieval" and "piano#0" in d.evidence[-1].detail
    assert d.action.startswith("improve retrieval")
    behavior = Diagnosis("c7", "behavior", ("style",), 0.9, "finetune", (), "finetune", "t")
    assert refine(rec, behavior) is behavior


def test_empty_corpus_says_nothing(corpora) -> None:  # type: ignore[no-untyped-def]
    rec = FailureRecord("c8", "Who wrote Middlemarch?", "Dickens", reference="George Eliot")
    d = info(rec)
    assert RetrievalRefiner(Analyzer(corpora, "empty"))(rec, d) == d
    assert apply_finding(d, Finding("corpus_gap", detail="x")).action == "add a document that states the missing fact"

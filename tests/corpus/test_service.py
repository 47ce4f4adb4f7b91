"""CorpusService over a real in-process gRPC server: ingest, search, gaps, verified fixes, errors, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import grpc
import pytest

from classifiers.records import Diagnosis, FailureRecord
from server import router
from server._proto.formfact.v1 import corpus_pb2, corpus_pb2_grpc
from server.cli import main as cli_main
from server.config import Settings
from server.corpus.diagnosis import RetrievalRefiner
from server.grpc_errors import field_violations
from server.testing import InProcess, start_in_process

from .conftest import FACTS

MISSING = {"bridge", "saturn"}


@pytest.fixture
def run(engine, tmp_path: Path) -> Iterator[InProcess]:  # type: ignore[no-untyped-def]
    r = start_in_process(engine, Settings(port=0, host="127.0.0.1", db_path=tmp_path / "f.db", corpus_default="kb"))
    yield r
    r.stop()


@pytest.fixture
def stub(run: InProcess) -> corpus_pb2_grpc.CorpusServiceStub:
    return corpus_pb2_grpc.CorpusServiceStub(run.channel)


def doc_msg(doc) -> corpus_pb2.Document:  # type: ignore[no-untyped-def]
    return corpus_pb2.Document(id=doc.id, text=doc.text, source="test")


def ingest(stub: corpus_pb2_grpc.CorpusServiceStub, docs) -> list[corpus_pb2.IngestProgress]:  # type: ignore[no-untyped-def]
    reqs = [corpus_pb2.IngestRequest(corpus="kb", documents=[doc_msg(d) for d in docs[i:i + 4]])
            for i in range(0, len(docs), 4)]
    return list(stub.Ingest(iter(reqs), timeout=120))


def enqueue_information(run: InProcess, case_id: str, question: str, reference: str, output: str) -> list[str]:
    rec = FailureRecord(case_id, question, output, reference=reference)
    d = Diagnosis(case_id, "information", ("missing_knowledge",), 0.9, "rag", (), "rag", "test")
    return list(run.deps.store.save_diagnosis(rec, d, router.route(rec, d)).item_ids)


def test_ingest_search_stats(stub) -> None:  # type: ignore[no-untyped-def]
    progress = ingest(stub, FACTS)
    assert [p.documents for p in progress] == [4, 8, 12, 12]  # one ack per batch, then the final total
    hits = stub.Search(corpus_pb2.SearchRequest(corpus="kb", query="highest mountain on Earth", k=3)).hits
    assert hits[0].document_id == "everest" and hits[0].bm25_rank == 1 and hits[0].embedding_rank == 1
    (stats,) = stub.Stats(corpus_pb2.CorpusStatsRequest()).corpora
    assert (stats.corpus, stats.documents, stats.passages, stats.bm25_engine) == ("kb", 12, 12, "rank_bm25")
    got = stub.GetDocument(corpus_pb2.GetDocumentRequest(corpus="kb", id="piano"))
    assert "Cristofori" in got.text


def test_gap_is_resolved_by_adding_its_document_and_not_by_an_unrelated_one(run, stub) -> None:  # type: ignore[no-untyped-def]
    ingest(stub, [d for d in FACTS if d.id not in MISSING])
    bridge_items = enqueue_information(run, "b1", "In which year did the Golden Gate Bridge open?", "1937", "1950")
    bridge_items += enqueue_information(run, "b2", "When did San Francisco's Golden Gate Bridge open to traffic?",
                                        "May 1937", "In 1945")
    saturn_items = enqueue_information(run, "s1", "How many confirmed moons does Saturn have?", "146", "82")

    gaps = stub.ListGaps(corpus_pb2.ListGapsRequest(corpus="kb")).gaps
    assert [g.size for g in gaps] == [2, 1]  # biggest first
    bridge, saturn = gaps
    assert {c.case_id for c in bridge.cases} == {"b1", "b2"} and bridge.fix_kind == "add_document"
    assert "1937" in bridge.fix_detail and all(c.subtype == "corpus_gap" for c in bridge.cases)

    # An unrelated document changes nothing: both gaps stay open, no item closes.
    resp = stub.UpsertDocuments(corpus_pb2.UpsertDocumentsRequest(corpus="kb", documents=[
        corpus_pb2.Document(id="tea", text="Green tea is made from unoxidised leaves of Camellia sinensis.")]))
    assert len(resp.gaps_checked) == 2 and not any(r.resolved for r in resp.gaps_checked)
    assert {g.gap_id for g in stub.ListGaps(corpus_pb2.ListGapsRequest(corpus="kb")).gaps} == {bridge.gap_id, saturn.gap_id}

    # The missing document resolves exactly its gap and closes its queue items, with the evidence.
    bridge_doc = next(d for d in FACTS if d.id == "bridge")
    resp = stub.UpsertDocuments(corpus_pb2.UpsertDocumentsRequest(corpus="kb", documents=[doc_msg(bridge_doc)]))
    resolved = {r.gap_id: r for r in resp.gaps_checked if r.resolved}
    assert set(resolved) == {bridge.gap_id} and resolved[bridge.gap_id].items_closed == 2
    assert "bridge#0" in resolved[bridge.gap_id].evidence
    done = {i.item_id for i in run.deps.store.list_items("rag", ("done",))}
    assert set(bridge_items) <= done and not set(saturn_items) & done
    gap = stub.GetGap(corpus_pb2.GetGapRequest(gap_id=bridge.gap_id))
    assert gap.state == "resolved" and "hybrid top 5" in gap.resolution
    assert [g.gap_id for g in stub.ListGaps(corpus_pb2.ListGapsRequest(corpus="kb")).gaps] == [saturn.gap_id]
    assert stub.Verify(corpus_pb2.VerifyRequest(corpus="kb")).gaps[0].resolved is False


def test_retrieval_miss_gap_recommends_improving_retrieval(run, stub) -> None:  # type: ignore[no-untyped-def]
    ingest(stub, FACTS)
    enqueue_information(run, "p1", "Who invented the piano?", "Bartolomeo Cristofori", "Mozart")
    (gap,) = stub.ListGaps(corpus_pb2.ListGapsRequest(corpus="kb")).gaps
    (case,) = gap.cases
    assert case.subtype == "retrieval_miss" and case.fact_passage_id == "piano#0"
    assert gap.fix_kind == "improve_retrieval" and "embeddings rank it" in gap.fix_detail


def test_bad_requests_get_invalid_argument_with_field_violations(stub) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as err:
        stub.Search(corpus_pb2.SearchRequest(corpus="kb", query=" ", k=1000, retriever="magic"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {f for f, _ in field_violations(err.value)} == {"query", "k", "retriever"}
    with pytest.raises(grpc.RpcError) as err:
        stub.UpsertDocuments(corpus_pb2.UpsertDocumentsRequest(corpus="kb", documents=[corpus_pb2.Document(id="a#1")]))
    assert {f for f, _ in field_violations(err.value)} == {"documents[0].id", "documents[0].text"}
    with pytest.raises(grpc.RpcError) as err:
        stub.Stats(corpus_pb2.CorpusStatsRequest(corpus="no spaces allowed"))
    assert field_violations(err.value) == [("corpus", "must match [A-Za-z0-9_.-]{1,64}")]
    with pytest.raises(grpc.RpcError) as err:
        stub.GetGap(corpus_pb2.GetGapRequest(gap_id="gap-nope"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_refiner_is_installed_and_applied_to_information_diagnoses(run, stub) -> None:  # type: ignore[no-untyped-def]
    assert any(isinstance(r, RetrievalRefiner) for r in run.deps.refiners)
    ingest(stub, FACTS)
    from server._proto.formfact.v1 import diagnosis_pb2, records_pb2

    rec = records_pb2.FailureRecord(id="q1", input="How many confirmed moons does Saturn have?",
                                    output="Saturn has 82 moons.", reference="146")
    d = run.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(record=rec), timeout=120).diagnosis
    if d.label in ("information", "both"):
        assert d.subtypes[0] == "retrieval_miss"
        assert any(e.signal == "corpus_retrieval" and "saturn#0" in e.detail for e in d.evidence)
    else:  # the engine called it behavior: the refiner must leave it alone
        assert not any(e.signal == "corpus_retrieval" for e in d.evidence)


def test_cli_ingest_search_gaps_verify(run, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text, "updated_at": "2024-05-01T00:00:00Z"}) + "\n"
                            for d in FACTS if d.id != "saturn"))
    addr = ["corpus", "--server", f"127.0.0.1:{run.port}", "--corpus", "kb"]
    assert cli_main([*addr, "ingest", str(path), "--batch", "5"]) == 0
    assert "ingested 11 documents (11 passages)" in capsys.readouterr().out
    assert cli_main([*addr, "search", "Vesuvius Pompeii", "-k", "2"]) == 0
    assert "volcano#0" in capsys.readouterr().out
    enqueue_information(run, "s1", "How many confirmed moons does Saturn have?", "146", "82")
    assert cli_main([*addr, "gaps"]) == 0
    assert "add_document" in capsys.readouterr().out
    assert cli_main([*addr, "upsert", "saturn", next(d.text for d in FACTS if d.id == "saturn")]) == 0
    assert "resolved gap-" in capsys.readouterr().out
    assert cli_main([*addr, "verify"]) == 0
    assert "0 of 0 open gaps resolved" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(SystemExit, match="line 1"):
        cli_main([*addr, "ingest", str(bad)])
    # A byte that is not UTF-8 is named with its line (it raised UnicodeDecodeError from the file as a whole).
    bad.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(SystemExit, match="line 2: not valid UTF-8: byte 0xe9 at column 25"):
        cli_main([*addr, "ingest", str(bad)])

"""`formfact corpus ingest|upsert|delete|search|stats|gaps|gap|verify`: the knowledge base of a running server.

Client side only (grpc + the generated stubs). `ingest` streams a JSONL file of documents
(`{"id", "text", "source"?, "updated_at"?, "metadata"?}` per line) in batches, with a progress bar that
advances on the server's acknowledgements, so what it shows is durable.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import datetime, timezone
from typing import Any, Iterator

import grpc

from classifiers.records import undecodable
from server._proto.formfact.v1 import corpus_pb2, corpus_pb2_grpc
from server.cli import remote


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("corpus", help="documents, search, knowledge gaps and fix verification")
    p.add_argument("--server", default="localhost:50051", help="address of a running formfact server")
    p.add_argument("--corpus", default="", help="corpus name (default: the server's default corpus)")
    c = p.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    i = c.add_parser("ingest", help="stream a JSONL file of documents into the corpus")
    i.add_argument("file", help="JSONL path, or - for stdin")
    i.add_argument("--batch", type=int, default=256, help="documents per streamed message")
    i.set_defaults(func=ingest)
    u = c.add_parser("upsert", help="insert or replace one document")
    u.add_argument("id")
    u.add_argument("text")
    u.add_argument("--source", default="")
    u.add_argument("--updated-at", default="", help="ISO-8601 time this version became true")
    u.set_defaults(func=upsert)
    d = c.add_parser("delete", help="delete documents by id")
    d.add_argument("ids", nargs="+")
    d.set_defaults(func=delete)
    s = c.add_parser("search", help="top passages for a query")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--retriever", default="hybrid", choices=("bm25", "embedding", "hybrid"))
    s.set_defaults(func=search)
    st = c.add_parser("stats", help="documents, passages, embedded passages and BM25 engine per corpus")
    st.set_defaults(func=stats)
    g = c.add_parser("gaps", help="knowledge gaps, biggest first, with the recommended fix")
    g.add_argument("--state", default="open", choices=("open", "resolved", "all"))
    g.set_defaults(func=gaps)
    g1 = c.add_parser("gap", help="one gap with its cases")
    g1.add_argument("gap_id")
    g1.set_defaults(func=gap)
    v = c.add_parser("verify", help="re-check open gaps now and print what was resolved")
    v.set_defaults(func=verify)


def _stub(args: argparse.Namespace) -> corpus_pb2_grpc.CorpusServiceStub:
    return corpus_pb2_grpc.CorpusServiceStub(grpc.insecure_channel(args.server))


def _fail(exc: grpc.RpcError) -> SystemExit:
    return remote.rpc_failure("corpus", exc)


def _call(fn: Any, request: Any, timeout: float = 600) -> Any:
    return remote.call("corpus", fn, request, timeout)


def document(data: dict[str, Any], where: str) -> corpus_pb2.Document:
    """A Document message from one JSONL object (raises SystemExit naming the line when it is not one)."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("text"), str):
        raise SystemExit(f"formfact corpus: {where}: each line needs string 'id' and 'text'")
    msg = corpus_pb2.Document(id=data["id"], text=data["text"], source=str(data.get("source") or ""),
                              metadata={str(k): v if isinstance(v, str) else json.dumps(v)
                                        for k, v in (data.get("metadata") or {}).items()})
    if data.get("updated_at"):
        try:
            when = datetime.fromisoformat(str(data["updated_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise SystemExit(f"formfact corpus: {where}: updated_at is not ISO-8601") from None
        msg.updated_at.FromDatetime(when if when.tzinfo else when.replace(tzinfo=timezone.utc))
    return msg


def ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    # Bytes that are not UTF-8 are kept (as surrogates) so that the line they are on is named (`undecodable`).
    stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape") if args.file == "-" \
        else open(args.file, encoding="utf-8", errors="surrogateescape")
    lines = None if args.file == "-" else sum(1 for line in open(args.file, "rb") if line.strip())

    failure: list[BaseException] = []

    def requests() -> Iterator[corpus_pb2.IngestRequest]:
        # gRPC consumes this generator on its own thread and swallows what it raises, leaving the call
        # open; so a bad line ends the stream here and is re-raised on the caller's thread below.
        try:
            yield from batches()
        except BaseException as exc:  # noqa: BLE001
            failure.append(exc)

    def batches() -> Iterator[corpus_pb2.IngestRequest]:
        batch: list[corpus_pb2.Document] = []
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            if (undecoded := undecodable(line)) is not None:
                raise SystemExit(f"formfact corpus: line {n}: {undecoded}")
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"formfact corpus: line {n}: not JSON: {exc.msg}") from None
            batch.append(document(data, f"line {n}"))
            if len(batch) >= args.batch:
                yield corpus_pb2.IngestRequest(corpus=args.corpus, documents=batch)
                batch = []
        if batch:
            yield corpus_pb2.IngestRequest(corpus=args.corpus, documents=batch)

    last = None
    with tqdm(total=lines, unit="doc", desc="ingest", file=sys.stderr) as bar:
        try:
            for progress in _stub(args).Ingest(requests(), timeout=3600):
                bar.update(progress.documents - bar.n)
                last = progress
        except grpc.RpcError as exc:
            raise _fail(exc) from None
    if failure:
        raise failure[0]
    if last is not None:
        print(f"ingested {last.documents} documents ({last.passages} passages)")
        _print_resolutions(last.gaps_checked)
    return 0


def upsert(args: argparse.Namespace) -> int:
    doc = document({"id": args.id, "text": args.text, "source": args.source, "updated_at": args.updated_at}, "document")
    resp = _call(_stub(args).UpsertDocuments, corpus_pb2.UpsertDocumentsRequest(corpus=args.corpus, documents=[doc]))
    print(f"upserted {resp.documents} document ({resp.passages} passages)")
    _print_resolutions(resp.gaps_checked)
    return 0


def delete(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).DeleteDocuments, corpus_pb2.DeleteDocumentsRequest(corpus=args.corpus, ids=args.ids))
    print(f"deleted {resp.deleted}")
    _print_resolutions(resp.gaps_checked)
    return 0


def search(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Search, corpus_pb2.SearchRequest(corpus=args.corpus, query=args.query, k=args.k,
                                                              retriever=args.retriever))
    for n, h in enumerate(resp.hits, 1):
        ranks = f"bm25 {h.bm25_rank or '-'} / emb {h.embedding_rank or '-'}"
        print(f"{n:>2}. {h.passage_id}  score {h.score:.4f}  ({ranks})\n    {h.text[:200]}")
    return 0


def stats(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Stats, corpus_pb2.CorpusStatsRequest(corpus=args.corpus))
    print(f"{'corpus':<20}{'documents':>10}{'passages':>10}{'embedded':>10}  bm25 engine")
    for s in resp.corpora:
        print(f"{s.corpus:<20}{s.documents:>10}{s.passages:>10}{s.embedded:>10}  {s.bm25_engine}")
    return 0


def _print_gap(g: corpus_pb2.Gap, cases: bool) -> None:
    print(f"{g.gap_id}  [{g.state}] corpus={g.corpus} size={g.size}  {g.title}")
    print(f"    fix: {g.fix_kind} {g.fix_target}  -- {g.fix_detail}")
    if g.resolution:
        print(f"    resolved: {g.resolution}")
    if cases:
        for c in g.cases:
            print(f"    - {c.case_id} ({c.subtype}) fact={c.fact!r}: {c.detail}")


def gaps(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).ListGaps, corpus_pb2.ListGapsRequest(corpus=args.corpus, state=args.state))
    if not resp.gaps:
        print("no gaps")
    for g in resp.gaps:
        _print_gap(g, cases=False)
    return 0


def gap(args: argparse.Namespace) -> int:
    _print_gap(_call(_stub(args).GetGap, corpus_pb2.GetGapRequest(gap_id=args.gap_id)), cases=True)
    return 0


def _print_resolutions(results: Any) -> None:
    for r in results:
        if r.resolved:
            print(f"resolved {r.gap_id} (corpus {r.corpus}, {r.items_closed} items closed): {r.evidence}")


def verify(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Verify, corpus_pb2.VerifyRequest(corpus=args.corpus))
    resolved = [r for r in resp.gaps if r.resolved]
    _print_resolutions(resolved)
    for r in resp.gaps:
        if not r.resolved:
            print(f"open {r.gap_id}: {r.evidence}")
    print(f"{len(resolved)} of {len(resp.gaps)} open gaps resolved")
    return 0

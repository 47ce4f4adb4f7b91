"""The corpus part's SQL: documents, passages (with cached embeddings) and gap tickets, in the service's file.

Its own connection and its own tables (`schema.sql`), next to the main store's: the corpus is written by
other RPCs than the queues, and keeping the SQL here keeps the Store Protocol small. Every write is one
transaction; `CorpusIndex` applies the same change to its in-memory indexes under its lock right after,
so the indexes never run ahead of what is durable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from server.corpus.models import Document, Finding, Gap, GapCase, Passage
from server.errors import NotFound


class CorpusStore:
    """SQLite access for the corpus tables; thread-safe (one connection, one lock, WAL for readers)."""

    def __init__(self, path: Path | str):
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(resources.files("server.corpus").joinpath("schema.sql").read_text())

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _tx(self) -> _Tx:
        return _Tx(self._conn, self._lock)

    # --- documents and passages -------------------------------------------------------------------------
    def upsert(self, corpus: str, docs: Sequence[Document], passages: Sequence[Passage]) -> list[str]:
        """Replace the documents and their passages in one transaction; returns the passage ids removed."""
        ids = [d.id for d in docs]
        with self._tx() as cur:
            removed = self._passage_ids(cur, corpus, ids)
            cur.executemany("DELETE FROM corpus_passages WHERE corpus = ? AND doc_id = ?", [(corpus, i) for i in ids])
            cur.executemany(
                "INSERT OR REPLACE INTO corpus_documents (corpus, doc_id, text, source, updated_at, metadata) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(corpus, d.id, d.text, d.source, d.updated_at, json.dumps(dict(d.metadata), sort_keys=True))
                 for d in docs],
            )
            cur.executemany(
                "INSERT INTO corpus_passages (corpus, passage_id, doc_id, seq, text) VALUES (?, ?, ?, ?, ?)",
                [(corpus, p.id, p.doc_id, p.seq, p.text) for p in passages],
            )
        return removed

    def delete(self, corpus: str, doc_ids: Sequence[str]) -> tuple[list[str], int]:
        """Delete documents; returns (passage ids removed, documents deleted)."""
        with self._tx() as cur:
            removed = self._passage_ids(cur, corpus, doc_ids)
            cur.executemany("DELETE FROM corpus_passages WHERE corpus = ? AND doc_id = ?",
                            [(corpus, i) for i in doc_ids])
            before = self._conn.total_changes
            cur.executemany("DELETE FROM corpus_documents WHERE corpus = ? AND doc_id = ?",
                            [(corpus, i) for i in doc_ids])
            deleted = self._conn.total_changes - before
        return removed, deleted

    @staticmethod
    def _passage_ids(cur: sqlite3.Cursor, corpus: str, doc_ids: Sequence[str]) -> list[str]:
        out: list[str] = []
        for i in range(0, len(doc_ids), 500):
            chunk = list(doc_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            out += [r[0] for r in cur.execute(
                f"SELECT passage_id FROM corpus_passages WHERE corpus = ? AND doc_id IN ({marks})", [corpus, *chunk])]
        return out

    def get_document(self, corpus: str, doc_id: str) -> Document:
        with self._lock:
            row = self._conn.execute(
                "SELECT doc_id, text, source, updated_at, metadata FROM corpus_documents WHERE corpus = ? AND doc_id = ?",
                (corpus, doc_id)).fetchone()
        if row is None:
            raise NotFound(f"document {doc_id!r} not found in corpus {corpus!r}")
        return Document(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def iter_passages(self, corpus: str, batch: int = 5000) -> Iterator[list[tuple[Passage, bytes | None]]]:
        """Every passage of a corpus with its cached embedding, in batches (start-up loading)."""
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT p.passage_id, p.doc_id, p.seq, p.text, d.source, d.updated_at, p.embedding "
                    "FROM corpus_passages p JOIN corpus_documents d ON d.corpus = p.corpus AND d.doc_id = p.doc_id "
                    "WHERE p.corpus = ? AND p.passage_id > ? ORDER BY p.passage_id LIMIT ?",
                    (corpus, last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [(Passage(r[0], r[1], r[2], r[3], r[4], r[5]), r[6]) for r in rows]

    def get_passages(self, corpus: str, passage_ids: Iterable[str]) -> dict[str, Passage]:
        ids = list(passage_ids)
        out: dict[str, Passage] = {}
        with self._lock:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for r in self._conn.execute(
                    "SELECT p.passage_id, p.doc_id, p.seq, p.text, d.source, d.updated_at FROM corpus_passages p "
                    "JOIN corpus_documents d ON d.corpus = p.corpus AND d.doc_id = p.doc_id "
                    f"WHERE p.corpus = ? AND p.passage_id IN ({marks})", [corpus, *chunk]):
                    out[r[0]] = Passage(*r)
        return out

    def set_embeddings(self, corpus: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        with self._tx() as cur:
            cur.executemany("UPDATE corpus_passages SET embedding = ? WHERE corpus = ? AND passage_id = ?",
                            [(np.asarray(v, dtype=np.float32).tobytes(), corpus, i) for i, v in zip(ids, vectors)])

    def corpora(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT DISTINCT corpus FROM corpus_documents ORDER BY corpus")]

    def counts(self, corpus: str) -> tuple[int, int, int]:
        """(documents, passages, passages with a stored embedding)."""
        with self._lock:
            docs = self._conn.execute("SELECT COUNT(*) FROM corpus_documents WHERE corpus = ?", (corpus,)).fetchone()[0]
            passages, embedded = self._conn.execute(
                "SELECT COUNT(*), COUNT(embedding) FROM corpus_passages WHERE corpus = ?", (corpus,)).fetchone()
        return docs, passages, embedded

    # --- gaps -------------------------------------------------------------------------------------------
    def known_items(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT item_id FROM corpus_gap_cases")}

    def create_gap(self, gap_id: str, corpus: str, title: str, centroid: np.ndarray, now: str) -> None:
        with self._tx() as cur:
            cur.execute("INSERT INTO corpus_gaps (gap_id, corpus, title, centroid, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (gap_id, corpus, title, _blob(centroid), now, now))

    def add_gap_case(self, gap_id: str, case: GapCase, centroid: np.ndarray) -> None:
        with self._tx() as cur:
            cur.execute("INSERT OR REPLACE INTO corpus_gap_cases (item_id, gap_id, case_id, question, fact, finding, "
                        "added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (case.item_id, gap_id, case.case_id, case.question, case.fact,
                         json.dumps(case.finding.to_dict(), sort_keys=True), case.added_at))
            cur.execute("UPDATE corpus_gaps SET centroid = ?, updated_at = ? WHERE gap_id = ?",
                        (_blob(centroid), case.added_at, gap_id))

    def update_findings(self, findings: dict[str, Finding]) -> None:
        with self._tx() as cur:
            cur.executemany("UPDATE corpus_gap_cases SET finding = ? WHERE item_id = ?",
                            [(json.dumps(f.to_dict(), sort_keys=True), i) for i, f in findings.items()])

    def resolve_gap(self, gap_id: str, now: str, resolution: str) -> None:
        with self._tx() as cur:
            cur.execute("UPDATE corpus_gaps SET state = 'resolved', resolved_at = ?, updated_at = ?, resolution = ? "
                        "WHERE gap_id = ?", (now, now, resolution, gap_id))

    def open_centroids(self, corpus: str) -> list[tuple[str, np.ndarray, int]]:
        """(gap id, centroid, case count) of the open gaps of a corpus."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT g.gap_id, g.centroid, COUNT(c.item_id) FROM corpus_gaps g "
                "LEFT JOIN corpus_gap_cases c ON c.gap_id = g.gap_id WHERE g.corpus = ? AND g.state = 'open' "
                "GROUP BY g.gap_id ORDER BY g.created_at", (corpus,)).fetchall()
        return [(r[0], np.frombuffer(r[1], dtype=np.float32), r[2]) for r in rows]

    def list_gaps(self, corpus: str = "", state: str = "") -> list[Gap]:
        sql = "SELECT gap_id, corpus, state, title, created_at, updated_at, resolved_at, resolution FROM corpus_gaps"
        where, args = [], []
        if corpus:
            where.append("corpus = ?")
            args.append(corpus)
        if state:
            where.append("state = ?")
            args.append(state)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY created_at, gap_id", args).fetchall()
        return [self._gap(r) for r in rows]

    def get_gap(self, gap_id: str) -> Gap:
        with self._lock:
            row = self._conn.execute(
                "SELECT gap_id, corpus, state, title, created_at, updated_at, resolved_at, resolution FROM corpus_gaps "
                "WHERE gap_id = ?", (gap_id,)).fetchone()
        if row is None:
            raise NotFound(f"gap {gap_id!r} not found")
        return self._gap(row)

    def _gap(self, r: tuple) -> Gap:
        return Gap(gap_id=r[0], corpus=r[1], state=r[2], title=r[3], created_at=r[4], updated_at=r[5],
                   resolved_at=r[6], resolution=r[7], cases=self._cases(r[0]))

    def _cases(self, gap_id: str) -> tuple[GapCase, ...]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT item_id, case_id, question, fact, finding, added_at FROM corpus_gap_cases WHERE gap_id = ? "
                "ORDER BY added_at, item_id", (gap_id,)).fetchall()
        return tuple(GapCase(r[0], r[1], r[2], r[3], Finding.from_dict(json.loads(r[4])), r[5]) for r in rows)


def _blob(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype=np.float32).tobytes()


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT under the store's lock; ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock):
        self._conn, self._lock = conn, lock

    def __enter__(self) -> sqlite3.Cursor:
        self._lock.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._conn.cursor()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()

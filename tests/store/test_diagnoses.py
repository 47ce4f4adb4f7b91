"""Diagnoses and feedback on a real database: idempotent saves, revisions, filtered keyset listings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from classifiers.records import Check, FailureRecord
from server.errors import InvalidArgument, LeaseLost, NotFound
from server.store import DiagnosisFilter, QueueItemDraft, Store


def test_save_stores_the_diagnosis_and_its_items(store: Store, clock, make_record, make_diagnosis) -> None:
    record = make_record("c1")
    diagnosis = make_diagnosis("c1", "both", ("missing_knowledge", "format_violation"))
    saved = store.save_diagnosis(record, diagnosis, [QueueItemDraft("rag", {"gap": "capitals"}),
                                                     QueueItemDraft("finetune", {"fmt": "json"}, deferred=True)])
    assert saved.created and saved.revision == record.fingerprint() and len(saved.item_ids) == 2
    assert saved.created_at == datetime.fromtimestamp(clock.now, timezone.utc)
    got = store.get_diagnosis("c1")
    assert (got.diagnosis, got.record, got.revision, got.item_ids) == (diagnosis, record, saved.revision,
                                                                       saved.item_ids)
    assert got.created_at.tzinfo is not None and got.created_at == saved.created_at
    rag, ft = store.list_items("rag"), store.list_items("finetune")
    assert [(i.item_id, i.payload, i.deferred, i.case_id) for i in rag] == [(saved.item_ids[0], {"gap": "capitals"},
                                                                            False, "c1")]
    assert [(i.item_id, i.deferred, i.revision) for i in ft] == [(saved.item_ids[1], True, saved.revision)]
    listed = store.list_diagnoses(DiagnosisFilter(), 10, "").items
    assert [(d.diagnosis.id, d.item_ids) for d in listed] == [("c1", saved.item_ids)]


def test_a_replay_is_idempotent(store: Store, clock, make_record, make_diagnosis) -> None:
    first = store.save_diagnosis(make_record("c1"), make_diagnosis("c1"), [QueueItemDraft("rag", {})])
    clock.advance(5)
    # Same content (metadata is not part of the revision) and even a different diagnosis: nothing new.
    replay_record = FailureRecord(**{**make_record("c1").__dict__, "metadata": {"run": "2"}})
    again = store.save_diagnosis(replay_record, make_diagnosis("c1", "behavior", ("style",)),
                                 [QueueItemDraft("finetune", {})])
    assert again.created is False
    assert (again.item_ids, again.revision, again.created_at) == (first.item_ids, first.revision, first.created_at)
    assert again.diagnosis.label == "information"
    assert len(store.list_items("rag")) == 1 and store.list_items("finetune") == []


def test_duplicate_drafts_for_one_queue_enqueue_once(store: Store, make_record, make_diagnosis) -> None:
    saved = store.save_diagnosis(make_record("c1"), make_diagnosis("c1"),
                                 [QueueItemDraft("rag", {"n": 1}), QueueItemDraft("rag", {"n": 2})])
    assert len(saved.item_ids) == 1
    assert [i.payload for i in store.list_items("rag")] == [{"n": 1}]


def test_a_new_revision_supersedes_the_old_items(store: Store, clock, enqueue, make_record) -> None:
    old_ready = enqueue(store, "c1", "rag")
    store.save_diagnosis(make_record("c2"), store.get_diagnosis("c1").diagnosis, [])
    held = store.lease("rag", 1, 60)[0]
    assert held.item_id == old_ready
    clock.advance(10)
    new_item = enqueue(store, "c1", "finetune", output="Sydney, obviously.", label="behavior", subtypes=("style",))
    latest = store.get_diagnosis("c1")
    assert latest.record.output == "Sydney, obviously." and latest.diagnosis.label == "behavior"
    assert latest.item_ids == (new_item,)
    assert [i.item_id for i in store.list_items("rag", ("superseded",))] == [old_ready]
    assert [i.item_id for i in store.list_items("finetune")] == [new_item]
    with pytest.raises(LeaseLost):  # the old holder's work is obsolete
        store.ack(held.item_id, held.lease_token)


def test_done_items_stay_done_when_superseded(store: Store, enqueue) -> None:
    enqueue(store, "c1", "rag")
    held = store.lease("rag", 1, 60)[0]
    store.ack(held.item_id, held.lease_token)
    enqueue(store, "c1", "rag", output="changed")
    assert [i.item_id for i in store.list_items("rag", ("done",))] == [held.item_id]
    assert store.list_items("rag", ("superseded",)) == []
    assert store.stats("rag")[0].depth == 1


def test_get_unknown_case_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get_diagnosis("never")


def test_a_full_record_round_trips(store: Store, make_diagnosis) -> None:
    record = FailureRecord(
        id="full", input="Give JSON", output="{oops", reference="{}", context=("passage one", "passage two"),
        expected_format="json", schema={"type": "object", "required": ["a"]}, instructions=("be brief",),
        checks=(Check("json_valid", False, 0.0, "unterminated"), Check("faithfulness", True, None, "")),
        task="extraction", model="m7", metadata={"suite": "nightly", "ünï": "ç"},
    )
    store.save_diagnosis(record, make_diagnosis("full", "behavior", ("format_violation",)), [])
    got = store.get_diagnosis("full").record
    assert got == record and got.fingerprint() == record.fingerprint()


def _save(store: Store, clock, make_record, make_diagnosis, case_id: str, label: str, subtypes: tuple[str, ...],
          model: str = "m1") -> None:
    store.save_diagnosis(make_record(case_id, model=model), make_diagnosis(case_id, label, subtypes), [])
    clock.advance(1)


def _all_pages(store: Store, flt: DiagnosisFilter, size: int) -> list[str]:
    ids, token = [], ""
    while True:
        page = store.list_diagnoses(flt, size, token)
        assert len(page.items) <= size
        ids += [d.diagnosis.id for d in page.items]
        token = page.next_token
        if not token:
            return ids


def test_list_filters_newest_first(store: Store, clock, make_record, make_diagnosis) -> None:
    start = datetime.fromtimestamp(clock.now, timezone.utc)
    _save(store, clock, make_record, make_diagnosis, "i1", "information", ("missing_knowledge",))
    _save(store, clock, make_record, make_diagnosis, "b1", "behavior", ("format_violation", "style"), model="m2")
    _save(store, clock, make_record, make_diagnosis, "i2", "information", ("hallucination",), model="m2")
    _save(store, clock, make_record, make_diagnosis, "u1", "unknown", ())
    _save(store, clock, make_record, make_diagnosis, "x1", "both", ("format_violation", "outdated_knowledge"))
    assert _all_pages(store, DiagnosisFilter(), 50) == ["x1", "u1", "i2", "b1", "i1"]
    assert all(d.item_ids == () for d in store.list_diagnoses(DiagnosisFilter(), 50, "").items)
    assert _all_pages(store, DiagnosisFilter(label="information"), 50) == ["i2", "i1"]
    assert _all_pages(store, DiagnosisFilter(subtype="format_violation"), 50) == ["x1", "b1"]
    assert _all_pages(store, DiagnosisFilter(route="review"), 50) == ["u1"]
    assert _all_pages(store, DiagnosisFilter(route="rag"), 50) == ["x1", "i2", "i1"]
    assert _all_pages(store, DiagnosisFilter(model="m2"), 50) == ["i2", "b1"]
    assert _all_pages(store, DiagnosisFilter(label="behavior", model="m1"), 50) == []
    window = DiagnosisFilter(since=start + timedelta(seconds=1), until=start + timedelta(seconds=3))
    assert _all_pages(store, window, 50) == ["i2", "b1"]  # since inclusive, until exclusive


def test_pages_are_keyset_and_stable_under_inserts(store: Store, clock, make_record, make_diagnosis) -> None:
    for i in range(7):
        # Same timestamp for all (seq breaks ties); two items each, so a page of 3 is 6 joined rows.
        store.save_diagnosis(make_record(f"c{i}"), make_diagnosis(f"c{i}"),
                             [QueueItemDraft("rag", {}), QueueItemDraft("review", {})])
    first = store.list_diagnoses(DiagnosisFilter(), 3, "")
    assert [d.diagnosis.id for d in first.items] == ["c6", "c5", "c4"] and first.next_token
    clock.advance(1)
    _save(store, clock, make_record, make_diagnosis, "late", "information", ())  # newer than the first page
    assert [len(d.item_ids) for d in first.items] == [2, 2, 2]
    rest = _all_pages_from(store, first.next_token, 3)
    assert rest == ["c3", "c2", "c1", "c0"]


def _all_pages_from(store: Store, token: str, size: int) -> list[str]:
    ids = []
    while token:
        page = store.list_diagnoses(DiagnosisFilter(), size, token)
        ids += [d.diagnosis.id for d in page.items]
        token = page.next_token
    return ids


def test_list_shows_each_case_once_at_its_latest_revision(store: Store, clock, enqueue) -> None:
    enqueue(store, "c1", output="first")
    clock.advance(1)
    enqueue(store, "c2")
    clock.advance(1)
    enqueue(store, "c1", output="second")
    page = store.list_diagnoses(DiagnosisFilter(), 10, "")
    assert [(d.diagnosis.id, d.record.output) for d in page.items] == [
        ("c1", "second"), ("c2", "The capital of Australia is Sydney.")]


def test_list_rejects_bad_input(store: Store, enqueue) -> None:
    for i in range(3):
        enqueue(store, f"c{i}")
    token = store.list_diagnoses(DiagnosisFilter(label="information"), 1, "").next_token
    cases = [
        ((DiagnosisFilter(label="information"), 1, "%%%"), "page_token"),
        ((DiagnosisFilter(label="behavior"), 1, token), "page_token"),  # another filter's token
        ((DiagnosisFilter(label="facts"), 1, ""), "label"),
        ((DiagnosisFilter(subtype="typo"), 1, ""), "subtype"),
        ((DiagnosisFilter(route="nowhere"), 1, ""), "route"),
        ((DiagnosisFilter(since=datetime(2026, 1, 1)), 1, ""), "since"),
        ((DiagnosisFilter(), -1, ""), "page_size"),
    ]
    for args, field in cases:
        with pytest.raises(InvalidArgument) as info:
            store.list_diagnoses(*args)
        assert [v.field for v in info.value.violations] == [field]
    assert len(store.list_diagnoses(DiagnosisFilter(label="information"), 1, token).items) == 1


def test_a_bad_draft_stores_nothing(store: Store, make_record, make_diagnosis) -> None:
    with pytest.raises(InvalidArgument) as info:
        store.save_diagnosis(make_record("c1"), make_diagnosis("c1"), [QueueItemDraft("rag", {}),
                                                                       QueueItemDraft("elsewhere", {})])
    assert [v.field for v in info.value.violations] == ["items[1].queue"]
    with pytest.raises(InvalidArgument):
        store.save_diagnosis(make_record("c1"), make_diagnosis("c1"), [QueueItemDraft("rag", {"x": object()})])
    with pytest.raises(NotFound):
        store.get_diagnosis("c1")
    assert store.list_items("rag") == []


def test_a_batch_saves_in_order_in_one_transaction(store: Store, make_record, make_diagnosis) -> None:
    first = make_record("c1")
    second = make_record("c1", output="Canberra is the capital.")
    saved = store.save_diagnoses([
        (first, make_diagnosis("c1"), [QueueItemDraft("rag", {"n": 1})]),
        (make_record("c2"), make_diagnosis("c2"), [QueueItemDraft("rag", {"n": 2})]),
        (second, make_diagnosis("c1", "behavior", ("style",)), [QueueItemDraft("finetune", {"n": 3})]),
        (first, make_diagnosis("c1"), [QueueItemDraft("rag", {"n": 4})]),  # a replay inside the batch
    ])
    assert [s.created for s in saved] == [True, True, True, False]
    assert saved[3].item_ids == saved[0].item_ids
    # The later revision of c1 is current and superseded the earlier one's item, as separate saves would.
    assert store.get_diagnosis("c1").revision == second.fingerprint()
    assert [i.payload for i in store.list_items("rag")] == [{"n": 2}]
    assert [i.payload for i in store.list_items("rag", ("superseded",))] == [{"n": 1}]
    assert [i.payload for i in store.list_items("finetune")] == [{"n": 3}]


def test_a_batch_with_a_bad_entry_stores_none_of_it(store: Store, make_record, make_diagnosis) -> None:
    with pytest.raises(InvalidArgument):
        store.save_diagnoses([(make_record("c1"), make_diagnosis("c1"), [QueueItemDraft("rag", {})]),
                              (make_record("c2"), make_diagnosis("c2"), [QueueItemDraft("rag", {"x": object()})])])
    with pytest.raises(NotFound):
        store.get_diagnosis("c1")
    assert store.list_items("rag") == [] and store.save_diagnoses([]) == []


def test_feedback_needs_a_diagnosed_case(store: Store, clock, enqueue) -> None:
    with pytest.raises(NotFound):
        store.add_feedback("c1", "behavior", ["style"], "", "ann")
    enqueue(store, "c1", output="first")
    fb1 = store.add_feedback("c1", "behavior", ["style"], "it is tone, not facts", "ann")
    clock.advance(1)
    enqueue(store, "c1", output="second")
    fb2 = store.add_feedback("c1", "information", [], "", "bob")
    assert fb1.feedback_id != fb2.feedback_id and fb1.created_at.tzinfo is not None
    listed = store.list_feedback()
    assert [(f.feedback_id, f.label, f.subtypes, f.author) for f in listed] == [
        (fb1.feedback_id, "behavior", ("style",), "ann"), (fb2.feedback_id, "information", (), "bob")]
    # Each feedback carries the revision of the record it corrected.
    assert [f.record.output for f in listed if f.record] == ["first", "second"]
    with pytest.raises(InvalidArgument):
        store.add_feedback("c1", "facts", [], "", "ann")
    with pytest.raises(InvalidArgument):
        store.add_feedback("c1", "behavior", ["nope"], "", "ann")


def test_replaying_an_older_revision_changes_nothing(store: Store, clock, enqueue, make_record,
                                                     make_diagnosis) -> None:
    first_item = enqueue(store, "c1", output="A")
    clock.advance(1)
    second_item = enqueue(store, "c1", output="B")
    replay = store.save_diagnosis(make_record("c1", "A"), make_diagnosis("c1"), [QueueItemDraft("rag", {})])
    assert replay.created is False and replay.record.output == "A" and replay.item_ids == (first_item,)
    assert store.get_diagnosis("c1").record.output == "B"
    assert [i.item_id for i in store.list_items("rag", ("ready", "superseded"))] == [first_item, second_item]
    assert [i.state for i in store.list_items("rag", ("ready", "superseded"))] == ["superseded", "ready"]


def test_dead_letters_of_an_old_revision_are_superseded(make_store, enqueue) -> None:
    store = make_store(max_attempts=1)
    old = enqueue(store, "c1", output="A")
    held = store.lease("rag", 1, 30)[0]
    assert store.nack(held.item_id, held.lease_token, 0, "boom") is True
    enqueue(store, "c1", output="B")
    assert store.list_dead_letters("rag", 10, "").items == []
    assert [i.item_id for i in store.list_items("rag", ("superseded",))] == [old]
    assert store.redrive("rag") == 0

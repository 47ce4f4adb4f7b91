"""Queue semantics on a real database: lease, expiry, fencing, nack delays, dead letters, redrive, stats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.errors import InvalidArgument, LeaseLost, NotFound
from server.store import Store


def test_lease_gives_oldest_ready_items_with_fresh_tokens(enqueue, store: Store, clock) -> None:
    ids = []
    for i in range(5):
        ids.append(enqueue(store, f"c{i}"))
        clock.advance(1)
    leased = store.lease("rag", 3, 60)
    assert [it.item_id for it in leased] == ids[:3]
    assert len({it.lease_token for it in leased}) == 3 and all(len(it.lease_token) >= 32 for it in leased)
    for it in leased:
        assert it.state == "leased" and it.attempts == 1
        assert it.lease_expires_at is not None and it.lease_expires_at.tzinfo is not None
        assert it.lease_expires_at.timestamp() == pytest.approx(clock.now + 60)
    # Held items are not handed out again while their lease runs.
    assert [it.item_id for it in store.lease("rag", 10, 60)] == ids[3:]
    assert store.lease("rag", 10, 60) == []


def test_lease_only_touches_its_queue(enqueue, store: Store) -> None:
    rag = enqueue(store, "a", "rag")
    review = enqueue(store, "b", "review")
    assert [it.item_id for it in store.lease("review", 5, 60)] == [review]
    assert [it.item_id for it in store.lease("rag", 5, 60)] == [rag]
    assert store.lease("finetune", 5, 60) == []


def test_deferred_items_are_skipped_unless_asked(enqueue, store: Store) -> None:
    deferred = enqueue(store, "a", "finetune", deferred=True)
    assert store.lease("finetune", 5, 60) == []
    got = store.lease("finetune", 5, 60, include_deferred=True)
    assert [it.item_id for it in got] == [deferred] and got[0].deferred


def test_expired_lease_is_leased_again_and_fences_the_old_holder(enqueue, store: Store, clock) -> None:
    item_id = enqueue(store, "a")
    first = store.lease("rag", 1, 30)[0]
    clock.advance(31)
    stats = store.stats("rag")[0]
    assert (stats.depth, stats.leased) == (1, 0)  # an expired lease no longer counts as leased
    second = store.lease("rag", 1, 30)[0]
    assert second.item_id == item_id and second.attempts == 2
    assert second.lease_token != first.lease_token
    with pytest.raises(LeaseLost):
        store.ack(item_id, first.lease_token)
    with pytest.raises(LeaseLost):
        store.nack(item_id, first.lease_token, 0, "late")
    with pytest.raises(LeaseLost):
        store.extend_lease(item_id, first.lease_token, 30)
    store.ack(item_id, second.lease_token)
    assert store.list_items("rag", ("done",))[0].item_id == item_id


def test_an_expired_token_is_refused_even_before_another_lease(enqueue, store: Store, clock) -> None:
    enqueue(store, "a")
    held = store.lease("rag", 1, 30)[0]
    clock.advance(30)
    with pytest.raises(LeaseLost):
        store.ack(held.item_id, held.lease_token)


def test_ack_twice_or_with_a_wrong_token_is_lease_lost(enqueue, store: Store) -> None:
    enqueue(store, "a")
    held = store.lease("rag", 1, 30)[0]
    with pytest.raises(LeaseLost):
        store.ack(held.item_id, "not-the-token")
    store.ack(held.item_id, held.lease_token)
    with pytest.raises(LeaseLost):
        store.ack(held.item_id, held.lease_token)


def test_unknown_item_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.ack("nope", "t")
    with pytest.raises(NotFound):
        store.nack("nope", "t", 0, "x")
    with pytest.raises(NotFound):
        store.extend_lease("nope", "t", 10)


def test_extend_lease_moves_the_expiry(enqueue, store: Store, clock) -> None:
    enqueue(store, "a")
    held = store.lease("rag", 1, 30)[0]
    clock.advance(20)
    extended = store.extend_lease(held.item_id, held.lease_token, 60)
    assert extended.lease_token == held.lease_token and held.lease_expires_at is not None
    assert extended.lease_expires_at == held.lease_expires_at + timedelta(seconds=50)
    clock.advance(20)  # past the first expiry, inside the extension
    assert store.lease("rag", 1, 30) == []
    store.ack(held.item_id, held.lease_token)


def test_nack_delays_the_retry(enqueue, store: Store, clock) -> None:
    item_id = enqueue(store, "a")
    held = store.lease("rag", 1, 30)[0]
    assert store.nack(item_id, held.lease_token, 10, "upstream 503") is False
    assert store.lease("rag", 1, 30) == []
    stats = store.stats("rag")[0]
    assert (stats.depth, stats.leased) == (1, 0)  # a delayed item still counts as depth
    clock.advance(10)
    again = store.lease("rag", 1, 30)[0]
    assert again.item_id == item_id and again.attempts == 2 and again.last_error == "upstream 503"


def test_a_huge_nack_error_is_cut(enqueue, store: Store) -> None:
    item_id = enqueue(store, "a")
    held = store.lease("rag", 1, 30)[0]
    store.nack(item_id, held.lease_token, 0, "Traceback\n" + "x" * 50_000)
    again = store.lease("rag", 1, 30)[0]
    assert again.last_error.startswith("Traceback\n") and len(again.last_error) == 10_000


def test_max_attempts_of_nacks_dead_letters_the_item(enqueue, make_store, clock) -> None:
    store = make_store(max_attempts=3)
    item_id = enqueue(store, "a")
    results = []
    for _ in range(3):
        held = store.lease("rag", 1, 30)[0]
        results.append(store.nack(item_id, held.lease_token, 0, f"fail {held.attempts}"))
    assert results == [False, False, True]
    assert store.lease("rag", 1, 30) == []
    dead = store.list_dead_letters("rag", 10, "").items
    assert [(d.item_id, d.state, d.attempts, d.last_error) for d in dead] == [(item_id, "dead", 3, "fail 3")]
    assert store.stats("rag")[0].dead_letters == 1


def test_expiries_count_as_attempts(enqueue, make_store, clock) -> None:
    store = make_store(max_attempts=2)
    item_id = enqueue(store, "a")
    store.lease("rag", 1, 30)
    clock.advance(31)
    assert store.lease("rag", 1, 30)[0].attempts == 2
    clock.advance(31)
    assert store.lease("rag", 1, 30) == []
    dead = store.list_items("rag", ("dead",))
    assert [(d.item_id, d.last_error) for d in dead] == [(item_id, "lease expired")]


def test_redrive_puts_dead_items_back_with_attempts_reset(enqueue, make_store) -> None:
    store = make_store(max_attempts=1)
    ids = [enqueue(store, f"c{i}") for i in range(3)]
    for held in store.lease("rag", 3, 30):
        assert store.nack(held.item_id, held.lease_token, 0, "boom") is True
    assert store.redrive("rag", [ids[0], ids[0], "unknown"]) == 1
    assert store.redrive("review") == 0
    assert store.redrive("rag") == 2
    assert store.redrive("rag") == 0
    items = store.list_items("rag", ("ready",))
    assert sorted(it.item_id for it in items) == sorted(ids)
    assert all(it.attempts == 0 for it in items)
    assert [it.attempts for it in store.lease("rag", 3, 30)] == [1, 1, 1]


def test_dead_letters_page_in_enqueue_order(enqueue, make_store) -> None:
    store = make_store(max_attempts=1)
    ids = [enqueue(store, f"c{i}") for i in range(5)]
    for held in store.lease("rag", 5, 30):
        store.nack(held.item_id, held.lease_token, 0, "boom")
    seen, token = [], ""
    while True:
        page = store.list_dead_letters("rag", 2, token)
        assert len(page.items) <= 2
        seen += [it.item_id for it in page.items]
        token = page.next_token
        if not token:
            break
    assert seen == ids
    with pytest.raises(InvalidArgument):
        store.list_dead_letters("review", 2, store.list_dead_letters("rag", 2, "").next_token)


def test_stats_counts_every_state(enqueue, store: Store, clock) -> None:
    a = enqueue(store, "a")
    clock.advance(100)
    enqueue(store, "b")
    enqueue(store, "c")
    enqueue(store, "d", "finetune", deferred=True)
    enqueue(store, "e", "finetune")
    clock.advance(50)
    held = store.lease("rag", 2, 60)
    assert [h.item_id for h in held][0] == a
    store.ack(held[1].item_id, held[1].lease_token)
    stats = {s.queue: s for s in store.stats()}
    assert set(stats) == {"rag", "finetune", "review"}
    rag = stats["rag"]
    assert (rag.depth, rag.leased, rag.dead_letters, rag.deferred, rag.done) == (1, 1, 0, 0, 1)
    assert rag.oldest_age_seconds == pytest.approx(150)
    ft = stats["finetune"]
    assert (ft.depth, ft.leased, ft.deferred, ft.done) == (1, 0, 1, 0)
    assert ft.oldest_age_seconds == pytest.approx(50)
    review = stats["review"]
    assert (review.depth, review.oldest_age_seconds) == (0, 0.0)
    assert [s.queue for s in store.stats("finetune")] == ["finetune"]


def test_close_items_marks_done_without_a_lease(enqueue, store: Store) -> None:
    ids = [enqueue(store, f"c{i}") for i in range(3)]
    held = store.lease("rag", 1, 60)[0]
    assert store.close_items([ids[0], ids[1], ids[1], "unknown"], "fixed by corpus update 7") == 2
    assert store.close_items([ids[0]], "again") == 0
    assert sorted(it.item_id for it in store.list_items("rag", ("done",))) == sorted(ids[:2])
    with pytest.raises(LeaseLost):
        store.ack(held.item_id, held.lease_token)
    assert [it.item_id for it in store.lease("rag", 5, 60)] == [ids[2]]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: s.lease("nope", 1, 30), "queue"),
        (lambda s: s.lease("rag", 0, 30), "max_items"),
        (lambda s: s.lease("rag", 1, 0), "lease_seconds"),
        (lambda s: s.nack("x", "t", -1, "e"), "retry_delay_seconds"),
        (lambda s: s.extend_lease("x", "t", -5), "lease_seconds"),
        (lambda s: s.stats("nope"), "queue"),
        (lambda s: s.redrive("nope"), "queue"),
        (lambda s: s.list_items("rag", ("ready", "bogus")), "states[1]"),
        (lambda s: s.list_dead_letters("rag", -1, ""), "page_size"),
        (lambda s: s.list_dead_letters("rag", 5, "garbage!"), "page_token"),
    ],
)
def test_bad_arguments_name_the_field(store: Store, call, field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call(store)
    assert [v.field for v in info.value.violations] == [field]

"""DiagnosisService over a real server: every RPC, its errors, and the stream with a bad record in it."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from server._proto.formfact.v1 import diagnosis_pb2, queue_pb2
from server.client import record_message
from server.grpc_errors import field_violations

FORMAT_CASE = {
    "id": "fmt-1",
    "input": "Extract the person's name and age from: 'Ada, 36, lives in London.' Reply with JSON.",
    "output": "Sure! Here is the JSON:\n```json\n{\"name\": \"Ada\", \"age\": 36}\n```",
    "expected_format": "json",
    "schema": {"type": "object", "required": ["name", "age"],
               "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}},
    "model": "demo-model",
}
FACT_CASE = {
    "id": "fact-1",
    "input": "Which tennis player won more Grand Slam titles, Henri Leconte or Jonathan Stark?",
    "output": "Henri Leconte won more Grand Slam titles than Jonathan Stark.",
    "reference": "Jonathan Stark",
    "model": "other-model",
}


def diagnose(running, case):  # type: ignore[no-untyped-def]
    return running.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(record=record_message(case)), timeout=60)


def test_diagnose_routes_format_failure_to_finetune_and_stores_it(running) -> None:
    resp = diagnose(running, FORMAT_CASE)
    d = resp.diagnosis
    assert d.id == "fmt-1"
    assert d.label == "behavior"
    assert "format_violation" in d.subtypes
    assert d.route == "finetune"
    assert d.evidence and d.action and d.classifier_version
    assert 0.0 <= d.confidence <= 1.0
    assert len(resp.queue_item_ids) == 1
    stored = running.diagnosis.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(id="fmt-1"), timeout=10)
    assert stored.label == d.label and list(stored.subtypes) == list(d.subtypes)
    stats = {q.queue: q for q in running.queues.Stats(queue_pb2.StatsRequest(), timeout=10).queues}
    assert stats["finetune"].depth == 1 and stats["rag"].depth == 0


def test_diagnose_routes_wrong_fact_to_rag(running) -> None:
    d = diagnose(running, FACT_CASE).diagnosis
    assert d.label == "information"
    assert d.route == "rag"
    [item] = running.queues.Lease(queue_pb2.LeaseRequest(queue="rag", max_items=5, lease_seconds=30), timeout=10).items
    assert item.case_id == "fact-1"
    assert item.payload["question"] == FACT_CASE["input"]
    assert item.payload["missed_facts"] == ["Jonathan Stark"]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"input": "q", "output": "a"}, "record.id"),
        ({"id": "x", "input": "", "output": "a"}, "record.input"),
        ({"id": "x", "input": "q", "output": "a", "expected_format": "docx"}, "record.expected_format"),
        ({"id": "x", "input": "q", "output": "a", "schema": "{not json"}, "record.schema"),
        ({"id": "x", "input": "q", "output": "a", "schema": "[1, 2]"}, "record.schema"),
        ({"id": "x" * 300, "input": "q", "output": "a"}, "record.id"),
    ],
)
def test_bad_record_is_invalid_argument_with_field_violation(running, case, field) -> None:
    with pytest.raises(grpc.RpcError) as err:
        diagnose(running, case)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in [f for f, _ in field_violations(err.value)]


def test_missing_record_and_too_long_field(running) -> None:
    with pytest.raises(grpc.RpcError) as err:
        running.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in field_violations(err.value)] == ["record"]
    long_case = dict(FACT_CASE, id="long", output="x" * (running.settings.limits.max_text_chars + 1))
    with pytest.raises(grpc.RpcError) as err:
        diagnose(running, long_case)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "limit" in dict(field_violations(err.value))["record.output"]


@pytest.mark.parametrize("running", [{"max_message_bytes": 64 * 1024}], indirect=True)
def test_message_over_the_size_bound_is_rejected_clearly(running) -> None:
    huge = dict(FACT_CASE, id="huge", context=["y" * 50_000, "z" * 50_000])
    with pytest.raises(grpc.RpcError) as err:
        diagnose(running, huge)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in err.value.details()
    # the server is still fine afterwards
    assert diagnose(running, FACT_CASE).diagnosis.label == "information"


def test_stream_answers_in_order_and_survives_a_bad_record(running) -> None:
    cases = [dict(FACT_CASE, id=f"s-{i}") for i in range(5)]
    cases[2] = {"id": "s-2", "input": "", "output": "oops"}
    responses = list(running.diagnosis.DiagnoseStream(
        (diagnosis_pb2.DiagnoseRequest(record=record_message(c)) for c in cases), timeout=120))
    assert [r.index for r in responses] == [0, 1, 2, 3, 4]
    assert responses[2].WhichOneof("result") == "error"
    assert responses[2].error.id == "s-2"
    assert responses[2].error.code == "INVALID_ARGUMENT"
    assert "record.input" in [v.field for v in responses[2].error.violations]
    good = [r.diagnosis for i, r in enumerate(responses) if i != 2]
    assert [d.id for d in good] == ["s-0", "s-1", "s-3", "s-4"]
    assert {d.label for d in good} == {"information"}
    page = running.diagnosis.ListDiagnoses(diagnosis_pb2.ListDiagnosesRequest(page_size=50), timeout=10)
    assert sorted(d.id for d in page.diagnoses) == ["s-0", "s-1", "s-3", "s-4"]


def test_stream_goes_on_past_a_case_the_engine_fails_on(running, engine_bug) -> None:
    cases = [dict(FACT_CASE, id=f"s-{i}") for i in range(5)]
    cases[1]["id"] = engine_bug + "1"
    responses = list(running.diagnosis.DiagnoseStream(
        (diagnosis_pb2.DiagnoseRequest(record=record_message(c)) for c in cases), timeout=120))
    assert [r.index for r in responses] == [0, 1, 2, 3, 4]
    assert responses[1].WhichOneof("result") == "error"
    assert (responses[1].error.id, responses[1].error.code) == (engine_bug + "1", "INTERNAL")
    assert "could not be diagnosed" in responses[1].error.message
    assert [r.diagnosis.label for i, r in enumerate(responses) if i != 1] == ["information"] * 4
    # The others were stored and queued; the failed case was not (its client may send it again).
    page = running.diagnosis.ListDiagnoses(diagnosis_pb2.ListDiagnosesRequest(page_size=50), timeout=10)
    assert sorted(d.id for d in page.diagnoses) == ["s-0", "s-2", "s-3", "s-4"]
    stats = {q.queue: q for q in running.queues.Stats(queue_pb2.StatsRequest(), timeout=10).queues}
    assert stats["rag"].depth == 4


def test_unary_case_the_engine_fails_on_is_internal_and_not_stored(running, engine_bug) -> None:
    with pytest.raises(grpc.RpcError) as err:
        diagnose(running, dict(FACT_CASE, id=engine_bug + "x"))
    assert err.value.code() == grpc.StatusCode.INTERNAL
    assert "ValueError" in err.value.details()
    with pytest.raises(grpc.RpcError) as missing:
        running.diagnosis.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(id=engine_bug + "x"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_same_answer_in_process_and_over_grpc(running, engine) -> None:
    from classifiers.records import parse_record

    over_grpc = [diagnose(running, c).diagnosis for c in (FORMAT_CASE, FACT_CASE)]
    in_process = engine.diagnose([parse_record(c).record for c in (FORMAT_CASE, FACT_CASE)])
    for g, p in zip(over_grpc, in_process):
        assert (g.label, list(g.subtypes), g.route, g.action) == (p.label, list(p.subtypes), p.route, p.action)
        assert g.confidence == pytest.approx(p.confidence, abs=1e-9)
        assert [(e.signal, e.detail) for e in g.evidence] == [(e.signal, e.detail) for e in p.evidence]


def test_get_unknown_diagnosis_is_not_found(running) -> None:
    with pytest.raises(grpc.RpcError) as err:
        running.diagnosis.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(id="nope"), timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as err:
        running.diagnosis.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_list_filters_and_pages(running) -> None:
    for i in range(3):
        diagnose(running, dict(FORMAT_CASE, id=f"f-{i}"))
    for i in range(2):
        diagnose(running, dict(FACT_CASE, id=f"i-{i}"))
    list_ = running.diagnosis.ListDiagnoses
    assert {d.id for d in list_(diagnosis_pb2.ListDiagnosesRequest(route="rag"), timeout=10).diagnoses} == {"i-0", "i-1"}
    assert {d.id for d in list_(diagnosis_pb2.ListDiagnosesRequest(model="demo-model"), timeout=10).diagnoses} == {
        "f-0", "f-1", "f-2"}
    by_subtype = list_(diagnosis_pb2.ListDiagnosesRequest(subtype="format_violation"), timeout=10).diagnoses
    assert {d.id for d in by_subtype} == {"f-0", "f-1", "f-2"}
    seen, token = [], ""
    while True:
        page = list_(diagnosis_pb2.ListDiagnosesRequest(page_size=2, page_token=token), timeout=10)
        assert len(page.diagnoses) <= 2
        seen += [d.id for d in page.diagnoses]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == ["f-0", "f-1", "f-2", "i-0", "i-1"]
    first = list_(diagnosis_pb2.ListDiagnosesRequest(page_size=5), timeout=10).diagnoses
    since = timestamp_pb2.Timestamp(seconds=first[0].created_at.seconds + 3600)
    assert not list_(diagnosis_pb2.ListDiagnosesRequest(since=since), timeout=10).diagnoses
    for bad in (diagnosis_pb2.ListDiagnosesRequest(label="facts"), diagnosis_pb2.ListDiagnosesRequest(page_size=10_000),
                diagnosis_pb2.ListDiagnosesRequest(page_token="not-a-token")):
        with pytest.raises(grpc.RpcError) as err:
            list_(bad, timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_feedback_is_stored_and_validated(running) -> None:
    diagnose(running, FACT_CASE)
    fb = running.diagnosis.SubmitFeedback(diagnosis_pb2.SubmitFeedbackRequest(
        id="fact-1", label="both", subtypes=["hallucination", "insufficient_detail"], comment="also too short",
        author="ana"), timeout=10)
    assert fb.feedback_id
    [stored] = running.deps.store.list_feedback()
    assert (stored.case_id, stored.label, tuple(stored.subtypes)) == ("fact-1", "both",
                                                                       ("hallucination", "insufficient_detail"))
    assert stored.record is not None and stored.record.input == FACT_CASE["input"]
    with pytest.raises(grpc.RpcError) as err:
        running.diagnosis.SubmitFeedback(diagnosis_pb2.SubmitFeedbackRequest(id="fact-1", label="facts"), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "label" in [f for f, _ in field_violations(err.value)]
    with pytest.raises(grpc.RpcError) as err:
        running.diagnosis.SubmitFeedback(diagnosis_pb2.SubmitFeedbackRequest(id="never-seen", label="behavior"),
                                         timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_and_reflection(running) -> None:
    health = health_pb2_grpc.HealthStub(running.channel)
    for service in ("", "formfact.v1.DiagnosisService", "formfact.v1.QueueService"):
        resp = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING
    refl = reflection_pb2_grpc.ServerReflectionStub(running.channel)
    [answer] = list(refl.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                                              timeout=10))
    names = {s.name for s in answer.list_services_response.service}
    assert {"formfact.v1.DiagnosisService", "formfact.v1.QueueService", "grpc.health.v1.Health"} <= names

"""AdminService over a real server: retrain from seed data + feedback, hot-swap, list, roll back."""

from __future__ import annotations

import json
import random
from pathlib import Path

import grpc
import pytest

from server._proto.formfact.v1 import admin_pb2, diagnosis_pb2
from server.client import record_message

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "failures.jsonl"
CASE = {"id": "adm-1", "input": "Who wrote Dune?", "output": "Isaac Asimov wrote Dune.", "reference": "Frank Herbert"}


def with_seed(tmp_path: Path) -> dict[str, Path]:
    """A small labelled seed set drawn from the shared data (sources whose licence allows training)."""
    if not SHARED.is_file():
        pytest.skip(f"shared data not found at {SHARED}")
    rows = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["metadata"]["source"] not in ("realtimeqa", "faithbench")]
    random.Random(0).shuffle(rows)
    seed = tmp_path / "seed.jsonl"
    seed.write_text("".join(json.dumps(r) + "\n" for r in rows[:90]), encoding="utf-8")
    return {"seed_data": seed, "models_dir": tmp_path / "models"}


def diagnose(running) -> diagnosis_pb2.DiagnoseResponse:  # type: ignore[no-untyped-def]
    return running.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(record=record_message(CASE)), timeout=60).diagnosis


@pytest.mark.parametrize("running", [with_seed], indirect=True)
def test_retrain_with_feedback_hot_swaps_and_rolls_back(running) -> None:
    shipped = diagnose(running).classifier_version
    running.diagnosis.SubmitFeedback(diagnosis_pb2.SubmitFeedbackRequest(id="adm-1", label="information",
                                                                         subtypes=["hallucination"]), timeout=10)
    events = list(running.admin.RetrainClassifier(admin_pb2.RetrainClassifierRequest(force=True), timeout=600))
    stages = [e.stage for e in events]
    assert stages[0] == "collecting" and stages[-1] == "done" and "training" in stages and "evaluating" in stages
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    final = events[-1]
    assert final.activated and final.candidate.feedback_count == 1
    assert final.active_version == final.candidate.version != shipped
    assert json.loads(final.candidate.metrics_json)["heldout_accuracy"] >= 0.0
    assert Path(running.settings.models_dir).is_dir()

    # the next case is diagnosed by the new version, and that is recorded with it
    again = running.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(
        record=record_message(dict(CASE, id="adm-2"))), timeout=60).diagnosis
    assert again.classifier_version == final.candidate.version
    [listed] = running.admin.ListClassifierVersions(admin_pb2.ListClassifierVersionsRequest(), timeout=10).versions
    assert listed.version == final.candidate.version and listed.active

    # roll back to the shipped model, then forward again
    back = running.admin.ActivateClassifierVersion(admin_pb2.ActivateClassifierVersionRequest(version="default"),
                                                   timeout=60)
    assert back.version == shipped
    assert not running.admin.ListClassifierVersions(admin_pb2.ListClassifierVersionsRequest(),
                                                    timeout=10).versions[0].active
    fwd = running.admin.ActivateClassifierVersion(
        admin_pb2.ActivateClassifierVersionRequest(version=final.candidate.version), timeout=60)
    assert fwd.active and running.deps.pipeline.engine.version == final.candidate.version


@pytest.mark.parametrize("running", [with_seed], indirect=True)
def test_retrain_without_force_activates_only_when_not_worse(running) -> None:
    shipped = running.deps.pipeline.engine.version
    final = list(running.admin.RetrainClassifier(admin_pb2.RetrainClassifierRequest(), timeout=600))[-1]
    expected = final.candidate.version if final.activated else shipped
    assert final.active_version == expected == running.deps.pipeline.engine.version
    [listed] = running.admin.ListClassifierVersions(admin_pb2.ListClassifierVersionsRequest(), timeout=10).versions
    assert listed.active == final.activated


def test_retrain_needs_seed_data_and_activate_checks_the_version(running) -> None:
    with pytest.raises(grpc.RpcError) as err:
        list(running.admin.RetrainClassifier(admin_pb2.RetrainClassifierRequest(), timeout=60))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "FORMFACT_SEED_DATA" in err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        running.admin.ActivateClassifierVersion(admin_pb2.ActivateClassifierVersionRequest(version="v-nope"),
                                                timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as err:
        running.admin.ActivateClassifierVersion(admin_pb2.ActivateClassifierVersionRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT

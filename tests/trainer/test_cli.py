"""`formfact training create|get|list|cancel|watch` against a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main


def test_training_commands(running, tiny_model: Path, kit, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    kit.enqueue(running.deps.store, [kit.json_record(i) for i in range(12)], "format_violation")
    base = ["training", "--server", running.address]
    assert main([*base, "create", str(tiny_model), "--subtype", "format_violation", "--lora-r", "8",
                 "--learning-rate", "0.01", "--target-module", "q_proj", "--idempotency-key", "cli"]) == 0
    job = json.loads(capsys.readouterr().out)
    assert job["state"] == "queued"
    hp = job["hyperparameters"]
    assert hp["lora_r"] == 8 and hp["learning_rate"] == 0.01 and hp["target_modules"] == ["q_proj"]
    assert hp["lora_alpha"] == 16  # auto, resolved

    assert main([*base, "get", job["job_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["job_id"] == job["job_id"]
    assert main([*base, "list", "--state", "queued"]) == 0
    assert [json.loads(line)["job_id"] for line in capsys.readouterr().out.splitlines()] == [job["job_id"]]
    assert main([*base, "cancel", job["job_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "cancelled"
    assert main([*base, "watch", job["job_id"], "--after-seq", "1"]) == 0
    states = [json.loads(line)["state"] for line in capsys.readouterr().out.splitlines()]
    assert states == ["queued", "cancelled"]

    # Too few examples for the selection: exit code 1 and the structured error on stdout.
    assert main([*base, "create", str(tiny_model), "--subtype", "off_task"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "too_few_examples"
    with pytest.raises(SystemExit, match="INVALID_ARGUMENT"):
        main([*base, "create", str(tiny_model), "--epochs", "0"])

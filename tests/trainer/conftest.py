"""Fixtures for the trainer: a tiny causal LM and tokenizer built offline, a real server, queued failures.

The model is a 2-layer, 64-wide Llama built from a config; the tokenizer is a byte-level BPE trained here on
a few strings and wrapped in PreTrainedTokenizerFast with a chat template. Nothing is downloaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import grpc
import pytest

from classifiers.records import Diagnosis, FailureRecord
from server import router
from server._proto.formfact.v1 import training_pb2, training_pb2_grpc
from server.app import Deps, create_server, shutdown
from server.config import Settings
from server.store import open_store
from server.store.base import Store

NAMES = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj",
         "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yvonne"]
MOODS = ["loved", "hated"]


def json_record(i: int) -> FailureRecord:
    """A JSON extraction failure: prose instead of JSON; the desired JSON is the reference."""
    name, mood = NAMES[i % len(NAMES)], MOODS[i % 2]
    sentiment = "positive" if mood == "loved" else "negative"
    return FailureRecord(
        id=f"json-{i}", input=f"Give the sentiment of this review as JSON: {name} {mood} the film number {i}.",
        output=f"The sentiment is {sentiment}.", reference=f'{{"sentiment": "{sentiment}"}}',
        expected_format="json", model="tiny",
    )


def lowercase_record(i: int) -> FailureRecord:
    """An instruction failure outside the JSON behavior: the regression set."""
    name = NAMES[i % len(NAMES)]
    return FailureRecord(
        id=f"case-{i}", input=f"Describe {name} in a few words.", output=f"{name} Is Great",
        reference=f"{name.lower()} is great", instructions=("Your entire response should be in lowercase letters only.",),
        model="tiny",
    )


def enqueue(store: Store, records: list[FailureRecord], subtype: str) -> list[str]:
    """Store a behavior diagnosis per record; the real router builds the finetune items."""
    ids = []
    for rec in records:
        d = Diagnosis(rec.id, "behavior", (subtype,), 0.9, "finetune", (), "finetune", "test")
        stored = store.save_diagnosis(rec, d, router.route(rec, d))
        ids.extend(stored.item_ids)
    return ids


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    corpus = [json_record(i).input + " " + (json_record(i).reference or "") for i in range(40)]
    corpus += [lowercase_record(i).input + " " + lowercase_record(i).output for i in range(20)]
    corpus += ['{"sentiment": "positive"} {"sentiment": "negative"} The sentiment is']
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<pad>", "<s>", "</s>", "<|user|>", "<|assistant|>", "<|system|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.chat_template = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
                          "{% if add_generation_prompt %}<|assistant|>{% endif %}")
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                         bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                         pad_token_id=fast.pad_token_id)
    out = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(out)
    fast.save_pretrained(out)
    return out


@dataclass
class Running:
    settings: Settings
    deps: Deps
    address: str
    channel: grpc.Channel
    training: training_pb2_grpc.TrainingServiceStub

    def wait_state(self, job_id: str, states: tuple[str, ...], timeout: float = 120.0) -> training_pb2.TrainingJob:
        """Follow the job's event stream until it reaches one of `states`."""
        job = self.training.GetTrainingJob(training_pb2.GetTrainingJobRequest(job_id=job_id))
        if job.state in states:
            return job
        for event in self.training.WatchTrainingJob(training_pb2.WatchTrainingJobRequest(job_id=job_id),
                                                    timeout=timeout):
            if event.state in states:
                break
        return self.training.GetTrainingJob(training_pb2.GetTrainingJobRequest(job_id=job_id))


@pytest.fixture
def running(engine, tmp_path: Path) -> Iterator[Running]:  # type: ignore[no-untyped-def]
    settings = Settings(port=0, host="127.0.0.1", db_path=tmp_path / "f.db", max_attempts=3)
    store = open_store(settings.db_path, max_attempts=settings.max_attempts)
    deps = Deps(store=store, engine=engine, closers=[store.close])
    server, port = create_server(settings, deps)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield Running(settings, deps, f"127.0.0.1:{port}", channel, training_pb2_grpc.TrainingServiceStub(channel))
    channel.close()
    shutdown(server, deps, grace=1.0)


class WorkerThread:
    """An in-process trainer worker (the same `Worker` the CLI runs), stopped at teardown."""

    def __init__(self, worker):  # type: ignore[no-untyped-def]
        self.worker = worker
        self.thread = threading.Thread(target=worker.serve, daemon=True)

    def __enter__(self) -> WorkerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()
        self.thread.join(timeout=60)
        self.worker.close()


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest by name)."""
    return SimpleNamespace(json_record=json_record, lowercase_record=lowercase_record, enqueue=enqueue,
                           WorkerThread=WorkerThread)

"""Replay prompts: general requests whose base-model answers are mixed into a job's training set.

Finetuning a small model on one behavior (say, "answer extraction prompts with bare JSON") teaches it that
behavior everywhere: the SmolLM2 demo's first adapter fixed every held-out JSON failure and answered 14 of 16
unrelated questions with JSON-ish text. The usual remedy is replay / self-distillation: prompts from outside
the trained behavior, with the *base model's own* greedy answers as targets, go into the SFT mix, so the
adapter learns "this behavior here, unchanged elsewhere" (the answers pin the base behaviour, they do not
have to be good).

The server picks the prompts here (it has the queue, not the model); the worker generates the answers with
the base model before LoRA is attached (trainer/job.py). Sources, in order:

1. prompts of finetune items outside the job's selection that are *not* in the regression set (the
   regression set must stay unseen, or the regression check proves nothing);
2. `GENERIC_V1`, a fixed built-in set of everyday instructions (named in the validation report).

Prompts equal to any train, held-out or regression prompt are skipped.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping, Sequence

BUILTIN_NAME = "generic-v1"

GENERIC_V1: tuple[str, ...] = (
    "What is the boiling point of water at sea level?",
    "Name three primary colours.",
    "Explain in one sentence what photosynthesis is.",
    "Write a short greeting for a birthday card.",
    "What is 12 multiplied by 7?",
    "Give me two tips for sleeping better.",
    "Who wrote the play Romeo and Juliet?",
    "Describe a cat in one sentence.",
    "What does a thermometer measure?",
    "Suggest a name for a small bakery.",
    "How many days are there in a leap year?",
    "Translate 'good morning' into Spanish.",
    "What is the largest planet in our solar system?",
    "Write one sentence about the ocean.",
    "List the days of the weekend.",
    "Why do leaves change colour in autumn? Answer briefly.",
    "What is the opposite of 'ancient'?",
    "Give an example of a mammal that can fly.",
    "Summarise the story of Cinderella in two sentences.",
    "What is the chemical symbol for gold?",
    "Write a haiku about rain.",
    "How do you make a cup of tea?",
    "What language is spoken in Brazil?",
    "Name a fruit that is yellow.",
    "What is the square root of 81?",
    "Tell me a fun fact about octopuses.",
    "What season comes after winter?",
    "Rewrite this sentence more politely: Give me the report now.",
    "What is a synonym for 'happy'?",
    "How many legs does a spider have?",
    "Explain what a noun is to a child.",
    "Which is heavier, a kilogram of feathers or a kilogram of iron?",
    "What instrument has black and white keys?",
    "Write a one-line motto for a running club.",
    "What do bees make?",
    "In which continent is Egypt?",
    "Give a short definition of gravity.",
    "Name two things you might pack for a picnic.",
    "What is the freezing point of water in Fahrenheit?",
    "Write a friendly reminder to water the plants.",
)
"""Everyday requests far from any eval case: short answers, prose, lists, small sums, rewrites."""


def _prompt_key(messages: Sequence[Mapping[str, Any]]) -> str:
    return " ".join(str(m.get("content", "")) for m in messages).strip().lower()


def choose(
    outside: Iterable[Mapping[str, Any]], used: Iterable[Mapping[str, Any]], count: int, seed: int
) -> list[dict[str, Any]]:
    """Up to `count` replay prompts: outside-the-selection examples first, then the built-in set.

    Args:
        outside: examples (as built by dataset.py) outside the selection and outside the regression set.
        used: every train, held-out and regression example; their prompts are never replayed.
        count: how many to return (the resolved `replay` hyperparameter).
        seed: orders each source deterministically, so a job's replay set is reproducible.
    """
    if count <= 0:
        return []
    taken = {_prompt_key(e["messages"]) for e in used}
    out: list[dict[str, Any]] = []

    def rank(key: str) -> str:
        return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()

    candidates: list[dict[str, Any]] = []
    for ex in sorted(outside, key=lambda e: rank(str(e["case_id"]))):
        candidates.append({"case_id": f"replay:{ex['case_id']}", "messages": list(ex["messages"]),
                           "source": "outside_items"})
    for i, text in sorted(enumerate(GENERIC_V1), key=lambda p: rank(p[1])):
        candidates.append({"case_id": f"replay:{BUILTIN_NAME}:{i:03d}",
                           "messages": [{"role": "user", "content": text}], "source": BUILTIN_NAME})
    for cand in candidates:
        key = _prompt_key(cand["messages"])
        if key in taken:
            continue
        taken.add(key)
        out.append(cand)
        if len(out) == count:
            break
    return out


def available(outside_count: int) -> int:
    """Upper bound on replay prompts for a job (before skipping prompts that collide with its own)."""
    return outside_count + len(GENERIC_V1)

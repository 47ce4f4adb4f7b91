"""The one place the trainer imports torch, transformers and peft, and loads a base model.

Everything heavy is imported inside functions here, so `formfact trainer --help`, the worker's lease loop
and the gRPC client start without torch. The device rule of the issue lives here too: CUDA with bf16 when a
GPU is present, else CPU float32.
"""

from __future__ import annotations

import hashlib
import resource
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Device:
    name: str
    """"cuda" or "cpu"."""
    dtype_name: str
    """"bfloat16" on a GPU that supports it, else "float32"."""

    @property
    def dtype(self) -> Any:
        import torch

        return getattr(torch, self.dtype_name)


def pick_device(force_cpu: bool = False) -> Device:
    import torch

    if torch.cuda.is_available() and not force_cpu:
        return Device("cuda", "bfloat16" if torch.cuda.is_bf16_supported() else "float16")
    return Device("cpu", "float32")


def peak_memory_bytes(device: Device) -> int:
    """Peak accelerator memory on CUDA; on CPU the process's peak resident set size."""
    if device.name == "cuda":
        import torch

        return int(torch.cuda.max_memory_allocated())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)  # Linux reports KiB


def model_location(base_model: str) -> tuple[str, str | None]:
    """(directory, gguf file name or None) for `from_pretrained`."""
    path = Path(base_model)
    if path.suffix == ".gguf":
        return str(path.parent), path.name
    return str(path), None


def hash_base_model(base_model: str) -> str:
    """sha256 over the model's weight, config and tokenizer files (names and bytes), streamed."""
    path = Path(base_model)
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
    )
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def load_tokenizer(base_model: str) -> Any:
    from transformers import AutoTokenizer

    folder, gguf = model_location(base_model)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=gguf) if gguf else AutoTokenizer.from_pretrained(folder)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_model(base_model: str, device: Device) -> Any:
    """The base causal LM on `device` in its dtype (a GGUF file is dequantized by transformers)."""
    from transformers import AutoModelForCausalLM

    folder, gguf = model_location(base_model)
    kwargs: dict[str, Any] = {"dtype": device.dtype}
    if gguf:
        kwargs["gguf_file"] = gguf
    model = AutoModelForCausalLM.from_pretrained(folder, **kwargs)
    return model.to(device.name)  # type: ignore[arg-type]


def lora_model(model: Any, hp: Any, gradient_checkpointing: bool) -> Any:
    """Wrap the base model with peft LoRA per the resolved hyperparameters."""
    from peft import LoraConfig, get_peft_model

    if gradient_checkpointing:
        # transformers 5 renamed it (the old name still works there, with a FutureWarning).
        if hasattr(model, "activation_checkpointing_enable"):
            model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
    targets: Any = list(hp.target_modules)
    if targets == ["all-linear"]:
        targets = "all-linear"
    config = LoraConfig(
        r=hp.lora_r, lora_alpha=hp.lora_alpha, lora_dropout=hp.lora_dropout, target_modules=targets,
        bias="none", task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def seed_everything(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def library_versions() -> dict[str, str]:
    import accelerate
    import peft
    import torch
    import transformers

    return {"python": sys.version.split()[0], "torch": torch.__version__, "transformers": transformers.__version__,
            "peft": peft.__version__, "accelerate": accelerate.__version__}

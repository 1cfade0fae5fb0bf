"""Every transformers / peft / trl name and keyword the course uses exists in the installed libs.

An upgrade that renames something fails here, in CI, instead of in a learner's Colab.
"""

import ast
import dataclasses
import importlib
import inspect
import json

import pytest

from helpers import NOTEBOOKS_DIR, REPO_ROOT

LIBRARIES = ("transformers", "peft", "trl", "sentence_transformers", "bitsandbytes", "datasets")


def _sources():
    for path in sorted((REPO_ROOT / "helpers").glob("*.py")):
        yield path.name, path.read_text()
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield (
            path.name,
            "\n".join(line for line in code.splitlines() if not line.startswith(("%", "!"))),
        )


def _imported_names():
    for name, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.split(".")[0] in LIBRARIES
            ):
                for alias in node.names:
                    yield name, node.module, alias.name


@pytest.mark.parametrize(("where", "module", "attr"), sorted(set(_imported_names())))
def test_imported_name_exists(where, module, attr):
    assert hasattr(importlib.import_module(module), attr), f"{where}: {module}.{attr} is gone"


def _accepts(obj, keywords):
    names = set(inspect.signature(obj).parameters)
    if dataclasses.is_dataclass(obj):
        names |= {f.name for f in dataclasses.fields(obj)}
    return sorted(set(keywords) - names)


# (import path, keywords the course passes). Add a row whenever a helper starts using a new one.
KEYWORDS = [
    ("transformers.GenerationConfig", ["max_new_tokens", "do_sample", "pad_token_id"]),
    (
        "transformers.PreTrainedTokenizerBase.apply_chat_template",
        ["tokenize", "add_generation_prompt"],
    ),
    ("sentence_transformers.SentenceTransformer", ["device"]),
    (
        "trl.SFTConfig",
        [
            "output_dir",
            "max_steps",
            "per_device_train_batch_size",
            "learning_rate",
            "lr_scheduler_type",
            "warmup_steps",
            "logging_steps",
            "save_strategy",
            "report_to",
            "seed",
            "max_length",
            "gradient_checkpointing",
            "packing",
            "bf16",
            "fp16",
            "use_cpu",  # scripts/speed_check.py: bf16 on CPU
            "include_num_input_tokens_seen",  # scripts/speed_check.py
        ],
    ),
    (
        "trl.SFTTrainer",
        ["model", "args", "train_dataset", "processing_class", "peft_config", "callbacks"],
    ),
    ("peft.LoraConfig", ["r", "lora_alpha", "lora_dropout", "target_modules", "task_type"]),
    (
        "transformers.BitsAndBytesConfig",
        [
            "load_in_4bit",
            "bnb_4bit_quant_type",
            "bnb_4bit_use_double_quant",
            "bnb_4bit_compute_dtype",
        ],
    ),
]


@pytest.mark.parametrize(("path", "keywords"), KEYWORDS, ids=[k[0] for k in KEYWORDS])
def test_keywords_exist(path, keywords):
    module, _, attr = path.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        module, _, cls = module.rpartition(".")
        obj = getattr(getattr(importlib.import_module(module), cls), attr)
    if path == "transformers.GenerationConfig":
        config = obj()
        missing = [k for k in keywords if not hasattr(config, k)]
    else:
        missing = _accepts(obj, keywords)
    assert not missing, f"{path} no longer accepts {missing}"


def test_gguf_loading_api():
    """load_lm relies on gguf_file= and on removing the gguf quantization config before saving."""
    from transformers.quantizers import auto

    assert "gguf_file" in inspect.getsource(importlib.import_module("transformers.modeling_utils"))
    assert hasattr(auto, "AutoHfQuantizer")
    from transformers.quantizers.base import HfQuantizer

    assert hasattr(HfQuantizer, "remove_quantization_config")


def test_torch_memory_and_oom_api():
    """runtime.emulate_t4 and runtime.oom_advice rely on these torch names."""
    import torch

    assert callable(torch.cuda.set_per_process_memory_fraction)
    assert callable(torch.cuda.max_memory_allocated)
    assert issubclass(torch.OutOfMemoryError, RuntimeError)


def test_nbval_and_ipython_hooks_the_gpu_check_uses():
    """scripts/gpu_check.py runs nbval with these flags and registers an IPython event."""
    from IPython.core.events import available_events

    assert "post_run_cell" in available_events
    import nbval.plugin as plugin

    source = inspect.getsource(plugin)
    for flag in ("--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout"):
        assert flag in source, flag

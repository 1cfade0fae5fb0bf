"""Shared test setup: offline, ci profile, and a per-notebook duration summary."""

from __future__ import annotations

import collections
import os

import pytest

# Set before any kernel starts: notebooks run offline in the small profile even under bare pytest.
os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_durations: dict[str, float] = collections.defaultdict(float)


# Tests that load a model, train, or regenerate data: skipped by `make test-fast`.
SLOW_MODULES = ("test_models.py", "test_notebooks_smoke.py", "test_data.py", "test_gpu_scripts.py")


def pytest_collection_modifyitems(items):
    for item in items:
        uses_model = "tiny_checkpoint" in getattr(item, "fixturenames", ())
        if uses_model or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.model)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _durations:
        return
    terminalreporter.section("notebook durations (ci profile)")
    for name, seconds in sorted(_durations.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    terminalreporter.write_line(f"{sum(_durations.values()) / 60:7.1f} min total")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    """A random 2-layer Llama in the real tokenizer's vocabulary: fast, real shapes, no quality."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from helpers import models

    tokenizer = models.load_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny")
    LlamaForCausalLM(config).save_pretrained(path)
    return str(path), tokenizer


@pytest.fixture(scope="session")
def script():
    """Import one of scripts/*.py by name, as a module (they are not a package)."""
    import importlib.util

    from helpers import REPO_ROOT

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load

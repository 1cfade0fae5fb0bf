import random

import numpy as np
import pytest
import torch

from helpers import runtime


def test_profile_default_and_explicit(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.profile() == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.profile() == "gpu"
    monkeypatch.setenv("COURSE_PROFILE", " CI ")
    assert runtime.profile() == "ci"


def test_bad_profile_names_the_fix(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "huge")
    with pytest.raises(ValueError, match="ci, cpu, gpu"):
        runtime.profile()


@pytest.mark.parametrize(
    ("bf16_ok", "expected", "flags"),
    [
        (True, torch.bfloat16, {"bf16": True, "fp16": False}),
        (False, torch.float16, {"bf16": False, "fp16": True}),
    ],
)
def test_cuda_dtype_t4_gets_fp16(monkeypatch, bf16_ok, expected, flags):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16_ok)
    cuda = torch.device("cuda")
    assert runtime.train_dtype(cuda) == expected
    assert runtime.mixed_precision_flags(cuda) == flags


def test_inference_dtype(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert runtime.inference_dtype(torch.device("cuda")) == torch.float16  # a T4
    assert runtime.inference_dtype(torch.device("cpu")) == torch.bfloat16


def test_cpu_trains_in_bf16_only_with_bf16_instructions(monkeypatch):
    cpu = torch.device("cpu")
    monkeypatch.setattr(runtime, "cpu_bf16", lambda: False)
    assert runtime.train_dtype(cpu) == torch.float32
    assert runtime.train_dtype(torch.device("mps")) == torch.float32
    assert runtime.mixed_precision_flags(cpu) == {"bf16": False, "fp16": False}
    monkeypatch.setattr(runtime, "cpu_bf16", lambda: True)
    assert runtime.train_dtype(cpu) == torch.bfloat16
    assert runtime.train_dtype(torch.device("mps")) == torch.float32
    assert runtime.mixed_precision_flags(cpu) == {"bf16": True, "fp16": False, "use_cpu": True}


def test_cpu_bf16_reads_torchs_probes(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert runtime.cpu_bf16() is False
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert runtime.cpu_bf16() is True


def test_device_order(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.get_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.get_device().type == "mps"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert runtime.get_device().type == "cpu"


def test_seed_everything_repeats():
    runtime.seed_everything(3)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    runtime.seed_everything(3)
    assert a == (random.random(), np.random.rand(), torch.rand(1).item())
    with pytest.raises(ValueError, match="non-negative"):
        runtime.seed_everything(-1)


def test_is_colab(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    assert runtime.is_colab() is False
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab")
    assert runtime.is_colab() is True


def test_banner_shows_profile_and_versions(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    text = runtime.banner()
    for needle in ("torch", "transformers", "trl", "profile", "ci", "train dtype"):
        assert needle in text


def test_t4_emulation_forces_fp16_on_a_bf16_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    cuda = torch.device("cuda")
    monkeypatch.setenv(runtime.EMULATE_T4_ENV, "1")
    assert runtime.emulating_t4()
    assert runtime.train_dtype(cuda) == torch.float16
    assert runtime.inference_dtype(cuda) == torch.float16
    assert runtime.mixed_precision_flags(cuda) == {"bf16": False, "fp16": True}
    monkeypatch.setenv(runtime.EMULATE_T4_ENV, "0")
    assert runtime.train_dtype(cuda) == torch.bfloat16
    monkeypatch.setattr(runtime, "cpu_bf16", lambda: False)
    assert runtime.train_dtype(torch.device("cpu")) == torch.float32  # CPU is unaffected


def test_emulate_t4_caps_memory_at_15_gib(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    props = type("Props", (), {"total_memory": 140 * 2**30})()
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda i: props)
    monkeypatch.setattr(torch.cuda, "set_per_process_memory_fraction", lambda f, d: calls.append(f))
    assert runtime.emulate_t4() == pytest.approx(15 / 140)
    assert calls == [pytest.approx(15 / 140)]


def test_emulate_t4_without_gpu_names_the_fix(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="needs a CUDA GPU"):
        runtime.emulate_t4()


def test_oom_advice_explains_and_keeps_other_errors():
    with pytest.raises(torch.OutOfMemoryError, match="halve BATCH") as info:
        with runtime.oom_advice():
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert "Tried to allocate" in str(info.value)
    with pytest.raises(ValueError, match="other"), runtime.oom_advice():
        raise ValueError("other")


PROFILES_OK = {
    "ci": {"steps": 10, "rows": (50, 400)},
    "cpu": {"steps": 100, "rows": (50, 1000)},
    "gpu": {"steps": 400, "rows": (50, 2080)},
}


def test_pick_config_and_smoke(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    monkeypatch.delenv(runtime.SMOKE_ENV, raising=False)
    assert runtime.pick_config(PROFILES_OK, {"steps": 2}) == PROFILES_OK["gpu"]
    assert "SMOKE" not in runtime.describe(PROFILES_OK["gpu"])
    monkeypatch.setenv(runtime.SMOKE_ENV, "1")
    assert runtime.smoke()
    cfg = runtime.pick_config(PROFILES_OK, {"steps": 2})
    assert cfg == {"steps": 2, "rows": (50, 2080)}  # the profile's choices stay, steps are cut
    assert PROFILES_OK["gpu"]["steps"] == 400  # the notebook's dict is not changed
    assert "SMOKE RUN" in runtime.describe(cfg) and "gpu" in runtime.describe(cfg)


@pytest.mark.parametrize(
    ("profiles", "smoke", "match"),
    [
        ({**PROFILES_OK, "gpu": {"steps": 400}}, {}, "'gpu' lacks \\['rows'\\]"),
        ({k: v for k, v in PROFILES_OK.items() if k != "cpu"}, {}, "lacks cpu"),
        (PROFILES_OK, {"stepz": 2}, "not config keys"),
    ],
)
def test_pick_config_catches_profile_mistakes(profiles, smoke, match, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    with pytest.raises(ValueError, match=match):
        runtime.pick_config(profiles, smoke)


def test_expect_asserts_unless_smoke(monkeypatch):
    monkeypatch.delenv(runtime.SMOKE_ENV, raising=False)
    assert runtime.expect(True, "RAG helps") == "checked: RAG helps"
    with pytest.raises(AssertionError, match="not shown on this run: RAG helps"):
        runtime.expect(False, "RAG helps")
    monkeypatch.setenv(runtime.SMOKE_ENV, "1")
    assert runtime.expect(False, "RAG helps") == "smoke run, not checked: RAG helps"
    assert runtime.expect(True, "RAG helps").startswith("smoke run, not checked")

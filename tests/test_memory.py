import pytest

from helpers import memory


@pytest.mark.parametrize(
    ("name", "billions"),
    [
        ("SmolLM2-135M", 0.1345),
        ("SmolLM2-360M", 0.362),
        ("SmolLM2-1.7B", 1.711),
        ("Llama-3.2-3B", 3.21),
        ("Mistral-7B", 7.24),
    ],
)
def test_parameter_counts_match_published_sizes(name, billions):
    assert memory.SHAPES[name].params / 1e9 == pytest.approx(billions, rel=0.01)


def test_per_parameter_bytes():
    s = memory.SHAPES["Mistral-7B"]
    full = memory.training_memory(s, "full_fp32", batch=1, seq_len=1)
    assert full["weights"] + full["grads_optimizer_adapters"] == 16 * s.params
    mixed = memory.training_memory(s, "full_bf16_mixed", batch=1, seq_len=1)
    assert mixed["weights"] == 2 * s.params
    q = memory.training_memory(s, "qlora_nf4", batch=1, seq_len=1)
    assert q["weights"] / s.params == pytest.approx(
        0.57, abs=0.02
    )  # ~4.13 bits + 16-bit embeddings
    assert q["grads_optimizer_adapters"] == 16 * s.lora_params(16)


def test_what_fits_a_t4():
    s = memory.SHAPES["Mistral-7B"]
    fits = {
        m: memory.training_memory(s, m, batch=4, seq_len=512)["fits_t4"] for m in memory.METHODS
    }
    assert fits == {
        "full_fp32": False,
        "full_bf16_mixed": False,
        "lora_fp32": False,
        "lora_16bit": False,
        "qlora_nf4": True,
    }
    assert memory.training_memory(memory.SHAPES["SmolLM2-135M"], "full_fp32", 4, 512)["fits_t4"]


def test_lora_params_rank_linear():
    s = memory.SHAPES["SmolLM2-135M"]
    assert s.lora_params(16) == 4 * s.lora_params(4)
    assert s.lora_params(16) == 4_884_480  # what peft reports as trainable (notebook 04)


def test_activations_scale_and_checkpointing():
    s = memory.SHAPES["SmolLM2-360M"]
    one = memory.activation_bytes(s, 1, 256)
    assert memory.activation_bytes(s, 2, 256) == pytest.approx(2 * one)
    assert memory.activation_bytes(s, 1, 256, checkpointing=True) < one


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "dora"}, "unknown method"),
        ({"method": "lora_16bit", "rank": 0}, "rank"),
        ({"method": "lora_16bit", "batch": 0}, ">= 1"),
    ],
)
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        memory.training_memory(memory.SHAPES["SmolLM2-135M"], **kwargs)


def test_peak_memory_sees_an_allocation():
    import numpy as np

    with memory.PeakMemory(interval=0.01) as peak:
        block = np.ones(64 * 2**20 // 8)  # 64 MiB
        block += 1
        import time

        time.sleep(0.1)
    assert peak.added > 32 * 2**20


def test_peak_memory_on_cpu_ignores_a_present_gpu(monkeypatch):
    """Regression: with CUDA present it read GPU counters while the block allocated host memory."""
    import numpy as np
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with memory.PeakMemory(device="cpu", interval=0.01) as peak:
        block = np.ones(64 * 2**20 // 8)
        block += 1
    assert peak.added > 32 * 2**20


def test_peak_memory_takes_a_final_sample():
    """Regression: a block shorter than one sampling interval measured nothing."""
    import numpy as np

    with memory.PeakMemory(device="cpu", interval=60) as peak:
        block = np.ones(64 * 2**20 // 8)
        block += 1
    assert peak.added > 32 * 2**20
    del block


def test_peak_memory_device_names():
    import torch

    assert memory.PeakMemory(torch.device("cuda", 0)).device == "cuda"
    assert memory.PeakMemory("cpu").device == "cpu"


def test_the_qlora_papers_claims():
    """QLoRA (Dettmers et al. 2023): 65B fits one 48 GB GPU; 16-bit full FT needs > 780 GB."""
    s = memory.SHAPES["LLaMA-65B"]
    assert s.params / 1e9 == pytest.approx(65.2, rel=0.01)
    plain = memory.training_memory(s, "qlora_nf4", batch=1, seq_len=512, rank=16)
    ckpt = memory.training_memory(s, "qlora_nf4", batch=1, seq_len=512, rank=16, checkpointing=True)
    # the paper's GB are decimal: 49.2 GB without checkpointing, 38.6 GB with it (rank 16)
    assert ckpt["total"] < 48e9 < plain["total"]  # the claim holds with checkpointing only
    full = memory.training_memory(s, "full_bf16_mixed", batch=1, seq_len=512)
    twelve = 12 * s.params  # 16-bit weights and grads + fp32 Adam moments, no master copy
    assert twelve > 780e9 and full["weights"] + full["grads_optimizer_adapters"] == 16 * s.params


def test_checkpointing_keeps_one_layer_of_activations():
    s = memory.SHAPES["SmolLM2-135M"]
    plain = memory.training_memory(s, "lora_16bit", batch=4, seq_len=512)
    ckpt = memory.training_memory(s, "lora_16bit", batch=4, seq_len=512, checkpointing=True)
    logits = 2 * 4 * 512 * s.vocab * 4  # fp32 logits and their gradient: checkpointing keeps them
    assert ckpt["activations"] - logits < (plain["activations"] - logits) / 10
    assert ckpt["weights"] == plain["weights"]

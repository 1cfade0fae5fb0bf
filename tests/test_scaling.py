import math

import numpy as np
import pytest

from helpers import scaling


@pytest.mark.parametrize(
    ("params", "tokens"), [(1e9, 20e9), (3e9, 60e9), (7e9, 140e9), (70e9, 1.4e12)]
)
def test_twenty_tokens_per_param(params, tokens):
    assert scaling.compute_optimal_tokens(params) == pytest.approx(tokens)
    assert scaling.compute_optimal_params(tokens) == pytest.approx(params)


def test_six_nd_and_cost():
    assert scaling.training_flops(1e9, 20e9) == pytest.approx(1.2e20)
    cost = scaling.training_cost(1e9, 20e9, gpu="A100", utilization=0.4)
    assert cost["gpu_hours"] == pytest.approx(1.2e20 / (312e12 * 0.4) / 3600)
    assert cost["usd"] == pytest.approx(cost["gpu_hours"] * scaling.GPUS["A100"].usd_per_hour)
    # a T4 is ~4.8x slower than an A100 at the same utilisation
    t4 = scaling.gpu_hours(1e20, "T4", 0.4)
    assert t4 / scaling.gpu_hours(1e20, "A100", 0.4) == pytest.approx(312 / 65)


@pytest.mark.parametrize("fit", [scaling.CHINCHILLA, scaling.CHINCHILLA_REFIT])
def test_optimum_is_on_budget_and_minimal(fit):
    c = 1e22
    n, d = scaling.chinchilla_optimal(c, fit)
    assert 6 * n * d == pytest.approx(c, rel=1e-9)
    best = scaling.chinchilla_loss(n, d, fit)
    for factor in (0.8, 0.9, 1.1, 1.25):  # any other split of the same compute is worse
        assert scaling.chinchilla_loss(n * factor, d / factor, fit) > best


def test_refit_frontier_near_twenty_tokens_per_param():
    n, d = scaling.chinchilla_optimal(5.76e23, scaling.CHINCHILLA_REFIT)
    assert 15 < d / n < 25
    n2, d2 = scaling.chinchilla_optimal(5.76e23, scaling.CHINCHILLA)
    assert d2 / n2 > 60  # the paper's approach-3 constants disagree; the notebook says so


def test_loss_vectorised_and_decreasing():
    n = np.array([1e8, 1e9, 1e10])
    losses = scaling.chinchilla_loss(n, 1e11)
    assert losses.shape == (3,)
    assert np.all(np.diff(losses) < 0)
    assert scaling.chinchilla_loss(1e30, 1e30) == pytest.approx(scaling.CHINCHILLA.E, abs=1e-3)


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, "7B", True, None])
def test_bad_sizes_rejected(bad):
    with pytest.raises(ValueError):
        scaling.compute_optimal_tokens(bad)
    with pytest.raises(ValueError):
        scaling.training_flops(1e9, bad)


def test_bad_gpu_and_utilization():
    with pytest.raises(ValueError, match="unknown GPU"):
        scaling.gpu_hours(1e20, "V100")
    with pytest.raises(ValueError, match="fraction"):
        scaling.gpu_hours(1e20, "T4", utilization=1.5)
    with pytest.raises(ValueError):
        scaling.gpu_hours(1e20, "T4", utilization=0)
    with pytest.raises(ValueError):
        scaling.chinchilla_loss(np.array([1e9, -1.0]), 1e10)


def test_corpus_verdict():
    v = scaling.corpus_verdict(words=1e6, tokens_per_word=2.0, base_params=135e6, base_tokens=2e12)
    assert v["corpus_tokens"] == pytest.approx(2e6)
    assert v["compute_optimal_params"] == pytest.approx(1e5)
    assert v["tokens_needed_for_base_size"] == pytest.approx(2.7e9)
    assert v["corpus_share_of_base_pretraining"] == pytest.approx(1e-6)
    with pytest.raises(ValueError, match="words"):
        scaling.corpus_verdict(words=0, tokens_per_word=1.3, base_params=1e8, base_tokens=1e12)


def test_tokens_per_word():
    class Tok:  # one token per character: "ab cd" -> 4 tokens (spaces dropped), 2 words
        def __call__(self, text, add_special_tokens=False):
            return {"input_ids": [c for c in text if c != " "]}

    assert scaling.tokens_per_word(Tok(), ["ab cd"]) == 2.0
    with pytest.raises(ValueError, match="no words"):
        scaling.tokens_per_word(Tok(), ["", "  "])


def test_human():
    assert scaling.human(1.4e12) == "1.4T"
    assert scaling.human(20e9) == "20B"
    assert scaling.human(135e6) == "135M"
    assert scaling.human(72.4e3) == "72.4K"
    assert scaling.human(12) == "12"


def test_notable_models_have_sources():
    for name, n, d, source in scaling.NOTABLE_MODELS:
        assert n > 0 and d > 0 and "arXiv:" in source, name

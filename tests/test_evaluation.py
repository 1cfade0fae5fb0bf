import numpy as np
import pytest
import torch

from helpers import evaluation


class TinyLM(torch.nn.Module):
    """Uniform next-token distribution over V tokens: perplexity must be exactly V."""

    def __init__(self, vocab=50):
        super().__init__()
        self.vocab = vocab
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.config = type("C", (), {"max_position_embeddings": 64})()

    def forward(self, input_ids):
        logits = torch.zeros(*input_ids.shape, self.vocab) + self.w
        return type("O", (), {"logits": logits})()


class Tok:
    def __call__(self, text, add_special_tokens=False, return_tensors=None):
        ids = torch.tensor([[ord(c) % 50 for c in text]])
        return {"input_ids": ids}


def test_perplexity_of_uniform_model_is_vocab_size():
    ppl = evaluation.perplexity(TinyLM(), Tok(), "abcdefgh" * 20, block_size=16, progress=False)
    assert ppl == pytest.approx(50, rel=1e-4)


def test_perplexity_bad_inputs():
    with pytest.raises(ValueError, match="fewer than one block"):
        evaluation.perplexity(TinyLM(), Tok(), "short", block_size=16, progress=False)
    with pytest.raises(ValueError, match="context"):
        evaluation.perplexity(TinyLM(), Tok(), "x" * 500, block_size=128, progress=False)
    with pytest.raises(ValueError, match=">= 2"):
        evaluation.perplexity(TinyLM(), Tok(), "x" * 500, block_size=1, progress=False)


@pytest.mark.parametrize(
    ("pred", "gold", "ok"),
    [
        ("The charge is 2.4 kg [2].", "2.4 kg", True),
        ("It is 12.4 kg", "2.4 kg", False),
        ("torque 41 Nm", "41 Nm", True),
        ("Use part vt-1511-m from now on", "VT-1511-M", True),
        ("VT-1511-MX", "VT-1511-M", False),
        ("That is not in the documentation.", "not in the documentation", True),
        ("The value is 2.45 kg", "2.4", False),
    ],
)
def test_contains_answer(pred, gold, ok):
    assert evaluation.contains_answer(pred, gold) is ok


def test_contains_answer_aliases():
    assert evaluation.contains_answer("about 18", "18 months", ["18"])


def test_cosine_matrix():
    m = evaluation.cosine_matrix(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0]]))
    assert m[:, 0] == pytest.approx([1.0, 0.0])


def test_recall_and_mrr():
    ranked = [["a", "b", "c"], ["x", "y", "z"], ["q", "g", "r"]]
    gold = [["a"], ["nope"], ["g", "r"]]
    assert evaluation.recall_at_k(ranked, gold, 1) == pytest.approx(1 / 3)
    assert evaluation.recall_at_k(ranked, gold, 2) == pytest.approx(2 / 3)
    assert evaluation.mrr(ranked, gold) == pytest.approx((1 + 0 + 0.5) / 3)
    with pytest.raises(ValueError, match="one ranking per query"):
        evaluation.recall_at_k(ranked, gold[:2], 1)

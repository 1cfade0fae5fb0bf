import pytest

from helpers import dapt


class Tok:
    eos_token_id = 0

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [1 + (ord(c) % 50) for c in text.replace(" ", "")]}


def test_pack_blocks_joins_documents_with_eos():
    blocks = dapt.pack_blocks(Tok(), "abcd\n\nefgh\n\nij", block_size=5)
    assert [len(b) for b in blocks] == [5, 5]  # 4+1 + 4+1 + 2+1 = 13 tokens -> 2 full blocks
    assert blocks[0][-1] == 0 and blocks[1][-1] == 0


def test_corpus_shorter_than_one_block():
    with pytest.raises(ValueError, match="shorter than one block"):
        dapt.pack_blocks(Tok(), "abc", block_size=64)


def test_block_larger_than_context():
    with pytest.raises(ValueError, match="larger than the model's context of 128"):
        dapt.pack_blocks(Tok(), "abc " * 100, block_size=256, max_context=128)
    with pytest.raises(ValueError, match=">= 2"):
        dapt.pack_blocks(Tok(), "abc", block_size=1)


def test_mix_replay_shares_and_errors():
    dom, gen = [[1]] * 10, [[2]] * 10
    mixed = dapt.mix_replay(dom, gen, share=0.25, n_blocks=40, seed=0)
    assert len(mixed) == 40 and sum(b == [2] for b in mixed) == 10
    assert dapt.mix_replay(dom, gen, 0.25, 40, seed=0) == mixed  # seeded
    assert dapt.mix_replay(dom, [], share=0.0, n_blocks=8) == [[1]] * 8
    with pytest.raises(ValueError, match="replay corpus is empty"):
        dapt.mix_replay(dom, [], share=0.1, n_blocks=20)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        dapt.mix_replay(dom, gen, share=1.0, n_blocks=20)
    with pytest.raises(ValueError, match="no domain blocks"):
        dapt.mix_replay([], gen, share=0.1, n_blocks=20)


def test_dapt_trainer_lora_and_full(tiny_checkpoint, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM

    path, tokenizer = tiny_checkpoint
    blocks = dapt.pack_blocks(tokenizer, "chk'd strnr, repl EEV coil. RTN 0840.\n\n" * 40, 32)
    for rank in (4, None):
        model = AutoModelForCausalLM.from_pretrained(path)
        trainer = dapt.build_trainer(
            model,
            tokenizer,
            blocks,
            str(tmp_path / str(rank)),
            steps=2,
            batch_size=2,
            lora_rank=rank,
        )
        trainable = [p for p in trainer.model.parameters() if p.requires_grad]
        total = sum(p.numel() for p in trainer.model.parameters())
        assert all(p.dtype == torch.float32 for p in trainable)
        share = sum(p.numel() for p in trainable) / total
        assert share < 0.2 if rank else share == 1.0
        trainer.train()
        assert trainer.state.global_step == 2
        assert trainer.state.log_history[0]["loss"] > 0

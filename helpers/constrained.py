"""Schema-constrained decoding with lm-format-enforcer: JSON valid by construction (04_qlora_sft).

At each step only the tokens that keep the output a valid prefix of the JSON Schema may be chosen,
so the reply parses and validates whatever the model prefers. lm-format-enforcer's own transformers
glue imports a module that transformers 5 removed; its core does not, so the glue is here. The mask
is built as transformers' PrefixConstrainedLogitsProcessor builds it, but from a NumPy index: a
list of ~49k allowed ids indexes a tensor about 8x slower than an array does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch


@functools.lru_cache(maxsize=4)
def _tokenizer_data(tokenizer: Any) -> Any:
    from lmformatenforcer import TokenEnforcerTokenizerData

    zero = tokenizer.encode("0", add_special_tokens=False)[-1]
    special = set(tokenizer.all_special_ids)
    regular = []
    for idx in range(len(tokenizer)):
        if idx in special or any(c in tokenizer.decode([idx]) for c in "\r\t"):
            continue  # JSON never needs a raw tab or carriage return; a weak model pads with them
        # decoded after "0", minus the "0": keeps a word-start token's leading space
        after_zero = tokenizer.decode([zero, idx])[1:]
        regular.append((idx, after_zero, len(after_zero) > len(tokenizer.decode([idx]))))

    def decode(ids: list[int]) -> str:
        return tokenizer.decode(ids).rstrip("\ufffd")

    eos = tokenizer.eos_token_id
    return TokenEnforcerTokenizerData(regular, decode, eos, False, len(tokenizer))


def enforceable(schema: dict) -> dict:
    """The same schema, each enum that mixes strings and null written as anyOf (04_qlora_sft).

    lm-format-enforcer rejects {"enum": ["VX-212", ..., null]}; {"anyOf": [{"enum": [...]},
    {"type": "null"}]} accepts exactly the same values.
    """
    if isinstance(schema, list):
        return [enforceable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: enforceable(v) for k, v in schema.items()}
    enum = out.get("enum")
    if enum is not None and None in enum and any(v is not None for v in enum):
        rest = {k: v for k, v in out.items() if k != "enum"}
        out = {**rest, "anyOf": [{"enum": [v for v in enum if v is not None]}, {"type": "null"}]}
    return out


def json_schema_constraint(tokenizer: Any, schema: dict) -> Callable[[int, Any], list[int]]:
    """A function (row, token ids) -> the token ids allowed next by the schema (04_qlora_sft)."""
    from lmformatenforcer import CharacterLevelParserConfig, JsonSchemaParser, TokenEnforcer

    # asks for one whitespace at most and the `required` field order; 0.11.3 lets longer runs of
    # whitespace through between tokens, which is why _tokenizer_data drops tab and CR tokens
    config = CharacterLevelParserConfig(max_consecutive_whitespaces=1, force_json_field_order=True)
    parser = JsonSchemaParser(enforceable(schema), config=config)
    enforcer = TokenEnforcer(_tokenizer_data(tokenizer), parser)

    def allowed(batch_id: int, sent: Any) -> list[int]:
        return enforcer.get_allowed_tokens(sent.tolist()).allowed_tokens

    return allowed


class AllowedTokens:
    """A logits processor that sets every token not allowed next to -inf (04_qlora_sft)."""

    def __init__(self, allowed: Callable[[int, Any], list[int]]) -> None:
        self.allowed = allowed

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """The scores with the disallowed tokens masked; a row with no allowed token is an error."""
        mask = torch.full_like(scores, -math.inf)
        for row, sent in enumerate(input_ids):
            ids = self.allowed(row, sent)
            if len(ids) == 0:
                raise ValueError(f"the schema allows no next token for row {row}: check the schema")
            index = torch.from_numpy(np.fromiter(ids, dtype=np.int64, count=len(ids)))
            mask[row, index.to(scores.device)] = 0  # a no-op on CPU; one small copy on a GPU
        masked = scores + mask
        # where the model gives every allowed token -inf, the constraint still holds: score 0 each
        stuck = masked.amax(dim=-1, keepdim=True).isneginf()
        return torch.where(stuck, mask, masked)


def schema_processor(tokenizer: Any, schema: dict) -> Any:
    """The logits processors models.generate passes for schema=... (04_qlora_sft)."""
    from transformers import LogitsProcessorList

    return LogitsProcessorList([AllowedTokens(json_schema_constraint(tokenizer, schema))])

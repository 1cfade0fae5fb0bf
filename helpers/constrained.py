"""Schema-constrained decoding with lm-format-enforcer: JSON valid by construction (04_qlora_sft).

At each step only the tokens that keep the output a valid prefix of the JSON Schema may be chosen,
so the reply parses and validates whatever the model prefers. lm-format-enforcer's own transformers
glue imports a module that transformers 5 removed; its core does not, so the glue is here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


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
    """A prefix_allowed_tokens_fn that lets only schema-valid JSON through (04_qlora_sft)."""
    from lmformatenforcer import CharacterLevelParserConfig, JsonSchemaParser, TokenEnforcer

    # asks for one whitespace at most and the `required` field order; 0.11.3 lets longer runs of
    # whitespace through between tokens, which is why _tokenizer_data drops tab and CR tokens
    config = CharacterLevelParserConfig(max_consecutive_whitespaces=1, force_json_field_order=True)
    parser = JsonSchemaParser(enforceable(schema), config=config)
    enforcer = TokenEnforcer(_tokenizer_data(tokenizer), parser)

    def allowed(batch_id: int, sent: Any) -> list[int]:
        return enforcer.get_allowed_tokens(sent.tolist()).allowed_tokens

    return allowed

"""Knowledge SFT's data: the injected and control facts, the rows, and bad input (06)."""

import pytest

from helpers import domain, knowledge


@pytest.fixture(scope="module")
def test_qa():
    return domain.load_qa("test")


def test_split_facts_is_seeded_disjoint_and_keeps_changed_facts(test_qa):
    injected, control = knowledge.split_facts(test_qa, 20, seed=0)
    assert (injected, control) == knowledge.split_facts(test_qa, 20, seed=0)
    assert injected != knowledge.split_facts(test_qa, 20, seed=1)[0]
    assert not injected & control
    changed = {q["fact_key"] for q in test_qa if q["type"] == "superseded"}
    assert changed <= injected and len(injected - changed) == 20
    single = {q["fact_key"] for q in test_qa if q["type"] == "single_fact"}
    assert control == single - injected
    with pytest.raises(ValueError, match="n_inject"):
        knowledge.split_facts(test_qa, len(single), seed=0)


def test_training_rows_take_k_phrasings_and_the_extra_rows(test_qa):
    pairs = knowledge.load_fact_pairs()
    keys = {pairs[0]["fact_key"], pairs[1]["fact_key"]}
    n_pairs = sum(p["fact_key"] in keys for p in pairs)
    extra = domain.load_qa("dev")[:3]
    one = knowledge.training_rows(pairs, keys, 1, extra, seed=0)
    four = knowledge.training_rows(pairs, keys, 4, extra, seed=0)
    assert len(one) == n_pairs + 3 and len(four) == 4 * n_pairs + 3
    assert {r["prompt"] for r in one} <= {r["prompt"] for r in four}
    assert {r["completion"] for r in one} == {r["completion"] for r in four}
    assert len(knowledge.probes(pairs, keys)) == n_pairs
    with pytest.raises(ValueError, match="no fact pair"):
        knowledge.training_rows(pairs, {"nope"}, 1, [], seed=0)
    with pytest.raises(ValueError, match="phrasings"):
        knowledge.training_rows(pairs, keys, 0, [], seed=0)


def test_bad_fact_pairs_file_names_its_line(tmp_path):
    (tmp_path / "fact_pairs.jsonl").write_text(
        '{"fact_key": "k", "doc_id": "d", "answer": "a", "phrasings": ["q?"]}\n'
        '{"fact_key": "k", "doc_id": "d", "answer": "a", "phrasings": []}\n'
    )
    with pytest.raises(ValueError, match="fact_pairs.jsonl:2"):
        knowledge.load_fact_pairs(tmp_path)


def test_old_value_keys_name_what_each_bulletin_replaces():
    facts = domain.load_facts()
    by_kind = {b["kind"]: b for b in facts["bulletins"]}
    keys = knowledge.old_value_keys(facts, {b["id"] for b in by_kind.values()})
    assert f"{by_kind['torque']['procedure']}:torque" in keys
    assert f"{by_kind['part']['old']}:pn" in keys
    assert f"{by_kind['severity']['code']}:sev" in keys

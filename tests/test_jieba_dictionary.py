"""jieba's dictionary in shards (pipeline.extract.jieba_dictionary): the indicator tagger
loads the shards of a phrase's characters instead of the whole dictionary, and must cut
every phrase as jieba's own tagger over the whole dictionary does."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import rules
from pipeline.extract import jieba_dictionary
from pipeline.extract.jieba_dictionary import ShardedTagger

GOLDEN_TABLES = Path(__file__).parent / "golden" / "tables"
POLICY_TERMS = rules.table("policy_terms.tsv")


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sharded(cache) -> ShardedTagger:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        return ShardedTagger(POLICY_TERMS)


@pytest.fixture(scope="module")
def whole():
    """jieba's own tagger over the whole dictionary, with the same policy terms."""
    tokenizer = jieba.Tokenizer()
    for word, tag in POLICY_TERMS.items():
        tokenizer.add_word(word, tag=tag)
    return jieba_dictionary.posseg().POSTokenizer(tokenizer)


def pairs(cut) -> list[tuple[str, str]]:
    return [(pair.word, pair.flag) for pair in cut]


def corpus_phrases() -> list[str]:
    """The clauses of every fact's evidence in the three test corpora, with their heads and
    tails (the indicator code cuts such pieces)."""
    phrases: set[str] = set()
    for path in sorted(GOLDEN_TABLES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            evidence = json.loads(line).get("evidence")
            for clause in regex.split(r"[，。；、：,;:\s]", evidence or ""):
                if clause:
                    phrases.update((clause, clause[:8], clause[-6:]))
    return sorted(phrases)


def test_every_clause_of_the_corpora_is_cut_as_the_whole_dictionary_cuts_it(sharded, whole):
    phrases = corpus_phrases()
    assert len(phrases) > 1500
    differ = [(p, pairs(sharded.lcut(p)), pairs(whole.lcut(p))) for p in phrases
              if pairs(sharded.lcut(p)) != pairs(whole.lcut(p))]
    assert not differ, differ[:5]


def test_policy_terms_keep_their_own_tags(sharded):
    assert ("营收规模", "n") in pairs(sharded.lcut("人工智能产业营收规模突破1000亿元"))


ALPHABET = "".join(sorted(set("".join(corpus_phrases()))))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=24))
def test_any_string_of_the_corpora_characters_is_cut_as_the_whole_dictionary_cuts_it(sharded, whole, phrase):
    assert pairs(sharded.lcut(phrase)) == pairs(whole.lcut(phrase))


def test_the_shards_are_built_once_and_read_from_the_cache_after(cache, sharded):
    files = list((cache / "gazette").glob("jieba-*.shards"))
    assert len(files) == 1  # built for the module's tagger
    before = files[0].stat().st_mtime_ns
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        cached = jieba_dictionary.shards()  # read from the file, not built again
    assert files[0].stat().st_mtime_ns == before
    assert (cached.total, cached.index) == (sharded.dictionary.total, sharded.dictionary.index)


def test_a_broken_cache_file_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = jieba_dictionary.shards()
    path = next((tmp_path / "gazette").glob("jieba-*.shards"))
    path.write_bytes(b"\x00" * 7)  # cut short: no header
    again = jieba_dictionary.shards()
    assert again.total == first.total and path.stat().st_size > 1_000_000


def test_jieba_posseg_imported_this_way_still_tags_with_the_whole_dictionary():
    # its default tagger's tags are read at its first use, not at import
    code = ("from pipeline.extract import jieba_dictionary\n"
            "posseg = jieba_dictionary.posseg()\n"
            "assert type(posseg.dt.word_tag_tab).__name__ == '_TagsOnFirstUse'\n"
            "print([(p.word, p.flag) for p in posseg.lcut('我爱北京天安门广场')])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[('我', 'r'), ('爱', 'v'), ('北京天安门广场', 'ns')]"

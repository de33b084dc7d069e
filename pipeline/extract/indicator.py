"""The indicator of a target: the noun phrase its number counts.

    培育链主企业10家                      -> 链主企业            (the phrase before the number)
    人工智能产业营收规模突破1000亿元      -> 人工智能产业营收规模
    引育3个具有全国影响力的行业垂直模型    -> 行业垂直模型        (the phrase after it, past 的)

The phrase is cut with jieba, the users' tokenizer: its part-of-speech tags tell the
predicate verb that opens a clause (培育, 实现, 新增) from the nouns it governs. jieba's
general dictionary splits policy terms (营业/收入) or mistags them, so a user dictionary of
policy vocabulary is loaded from pipeline/data/policy_terms.tsv. The words at the edges of
an indicator (comparisons, 全市, 将, 作为) are data too: target_comparators.tsv,
indicator_words.tsv.
"""
from __future__ import annotations

from functools import cache, lru_cache

import regex

from pipeline import rules

from .jieba_dictionary import ShardedTagger
from .text import split_top_level

# Tags of words that open a clause before its object: verbs, adverbs, pronouns,
# prepositions, conjunctions, localisers, numerals and measure words, particles.
_OPENING_TAGS = ("v", "vd", "vi", "d", "r", "p", "c", "ad", "f", "m", "q", "u", "uj", "ul", "ug", "uv", "ud")
_NOMINAL = regex.compile(r"^(n|nz|nr|ns|nt|nrt|ng|j|l|i|eng|vn|an|b|s|a|x)")
# What stands between an indicator and its number: 突破 1000亿元, 达到 60%, 控制在 ... (the
# bounds, their negations and the linking words of target_comparators.tsv), and the baseline
# of a change (能耗比2020年下降13.5%).
_TAIL_KINDS = ("not", "below", "above", "at_least", "at_most", "link", "respectively")
_COMPARISON_TAIL = regex.compile(
    f"(?:{rules.alternation('target_comparators.tsv', *_TAIL_KINDS)}"
    + rf"|(?:{rules.alternation('target_cues.tsv', 'base')})\s*(?:19|20)[0-9]{{2}}\s*年(?:底|末)?)+$")
_WHOLE_AREA = regex.compile(f"^(?:{rules.alternation('indicator_words.tsv', 'area')})")  # 全市, 我省 ...
_OBJECT_MARKERS = frozenset(rules.words("indicator_words.tsv", "object"))
_NOTE = regex.compile(f"[(（](?:{rules.alternation('indicator_words.tsv', 'note')})[^()（）]*[)）]$")
_ADVERBIAL = regex.compile(r"在[^，,；;。]{0,24}?下")  # 在使用半精度输出输入(FP16)下
_EDGE_MARKS = "、,，;；:：。 \t等和及与"


@cache
def _tagger() -> ShardedTagger:
    # jieba's dictionary a first character at a time (jieba_dictionary): the phrases a run
    # cuts need a few thousand of its 350,000 words, and loading all of them took two
    # seconds of every run that read a file
    return ShardedTagger(rules.table("policy_terms.tsv"))


def words(phrase: str) -> list[tuple[str, str]]:
    """`phrase` cut into (word, part of speech) by jieba with the policy dictionary."""
    return list(_cut(phrase))


# A document asks for the same phrases again and again (each target of a list names its
# indicator; subsidies cut their tier labels), and jieba takes ~0.1 ms a phrase.
@lru_cache(maxsize=4096)
def _cut(phrase: str) -> tuple[tuple[str, str], ...]:
    return tuple((t.word, t.flag) for t in _tagger().lcut(phrase))


def after_last_de(phrase: str) -> str:
    """The head of `...的X`: X. A 的 inside quotes or brackets does not count."""
    return split_top_level(phrase, "的")[-1][1]


def indicator_before(phrase: str) -> str | None:
    """The indicator of `培育链主企业10家` from the clause before the number (`培育链主企业`)."""
    phrase = _ADVERBIAL.sub("", after_last_de(phrase)).strip(_EDGE_MARKS)
    phrase = _COMPARISON_TAIL.sub("", phrase)
    phrase = _WHOLE_AREA.sub("", phrase).strip(_EDGE_MARKS)
    if not phrase:
        return None
    tokens = words(phrase)
    marked = [i for i, (word, _) in enumerate(tokens) if word in _OBJECT_MARKERS]
    if marked and marked[-1] + 1 < len(tokens):  # 机构逐步将平均担保费率(降至): what 将 takes
        tokens = tokens[marked[-1] + 1:]
    while len(tokens) > 1 and _opens_clause(tokens):
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1][1] in ("v", "f", "p"):  # 土地收入中提取 -> 土地收入
        tokens.pop()
    phrase = "".join(word for word, _ in tokens)
    return _WHOLE_AREA.sub("", phrase).strip(_EDGE_MARKS) or phrase.strip(_EDGE_MARKS) or None  # 力争全市…


def indicator_after(phrase: str) -> str | None:
    """The indicator of `引育3个具有全国影响力的行业垂直模型` from the words after the unit;
    a note that points elsewhere (`招生规模(见附表)`) is not part of it."""
    phrase = _NOTE.sub("", after_last_de(phrase)).strip(_EDGE_MARKS)
    return phrase or None


def starts_with_verb(phrase: str) -> bool:
    """`作为专项经费`: the words after a number go on with a verb (the number was the
    object), unless they lead to a 的 that names the thing counted (`具有...的行业垂直模型`)."""
    if after_last_de(phrase) != phrase:
        return False
    if phrase.startswith(rules.words("indicator_words.tsv", "purpose")):
        return True
    return words(phrase)[0][1] in ("v", "vd", "vi", "p")


def ends_with_verb(phrase: str) -> bool:
    """`打造`, `建成`: the clause before a number ends with the verb whose object it counts
    (a comparison such as 达到 or 突破 relates the number to the noun before it instead)."""
    if not phrase or _COMPARISON_TAIL.search(phrase):
        return False
    tokens = words(phrase)
    return bool(tokens) and tokens[-1][1] in ("v", "vn") and len(tokens[-1][0]) >= 2


def _opens_clause(tokens: list[tuple[str, str]]) -> bool:
    word, tag = tokens[0]
    if word in "“《(（":
        return False
    if tag in _OPENING_TAGS or (tag == "x" and word not in "“《(（"):
        return True
    # A verbal noun before a noun is the clause's verb (培育 链主企业), alone it is the noun (就业).
    return tag == "vn" and bool(_NOMINAL.match(tokens[1][1]))

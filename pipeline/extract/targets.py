"""Targets: the quantities a document commits to reach.

    到2027年,...培育链主企业10家,...人工智能产业营收规模突破1000亿元;...
    -> (2027, 链主企业, 10, 家, =), (2027, 人工智能产业营收规模, 1000, 亿元, >=)

A number with a unit is a target when a goal year governs it (`到2027年`, `力争到...`, a
future `2026年,` opening its sentence, anywhere earlier in its paragraph) or, without a
year, when the text commits to it (`力争`, `确保`, `不低于`, `控制在...`). It is not a target when
it is:
- money the policy pays, or a threshold in the same sentence as a subsidy (`给予`, `补助` ...);
- a threshold that qualifies a noun (`10亿元以上的项目`, `营业收入2000万元以上的企业`);
- inside a name or a title (`“135N”`, `《...》`), or a total of listed items (`等6个产业片区`);
- a count of the plan's own parts (`十五项重点任务`, `10个方面`: target_exclusions.tsv).
"""
from __future__ import annotations

import regex

from pipeline import rules
from pipeline.records import TargetRow

from .indicator import ends_with_verb, indicator_after, indicator_before, starts_with_verb
from .quantities import Quantity
from .text import DocumentText, Span, inside_brackets, split_top_level

# A goal year: 到2027年, 力争到2026年底, 至2025年末, or a year opening a clause (2026年,).
_GOAL_YEAR = regex.compile(rf"(?:(?P<by>{rules.alternation('goal_year_words.tsv', 'by')}|"
                           rf"{rules.alternation('goal_year_words.tsv', 'commit')})\s*)?"
                           r"(?P<year>20[0-9]{2})\s*年(?P<tail>度|底|末|前|年底)?")
_COMMITMENT = regex.compile(r"力争|确保|争取")
# `不(得)低于` is at least, `低于` at most: the negated forms are tried first.
_AT_LEAST_NEGATED = regex.compile(r"不(?:得|应|宜)?(?:低于|少于)$")
_AT_MOST_NEGATED = regex.compile(r"不(?:得|应|宜)?(?:超过|高于|多于|超)$")
_AT_MOST_BEFORE = regex.compile(r"(?:低于|少于|控制在|保持在|降至|降到|降低到|下降到|压减到|压减至)$")
_AT_LEAST_BEFORE = regex.compile(r"(?:突破|超过|超|高于|多于)$")
_AT_LEAST_AFTER = regex.compile(r"^(?:[(（]含[)）])?(?:以上|及以上|之上)")
_AT_MOST_AFTER = regex.compile(r"^(?:[(（]含[)）])?(?:以下|以内|之内)")
_THRESHOLD_OF_NOUN = regex.compile(r"^(?:[(（]含[)）])?(?:以上|以下|以内)?(?:[(（]含[)）])?的")
_QUALIFIER = regex.compile(r"^(?:[(（]含[)）])?(?:以上|及以上|以下|以内)?(?:[(（]含[)）])?")
# A sentence that pays money: its amounts are subsidies, its thresholds conditions.
_PAYS = regex.compile(rules.alternation("pay_words.tsv"))  # paying words and the funds that pay
_CLAUSE_END = regex.compile(r"[，,；;。：:、！？!?]")
_CLAUSE_START = "，,；;。：:、！？!?\n"


def extract_targets(doc: DocumentText) -> list[TargetRow]:
    rows = []
    reference_year = _reference_year(doc)
    for sentence in doc.sentences:
        quantities = doc.quantities(sentence)
        if not quantities:
            continue
        pays = bool(_PAYS.search(sentence.text))
        for quantity in quantities:
            row = _target(doc, sentence, quantity, pays, reference_year)
            if row is not None:
                rows.append(row)
    return rows


def _target(doc: DocumentText, sentence: Span, q: Quantity, pays: bool, reference_year: int | None):
    text = sentence.text
    before, after = text[:q.start], text[q.end:]
    if pays and (q.is_money or q.is_percent):
        return None
    if inside_brackets(doc.text, sentence.start + q.start):
        return None  # a number in a name or a title
    if before.endswith(("等", "等共")):
        return None  # 等6个产业片区: how many the list above has
    if (q.is_money or q.is_percent) and _THRESHOLD_OF_NOUN.match(after):
        return None  # 10亿元以上的项目: a threshold, not a goal
    year = _governing_year(doc, sentence.start + q.start, reference_year)
    if year is None and not (_COMMITMENT.search(before) or _AT_LEAST_NEGATED.search(before)
                             or _AT_MOST_NEGATED.search(before) or _AT_MOST_BEFORE.search(before)):
        return None
    indicator = _indicator(before, after)
    if indicator and indicator.endswith(tuple(rules.table("target_exclusions.tsv"))):
        return None
    return TargetRow(
        provenance=doc.provenance(sentence), section_path=doc.path_at(sentence.start + q.start),
        target_year=year, indicator=indicator, value=q.value, unit=q.unit,
        value_normalized=q.value_normalized, unit_normalized=q.unit_normalized,
        comparator=_comparator(before, after), currency=q.currency if q.is_money else None)


def _indicator(before: str, after: str) -> str | None:
    """The phrase the number counts: after the unit when a noun follows it (`3个...模型`),
    else before the number (`链主企业10家`)."""
    rest = after[_QUALIFIER.match(after).end():]
    if rest.startswith("的"):
        rest = rest[1:]
    following = "" if rest[:1] in ")）”》" else _CLAUSE_END.split(rest, maxsplit=1)[0]
    start = split_top_level(before, _CLAUSE_START)[-1][0]
    clause = _after_open_bracket(before[start:])
    # 打造三十个示范场景: a verb right before the number takes the noun after it as object;
    # 0.5%作为专项经费: words after the number that go on with a verb are not what it counts.
    if following and not following.startswith(("作为", "用于", "用作")) and (
            ends_with_verb(clause) or not starts_with_verb(following)):
        return indicator_after(following)
    return indicator_before(clause)


def _after_open_bracket(clause: str) -> str:
    """`...主导用途(其中工业建筑面积占比不得低于`: a number inside a bracket counts
    what the bracket says."""
    opened: list[int] = []
    for i, ch in enumerate(clause):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）" and opened:
            opened.pop()
    return clause[opened[-1] + 1:] if opened else clause


def _comparator(before: str, after: str) -> str:
    if _AT_LEAST_AFTER.match(after):
        return ">="
    if _AT_MOST_AFTER.match(after):
        return "<="
    if _AT_LEAST_NEGATED.search(before):
        return ">="
    if _AT_MOST_NEGATED.search(before):
        return "<="
    if _AT_LEAST_BEFORE.search(before):
        return ">="
    if _AT_MOST_BEFORE.search(before):
        return "<="
    return "="


def _governing_year(doc: DocumentText, offset: int, reference_year: int | None) -> int | None:
    """The goal year nearest before `offset` in its paragraph: `到2027年` anywhere, a bare
    `2026年` only where it opens a clause and is not in the past."""
    paragraph = doc.paragraph_at(offset)
    best = None
    for match in _GOAL_YEAR.finditer(doc.text, paragraph.start, offset):
        year = int(match.group("year"))
        if match.group("by"):
            best = year
            continue
        if match.group("tail") == "度":
            continue  # 2023年度: the year a report or an award covers
        opens_clause = match.start() == paragraph.start or doc.text[match.start() - 1] in _CLAUSE_START
        if opens_clause and (reference_year is None or year >= reference_year):
            best = year
    return best


def _reference_year(doc: DocumentText) -> int | None:
    """The year the document speaks from: a bare year before it is history, not a goal."""
    d = doc.document
    if d.signed_date:
        return d.signed_date.year
    return d.doc_year or d.gazette_year or (d.published_date.year if d.published_date else None)

"""Targets: the quantities a document commits to reach.

    到2027年,...培育链主企业10家,...人工智能产业营收规模突破1000亿元;...
    -> (2027, 链主企业, 10, 家, =), (2027, 人工智能产业营收规模, 1000, 亿元, >=)

A number with a unit is a target when a goal year governs it (`到2027年`, `力争到...`, a
future `2026年,` opening its sentence, anywhere earlier in its paragraph) or, without a
year, when the text commits to it: a commitment word with a predicate after it (`力争培育`,
`确保...达到`), a span given to reach it (`用3年时间,使...`), or a bound on a share
(`监测率不低于75%`, `降至1%以下`). It is not a target when it is:
- money the policy pays, or a threshold in the same sentence as a subsidy (`给予`, `补助` ...);
- a threshold that qualifies a noun (`10亿元以上的项目`) or an applicant (`注册资本不低于`);
- a bound on a count, an amount or a duration with no year and no commitment: a rule of
  procedure or a per-unit standard (`入户调查人员不少于2人`, `每处建筑面积不少于1000平方米`);
- a duration or a time limit (`6个月`, `15个工作日内`);
- history: a number in a clause that reports the past (`落实了165名`, `比上年增长`), or dated
  by a year before the document's own (`截至2023年底`, `(2020年为2万辆)`);
- inside a name, a title or a set phrase (`“135N”`, `《...》`, `一张蓝图`), a total of
  listed items (`等6个产业片区`), a count of named people (`两名同志`);
- a count of the plan's own parts (`十五项重点任务`, `10个方面`: target_exclusions.tsv).
A year that starts a programme (`自2019年开始`), is the baseline of a change (`比2020年`) or
names a period of a bulletin (`2023年上半年`, `2024年3月1日`) dates no goal; a document with no
date of its own takes no bare year as a goal year. `A、B分别达到65%和55%` gives each value
its own indicator (A..., B...). The vocabulary is data: target_cues.tsv,
target_comparators.tsv, goal_year_words.tsv, indicator_words.tsv.
`左右` (approximately) is read as `=`: the value is the point aimed at, and the contract's
comparators (>=, <=, =) have no `about`.
"""
from __future__ import annotations

from itertools import islice

import regex

from pipeline import rules
from pipeline.records import TargetRow

from .indicator import ends_with_verb, indicator_after, indicator_before, starts_with_verb, words
from .quantities import Quantity, find_quantities
from .text import DocumentText, Span, inside_brackets, split_top_level

_CUES = "target_cues.tsv"
_COMPARATORS = "target_comparators.tsv"


# A goal year: 到2027年, 力争到2026年底, 至2025年末, 至1998年, or a year opening a clause (2026年,).
_GOAL_YEAR = regex.compile(rf"(?:(?P<by>{rules.alternation('goal_year_words.tsv', 'by')}|"
                           rf"{rules.alternation('goal_year_words.tsv', 'commit')})\s*)?"
                           r"(?P<year>(?:19|20)[0-9]{2})\s*(?P<nian>年)"
                           rf"(?:(?P<report>{rules.alternation(_CUES, 'report_year')})|"
                           rf"(?P<tail>{rules.alternation(_CUES, 'deadline')}))?")
# 自2019年开始, 2019年1月1日起: the year starts something; 比2020年, 在2020年基础上: a baseline.
_START_BEFORE = regex.compile(rf"(?:{rules.alternation(_CUES, 'start_before')})\s*$")
_START_AFTER = regex.compile(r"(?:[0-9一二三四五六七八九十]{1,3}月(?:[0-9一二三四五六七八九十]{1,3}日)?)?\s*"
                             rf"(?:{rules.alternation(_CUES, 'start_after')})")
# 2023年1-6月, 2023年上半年: a period of the year (a bulletin's), unless a deadline follows (6月底前)
_MONTHS = r"[0-9一二三四五六七八九十]{1,2}(?:[-—~至][0-9一二三四五六七八九十]{1,2})?月(?:[0-9一二三四五六七八九十]{1,3}日)?"
_PART_OF_YEAR = regex.compile(rf"\s*(?:{_MONTHS}|{rules.alternation(_CUES, 'part_of_year')})"
                              rf"(?!\s*(?:{rules.alternation(_CUES, 'deadline')}))")
_BASE_BEFORE = regex.compile(rf"(?:{rules.alternation(_CUES, 'base')})\s*$")
_BASE_AFTER = regex.compile(rf"的?(?:{rules.alternation(_CUES, 'base_after')})")
_LOOK_BEHIND = 4  # characters before a year that hold its start or base word
# a list's items, and the goal year of the line leading into them (主要指标(到2025年):)
_LIST_ITEM = regex.compile(r"\s*(?:[0-9]{1,2}[.．、](?![0-9])|[(（][0-9一二三四五六七八九十]{1,3}[)）]|[①-⑳])")
_LEAD_IN_YEAR = regex.compile(rf"(?:{rules.alternation('goal_year_words.tsv', 'by')})\s*(?P<year>(?:19|20)[0-9]{{2}})\s*年")
_MAX_LIST_ITEMS = 30
_RANGE_WORDS = ("至", "到")
_DAY_OR_MONTH_END = regex.compile(r"[日月]\s*$")  # 1月1日至2027年…: a range of days, not a goal year

# Commitments: 力争, 确保, 争取 ...; 用3年时间, 经过三年努力.
_COMMITMENT = regex.compile(
    rf"(?:{rules.alternation(_CUES, 'commit')})|(?:{rules.alternation(_CUES, 'period_open')})\s*"
    rf"[0-9零一二两三四五六七八九十半]+\s*个?\s*(?:年|月)(?:{rules.alternation(_COMPARATORS, 'about_after')})?的?\s*"
    rf"(?:{rules.alternation(_CUES, 'period_close')})")
# A five-year plan's span: “十四五”期间, 十四五期末 (十一五, the 11th plan, ran 2006-2010; each is five years)
_PLAN_PERIOD = regex.compile(
    rf"[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?:{rules.alternation(_CUES, 'plan_period')}|末)")
_PLAN_NUMBERS = "一二三四五六七八九"
# 力争三年内培育…: the span given to reach it stands between the commitment and its verb
_SPAN_AFTER_COMMITMENT = regex.compile(r"^[0-9零一二两三四五六七八九十半]*\s*个?(?:年|月)(?:内|之内|以内)[,，]?")
_VERB_TAGS = ("v", "vd", "vi")

# Comparators. `不(得)低于` is at least, `低于` at most: the negated forms are tried first.
_NOT = rules.alternation(_COMPARATORS, "not")
_AT_LEAST_NEGATED = regex.compile(rf"(?:{_NOT})(?:{rules.alternation(_COMPARATORS, 'below')})$")
_AT_MOST_NEGATED = regex.compile(rf"(?:{_NOT})(?:{rules.alternation(_COMPARATORS, 'above')})$")
_AT_MOST_BEFORE = regex.compile(rf"(?:{rules.alternation(_COMPARATORS, 'below', 'at_most')})$")
_AT_LEAST_BEFORE = regex.compile(rf"(?:{rules.alternation(_COMPARATORS, 'above', 'at_least')})$")
_INCLUDED = r"(?:[(（]含[^()（）]{0,8}[)）])?"  # 1000万元(含)以上, 60%以上(含60%)
_AT_LEAST_AFTER = regex.compile(rf"^{_INCLUDED}(?:{rules.alternation(_COMPARATORS, 'at_least_after')})")
_AT_MOST_AFTER = regex.compile(rf"^{_INCLUDED}(?:{rules.alternation(_COMPARATORS, 'at_most_after')})")
_AFTER_WORDS = rules.alternation(_COMPARATORS, "at_least_after", "at_most_after", "about_after")
_THRESHOLD_OF_NOUN = regex.compile(rf"^{_INCLUDED}(?:{_AFTER_WORDS})?{_INCLUDED}的")
_QUALIFIER = regex.compile(rf"^{_INCLUDED}(?:{_AFTER_WORDS})?{_INCLUDED}")
_RESPECTIVELY = regex.compile(rules.alternation(_COMPARATORS, "respectively"))
_BOUND = regex.compile(rules.alternation(_COMPARATORS, "not", "below", "above", "at_least", "at_most"))
_BOUND_OR_LINK = regex.compile(rules.alternation(_COMPARATORS, "not", "below", "above", "at_least", "at_most", "link",
                                      "respectively"))
_AND = rules.alternation("indicator_words.tsv", "conjunction")  # 和, 及, 与, 或
_LIST_SEPARATOR = regex.compile(rf"^(?:{_AFTER_WORDS})?\s*(?:[、，,]|{_AND})\s*$")
_SHARES = ("%", "‰", "个百分点")
# 由2020年的5.4%提高到10%, 从3%降至1%: the first number is where the change starts
_FROM_BEFORE = regex.compile(r"[由从][^，,；;。由从]{0,14}$")
_CHANGED_TO_AFTER = regex.compile(rf"(?:{rules.alternation(_CUES, 'sets_level')}|{rules.alternation(_COMPARATORS, 'at_most')})")
_SETS_LEVEL = regex.compile(rf"(?:{rules.alternation(_CUES, 'sets_level')})$")  # 提高到45%, 达到75%以上

# What shows that a number is not a goal.
_PAST = regex.compile(rules.alternation(_CUES, "past"))
_NOT_PAST = regex.compile(rules.alternation(_CUES, "not_past"))
_SINCE = regex.compile(rules.alternation(_CUES, "since"))
_DURATION_AFTER = regex.compile(rf"\s*(?:{rules.alternation(_CUES, 'duration')})")  # 6个月, 15个工作日
_DURATIONS = frozenset(rules.words(_CUES, "duration")) | frozenset(rules.words(_CUES, "duration_unit"))
_PER_UNIT = regex.compile(rules.alternation(_CUES, "per_unit"))
_THRESHOLD = regex.compile(rules.alternation(_CUES, "threshold"))
_IDIOMS = rules.words(_CUES, "idiom")
_TOTALS = rules.words(_CUES, "total")
_PERSONS = rules.words(_CUES, "person")
_MEASURED = rules.words(_CUES, "measured")
_BRACKETED = regex.compile(r"[(（][^()（）]*[)）]")

# A sentence that pays money: its amounts are subsidies, its thresholds conditions.
_PAYS = regex.compile(rules.alternation("pay_words.tsv"))  # paying words and the funds that pay
_CLAUSE_END = regex.compile(r"[，,；;。：:、！？!?]")
_CLAUSE_START = "，,；;。：:、！？!?\n"
_CLAUSE_MARKS = "，,；;。：:！？!?"  # a clause of its own (a list's 、 does not end one)
# The first of _CLAUSE_MARKS from an offset on, and (a reverse search) the last before one:
# one scan each instead of a str.find per mark (this ran for every number of every sentence).
_NEXT_CLAUSE_MARK = regex.compile(f"[{regex.escape(_CLAUSE_MARKS)}]")
_LAST_CLAUSE_MARK = regex.compile(f"(?r)[{regex.escape(_CLAUSE_MARKS)}]")
_HISTORY = -1  # what _governing_year returns for a number dated before the document


def extract_targets(doc: DocumentText) -> list[TargetRow]:
    rows = []
    reference_year = _reference_year(doc)
    for sentence in doc.sentences:
        quantities = doc.quantities(sentence)
        if not quantities:
            continue
        pays = bool(_PAYS.search(sentence.text))
        heads = _list_heads(sentence.text, quantities)
        shared = _respectively(sentence.text, quantities, heads)
        for i, quantity in enumerate(quantities):
            row = _target(doc, sentence, quantity, quantities[heads[i]], shared.get(i), pays, reference_year)
            if row is not None:
                rows.append(row)
    return rows


def _target(doc: DocumentText, sentence: Span, q: Quantity, head: Quantity, indicator: str | None,
            pays: bool, reference_year: int | None):
    text = sentence.text
    before, after = text[:q.start], text[q.end:]
    lead = text[:head.start]  # what the first number of a list (65%和55%) has before it
    if pays and (q.is_money or q.is_percent):
        return None
    if inside_brackets(doc.text, sentence.start + q.start):
        return None  # a number in a name or a title
    if before.endswith(_TOTALS):
        return None  # 等6个产业片区: how many the list above has
    if text.startswith(_IDIOMS, q.start) or after.startswith(_PERSONS):
        return None  # 一张蓝图, 两名同志
    if _is_duration(q, after):
        return None  # 顶岗实习时间一般为6个月, 15个工作日内
    if _FROM_BEFORE.search(before) and _CHANGED_TO_AFTER.match(after):
        return None  # 比重由2020年的5.4%提高到10%: the level a change starts from
    if (q.is_money or q.is_percent) and _THRESHOLD_OF_NOUN.match(after) and not _measures(after):
        return None  # 10亿元以上的项目: a threshold, not a goal
    if _THRESHOLD.search(text):
        return None  # 注册资本不低于500万元, 申报企业…: what an applicant must have
    clause_start, clause = _clause(text, q)
    if _PAST.search(_NOT_PAST.sub("", clause)) or _SINCE.search(before):
        return None  # 共落实了165名, 比上年增长5%, 2019年以来…: what was done
    year = _governing_year(doc, sentence.start + q.start, sentence.start + clause_start, reference_year) \
        or _lead_in_year(doc, sentence.start, reference_year)
    if year == _HISTORY:
        return None  # 截至2023年底, (2020年为2万辆): a figure of the past
    if year is None and not (_committed(before, reference_year) or _bounds_a_share(q, lead, clause, text)):
        return None
    if indicator is None:
        indicator = _indicator(before, after)
    if indicator and indicator.endswith(tuple(rules.table("target_exclusions.tsv"))):
        return None
    return TargetRow(
        provenance=doc.provenance(sentence), section_path=doc.path_at(sentence.start + q.start),
        target_year=year, indicator=indicator, value=q.value, unit=q.unit,
        value_normalized=q.value_normalized, unit_normalized=q.unit_normalized,
        comparator=_comparator(lead, after), currency=q.currency if q.is_money else None)


def _is_duration(q: Quantity, after: str) -> bool:
    """6个月, 4个小时, 15个工作日: `个` and a time word; 有效期5年 where 年 is read as a unit."""
    return q.unit in _DURATIONS or (q.unit == "个" and bool(_DURATION_AFTER.match(after)))


def _measures(after: str) -> bool:
    """`1亿元以上的增信担保`: the noun after 的 is a sum of money the amount measures."""
    rest = after[_THRESHOLD_OF_NOUN.match(after).end():]
    noun = _CLAUSE_END.split(rest, maxsplit=1)[0]
    return bool(noun) and noun.endswith(_MEASURED)


def _clause(text: str, q: Quantity) -> tuple[int, str]:
    """The clause of the sentence that holds `q` (between ，；。：), without the brackets
    that do not hold it: (offset of the clause, its text)."""
    start = _clause_start(text, q.start)
    following = _NEXT_CLAUSE_MARK.search(text, q.end)
    end = following.start() if following else len(text)
    clause = text[start:end]
    at = q.start - start
    kept = _BRACKETED.sub(lambda m: m.group() if m.start() <= at < m.end() else "", clause)
    return start, kept


def _clause_start(text: str, at: int) -> int:
    """Where the clause that holds offset `at` starts: after the last of _CLAUSE_MARKS before it."""
    last = _LAST_CLAUSE_MARK.search(text, 0, at)
    return last.start() + 1 if last else 0


def _committed(before: str, reference_year: int | None = None) -> bool:
    """`力争培育`, `确保...达到`, `用3年时间,使...达到`, `“十四五”期间培养`: a commitment earlier in the sentence
    with a predicate between it and the number. `累计争取科技经费750万元` has none: the money is what
    争取 (obtaining) got, not a level to reach. A five-year plan's span commits while the plan runs on in
    `reference_year` (or the document has no year)."""
    commitments = list(_COMMITMENT.finditer(before)) + [
        m for m in _PLAN_PERIOD.finditer(before)
        if reference_year is None or _plan_end_year(m) >= reference_year]
    if not commitments:
        return False
    last = max(commitments, key=lambda m: m.end())
    between = _SPAN_AFTER_COMMITMENT.sub("", before[last.end():].lstrip(_CLAUSE_START + " "))
    if _BOUND.search(between):
        return True  # 确保…不低于
    tokens = words(between) if between else []
    return any(tag in _VERB_TAGS for _, tag in tokens) or (bool(tokens) and tokens[0][1] == "vn")  # 力争培育


def _plan_end_year(plan: regex.Match) -> int:
    """十四五 -> 2025: the last year of the Nth five-year plan, from the 11th (2006-2010) on."""
    return 2010 + 5 * _PLAN_NUMBERS.index(plan.group("n"))  # 十一五 ends 2010, each later plan five years on


def _bounds_a_share(q: Quantity, lead: str, clause: str, sentence: str) -> bool:
    """`监测率不低于75%`, `降至1%以下`, `覆盖率提高到45%`: a bound on a share of a whole, or a level the text
    sets it to, is a goal the text sets;
    a bound on a count, an amount or a period without a year is a rule (`不少于2人`), and a
    bound per unit (`每处`, `单户`) a standard."""
    bounded = (_AT_LEAST_NEGATED.search(lead) or _AT_MOST_NEGATED.search(lead)
               or _AT_MOST_BEFORE.search(lead)
               # a level reached, in a sentence that reports nothing done (`…达到83.6%,…已建成…` reviews a year)
               or (_SETS_LEVEL.search(lead) and not _PAST.search(_NOT_PAST.sub("", sentence))))
    return bool(bounded) and q.unit_normalized in _SHARES and not _PER_UNIT.search(clause)


def _list_heads(text: str, quantities: tuple[Quantity, ...]) -> list[int]:
    """For each number, the first number of the list it is in: `65%和55%`, `60万元、40万元`
    share what stands before the first (`分别达到`, `不低于`)."""
    heads = []
    for i, q in enumerate(quantities):
        if i and _LIST_SEPARATOR.match(text[quantities[i - 1].end:q.start]):
            heads.append(heads[i - 1])
        else:
            heads.append(i)
    return heads


def _respectively(text: str, quantities: tuple[Quantity, ...], heads: list[int]) -> dict[int, str]:
    """`花生种植、收获机械化率分别达到65%和55%` -> {0: 花生种植机械化率, 1: 花生收获机械化率}:
    the items before 分别 and the numbers after it, paired in order."""
    found: dict[int, str] = {}
    for match in _RESPECTIVELY.finditer(text):
        first = next((i for i, q in enumerate(quantities) if q.start >= match.end()), None)
        if first is None or heads[first] != first:
            continue
        if _BOUND_OR_LINK.sub("", text[match.end():quantities[first].start]).strip():
            continue  # 分别培育...: the words after 分别 are not only a comparison
        run = [i for i in range(first, len(quantities)) if heads[i] == first]
        start = _clause_start(text, match.start())
        items = _items(text[start:match.start()], len(run))
        if items is None:
            continue
        for i, item in zip(run, _distribute(items), strict=True):
            found[i] = indicator_before(item) or item
    return found


def _items(subject: str, count: int) -> list[str] | None:
    """`花生种植、收获机械化率` -> [花生种植, 收获机械化率]: the listed items, if there are `count`."""
    items = [piece for _, piece in split_top_level(subject, "、") if piece]
    if len(items) < count and items:
        last = regex.split(_AND, items[-1])
        items = items[:-1] + [piece for piece in last if piece]
    return items if len(items) == count and count > 1 else None


def _distribute(items: list[str]) -> list[str]:
    """The items of `A、B+head` each with the words they share: the head of the last item
    (机械化率) and the words before the first item's own (花生). Items that already end in
    the same word (粮食产量、油料产量) are whole."""
    last = [w for w, _ in words(items[-1])]
    if len(last) < 2 or all(item.endswith(last[-1]) for item in items):
        return items
    first = [w for w, _ in words(items[0])]
    prefix, head = "".join(first[:-1]), "".join(last[1:])
    modifiers = [first[-1], *items[1:-1], last[0]]
    return [prefix + modifier + head for modifier in modifiers]


def _indicator(before: str, after: str) -> str | None:
    """The phrase the number counts: after the unit when a noun follows it (`3个...模型`),
    else before the number (`链主企业10家`). Never a unit or a number (`月`, `55%`)."""
    rest = after[_QUALIFIER.match(after).end():]
    modifies = rest.startswith("的")  # 2000名的招生规模: the number describes the noun after 的
    if modifies:
        rest = rest[1:]
    # a bracket right after the number is an aside about it (10万辆(2023年为4万辆)), and a
    # closing mark ends the phrase the number was in
    following = "" if rest[:1] in ")）”》(（" else _CLAUSE_END.split(rest, maxsplit=1)[0]
    start = split_top_level(before, _CLAUSE_START)[-1][0]
    clause = _after_open_bracket(before[start:])
    # 打造三十个示范场景: a verb right before the number takes the noun after it as object;
    # 0.5%作为专项经费: words after the number that go on with a verb are not what it counts.
    if following and not following.startswith(rules.words("indicator_words.tsv", "purpose")) and (
            modifies or ends_with_verb(clause) or not starts_with_verb(following)):
        found = indicator_after(following)
        if _is_phrase(found):
            return found
    found = indicator_before(clause)
    return found if _is_phrase(found) else None


def _is_phrase(indicator: str | None) -> bool:
    """Not a fragment: it does not begin with a number and its unit (`55%`), and it is more
    than a unit or a comparison word (`月`, `左右`)."""
    if not indicator or any(q.start == 0 for q in find_quantities(indicator)):
        return False
    return not (indicator in rules.table("measure_units.tsv") or indicator in rules.table(_COMPARATORS)
                or indicator in _DURATIONS)


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
    return "="  # 达到, 为, and 左右 (approximately): the value aimed at


def _governing_year(doc: DocumentText, offset: int, clause_start: int, reference_year: int | None) -> int | None:
    """The goal year nearest before `offset` in its paragraph: `到2027年` anywhere, a bare
    `2026年` where it opens a clause. A year before the document's own makes what follows
    history (_HISTORY): a `截至2023年底` anywhere, a bare year opening a clause or in the
    number's own clause. Years that start a programme (`自2019年开始`), baselines (`比2020年`)
    and years in names (`《2021年...》`) date nothing."""
    text = doc.text
    paragraph = doc.paragraph_at(offset)
    best = None
    for match in doc.matches_before(_GOAL_YEAR, paragraph.start, max(paragraph.end, offset), offset):
        year = int(match.group("year"))
        if match.group("report"):
            continue  # 2023年度: the year a report or an award covers
        behind = text[max(match.start() - _LOOK_BEHIND, paragraph.start):match.start()]
        if _START_BEFORE.search(behind) or _START_AFTER.match(text, match.end()):
            continue
        if inside_brackets(text, match.start()):
            continue
        if match.group("by") in _RANGE_WORDS and _DAY_OR_MONTH_END.search(behind):
            continue  # 自2023年1月1日至2027年12月31日: the end of a policy's period, not a goal
        past = reference_year is not None and year < reference_year
        if match.group("by"):
            best = _HISTORY if past else year
            continue
        period = _PART_OF_YEAR.match(text, match.end("nian"))  # 2024年3月1日, 2023年前三季度
        undated = not match.group("tail") or period  # 2025年底, 2025年前 are deadlines
        if undated and (_BASE_BEFORE.search(behind) or _BASE_AFTER.match(text, match.end())):
            continue  # 比2020年下降13.5%: a baseline
        opens_clause = match.start() == paragraph.start or text[match.start() - 1] in _CLAUSE_START
        if past and (opens_clause or match.start() >= clause_start):
            best = _HISTORY
        elif opens_clause and reference_year is not None and not past and not period:
            best = year
    return best


def _lead_in_year(doc: DocumentText, offset: int, reference_year: int | None) -> int | None:
    """The goal year of the line that leads into a list whose item holds `offset`:
    `主要指标(到2025年):` / `到2025年,实现以下目标:` over `1.数字经济核心产业营业收入达到1.2万亿元。`
    (GOLD: the year that opens its item or paragraph governs; the lead-in opens them all)."""
    paragraph = doc.paragraph_at(offset)
    if not _LIST_ITEM.match(doc.text, paragraph.start):
        return None
    for before in islice(doc.paragraphs_before(paragraph), _MAX_LIST_ITEMS):
        line = doc.text[before.start:before.end].strip()
        if _LIST_ITEM.match(line):
            continue
        if not line.endswith((":", "：")):
            return None
        years = [int(m.group("year")) for m in _LEAD_IN_YEAR.finditer(line)]
        return years[-1] if years and (reference_year is None or years[-1] >= reference_year) else None
    return None


def _reference_year(doc: DocumentText) -> int | None:
    """The year the document speaks from: a bare year before it is history, not a goal."""
    d = doc.document
    if d.signed_date:
        return d.signed_date.year
    return d.doc_year or d.gazette_year or (d.published_date.year if d.published_date else None)

"""Subsidies: every amount a policy gives, one row per amount.

Within a sentence that pays (`给予`, `补助`, `奖励` ...), each amount of money is one of:
- a cap: `最高`, `不超过`, `不高于` before it in its clause (`单个项目最高不超过1500万元`,
  `给予最高200万元的补助`, `最高15万元、25万元和35万元`: a list shares its first item's role);
- an amount: in a clause that gives (`给予20万元奖励`, `再给予30万元奖励`, `给予每家100万元`);
- a threshold a beneficiary must reach (`营业收入首次达到2000万元...的`): a condition, not a row;
- a budget (`总额不超过1亿元的算力券`): not a row.
A percentage is a rate when the clause says what it is a share of (`按实际投资额的5%`,
`按照不超过投资额30%的标准`); a raised standard (`补助标准上浮5%`) is a rate row of its own.

Pairing, per sentence: one rate takes every cap after it (`按...的5%...,新建项目最高不超过300万元、
提升改造项目最高不超过150万元`: two rows); several rates take as many caps in order (`3%和1.5%
..., 最高分别不超过10万元和3万元`); other caps and amounts are rows of their own. A list after
`分别` pairs with the list it answers: the thresholds (`首次达到2000万元、3000万元...`) or the
labels before it (`国家级、省级`) give each row its tier.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from pipeline import rules
from pipeline.records import SubsidyRow

from .indicator import words
from .quantities import Quantity
from .text import DocumentText, Span, split_top_level

_PAYS = regex.compile(rules.alternation("pay_words.tsv", "pays"))
_CAP_WORDS = regex.compile(r"最高|不超过|不高于|封顶|上限|最多")
_GIVES = regex.compile(r"给予|予以|奖励|补助|补贴|资助|奖补|发放|再给|一次性")
_BUDGET = regex.compile(r"总额|总量|预算|规模")
_RATE_BASE = regex.compile(r"(?:按照|按|依照|依据)(?P<base>[^，,；;。]*?)$")
_UPLIFT = regex.compile(r"(?P<what>[^，,；;。]*?)(?:标准)?(?:上浮|上调|提高|增加)$")
_THRESHOLD_AFTER = regex.compile(r"^(?:[(（]含[)）])?(?:以上|以下|以内)?(?:[(（]含[)）])?的(?!补助|奖励|补贴|资助|一次性|奖补|经费|资金)")
_LIST_JOIN = regex.compile(r"^\s*(?:[(（]含[)）])?\s*[、和及与或]\s*$")
_CONDITION = regex.compile(r"(?:^|[，,；;])\s*(?:其中)?对(?P<who>[^；;。]+?)(?=给予|分别|按照|按|予以|一次性|每家|[，,]\s*(?:给予|按|每))")
_TIER_LEAD = regex.compile(r"^(?:对|其中对)?(?:新|首次|经|已)?(?:认定|入选|列入|获得|获评|评为|创建|通过)?的?(?:符合条件的)?")
_GENERIC_SUBJECT = regex.compile(r"^(?:单个|单家|每家|每个|每户|每项|单项|单一)")
_CAP_SUBJECT_TAIL = regex.compile(
    r"(?:(?:年度|每年|累计)?\p{Han}{0,2}(?:补助|补贴|奖励|资助)(?:金额|资金|额度)?|金额|资金|额度)$")
_CONDITION_END = regex.compile(r"[，,]\s*(?:根据|按照|按|依据|由)")
_UPLIFTED_STANDARD = regex.compile(r"(?:补助|补贴|奖励|资助)?(?:标准)?$")
_BASE_CAP_WORDS = regex.compile(r"^(?:不超过|不高于|最高)")
_BASE_GIVES = regex.compile(r"(?:一次性)?(?:给予|予以)?$")
_BASE_DE = regex.compile(r"的$")
_CLAUSE_MARK = regex.compile(r"[，,；;。]")
_SENTENCE_MARK = regex.compile(r"[；;。]")
_LISTED_AMOUNT = regex.compile(r"[0-9]\s*(?:万|亿)?元\s*、")
_CAP_WORD = regex.compile(r"最高|不超过|不高于")
_TO = regex.compile(r"^(?:其中)?对?")
_RESPECTIVELY = regex.compile(r"分别")
_AND_OR_WITH = regex.compile(r"和|及|与")
_AND = regex.compile(r"和|及")
_AFTER_LAST_DE = regex.compile(r"的[^的]*$")
_NUMBER_OR_PERCENT = regex.compile(r"[0-9%]")


@dataclass(frozen=True, slots=True)
class Money:
    quantity: Quantity
    role: str  # cap / amount / threshold / budget


def extract_subsidies(doc: DocumentText, units_by_path: dict[str | None, tuple[str, ...]] | None = None
                      ) -> list[SubsidyRow]:
    rows = []
    for sentence in doc.sentences:
        if not _PAYS.search(sentence.text):
            continue
        rows += _sentence_rows(doc, sentence, units_by_path or {})
    return rows


def _sentence_rows(doc: DocumentText, sentence: Span, units_by_path) -> list[SubsidyRow]:
    text = sentence.text
    quantities = doc.quantities(sentence)
    money = _roles(text, [q for q in quantities if q.is_money])
    rates, uplifts = _rates(text, [q for q in quantities if q.is_percent])
    caps = [m.quantity for m in money if m.role == "cap"]
    amounts = [m.quantity for m in money if m.role == "amount"]
    thresholds = [m.quantity for m in money if m.role == "threshold"]
    if not (caps or amounts or rates or uplifts):
        return []

    tiers = _tiers(text, caps + amounts, thresholds)
    offset = sentence.start
    section = doc.section_at(offset)
    path = section.path if section else None
    base = dict(provenance=doc.provenance(sentence), section_path=path,
                measure=section.heading if section else None,
                responsible_units=_units_for(path, units_by_path))
    rows = []

    def row(q: Quantity, *, amount=None, rate=None, rate_base=None, cap=None, tier=None):
        rows.append(SubsidyRow(**base, beneficiary_condition=_condition(text, q.start), kind=_kind(text, q),
                               amount_yuan=amount, rate=rate, rate_base=rate_base, cap_yuan=cap,
                               tier=(tier or None) if tier is not None else tiers.get(q.start),
                               currency=_currency(q)))

    paired_caps: set[int] = set()
    after_rates = [c for c in caps if rates and c.start > rates[-1][0].start]
    between_rates = [c for c in caps if rates and rates[0][0].start < c.start < rates[-1][0].start]
    if len(rates) > 1 and not between_rates and after_rates:
        # 3%和1.5%..., 最高分别不超过10万元和3万元: rate i with cap i; one cap after
        # several rates (50%..., 其中...按60%..., 最高不超过20万元) limits each of them.
        pairs = zip(rates, after_rates, strict=True) if len(after_rates) == len(rates) else \
            ((rate, cap) for rate in rates for cap in after_rates)
        for (rate, rate_base), cap in pairs:
            row(cap, rate=rate.value / 100, rate_base=rate_base, cap=cap.value_normalized, tier="")
            paired_caps.add(cap.start)
    elif rates:
        for i, (rate, rate_base) in enumerate(rates):
            following = rates[i + 1][0].start if i + 1 < len(rates) else len(text)
            own_caps = [c for c in caps if rate.start < c.start < following]
            many = len(own_caps) > 1
            for cap in own_caps:
                row(cap, rate=rate.value / 100, rate_base=rate_base, cap=cap.value_normalized,
                    tier=_cap_tier(text, cap) if many else None)
                paired_caps.add(cap.start)
            if not own_caps:
                row(rate, rate=rate.value / 100, rate_base=rate_base)
    for rate, what in uplifts:
        row(rate, rate=rate.value / 100, tier=what or None)
    for cap in caps:
        if cap.start not in paired_caps:
            row(cap, cap=cap.value_normalized)
    for amount in amounts:
        row(amount, amount=amount.value_normalized)
    return rows


def _roles(text: str, money: list[Quantity]) -> list[Money]:
    """The role of each amount of money in a paying sentence (see the module docstring)."""
    roles: list[Money] = []
    for q in money:
        if roles and _LIST_JOIN.match(text[roles[-1].quantity.end:q.start]):
            roles.append(Money(q, roles[-1].role))  # 15万元、25万元和35万元: the list's role
            continue
        clause = _clause_before(text, q.start)
        if _BUDGET.search(clause):
            role = "budget"
        elif _THRESHOLD_AFTER.match(text[q.end:]) and not _GIVES.search(clause):
            role = "threshold"
        elif _CAP_WORDS.search(clause):
            role = "cap"
        elif _GIVES.search(clause) or _kind_after(text, q.end):
            role = "amount"
        else:
            role = "threshold"
        roles.append(Money(q, role))
    return roles


def _clause_before(text: str, at: int) -> str:
    start = max(text.rfind(mark, 0, at) for mark in "，,；;：:") + 1
    return text[start:at]


def _rates(text: str, percents: list[Quantity]) -> tuple[list[tuple[Quantity, str | None]], list[tuple[Quantity, str]]]:
    """Shares of a base (with the base), and raised standards (with what is raised)."""
    rates, uplifts = [], []
    for q in percents:
        if rates and _LIST_JOIN.match(text[rates[-1][0].end:q.start]):
            rates.append((q, rates[-1][1]))  # 3%和1.5%
            continue
        clause = _clause_before(text, q.start)
        based = _RATE_BASE.search(clause)
        if based:
            rates.append((q, _clean_base(based.group("base"))))
            continue
        raised = _UPLIFT.search(clause)
        if raised:
            what = _UPLIFTED_STANDARD.sub("", raised.group("what")).strip()
            uplifts.append((q, what))
    return rates, uplifts


def _clean_base(base: str) -> str | None:
    base = _BASE_CAP_WORDS.sub("", base.strip())
    base = _BASE_GIVES.sub("", base)
    base = _BASE_DE.sub("", base).strip()
    return base or None


def _condition(text: str, at: int) -> str | None:
    """Who qualifies: the `对...` clause before the amount (`对新认定的国家级、省级制造业创新中心`)."""
    found = None
    for match in _CONDITION.finditer(text[:at]):
        found = match.group("who")
    if found is None:
        return None
    return _CONDITION_END.split(found, maxsplit=1)[0].strip("，, ") or None


@cache
def _kinds() -> tuple[dict[str, str], regex.Pattern]:
    table = {word: (word if kind == "=" else kind) for word, kind in rules.table("subsidy_kinds.tsv").items()}
    return table, regex.compile("|".join(sorted(map(regex.escape, table), key=len, reverse=True)))


def _kind_after(text: str, at: int) -> str | None:
    table, pattern = _kinds()
    clause_end = _CLAUSE_MARK.search(text[at:])
    window = text[at:at + clause_end.start()] if clause_end else text[at:]
    found = pattern.search(window)
    return table[found.group()] if found else None


def _kind(text: str, q: Quantity) -> str | None:
    """The kind the amount is paid as: the kind word after it in its clause, else the
    nearest before it in the sentence, else any after it."""
    table, pattern = _kinds()
    after = _kind_after(text, q.end)
    if after:
        return after
    before = list(pattern.finditer(text, 0, q.start))
    if before:
        return table[before[-1].group()]
    later = pattern.search(text, q.end)
    return table[later.group()] if later else None


def _currency(q: Quantity) -> str:
    return q.currency or "CNY"


def _cap_tier(text: str, cap: Quantity) -> str | None:
    """The class a cap names when a sentence has several: `新建项目最高不超过300万元` -> 新建项目."""
    start = max(text.rfind(mark, 0, cap.start) for mark in "，,；;") + 1
    listed = _LISTED_AMOUNT.search(text[start:cap.start])  # 新建项目...300万元、提升改造项目...
    if listed:
        start += listed.end()
    subject = _CAP_WORD.split(text[start:cap.start])[0]
    subject = _TO.sub("", subject.strip())
    subject = _CAP_SUBJECT_TAIL.sub("", subject).strip()
    if not subject or _GENERIC_SUBJECT.match(subject):
        return None
    return subject


def _tiers(text: str, paid: list[Quantity], thresholds: list[Quantity]) -> dict[int, str]:
    """Tier labels of the amounts listed after each `分别`, by the amount's offset."""
    tiers: dict[int, str] = {}
    for respectively in _RESPECTIVELY.finditer(text):
        clause_end = _SENTENCE_MARK.search(text[respectively.end():])
        end = respectively.end() + clause_end.start() if clause_end else len(text)
        listed = sorted((q for q in paid if respectively.end() <= q.start < end), key=lambda q: q.start)
        if not listed:
            continue
        labels = _threshold_labels(text, thresholds, respectively.start(), len(listed)) \
            or _list_before(text[:respectively.start()], len(listed))
        if labels:
            tiers.update({q.start: label for q, label in zip(listed, labels, strict=True)})
    return tiers


def _threshold_labels(text: str, thresholds: list[Quantity], before: int, n: int) -> list[str] | None:
    """`首次达到2000万元、3000万元...的` before the 分别: the thresholds are the tiers."""
    runs: list[list[Quantity]] = []
    for q in thresholds:
        if q.start >= before:
            break
        if runs and _LIST_JOIN.match(text[runs[-1][-1].end:q.start]):
            runs[-1].append(q)
        else:
            runs.append([q])
    for run in reversed(runs):
        if len(run) == n:
            return [text[q.start:q.end] for q in run]
    return None


def _list_before(text: str, n: int) -> list[str] | None:
    """The labels of the 、 list nearest before a 分别 (`对新认定的国家级、省级制造业创新中心`)."""
    for _, clause in reversed(split_top_level(text, "，,；;")):
        pieces = [piece for _, piece in split_top_level(clause, "、")]
        if len(pieces) == 1:
            pieces = _AND_OR_WITH.split(clause) if n == 2 else pieces
        if len(pieces) < 2:
            continue
        first = pieces[0]
        first = first[first.rfind("的") + 1:] if "的" in first else _TIER_LEAD.sub("", first)
        last = _AFTER_LAST_DE.sub("", pieces[-1]) if "的" in pieces[-1] else pieces[-1]
        items = [first, *pieces[1:-1], last]
        items = [item.strip() for item in items]
        if len(items) < n and _AND.search(items[-1]):
            items = items[:-1] + _AND.split(items[-1])
        if len(items) > n:
            items = items[:n]
        if len(items) != n or not all(items):
            return None
        if any(_NUMBER_OR_PERCENT.search(item) for item in items):
            continue  # 按...的3%和1.5%: the rates the amounts pair with, not labels
        return _share_head(items)
    return None


def _share_head(items: list[str]) -> list[str]:
    """`国家级`, `省级制造业创新中心` -> `国家级制造业创新中心`, `省级制造业创新中心`: short
    modifiers share the noun the last item spells out."""
    modifiers, last = items[:-1], items[-1]
    if not all(len(m) <= 4 for m in modifiers) or len(last) <= 4:
        return items
    first_word = words(last)[0][0]
    head = last[len(first_word):]
    if not head or len(first_word) > 4:
        return items
    return [m + head for m in modifiers] + [last]


def _units_for(path: str | None, units_by_path) -> tuple[str, ...]:
    """The units of the task the measure belongs to: its own parenthesis, else its parent's."""
    while path is not None:
        if path in units_by_path:
            return units_by_path[path]
        path = path.rsplit("/", 1)[0] if "/" in path else None
    return ()

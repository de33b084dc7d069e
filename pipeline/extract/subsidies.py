"""Subsidies: every amount a policy gives, one row per amount.

A sentence is read when it pays (pay_words.tsv: `给予`, `补助`, `奖励` ...), when it is the next
`；` item of a paying sentence in the same paragraph, or when it states a standard of money paid
(`最低生活保障标准为每人每月1309元`, `临时救助标准不超过240元/人/日`, `单次救助金额原则上不超过5000元`: a
standard_of word of subsidy_words.tsv before `标准`/`比例` or an amount noun, then only glue, per-person or
per-period words and cap words before the amount). A sentence that only states a standard gives only that standard's
amounts and shares; a named standard that is not money paid (`缴费标准`, `扣除标准`, `认定标准`)
gives none. The words are data (subsidy_words.tsv, subsidy_kinds.tsv); this module applies them.

Money (a sum, or money per unit: `200元/人`, `100元/亩`) is, by its clause:
- a fine (`处…罚款`), or a standard's former value (`由每人每月1200元提高到…`): not a row;
- a cap on a beneficiary's sum (`累计不超过100万元`, `补贴总额最高不超过50000元`, and `总额` after
  an amount or share: `给予3000元补贴，总额最高不超过3万元`);
- a budget (`设立总额不超过5000万元的算力券`, `规模`, `预算`, `安排`, `奖补资金10亿元`): not a row;
- an amount or a cap of a standard or of a rate paid at (`标准为每人每月1309元`, `按200元/人的标准`);
- a threshold a beneficiary must reach (`营业收入首次达到2000万元...的`, `500万元及以下、…`,
  `不低于500万元` with no verb that gives): a condition, not a row;
- a cap: `最高`, `不超过`, `限额` before it in its clause;
- an amount: in a clause that gives (`给予20万元奖励`, `一次性奖励企业100元/亩`), with its kind
  right after it (`20万元奖励`, not past a verb that gives something else), or per person or
  period (`每人每月300元`).
A list shares its first item's role (`最高15万元、25万元和35万元`; `给予1000元补贴，中级工1500元`).

A percentage is a rate when the clause says what it is a share of (`按实际投资额的5%`), names
the share (`补贴比例为50%`, `见习补贴标准为最低工资标准的70%`), or gives it (`租金总额的50%予以
租金补贴`, `给予80%的奖励`, `第一年补贴100%`); its base is the clause's, else an earlier `按...`'s
(`按其年度地方经济贡献额给予五年奖励，其中前三年给予80%`). A condition (`增速在10%以上的`) and a
share that governments bear (`各承担50%`) are not rates. A raised standard (`补助标准上浮5%`) is a
rate row of its own.

Pairing, per sentence: one rate takes every cap after it, and the caps of the `；` items after its
sentence that give no amount or rate of their own (`…的30%测算,单机补贴额不超过5万元;挤奶机械…不超过12万元`);
several rates take as many caps in order (`3%和1.5%..., 最高分别不超过10万元和3万元`) or one cap each. A cap on a sum stands alone
beside per-item caps (`…不超过10万元和3万元，每家每年累计不超过100万元`) and limits the share only
where there is none. One amount with a cap after it in a clause that gives nothing else is one
row (`给予1万元奖励，同一服务机构的奖励额度每年最高不超过10万元`); several amounts and as many caps given
`分别` after them pair in order (`分别按每平方米500元、300元…，最高分别不超过10万元、6万元`). A list after `分别` pairs with
the list it answers: the thresholds (`首次达到2000万元、3000万元...`), the last items of the 、
list before it (`评定为国家级、省级、市级…孵化载体`), or quoted names in a row (`“小升规”“规改股”`)
give each row its tier; clauses that each name their class (`五星级的给予10万元，四星级的给予5万元`)
give theirs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import regex

from pipeline import rules
from pipeline.records import SubsidyRow

from .indicator import words
from .quantities import Quantity
from .text import DocumentText, Span, split_top_level

_WORDS = "subsidy_words.tsv"


# _PAYS and _STANDARD_ANY are searched in every sentence: plain alternations of words,
# which `re` finds twice as fast as `regex`.
_PAYS = re.compile(rules.alternation("pay_words.tsv", "pays"))
_GIVE = regex.compile(rules.alternation(_WORDS, "give", "once"))
_GIVE_VERB = regex.compile(rules.alternation(_WORDS, "give"))
# What a policy calls what it pays (subsidy_kinds.tsv): 补助, 奖励, 贴息 ...
_KINDS = rules.alternation("subsidy_kinds.tsv")
_GIVES = regex.compile(f"{rules.alternation(_WORDS, 'give', 'once')}|{_KINDS}")  # a verb that gives, or the kind given
_CAP_WORDS = regex.compile(rules.alternation(_WORDS, "cap"))
_TOTAL = regex.compile(rules.alternation(_WORDS, "total"))
_BUDGET = regex.compile(rules.alternation(_WORDS, "budget", "sum"))
_SUM = regex.compile(rules.alternation(_WORDS, "sum"))
_PENALTY = regex.compile(rules.alternation(_WORDS, "penalty"))
_SHARE_OUT = regex.compile(rules.alternation(_WORDS, "share_out"))
_REGION = rules.alternation(_WORDS, "region")
# 中央财政对中西部地区按照80%的比例给予补助, 一类地区80%, 省级财政对…重点帮扶县按照90%: a share one government
# pays another
_TRANSFER = regex.compile(rf"财政对[^，,；;。]{{0,12}}?(?:{_REGION}|(?:{rules.alternation(_WORDS, 'region_before_rate')})"
                          rf"(?=按|[(（，,、]))|(?:{_REGION})$")
_PER = f"(?:{rules.alternation(_WORDS, 'per')}|(?:{rules.alternation(_WORDS, 'per_mark')})\\p{{Han}}{{1,3}}?)"
_GLUE = f"(?:{rules.alternation(_WORDS, 'glue', 'per', 'cap', 'floor', 'respectively', 'raised_to', 'rate_lead')}|{_PER})"
_STANDARD_NAME = f"(?:{rules.alternation(_WORDS, 'standard_of')})(?:{rules.alternation(_WORDS, 'named', 'amount_noun')})"
# 最低生活保障标准为每人每月 / 标准为：城市每人每月 / 标准由每人每月1200元提高到 / 奖励标准：国家级 / 农村低保标准按
# 城市低保标准的: the amount or share that follows is the standard (after a colon, a short label of its first class)
_STANDARD = regex.compile(
    f"(?P<name>{_STANDARD_NAME})(?:{_GLUE}*[：:]?(?:[^，,；;。：:]{{1,12}}?{_PER}+)?{_GLUE}*"
    f"|{_GLUE}*[：:][^，,；;。：:0-9]{{1,6}}?{_GLUE}*"
    f"|(?:{rules.alternation(_WORDS, 'rate_lead')})[^，,；;。：:]{{1,24}}?的{_GLUE}*"
    f"|[^，,；;。]*?(?:{rules.alternation(_WORDS, 'raised_to')}){_GLUE}*)$")
_STANDARD_ANY = re.compile(_STANDARD_NAME)
_AMOUNT_NOUN_END = regex.compile(f"(?:{rules.alternation(_WORDS, 'amount_noun')})$")
# 1000元补贴，中级工1500元 / 每人每月800元、农村每人每月600元: the next item of a list of amounts
_NEXT_ITEM = regex.compile(f"^(?:{_KINDS})?[、，,][^，,；;。：:0-9]{{0,8}}?{_PER}*{_GLUE}*$")
_ITEM_END = regex.compile(f"(?:{_KINDS})?(?:[，,；;。、]|$)")  # not 其中50万元用于…
_PAID_AT = regex.compile(f"(?:{rules.alternation(_WORDS, 'rate_lead')}){_GLUE}*$")  # 按200元/人, 按每月500元
_PAID_PER = regex.compile(f"{_PER}+{_GLUE}*$")  # 90周岁以上的每人每月300元
_PER_ANY = regex.compile(_PER)
_COMPARE = regex.compile(rules.alternation(_WORDS, "compare", "floor"))
_NAMED = regex.compile(rules.alternation(_WORDS, "named"))
_FUND_SIZE = regex.compile(f"(?:{rules.alternation(_WORDS, 'fund')})$")  # 奖补资金10亿元
_RAISED = regex.compile(rules.alternation(_WORDS, "raised_to"))  # 由每人每月1200元提高到…: 1200元 was the standard
_RAISED_TO_HERE = regex.compile(f"^(?:{rules.alternation(_WORDS, 'raised_to')}){_GLUE}*$")  # …80元提高到(不低于)110元
_RATE_BASE = regex.compile(f"(?:{rules.alternation(_WORDS, 'rate_lead')})(?P<base>[^，,；;。]*?)$")
_RATE_BASE_ANY = regex.compile(f"(?:{rules.alternation(_WORDS, 'rate_lead')})(?P<base>[^，,；;。]*?)(?=(?:{rules.alternation(_WORDS, 'give', 'once')})|的|[，,；;。])")
# 补贴比例为50%, 见习补贴标准为最低工资标准的70%, 返还比例最高不超过…的60%: a share named as what is paid
_RATE_NAMED = regex.compile(f"(?:{_KINDS}|{rules.alternation(_WORDS, 'give', 'standard_of')})(?:{rules.alternation(_WORDS, 'named', 'amount_noun')})"
                            f"{_GLUE}*(?:(?P<base>[^，,；;。]*?)的)?$")
_RATE_OF_GIVEN = regex.compile(f"(?:{rules.alternation(_WORDS, 'give', 'once')})(?P<base>[^，,；;。]*?)的$")  # 给予项目总投资的30%
_RATE_GIVEN = regex.compile(f"的?(?:{rules.alternation(_WORDS, 'give')}|\\p{{Han}}{{0,3}}?(?:{_KINDS}))")  # 50%予以, 80%的奖励
_RATE_GIVEN_BEFORE = regex.compile(f"(?:{rules.alternation(_WORDS, 'give')}|{_KINDS})(?:{rules.alternation(_WORDS, 'cap', 'floor')})*$")  # 第一年补贴100%
_UPLIFT = regex.compile(f"(?P<what>[^，,；;。]*?)(?:{rules.alternation(_WORDS, 'named')})?(?:{rules.alternation(_WORDS, 'uplift')})$")
_PAID_NOUNS = f"(?:{_KINDS}|{rules.alternation(_WORDS, 'once', 'amount_noun', 'fund')})"
_BOUND = f"(?:[(（]含[)）])?(?:{rules.alternation(_WORDS, 'bound')})?(?:[(（]含[)）])?的"
# 2000万元(含)以上的企业: a condition; 20万元的奖励 and 80%的生活补贴 are what is paid
_THRESHOLD_AFTER = regex.compile(f"{_BOUND}(?!{_PAID_NOUNS})")
_THRESHOLD_AFTER_RATE = regex.compile(f"{_BOUND}(?!\\p{{Han}}{{0,2}}?(?:{_PAID_NOUNS}|{rules.alternation(_WORDS, 'give')}))")
# (patterns matched at an offset, `pattern.match(text, at)`, are anchored there: no `^`)
_BOUND_LIST = regex.compile(f"(?:[(（]含[)）])?(?:{rules.alternation(_WORDS, 'bound')})(?:[(（]含[)）])?[、，,]")
_LIST_JOIN = regex.compile(f"^\\s*(?:[(（]含[)）])?\\s*(?:[、]|{rules.alternation(_WORDS, 'join')})\\s*$")
_CONDITION = regex.compile(
    f"(?:^|[，,；;])\\s*(?:其中)?对(?P<who>[^；;。]+?)(?=(?:{rules.alternation(_WORDS, 'give', 'once', 'respectively', 'rate_lead', 'per')})"
    f"|[，,]\\s*(?:{rules.alternation(_WORDS, 'give', 'rate_lead', 'per')}))")
# How a _CONDITION starts, tested first: the search for the whole of it tries the words
# after every `对` it meets (针对, 对接 ...), which costs far more. (`re`'s \s holds regex's.)
_CONDITION_OPENING = re.compile(r"(?:^|[，,；;])\s*(?:其中)?对")
_CONDITION_END = regex.compile(f"[，,]\\s*(?:{rules.alternation(_WORDS, 'means', 'rate_lead')})")
_TIER_VERB = regex.compile(f"^.*(?:{rules.alternation(_WORDS, 'tier_verb')})")
_CLAUSE_LABEL = regex.compile(f"^(?P<label>[^的，,；;：:]+?)的(?:{rules.alternation(_WORDS, 'give', 'once')})")
_GENERIC_SUBJECT = regex.compile(f"^(?:{rules.alternation(_WORDS, 'generic', 'per')})")
_CAP_SUBJECT_TAIL = regex.compile(
    f"(?:(?:{rules.alternation(_WORDS, 'period', 'per', 'total')})?\\p{{Han}}{{0,2}}(?:{_KINDS})(?:{rules.alternation(_WORDS, 'amount_noun', 'fund')})?"
    f"|{rules.alternation(_WORDS, 'amount_noun', 'fund')})$")
_STANDARD_TAIL = regex.compile(f"(?:{_KINDS})?(?:{rules.alternation(_WORDS, 'named')})?$")
_TO = regex.compile(f"^(?:{rules.alternation(_WORDS, 'tier_particle', 'rate_lead')})+")
_TIER_VERB_TAIL = regex.compile(f"(?:{rules.alternation(_WORDS, 'tier_verb')})$")  # 国家级、省级认定的: 省级
_BASE_CAP_WORDS = regex.compile(f"^(?:{rules.alternation(_WORDS, 'cap', 'floor')})")
_BOUND_WORDS = regex.compile(rules.alternation(_WORDS, "cap", "floor"))
_BASE_TAIL = regex.compile(f"(?:{rules.alternation(_WORDS, 'cap', 'floor', 'give', 'once')})*的?$")
_RESPECTIVELY = regex.compile(rules.alternation(_WORDS, "respectively"))
_JOIN = regex.compile(rules.alternation(_WORDS, "join"))
_QUOTED = regex.compile(r"“([^”]{1,12})”")
_QUOTES_IN_A_ROW = regex.compile(r"”、?“")
_CLAUSE_MARK = regex.compile(r"[，,；;。]")
_SENTENCE_MARK = regex.compile(r"[；;。]")
_AFTER_LAST_DE = regex.compile(r"的[^的]*$")
_NUMBER_OR_PERCENT = regex.compile(r"[0-9%]")
_DIGIT = regex.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class Money:
    quantity: Quantity
    role: str  # cap / amount / threshold / budget / penalty / former (a standard before it was raised)
    total: bool = False  # a cap on a beneficiary's sum (累计, 补贴总额)
    standard: str | None = None  # the standard it is the amount of (生活保障标准)


def extract_subsidies(doc: DocumentText, units_by_path: dict[str | None, tuple[str, ...]] | None = None
                      ) -> list[SubsidyRow]:
    rows = []
    carried = None  # a paying sentence that ends at `；`: the next item of its paragraph pays too
    carried_rate = None  # and its one rate, which limits the caps of the items after it
    for sentence in doc.sentences:
        in_items = carried is not None and "\n" not in doc.text[carried.end:sentence.start]
        pays = bool(_PAYS.search(sentence.text)) or in_items
        if pays or _STANDARD_ANY.search(sentence.text):
            found, rate = _sentence_rows(doc, sentence, pays, units_by_path or {},
                                         carried_rate if in_items else None)
            rows += found
            carried = sentence if found and sentence.text.endswith(("；", ";")) else None
            carried_rate = rate or (carried_rate if in_items else None)
        else:
            carried = carried_rate = None
    return rows


def _sentence_rows(doc: DocumentText, sentence: Span, pays: bool, units_by_path,
                   carried_rate: tuple[float, str | None] | None = None
                   ) -> tuple[list[SubsidyRow], tuple[float, str | None] | None]:
    """The sentence's rows, and its one rate (value, base) where it has exactly one: the caps of the
    `；` items after it are limits on that rate (`…的30%测算,单机补贴额不超过5万元;挤奶机械…不超过12万元`)."""
    text = sentence.text
    quantities = doc.quantities(sentence)
    first_percent = next((q.start for q in quantities if q.is_percent), len(text))
    money = _roles(text, [q for q in quantities if q.is_money or q.is_money_per_unit], first_percent)
    rates, uplifts = _rates(text, [q for q in quantities if q.is_percent])
    if not pays:  # a sentence that only states a standard: its standard's amounts and shares
        money = [m for m in money if m.standard]
        rates = [r for r in rates if _STANDARD.search(_clause_before(text, r[0].start, "，,；;"))]
        uplifts = []
    caps = [m for m in money if m.role == "cap"]
    amounts = [m.quantity for m in money if m.role == "amount"]
    thresholds = [m.quantity for m in money if m.role == "threshold"]
    if not (caps or amounts or rates or uplifts):
        return [], None

    standards = {m.quantity.start: m.standard for m in money if m.standard}
    tiers = _tiers(text, [m.quantity for m in caps] + amounts, thresholds)
    section = doc.section_at(sentence.start)
    path = section.path if section else None
    base = dict(provenance=doc.provenance(sentence), section_path=path,
                measure=section.heading if section else None,
                responsible_units=_units_for(path, units_by_path))
    rows = []

    def row(q: Quantity, *, amount=None, rate=None, rate_base=None, cap=None, tier=None):
        rows.append(SubsidyRow(**base, beneficiary_condition=_condition(text, q.start),
                               kind=_kind(text, q, standards.get(q.start)),
                               amount_yuan=amount, rate=rate, rate_base=rate_base, cap_yuan=cap,
                               tier=(tier or None) if tier is not None else tiers.get(q.start),
                               currency=_currency(q)))

    paired: set[int] = set()
    if rates:
        item_caps = [m.quantity for m in caps if not m.total and m.quantity.start > rates[0][0].start]
        limits = item_caps or [m.quantity for m in caps if m.quantity.start > rates[0][0].start]
        after_rates = [c for c in limits if c.start > rates[-1][0].start]
        between_rates = [c for c in limits if c.start < rates[-1][0].start]
        if len(rates) > 1 and not between_rates and len(after_rates) in (1, len(rates)):
            # 3%和1.5%..., 最高分别不超过10万元和3万元: rate i with cap i; one cap after
            # several rates (50%..., 其中...按60%..., 最高不超过20万元) limits each of them.
            pairs = zip(rates, after_rates, strict=True) if len(after_rates) == len(rates) else \
                ((rate, after_rates[0]) for rate in rates)
            for (rate, rate_base), cap in pairs:
                row(cap, rate=rate.value / 100, rate_base=rate_base, cap=cap.value_normalized, tier="")
                paired.add(cap.start)
        else:
            for i, (rate, rate_base) in enumerate(rates):
                following = rates[i + 1][0].start if i + 1 < len(rates) else len(text)
                own_caps = [c for c in limits if rate.start < c.start < following]
                many = len(own_caps) > 1
                for cap in own_caps:
                    row(cap, rate=rate.value / 100, rate_base=rate_base, cap=cap.value_normalized,
                        tier=_cap_tier(text, cap, money) if many else None)
                    paired.add(cap.start)
                if not own_caps:
                    row(rate, rate=rate.value / 100, rate_base=rate_base)
    for rate, what in uplifts:
        row(rate, rate=rate.value / 100, tier=what or None)
    item_caps = [m.quantity for m in caps if not m.total]
    if not rates and len(amounts) > 1 and len(item_caps) == len(amounts) and amounts[-1].end < item_caps[0].start \
            and _RESPECTIVELY.search(_clause_before(text, item_caps[0].start)):
        # 分别按每平方米500元、300元的标准给予购房补贴，最高分别不超过10万元、6万元: amount i with cap i
        for amount, cap in zip(amounts, item_caps, strict=True):
            row(amount, amount=amount.value_normalized, cap=cap.value_normalized,
                tier=tiers.get(amount.start) or tiers.get(cap.start))
            paired.update((cap.start, amount.start))
    if not rates and len(amounts) == 1:
        # 给予1万元奖励，同一服务机构的奖励额度每年最高不超过10万元: the amount and its cap
        amount = amounts[0]
        cap = next((m.quantity for m in caps if m.quantity.start > amount.end
                    and not _GIVE.search(_clause_before(text, m.quantity.start))), None)
        if cap is not None:
            row(amount, amount=amount.value_normalized, cap=cap.value_normalized)
            paired.update((cap.start, amount.start))
    if carried_rate is not None and not rates and not amounts:
        rate_value, rate_base = carried_rate  # an item after `；` that caps the rate before it
        for cap in item_caps:
            row(cap, rate=rate_value, rate_base=rate_base, cap=cap.value_normalized)
            paired.add(cap.start)
    for cap in caps:
        if cap.quantity.start not in paired:
            row(cap.quantity, cap=cap.quantity.value_normalized)
    for amount in amounts:
        if amount.start not in paired:
            row(amount, amount=amount.value_normalized)
    one_rate = (rates[0][0].value / 100, rates[0][1]) if len(rates) == 1 and not amounts else None
    return rows, one_rate


def _roles(text: str, money: list[Quantity], first_percent: int) -> list[Money]:
    """The role of each amount of money in a sentence (see the module docstring)."""
    roles: list[Money] = []
    for q in money:
        if roles and _LIST_JOIN.match(text[roles[-1].quantity.end:q.start]):
            roles.append(Money(q, roles[-1].role, roles[-1].total, roles[-1].standard))  # 15万元、25万元和35万元
            continue
        clause = _clause_before(text, q.start)
        standard = _STANDARD.search(_clause_before(text, q.start, "，,；;"))
        name = _AMOUNT_NOUN_END.sub("", standard.group("name")) if standard else None  # 救助金额: paid as 救助
        previous = roles[-1] if roles else None
        if previous and previous.role in ("amount", "cap") and not _COMPARE.search(clause) \
                and (previous.role == "cap" or not _CAP_WORDS.search(clause)) \
                and _NEXT_ITEM.match(text[previous.quantity.end:q.start]) and _ITEM_END.match(text, q.end):
            roles.append(Money(q, previous.role, previous.total, name or previous.standard))
            continue
        total = False
        if previous and previous.role == "former" and _RAISED_TO_HERE.match(text[previous.quantity.end:q.start]):
            role = "amount"  # 由每人每月不低于80元提高到110元: the standard's new value
        elif _PENALTY.search(clause) or _PENALTY.search(_clause_after(text, q.end)):
            role = "penalty"
        elif _RAISED.match(text, q.end):
            role = "former"
        elif _CAP_WORDS.search(clause) and (_TOTAL.search(clause) or _SUM.search(clause) and (
                first_percent < q.start or any(m.role == "amount" for m in roles))):
            role, total = "cap", True  # 累计不超过100万元; 给予3000元补贴，总额最高不超过3万元
        elif _BUDGET.search(clause) or (_FUND_SIZE.search(clause) and not _GIVE.search(clause)
                                        and not _PER_ANY.search(clause)):
            role = "budget"
        elif name or _PAID_AT.search(clause):  # 标准为每人每月1309元, 按200元/人的标准
            role = "cap" if _CAP_WORDS.search(clause) else "amount"
        elif (_THRESHOLD_AFTER.match(text, q.end) or _BOUND_LIST.match(text, q.end)) and not _GIVES.search(clause):
            role = "threshold"
        elif _CAP_WORDS.search(clause):
            role = "cap"
        elif _COMPARE.search(_since_money(text, clause, q, previous)) and not _GIVE.search(clause):
            role = "threshold"  # 申请补贴的企业须满足年营业收入不低于500万元
        elif _GIVES.search(clause) or _kind_after(text, q.end) or (
                _PAID_PER.search(clause) and not _NAMED.search(clause)):
            role = "amount"
        else:
            role = "threshold"
        roles.append(Money(q, role, total, name if role in ("cap", "amount") else None))
    return roles


def _since_money(text: str, clause: str, q: Quantity, previous: Money | None) -> str:
    """The clause before `q`, from the end of the money before it where that is in the clause:
    `首次达到1亿元的奖励11万元` compares 1亿元, and pays 11万元."""
    clause_start = q.start - len(clause)
    if previous is not None and previous.quantity.end > clause_start:
        return text[previous.quantity.end:q.start]
    return clause


def _clause_before(text: str, at: int, marks: str = "，,；;：:") -> str:
    start = max(text.rfind(mark, 0, at) for mark in marks) + 1
    return text[start:at]


def _clause_after(text: str, at: int) -> str:
    end = _CLAUSE_MARK.search(text, at)
    return text[at:end.start() if end else len(text)]


def _rates(text: str, percents: list[Quantity]) -> tuple[list[tuple[Quantity, str | None]], list[tuple[Quantity, str]]]:
    """Shares of a base (with the base), and raised standards (with what is raised)."""
    rates, uplifts = [], []
    for q in percents:
        if rates and _LIST_JOIN.match(text[rates[-1][0].end:q.start]):
            rates.append((q, rates[-1][1]))  # 3%和1.5%
            continue
        clause = _clause_before(text, q.start)
        if _THRESHOLD_AFTER_RATE.match(text, q.end) and not _GIVES.search(clause):
            continue  # 同比增速在10%(含)以上的企业: a condition
        if _SHARE_OUT.search(clause) or _SHARE_OUT.search(_clause_after(text, q.end)):
            continue  # 市、区财政各承担50%: who bears the cost
        if _PENALTY.search(clause) or _PENALTY.search(_clause_after(text, q.end)):
            continue  # 处以骗取金额10%以上50%以下罚款, 按补贴资金的20%收取违约金: a penalty
        if _TRANSFER.search(clause):
            continue  # 省级财政对各地…按照一类地区80%…的比例给予补助: a transfer between governments
        based = _RATE_BASE.search(clause)
        if based:
            rates.append((q, _clean_base(based.group("base"))))
            continue
        raised = _UPLIFT.search(clause)
        if raised:
            what = _STANDARD_TAIL.sub("", raised.group("what")).strip()
            uplifts.append((q, what))
            continue
        named = _RATE_NAMED.search(clause) or _RATE_OF_GIVEN.search(clause)
        given_after = _RATE_GIVEN.match(text, q.end)
        if named or given_after or _RATE_GIVEN_BEFORE.search(clause):
            own = _clean_base(named.group("base")) if named else _given_base(clause) if given_after else None
            rates.append((q, own or _sentence_base(text, q.start)))
    return rates, uplifts


def _clean_base(base: str | None) -> str | None:
    base = _BASE_CAP_WORDS.sub("", (base or "").strip())
    base = _BASE_TAIL.sub("", base).strip()
    return base or None


def _given_base(clause: str) -> str | None:
    """`场地租金总额的50%予以补贴` -> 场地租金总额; `给予企业引进成本不低于10%` -> 企业引进成本;
    `提供不低于本市最低工资标准80%的生活补贴` -> 本市最低工资标准."""
    give = _last(_GIVE.finditer(clause))
    pieces = [p for p in _BOUND_WORDS.split(clause[give.end():] if give else clause) if p.strip()]
    base = _clean_base(pieces[-1]) if pieces else None
    if base and "的" in base:
        base = base[base.rfind("的") + 1:] or None
    return None if not base or _DIGIT.search(base) else base


def _sentence_base(text: str, at: int) -> str | None:
    """The base an earlier clause states (`按其年度地方经济贡献额给予五年奖励,其中前三年给予80%`)."""
    found = _last(_RATE_BASE_ANY.finditer(text, 0, at))
    return _clean_base(found.group("base")) if found else None


def _last(matches):
    found = None
    for found in matches:  # noqa: B007 - the last one is wanted
        pass
    return found


def _condition(text: str, at: int) -> str | None:
    """Who qualifies: the `对...` clause before the amount (`对新认定的国家级、省级制造业创新中心`)."""
    if not _CONDITION_OPENING.search(text, 0, at):
        return None  # most amounts have no `对` opening a clause before them
    found = None
    for match in _CONDITION.finditer(text[:at]):
        found = match.group("who")
    if found is None:
        return None
    return _CONDITION_END.split(found, maxsplit=1)[0].strip("，, ") or None


@cache
def _kinds() -> tuple[dict[str, str], regex.Pattern]:
    table = {word: (word if kind == "=" else kind) for word, kind in rules.table("subsidy_kinds.tsv").items()}
    return table, regex.compile(_KINDS)


def _kind_after(text: str, at: int) -> str | None:
    """The kind named after an amount in its clause, before any verb that gives something else
    (`20万元奖励`, `10万元的一次性奖励`; not `500万元及以下...的担保业务给予...补贴`)."""
    table, pattern = _kinds()
    window = _clause_after(text, at)
    give = _GIVE_VERB.search(window)
    if give and give.start() > 0:
        window = window[:give.start()]
    found = pattern.search(window)
    return table[found.group()] if found else None


def _kind(text: str, q: Quantity, standard: str | None) -> str | None:
    """The kind the amount is paid as: the kind word after it in its clause, else the standard
    it is, else the nearest kind word before it in the sentence, else any after it."""
    table, pattern = _kinds()
    after = _kind_after(text, q.end)
    if after:
        return after
    if standard:
        return standard
    before = list(pattern.finditer(text, 0, q.start))
    if before:
        return table[before[-1].group()]
    later = pattern.search(text, q.end)
    return table[later.group()] if later else None


def _currency(q: Quantity) -> str:
    return q.currency or "CNY"


def _cap_tier(text: str, cap: Quantity, money: list[Money]) -> str | None:
    """The class a cap names when a sentence has several: `新建项目最高不超过300万元` -> 新建项目."""
    start = max(text.rfind(mark, 0, cap.start) for mark in "，,；;") + 1
    listed = [m.quantity.end for m in money if start <= m.quantity.end < cap.start
              and text.startswith("、", m.quantity.end)]  # 新建项目...300万元、提升改造项目...
    if listed:
        start = listed[-1] + 1
    subject = _CAP_WORDS.split(text[start:cap.start])[0]
    subject = _TO.sub("", subject.strip())
    subject = _CAP_SUBJECT_TAIL.sub("", subject).strip()
    if not subject or _GENERIC_SUBJECT.match(subject):
        return None
    return subject


def _tiers(text: str, paid: list[Quantity], thresholds: list[Quantity]) -> dict[int, str]:
    """Tier labels of the amounts listed after each `分别`, and of amounts in clauses that each
    name their class (`五星级的给予10万元，四星级的给予5万元`), by the amount's offset."""
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
    labelled = {}
    for q in paid:
        if q.start not in tiers:
            own = _CLAUSE_LABEL.match(_clause_before(text, q.start))
            if own:
                labelled[q.start] = _tier_label(own.group("label"))
    if len(set(labelled.values()) - {""}) > 1:
        tiers.update({at: label for at, label in labelled.items() if label})
    return tiers


def _tier_label(label: str) -> str:
    """`被评为五星级` -> 五星级; `对初次认定为国家` -> 国家."""
    return _TO.sub("", _TIER_VERB.sub("", label)).strip()


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
    """The labels of the list nearest before a 分别: a 、 list (`对新认定的国家级、省级制造业创新中心`,
    its last n items), or n quoted names in a row (`“小升规”“规改股”“股上市”`)."""
    for _, clause in reversed(split_top_level(text, "，,；;")):
        quoted = _QUOTED.findall(clause)
        if len(quoted) == n and n > 1 and _QUOTES_IN_A_ROW.search(clause):
            return quoted
        pieces = [piece for _, piece in split_top_level(clause, "、")]
        if len(pieces) == 1:
            pieces = _JOIN.split(clause) if n == 2 else pieces
        if len(pieces) < 2:
            continue
        # the n items the 分别 answers: from the item that names how they were earned
        # (`人社部门评定为国家级、省级、市级…`), else the first n (`国家级、省级、市级制造业、软件…中心`)
        starts = [i for i in range(len(pieces) - n + 1) if "的" in pieces[i] or _TIER_VERB.search(pieces[i])]
        start = starts[-1] if starts and len(pieces) > n else 0
        pieces = pieces[start:start + n] if len(pieces) > n else pieces
        first = pieces[0]
        first = first[first.rfind("的") + 1:] if "的" in first else _tier_label(first)
        last = _AFTER_LAST_DE.sub("", pieces[-1]) if "的" in pieces[-1] else pieces[-1]
        last = _TIER_VERB_TAIL.sub("", last) or last
        items = [first, *pieces[1:-1], last]
        items = [item.strip() for item in items]
        if len(items) < n and _JOIN.search(items[-1]):
            items = items[:-1] + _JOIN.split(items[-1])
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

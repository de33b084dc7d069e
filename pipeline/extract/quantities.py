"""Numbers with their units, as policies write them: `10家`, `1000亿元`, `3万人`, `0.5%`,
`100EFlops`, `50E Flops`, `三十个`, `两个`, `28万元/人`, `240元/人/日`, and a Chinese unit glossed by its
symbol, `5000千万亿次浮点指令/秒(PFLOPS)`, which is read as PFLOPS.

The units are data (pipeline/data/measure_units.tsv); Chinese numerals are read by cn2an
through pipeline.numerals. A number that is part of a name or a code is not a quantity:
`FP16`, `5G`, `20+6`, `第53次`, the second number of a range `3-5个`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import regex

from pipeline import rules
from pipeline.numerals import numeral_value

# A magnitude written before a Chinese unit multiplies it: 3万人, 1000亿元, 一百万元.
# Tried in this order (a longer magnitude before its one-character prefix).
MAGNITUDES = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "十万": 1e5, "亿": 1e8, "万": 1e4, "千": 1e3}
# Units that take no magnitude: 3万% is not a quantity.
UNMAGNIFIED_BASES = ("%", "‰", "倍", "个百分点")
# A unit may be divided by another (28万元/人, 30微克/立方米 is not in the table): these
# may stand after the slash besides the table's units.
PER_UNITS = ("年", "月", "日", "天", "小时", "秒")

_NUMERALS = "零〇一二两三四五六七八九十百千"
_NUMBER = regex.compile(rf"[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|[{_NUMERALS}]+")
# Before a number: a letter or digit (FP16), an ordinal (第53次), a joiner (20+6, 3-5, 1:1).
_NOT_AFTER = "+＋-—–~～/:：#.第"
_GLOSSED = regex.compile(r"(?P<words>[\p{Han}/]{1,14})[(（](?P<symbol>[A-Za-z][A-Za-z0-9/ ]{0,10})[)）]")
_LATIN = regex.compile(r"[A-Za-z](?:[A-Za-z]| (?=[A-Za-z])){0,8}(?![A-Za-z])")
_LATIN_LETTER = regex.compile(r"[A-Za-z]")
# Marks between a unit and the unit it is per: a slash, and after a first slash a middle dot.
_PER_MARKS = ("/", "／", "·")


@dataclass(frozen=True, slots=True)
class Unit:
    factor: float
    base: str
    currency: str | None


@dataclass(frozen=True, slots=True)
class Quantity:
    """`text[start:end]` is the number and its unit; `value` and `unit` are as written."""

    value: float
    unit: str
    value_normalized: float
    unit_normalized: str
    currency: str | None
    start: int
    end: int

    @property
    def is_money(self) -> bool:
        return self.currency is not None and "/" not in self.unit

    @property
    def is_money_per_unit(self) -> bool:
        """Money per person, area or period (`200元/人`, `100元/亩`, `240元/人/日`): a rate a
        policy pays at, not a sum."""
        return self.currency is not None and "/" in self.unit

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "％")


@cache
def _units() -> tuple[dict[str, Unit], dict[str, tuple[str, Unit]], regex.Pattern, regex.Pattern]:
    chinese, latin = {}, {}
    for written, value in rules.table("measure_units.tsv").items():
        factor, base, *currency = value.split()
        unit = Unit(float(factor), base, currency[0] if currency else None)
        if _LATIN_LETTER.match(written):
            latin[written.casefold()] = (written, unit)
        else:
            chinese[written] = unit
    return chinese, latin, _chinese_unit_pattern(chinese), _unit_start_pattern(chinese)


def _chinese_unit_pattern(chinese: dict[str, Unit]) -> regex.Pattern:
    """One pattern for every magnitude and table unit. Alternatives are tried in order,
    so it reads as the rule does: each magnitude in turn with the longest unit after it
    that takes one, else the longest unit on its own (千米 is 千 x 米, 千瓦 the unit 千瓦)."""
    def longest_first(words) -> str:
        return "|".join(regex.escape(word) for word in sorted(words, key=len, reverse=True))

    magnified = [written for written, unit in chinese.items() if unit.base not in UNMAGNIFIED_BASES]
    return regex.compile(f"(?P<magnitude>{'|'.join(map(regex.escape, MAGNITUDES))})"
                         f"(?:{longest_first(magnified)})|(?:{longest_first(chinese)})")


def _unit_start_pattern(chinese: dict[str, Unit]) -> regex.Pattern:
    """What must stand where a unit starts for _unit_at to find one there: the first character
    of a table unit or a magnitude, a Latin letter, or a glossed unit (its words and bracket).
    Most numbers have none (二是, 2024年, 第3号): this one match rules them out
    instead of _unit_at's three matches and its Python around them."""
    firsts = sorted({written[0] for written in chinese} | {magnitude[0] for magnitude in MAGNITUDES})
    return regex.compile(f"{'|'.join(map(regex.escape, firsts))}|[A-Za-z]|{_GLOSSED.pattern}")


@cache
def _number_before_unit() -> re.Pattern:
    """The last character of a number (a digit or a numeral) with what may start a unit right
    after it (a superset of _unit_start_pattern): a text without one has no quantity, and four
    sentences in five have none (一是, 进一步, 2024年), so one search spares them the Python loop
    over their numbers. `re`, and one character, not the number: it scans ~3x faster."""
    firsts = "".join(sorted({written[0] for written in _units()[0]} | {magnitude[0] for magnitude in MAGNITUDES}))
    return re.compile(f"[0-9{_NUMERALS}](?:[{re.escape(firsts)}A-Za-z]|.{{1,14}}[(（])")


def _chinese_unit(text: str, at: int) -> tuple[str, Unit, int] | None:
    """The longest table unit at `at`, with a magnitude before it if any: (written, unit, end)."""
    chinese, _, pattern, _ = _units()
    match = pattern.match(text, at)
    if match is None:
        return None
    magnitude = match.group("magnitude") or ""
    unit = chinese[match.group()[len(magnitude):]]
    factor = unit.factor * MAGNITUDES.get(magnitude, 1)
    return match.group(), Unit(factor, unit.base, unit.currency), match.end()


def _unit_at(text: str, at: int) -> tuple[str, Unit, int] | None:
    """The unit written at `at` (after a number): (unit as written, Unit, end offset)."""
    _, latin, _, _ = _units()
    glossed = _GLOSSED.match(text, at)
    if glossed:
        symbol = glossed.group("symbol").replace(" ", "")
        if symbol.casefold() in latin:
            return symbol, latin[symbol.casefold()][1], glossed.end()
    found = _chinese_unit(text, at)
    if found is None:
        latin_match = _LATIN.match(text, at)
        if latin_match:
            symbol = latin_match.group().replace(" ", "")
            if symbol.casefold() in latin:
                found = symbol, latin[symbol.casefold()][1], latin_match.end()
    if found is None:
        return None
    written, unit, end = found
    base = unit.base
    # 28万元/人, and a rate per person per period: 240元/人/日, 3000元/人·月
    while text.startswith(_PER_MARKS if "/" in written else _PER_MARKS[:2], end):
        per = _chinese_unit(text, end + 1)
        per_word = per[0] if per else next((w for w in PER_UNITS if text.startswith(w, end + 1)), None)
        if not per_word:
            break
        mark = "·" if text[end] == "·" else "/"
        written, base = f"{written}{mark}{per_word}", f"{base}{mark}{per[1].base if per else per_word}"
        end += 1 + len(per_word)
    return written, Unit(unit.factor, base, unit.currency), end


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a unit in `text`, in order."""
    found: list[Quantity] = []
    if not _number_before_unit().search(text):
        return found
    may_start_unit = _units()[3]
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        if before and (before.isascii() and before.isalnum() or before in _NOT_AFTER):
            continue
        if not may_start_unit.match(text, end):
            continue
        unit = _unit_at(text, end)
        if unit is None:
            continue
        written, measure, unit_end = unit
        value = _value(match.group())
        if value is None:
            continue
        found.append(Quantity(value=value, unit=written, value_normalized=value * measure.factor,
                              unit_normalized=measure.base, currency=measure.currency,
                              start=start, end=unit_end))
    return found


def _value(number: str) -> float | None:
    if number[0].isdigit():
        return float(number.replace(",", ""))
    try:
        return float(numeral_value(number))
    except (ValueError, TypeError):  # a run of numeral characters that is no number (千千)
        return None

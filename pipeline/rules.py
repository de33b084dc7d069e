"""The only reader of the rule files in pipeline/data/.

Domain knowledge (radical code points, metadata labels, units, unit names ...) is kept
as UTF-8 TSV data, the way OpenCC keeps its dictionaries: a `#` header that says what
the file is, then one `key<TAB>value[<TAB>comment]` entry per line, keys unique and
sorted. This module parses each file once, returns read-only mappings, and builds the
derived tables (Kangxi radicals from Unicode's decompositions, traditional spellings of
labels) itself so that nobody keeps them by hand.

    python -m pipeline.rules --check   # what `make check-data` runs
    python -m pipeline.rules --sort    # what `make sort-data` runs
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

KANGXI_RADICALS = range(0x2F00, 0x2FD6)  # Unicode block "Kangxi Radicals"


class RuleFileError(ValueError):
    """A malformed rule file; the message names the file and line."""


def _rule_files() -> list[str]:
    return sorted(p.name for p in resources.files("pipeline.data").iterdir() if p.name.endswith(".tsv"))


def _read(name: str) -> str:
    return resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")


def parse_rule_file(name: str, text: str) -> list[tuple[int, str, str]]:
    """Entries of a rule file as (line number, key, value); header and comments skipped."""
    entries = []
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        raise RuleFileError(f"{name}:1: a rule file starts with a '#' header saying what it holds")
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise RuleFileError(f"{name}:{number}: expected 'key<TAB>value', got {line!r}")
        entries.append((number, cells[0], cells[1]))
    return entries


def check_rule_file(name: str, text: str) -> list[str]:
    """Problems with a rule file: duplicate or unsorted keys, entries mapping to themselves."""
    problems = []
    entries = parse_rule_file(name, text)
    seen: dict[str, int] = {}
    for number, key, value in entries:
        if key in seen:
            problems.append(f"{name}:{number}: duplicate key {key!r} (first on line {seen[key]})")
        seen[key] = number
        if key == value:
            problems.append(f"{name}:{number}: {key!r} maps to itself")
    keys = [key for _, key, _ in entries]
    if keys != sorted(keys):
        problems.append(f"{name}: keys are not sorted (run `make sort-data`)")
    return problems


def sort_rule_file(text: str) -> str:
    """The same file with its entries in key order; header comments stay on top."""
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = sorted((line for line in lines if line.strip() and not line.startswith("#")),
                  key=lambda line: line.split("\t", 1)[0])
    return "\n".join(header + body) + "\n"


@cache
def table(name: str) -> Mapping[str, str]:
    """A rule file as a read-only key -> value mapping."""
    return MappingProxyType({key: value for _, key, value in parse_rule_file(name, _read(name))})


@cache
def radical_map() -> Mapping[int, str]:
    """Radical code point -> unified ideograph, for `str.translate`.

    Kangxi radicals decompose (compatibility) to their ideograph, so that half is derived
    from Unicode itself; the CJK Radicals Supplement has no decomposition and comes from
    radicals_supplement.tsv.
    """
    mapping = {}
    for cp in KANGXI_RADICALS:
        ideograph = unicodedata.normalize("NFKC", chr(cp))
        if ideograph != chr(cp):
            mapping[cp] = ideograph
    for key, value in table("radicals_supplement.tsv").items():
        if not key.startswith("U+"):
            raise RuleFileError(f"radicals_supplement.tsv: key {key!r} is not a U+XXXX code point")
        mapping[int(key[2:], 16)] = value
    return MappingProxyType(mapping)


@dataclass(frozen=True, slots=True)
class InvisibleCharacters:
    """The characters of invisible_characters.tsv: those the normaliser removes, those it keeps."""

    removed: frozenset[str]
    kept: frozenset[str]


@cache
def invisible_characters() -> InvisibleCharacters:
    """Characters that print nothing, by what the normaliser does with them (invisible_characters.tsv:
    a code point or a range `U+XXXX..U+YYYY`, then `remove` or `keep`)."""
    chosen: dict[str, set[str]] = {"remove": set(), "keep": set()}
    for key, action in table("invisible_characters.tsv").items():
        if action not in chosen:
            raise RuleFileError(f"invisible_characters.tsv: {key} says {action!r}, not remove or keep")
        chosen[action].update(map(chr, _code_points("invisible_characters.tsv", key)))
    return InvisibleCharacters(frozenset(chosen["remove"]), frozenset(chosen["keep"]))


def _code_points(name: str, key: str) -> range:
    """`U+200B` -> that one code point; `U+2061..U+2064` -> the four, both ends included."""
    first, _, last = key.partition("..")
    ends = (first, last or first)
    if not all(end.startswith("U+") and len(end) > 2 and all(c in "0123456789ABCDEF" for c in end[2:])
               for end in ends):
        raise RuleFileError(f"{name}: key {key!r} is not a U+XXXX code point or a U+XXXX..U+YYYY range")
    return range(int(ends[0][2:], 16), int(ends[1][2:], 16) + 1)


class CharSet:
    """Single characters to remove, and a pattern that finds runs of them.

    The pattern's class is written as ranges of consecutive code points (a few dozen), not
    as hundreds of single characters, which the regular-expression engine would compare
    one by one at every character of the text.
    """

    def __init__(self, chars: Iterable[str]):
        self.chars = frozenset(chars)
        ranges: list[list[int]] = []
        for code in sorted(map(ord, self.chars)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
        members = "".join(re.escape(chr(first)) + (f"-{re.escape(chr(last))}" if last > first else "")
                          for first, last in ranges)
        self.run = re.compile(f"[{members}]+") if members else re.compile(r"(?!)")

    def remove_from(self, text: str) -> str:
        return self.run.sub("", text)


@cache
def invisible() -> CharSet:
    """The characters invisible_characters.tsv says to remove."""
    return CharSet(invisible_characters().removed)


def without_invisible(text: str) -> str:
    """TEXT without the characters that print nothing (invisible_characters.tsv, remove):
    for the fields a reader takes before the normaliser sees the text (metadata labels and
    values), and for the script detection."""
    return invisible().remove_from(text)


def _folded(word: str) -> str:
    """A label or word as the rule files write it: no spaces (`索 引 号`), none of the
    characters that print nothing (a zero-width space between `文` and `号` hides the label
    from the lookup, though a reader sees it)."""
    return without_invisible("".join(word.split()))


@cache
def _t2s():
    import opencc  # local: only traditional labels need it

    return opencc.OpenCC("t2s")


def metadata_column(label: str) -> str | None:
    """The documents column a web page's metadata label names, or None.

    Labels come spaced (`索 引 号`) and, on mirror pages, in traditional script
    (`來源`, `發佈日期`); both are folded before the lookup in label_aliases.tsv.
    `-` in the file marks a label that is recognised but not stored.
    """
    label = _folded(label).rstrip(":：")
    labels = table("label_aliases.tsv")
    column = labels.get(label) or labels.get(_t2s().convert(label))
    return None if column in (None, "-") else column


def is_metadata_label(label: str) -> bool:
    label = _folded(label).rstrip(":：")
    labels = table("label_aliases.tsv")
    return label in labels or _t2s().convert(label) in labels


@cache
def words(name: str, *kinds: str) -> tuple[str, ...]:
    """The words of a word-list file (`word<TAB>kind<TAB>source`), longest first so that an
    alternation tries `截止到` before `截止`; only those of `kinds` when any are given."""
    return tuple(sorted((word for word, value in table(name).items() if not kinds or value in kinds),
                        key=lambda word: (-len(word), word)))


@cache
def alternation(name: str, *kinds: str) -> str:
    """A regular-expression alternation of `words(name, *kinds)`, each escaped, for a pattern
    to embed: `rf"(?:{rules.alternation('pay_words.tsv', 'pays')})"`."""
    import regex  # the project's regex module; only patterns need it

    return "|".join(regex.escape(word) for word in words(name, *kinds))


def meta_column(name: str) -> str | None:
    """The documents column a page's `<meta name=...>` tag states (meta_names.tsv), or None."""
    return table("meta_names.tsv").get(name.strip().lower())


VALIDITY_VALUES = ("有效", "失效", "尚未生效")


def validity_value(word: str | None) -> str | None:
    """`现行有效` -> 有效, `已废止` -> 失效 (validity_words.tsv); None for a word it does not know
    (a status the page computes in a script, a blank)."""
    word = _folded(word or "")
    word = word.split("(")[0].split("（")[0]  # 有效（延续实施）
    if word in VALIDITY_VALUES:
        return word
    return table("validity_words.tsv").get(word) or table("validity_words.tsv").get(_t2s().convert(word))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.rules", description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="report malformed, unsorted or duplicate entries")
    group.add_argument("--sort", action="store_true", help="rewrite the rule files in key order")
    args = parser.parse_args(argv)
    problems = []
    for name in _rule_files():
        text = _read(name)
        if args.sort:
            path = resources.files("pipeline.data").joinpath(name)
            path.write_text(sort_rule_file(text), encoding="utf-8")  # type: ignore[attr-defined]
            text = _read(name)
        try:
            problems += check_rule_file(name, text)
        except RuleFileError as exc:
            problems.append(str(exc))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(_rule_files())} rule files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

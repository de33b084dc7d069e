"""Lines with their offsets, and a compact view of a text for finding printed titles.

A title printed in a body is wrapped differently in every layout (`嘉兴市人民政府关于
大力发展` / `都市型工业的实施意见`), and a 目录 prints it on one line, or wraps it
elsewhere. `Compact` drops line breaks, spaces and the gazette's heading brackets
and keeps a map back to the text, so a title is found whatever its wrapping.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a text: `text == whole[start:end]`, no newline."""

    text: str
    start: int
    end: int
    index: int  # 0-based line number


def lines_of(text: str, offset: int = 0) -> list[TextLine]:
    """The lines of `text`, offsets shifted by `offset` (the text's place in a larger one)."""
    return list(_lines(text, offset))


# An issue's text is split into lines by the cover, the 目录 and the splitter, a
# document's by its head, its sections and its signature: the last few are kept.
@lru_cache(maxsize=8)
def _lines(text: str, offset: int) -> tuple[TextLine, ...]:
    out, start = [], offset
    for index, line in enumerate(text.split("\n")):
        end = start + len(line)
        out.append(TextLine(line, start, end, index))
        start = end + 1
    return tuple(out)


# Dropped by the compact view: layout (spaces, breaks, tabs) and the brackets a gazette
# puts around a heading in one place and not another (【市政府人事任免】).
_IGNORED = " \t\n\u3000【】"
_KEPT_RUN = re.compile(f"[^{re.escape(_IGNORED)}]+")
# Read as the same character: the bracket families a 文号 or a title may be printed with.
_FOLD = {"〔": "(", "〕": ")", "[": "(", "]": ")", "［": "(", "］": ")",
         "（": "(", "）": ")", "“": '"', "”": '"', "，": ",", "：": ":", "；": ";"}


def _folded(text: str) -> str:
    # One str.replace per folded character: each is a C scan of the text, several
    # times faster than str.translate's table lookup for every character.
    for char, folded in _FOLD.items():
        if char in text:
            text = text.replace(char, folded)
    return text


def compact_key(text: str) -> str:
    """`text` as the compact view spells it (for keys that are compared, not located)."""
    return _folded("".join(_KEPT_RUN.findall(text)))


@dataclass(frozen=True)
class Compact:
    """`text` without layout: `key[i]` is the character at `text[origin[i]]`."""

    text: str

    @cached_property
    def _built(self) -> tuple[str, list[int], list[int], list[int]]:
        # Runs of kept characters, not characters one by one: the key is their text, and a
        # key offset maps back through its run (starting at key offset `keys[k]`, text offsets
        # `starts[k]`..`ends[k]`), not through a list of every character's offset (building
        # that list for a whole issue cost more than the searches made in it).
        runs, keys, starts, ends = [], [], [], []
        length = 0
        for run in _KEPT_RUN.finditer(self.text):
            start, end = run.span()
            runs.append(run.group())
            keys.append(length)
            starts.append(start)
            ends.append(end)
            length += end - start
        return _folded("".join(runs)), keys, starts, ends

    @property
    def key(self) -> str:
        return self._built[0]

    @property
    def origin(self) -> list[int]:
        _, _, starts, ends = self._built
        return [i for start, end in zip(starts, ends, strict=True) for i in range(start, end)]

    def _text_offset(self, at: int) -> int:
        """`origin[at]`: the text offset of key offset `at`."""
        _, keys, starts, _ = self._built
        k = bisect_right(keys, at) - 1
        return starts[k] + at - keys[k]

    def _key_offset(self, start: int) -> int:
        """How many kept characters stand before text offset `start` (bisect_right(origin, start - 1))."""
        _, keys, starts, ends = self._built
        k = bisect_left(starts, start) - 1  # the last run that starts before `start`
        return keys[k] + min(ends[k], start) - starts[k] if k >= 0 else 0

    def find(self, needle: str, start: int = 0) -> int:
        """Offset in `text` where `needle` (compacted) occurs at or after text offset
        `start`, or -1."""
        key = compact_key(needle)
        if not key:
            return -1
        at = self.key.find(key, self._key_offset(start))
        return self._text_offset(at) if at >= 0 else -1

    def find_all(self, needle: str, start: int = 0) -> list[int]:
        key = compact_key(needle)
        found, at = [], self._key_offset(start)
        while key:
            at = self.key.find(key, at)
            if at < 0:
                break
            found.append(self._text_offset(at))
            at += 1
        return found

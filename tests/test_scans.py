"""The text scans that skip to the characters they act on (brackets, marks, layout)
give what a plain loop over every character gives."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.text import (
    CLOSING,
    OPENING,
    SENTENCE_ENDS,
    Span,
    inside_brackets,
    sentences,
    split_top_level,
)
from pipeline.normalise import FULLWIDTH_TO_ASCII, CharMap
from pipeline.segment.lines import Compact, compact_key

# Brackets, marks, layout and a few ideographs: the characters the scans decide on.
texts = st.text(alphabet=OPENING + CLOSING + SENTENCE_ENDS + "，,、的\n \t\u3000【】〔〕“”：；０９（）Ａ市局年",
                max_size=80)


def sentences_by_character(text: str) -> list[Span]:
    spans, start, depth = [], 0, 0

    def add(start: int, end: int) -> None:
        piece = text[start:end]
        if piece.strip():
            start += len(piece) - len(piece.lstrip())
            spans.append(Span(start, start + len(piece.strip()), piece.strip()))

    for i, ch in enumerate(text):
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(depth - 1, 0)
        elif ch == "\n":
            depth = 0
            add(start, i)
            start = i + 1
        elif ch in SENTENCE_ENDS and depth == 0:
            add(start, i + 1)
            start = i + 1
    add(start, len(text))
    return spans


def split_by_character(text: str, marks: str) -> list[tuple[int, str]]:
    pieces, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(depth - 1, 0)
        elif ch in marks and depth == 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return pieces


def inside_by_character(text: str, offset: int) -> bool:
    pairs, stack = {"“": "”", "《": "》"}, []
    for ch in text[text.rfind("\n", 0, offset) + 1:offset]:
        if ch in pairs:
            stack.append(pairs[ch])
        elif stack and stack[-1] == ch:
            stack.pop()
    return bool(stack)


@given(texts)
def test_sentences_and_splits_are_those_of_a_character_loop(text):
    assert sentences(text) == sentences_by_character(text)
    for marks in ("，,", "、;；,，", "的"):
        assert split_top_level(text, marks) == split_by_character(text, marks)
    assert [inside_brackets(text, i) for i in range(len(text) + 1)] == \
        [inside_by_character(text, i) for i in range(len(text) + 1)]


@given(texts)
def test_compact_view_keeps_a_map_to_every_kept_character(text):
    kept = [(i, ch) for i, ch in enumerate(text) if ch not in " \t\n\u3000【】"]
    compact = Compact(text)
    assert compact.origin == [i for i, _ in kept]
    folds = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "［": "(", "］": ")", "（": "(", "）": ")",
                           "“": '"', "”": '"', "，": ",", "：": ":", "；": ";"})
    assert compact.key == compact_key(text) == "".join(ch for _, ch in kept).translate(folds)


@given(texts)
def test_char_map_is_str_translate(text):
    assert CharMap(FULLWIDTH_TO_ASCII).apply(text) == text.translate(FULLWIDTH_TO_ASCII)

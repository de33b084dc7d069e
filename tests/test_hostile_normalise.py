"""Hostile and odd text (issue 18): characters that hide, and blanket rules restated on huge texts.

Zero-width and bidi control characters print nothing, so a text full of them reads like the clean one
to a person; the normaliser removes them (data/invisible_characters.tsv) before any other step, so a
gazette with them gives the documents and facts of the clean one, with every offset still on its page.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from importlib import resources

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.extract
from pipeline import rules
from pipeline.extract import extract
from pipeline.extract.responsibility import extract_responsible_units
from pipeline.manifest import input_status
from pipeline.normalise import MappedText, normalise, normalise_text, remove_invisible
from pipeline.read import read
from pipeline.records import PageSpan, RawIssue, ResponsibleUnitRow
from pipeline.run import process_file
from pipeline.segment import segment
from pipeline.write import file_output
from tests.conftest import raw as corpus_file
from tests.documents import document

# The characters issue 18 names, each of a kind that hides: zero-width spaces and joiners, the word
# joiner, a byte-order mark inside the text, the soft hyphen, the bidi embeddings, overrides, isolates
# and marks; with a tag character (hidden ASCII) and variation selectors, invisible as well.
HIDING = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
          "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
          "\u200e", "\u200f", "\u061c", "\U000e0041", "\ufe0f", "\U000e0100")
RIGHT_TO_LEFT_OVERRIDE, POP_DIRECTIONAL_FORMATTING = "\u202e", "\u202c"
TODAY = dt.date(2026, 1, 1)
RULE_FILE = resources.files("pipeline.data").joinpath("invisible_characters.tsv")


def with_inserted(text: str, inserted: dict[int, str]) -> tuple[str, list[int]]:
    """`text` with `inserted[j]` put before its character j (j == len(text): at the end), and where
    each character went: `where[j]` is the new offset of text[j], `where[len(text)]` the offset after
    the last of them."""
    parts, where, length = [], [], 0
    for j, char in enumerate(text):
        hidden = inserted.get(j, "")
        parts += (hidden, char)
        where.append(length + len(hidden))
        length += len(hidden) + 1
    where.append(length)
    parts.append(inserted.get(len(text), ""))
    return "".join(parts), where


def between_every_character(text: str, hiding: tuple[str, ...] = ("\u200b",)) -> dict[int, str]:
    return {j: hiding[j % len(hiding)] for j in range(1, len(text))}


def around_every_line(text: str) -> dict[int, str]:
    """U+202E (right-to-left override) before every line, U+202C (pop) after it: the line shows reversed
    in a bidi-aware viewer, and the extractors saw neither mark nor line until now."""
    inserted: dict[int, str] = collections.defaultdict(str)
    for line in regex.finditer(r"[^\n]+", text):
        inserted[line.start()] += RIGHT_TO_LEFT_OVERRIDE
        inserted[line.end()] += POP_DIRECTIONAL_FORMATTING
    return inserted


def merged(*insertions: dict[int, str]) -> dict[int, str]:
    out: dict[int, str] = collections.defaultdict(str)
    for inserted in insertions:
        for j, hidden in inserted.items():
            out[j] += hidden
    return out


RECIPES = {
    "zero_width_space_between_every_character": between_every_character,
    "right_to_left_override_around_every_line": around_every_line,
    "every_hiding_character_in_turn_between_characters_and_bidi_around_lines":
        lambda text: merged(between_every_character(text, HIDING), around_every_line(text)),
}


def hidden(raw: RawIssue, recipe: str) -> RawIssue:
    """The same input with invisible characters put in by `recipe`, each page span moved with its text."""
    text, where = with_inserted(raw.text, RECIPES[recipe](raw.text))
    pages = tuple(PageSpan(p.page, where[p.start], where[p.end], p.ocr) for p in raw.pages)
    if pages:
        pages = (*pages[:-1], dataclasses.replace(pages[-1], end=len(text)))
    return dataclasses.replace(raw, text=text, pages=pages)


def facts_by_table(raw: RawIssue):
    issue = segment(normalise(raw), today=TODAY)
    facts = collections.defaultdict(list)
    for doc in issue.documents:
        for fact in extract(doc, issue.pages):
            facts[type(fact).__name__].append(fact)
    return issue.documents, dict(facts)


@pytest.fixture(scope="module")
def corpus_reads():
    cache: dict[str, RawIssue] = {}

    def read_once(name: str) -> RawIssue:
        if name not in cache:
            cache[name] = read(corpus_file(name), name)
        return cache[name]
    return read_once


# --- characters that hide -----------------------------------------------------------------------------


def test_zero_width_soft_hyphen_and_bidi_characters_are_removed_from_a_sentence():
    text = "到\u200b2027\u00ad年\u202e培育\u2066链主\u2069企业\ufeff10\u200d家\u200f,\u2060营收\U000e0041突破"
    assert remove_invisible(MappedText.of(text)).text == "到2027年培育链主企业10家,营收突破"
    assert normalise_text(text).text == "到2027年培育链主企业10家,营收突破"


@pytest.mark.parametrize("recipe", sorted(RECIPES))
@pytest.mark.parametrize("name", ["jiaxing-2024-11.gbk.txt", "jiaxing-ai-plan-draft.txt"])
def test_a_gazette_with_invisible_characters_gives_the_documents_and_facts_of_the_clean_one(
        corpus_reads, name, recipe):
    clean = corpus_reads(name)
    clean_documents, clean_facts = facts_by_table(clean)
    # the clean text has facts of every kind its extractors find in it (259 and 167 facts today)
    assert {"TargetRow", "SubsidyRow", "ResponsibleUnitRow", "DateRow"} <= clean_facts.keys()
    documents, facts = facts_by_table(hidden(clean, recipe))
    assert [(d.doc_id, d.title, d.doc_number, d.text) for d in documents] == \
        [(d.doc_id, d.title, d.doc_number, d.text) for d in clean_documents]
    assert {table: len(rows) for table, rows in facts.items()} == \
        {table: len(rows) for table, rows in clean_facts.items()}
    assert facts == clean_facts  # every value: targets, amounts, units, dates, their offsets and evidence


def test_a_utf8_file_with_a_zero_width_space_between_every_character_reads_like_the_clean_gazette(
        corpus_reads, tmp_path):
    """The whole run for one file, from the bytes on disk: the text reader, then the chain."""
    clean = corpus_reads("jiaxing-2024-11.gbk.txt")
    path = tmp_path / "jiaxing-2024-11.txt"
    path.write_text("\u200b".join(clean.text), encoding="utf-8")

    def values(result):  # the facts without the file's identity (its name and hash differ)
        return [(type(f).__name__, dataclasses.replace(f, provenance=None)) for f in result.facts]
    dirty, clean_result = process_file(path, path.name), process_file(corpus_file(clean.source_file), clean.source_file)
    assert dirty.errors == ()
    assert [d.title for d in dirty.issue.documents] == [d.title for d in clean_result.issue.documents]
    assert len(dirty.facts) == len(clean_result.facts) > 200  # 259 today; none before the chain removed them
    assert values(dirty) == values(clean_result)


@pytest.mark.parametrize("page", ["jiaxing-2025-18.html", "hangzhou-2023-ai-mirror.html"])
def test_a_web_page_with_zero_width_spaces_between_its_chinese_keeps_its_metadata_and_facts(page, tmp_path):
    """The metadata block's labels (文号, 发布机构, 成文日期 …) are looked up in the rule files
    before the text is normalised: a zero-width space inside `文号` must not hide the label."""
    encoding = "gb18030" if page.startswith("hangzhou") else "utf-8"  # as each page declares
    source = corpus_file(page).read_bytes().decode(encoding)
    path = tmp_path / page
    path.write_text(regex.sub(r"(?<=\p{Han})(?=\p{Han})", "\u200b", source), encoding=encoding)
    assert path.read_text(encoding=encoding).count("\u200b") > 1000
    dirty, clean = process_file(path, page), process_file(corpus_file(page), page)
    fields = ("title", "doc_number", "issuer", "signed_date", "published_date", "validity", "doc_type")
    assert [[getattr(d, f) for f in fields] for d in dirty.issue.documents] == \
        [[getattr(d, f) for f in fields] for d in clean.issue.documents]
    assert len(dirty.facts) == len(clean.facts) > 20


def test_invisible_characters_in_a_pdf_leave_every_offset_on_its_page(corpus_reads):
    clean = corpus_reads("jiaxing-2024-11.pdf")
    assert len(clean.pages) > 1
    dirty = hidden(clean, "every_hiding_character_in_turn_between_characters_and_bidi_around_lines")
    assert len(dirty.text) > 2 * len(clean.text)
    out, clean_out = normalise(dirty), normalise(clean)
    assert out.text == clean_out.text
    assert out.pages == clean_out.pages
    _, facts = facts_by_table(dirty)
    _, clean_facts = facts_by_table(clean)
    pages = sorted({fact.provenance.page for rows in clean_facts.values() for fact in rows})
    assert len(pages) > 1
    assert [fact.provenance.page for rows in facts.values() for fact in rows] == \
        [fact.provenance.page for rows in clean_facts.values() for fact in rows]


def test_invisible_characters_at_a_page_break_stay_with_neither_page():
    text = "\u202e一、总体要求\u202c\n到 2027 年,培育链主企业10家,\u200b\u2069\n\u2066\ufeff营收突破1000亿元。\u200b"
    split = text.index("\u2066")  # page 2 starts with an isolate, page 1 ends with two hiding characters
    raw = RawIssue(source_file="x.pdf", source_sha256="0", source_format="pdf", text=text,
                   pages=(PageSpan(1, 0, split), PageSpan(2, split, len(text))), line_breaks="layout")
    out = normalise(raw)
    assert out.text == "一、总体要求\n到2027年,培育链主企业10家,营收突破1000亿元。"
    assert [(p.page, out.text[p.start:p.end]) for p in out.pages] == [
        (1, "一、总体要求\n到2027年,培育链主企业10家,"), (2, "营收突破1000亿元。")]


def test_a_title_and_metadata_with_invisible_characters_are_cleaned_like_the_text():
    raw = RawIssue(source_file="x.html", source_sha256="0", source_format="html", text="正文。",
                   title="嘉兴市\u200b人民政府\u202e关于\u202c印发的通知", metadata=(("doc_number", "嘉政发\u2060〔2024〕\u200b19号"),))
    out = normalise(raw)
    assert out.title == "嘉兴市人民政府关于印发的通知"
    assert out.metadata == (("doc_number", "嘉政发〔2024〕19号"),)


def test_every_default_ignorable_character_is_listed_as_removed_or_kept_with_a_reason():
    """Unicode's Default_Ignorable_Code_Point characters display nothing; each assigned one is in the rule
    file, removed or kept, so a new one (a newer Unicode) is a decision, not an oversight."""
    listed = rules.invisible_characters()
    every_character = "".join(map(chr, range(0x110000)))
    ignorable = set(regex.findall(r"(?=\P{Cn})\p{Default_Ignorable_Code_Point}", every_character))  # assigned ones
    assert len(ignorable) > 400
    assert ignorable - listed.removed - listed.kept == set()
    assert set(HIDING) <= listed.removed
    assert listed.removed.isdisjoint(listed.kept)
    rows = [line.split("\t") for line in RULE_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert all(len(row) == 4 and row[2] and row[3] for row in rows)  # a name and a reason on every row


# --- the property: inserted hiding characters change nothing -------------------------------------

# Text that exercises every step: ideographs, traditional ones and radicals, full-width digits and
# brackets, a pinyin gloss, combining marks, a compatibility ideograph, spaces, tabs and line breaks.
VISIBLE = st.lists(st.sampled_from(
    list("嘉兴市人民政府关于大力发展工业的实施意见到年培育企业家营收亿元责任单位經濟發展關於一二三")
    + list("⼈⺠⻓") + list("0123456789０１２（）") + list("，。、；：()“”,;:") + ["(dāng)", "e\u0301", "\uf900"]
    + [" ", "\u3000", "\t", "\n", "\n\n", "a", "-"]), max_size=120).map("".join)


@st.composite
def visible_text_and_hiding_characters(draw):
    text = draw(VISIBLE)
    positions = draw(st.lists(st.integers(0, len(text)), max_size=40))
    inserted: dict[int, str] = collections.defaultdict(str)
    for j in positions:
        inserted[j] += draw(st.sampled_from(HIDING))
    return text, dict(inserted)


@settings(max_examples=300, deadline=None)
@given(visible_text_and_hiding_characters(), st.sampled_from(["unknown", "layout", "paragraphs"]))
def test_hiding_characters_anywhere_change_neither_the_text_nor_where_it_came_from(case, line_breaks):
    text, inserted = case
    dirty, where = with_inserted(text, inserted)
    out = normalise_text(dirty, line_breaks=line_breaks)
    clean_out = normalise_text(text, line_breaks=line_breaks)
    assert out.text == clean_out.text
    # each output character comes from the same source character, found where the insertions moved it
    assert list(out.origin) == [where[origin] for origin in clean_out.origin]
    assert [dirty[origin] for origin in out.origin] == [text[origin] for origin in clean_out.origin]


# --- blanket 不再列出 rules on huge texts ------------------------------------------------------------


def plan_with_a_blanket_rule_every_tenth_task(tasks: int) -> str:
    """`tasks` tasks, each with its own (责任单位:…); every tenth, from the first, restates that the same
    two district governments are in charge of every task and are not listed again."""
    lines = ["一、重点任务"]
    for i in range(tasks):
        rule = ";南湖区政府、秀洲区政府均为责任主体,不再列出" if i % 10 == 0 else ""
        lines.append(f"{i + 1}.推进第{i + 1}项工作。加快项目建设。(责任单位:市经信局、市发展改革委{rule})")
    return "\n".join(lines)


def unit_rows(tasks: int) -> list[ResponsibleUnitRow]:
    return extract_responsible_units(document(plan_with_a_blanket_rule_every_tenth_task(tasks)))


def tasks_of(rows: list[ResponsibleUnitRow]) -> list[list[ResponsibleUnitRow]]:
    """The rows of each task in order: a task's rows are its written units (the first at position 1),
    then its implicit ones."""
    tasks: list[list[ResponsibleUnitRow]] = []
    for row in rows:
        if row.position == 1:
            tasks.append([])
        tasks[-1].append(row)
    return tasks


def test_a_blanket_rule_restated_every_tenth_task_adds_each_unit_once_per_task():
    rows = unit_rows(2000)
    tasks = tasks_of(rows)
    assert len(tasks) == 2000
    implicit = [tuple(row.unit_raw for row in task if row.is_implicit) for task in tasks]
    assert set(implicit) == {("南湖区政府", "秀洲区政府")}  # 2 per task, the 2000th as the first
    assert [(row.unit_raw, row.position, row.is_implicit) for row in tasks[-1]] == [
        ("市经信局", 1, False), ("市发展改革委", 2, False), ("南湖区政府", 3, True), ("秀洲区政府", 4, True)]
    # a unit made implicit again keeps the first rule as its source
    first_rule = tasks[0][0].provenance.char_start
    assert {row.provenance.char_start for row in rows if row.is_implicit} == {first_rule}


def test_unit_rows_grow_linearly_with_the_tasks_of_a_plan_with_restated_blanket_rules():
    small, large = unit_rows(200), unit_rows(2000)
    assert len(small) == 4 * 200
    assert len(large) == 10 * len(small)
    assert sum(r.is_implicit for r in large) == 10 * sum(r.is_implicit for r in small)



# Numerals that are no number (a typo, an OCR slip: 十十, 二十〇, 第十〇条) where a heading, a
# quantity, a period or an issue number is read: the one form is not read, the file is.
NUMERAL_SLIPS = {
    "a heading": ("一、总体要求\n十十、加强管理，对新建企业给予一次性补助20万元。", "十十、"),
    "an article": ("第一条 为规范管理，制定本办法。\n第十〇条 本办法由县财政局负责解释。", "第十〇条"),
    "an amount": ("一、对新建企业给予一次性补助二十〇万元，对改造项目补助10万元。", "二十〇万元"),
    "a period": ("一、本办法自发布之日起十十个月后施行，有效期十十年。", "十十年"),
}


@pytest.mark.parametrize("where", NUMERAL_SLIPS)
def test_a_numeral_that_is_no_number_loses_that_form_not_the_file(where, tmp_path):
    body, slip = NUMERAL_SLIPS[where]
    path = tmp_path / "slip.txt"
    path.write_text(f"某县人民政府关于印发扶持政策的通知\n某政发〔2024〕1号\n{body}\n某县人民政府\n2024年3月1日\n",
                    encoding="utf-8")
    result = process_file(path, path.name)
    assert result.errors == () and result.issue is not None and len(result.issue.documents) == 1
    assert slip in result.issue.documents[0].text
    sections = {section.number for section in result.issue.documents[0].sections}
    assert "十十" not in sections and "十〇" not in sections


def test_an_issue_number_that_is_no_number_is_left_unknown():
    from pipeline.segment.cover import _numbers
    assert (_numbers("十一"), _numbers("07-08"), _numbers("十十")) == ("11", "07、08", None)


def test_a_document_whose_extraction_fails_loses_its_facts_not_the_issue(monkeypatch):
    # an exception no rule foresaw (a bug, like the numerals above before they were mended),
    # raised while the subsidies of the third of the issue's documents are read
    path = corpus_file("jiaxing-2024-11.pdf")
    clean = process_file(path, path.name)
    failing = clean.issue.documents[2]
    real_subsidies = pipeline.extract.extract_subsidies

    def subsidies_failing_on_one_document(doc, *args):
        if doc.document.doc_id == failing.doc_id:
            raise KeyError(1)
        return real_subsidies(doc, *args)

    monkeypatch.setattr(pipeline.extract, "extract_subsidies", subsidies_failing_on_one_document)
    result = process_file(path, path.name)
    assert [doc.doc_id for doc in result.issue.documents] == [doc.doc_id for doc in clean.issue.documents]
    assert result.facts == tuple(f for f in clean.facts if f.provenance.doc_id != failing.doc_id)
    [error] = result.errors
    assert (error.stage, error.error_type) == ("extract", "KeyError")
    assert f"document 3 of {len(clean.issue.documents)} ({failing.doc_id}, {failing.title})" in error.message
    assert input_status(file_output(result)) == "partly_read"

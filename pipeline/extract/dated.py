"""Dates: every dated fact of a document, one row each.

- signed, effective, expiry: the dates segmentation resolved for the document
  (pipeline.segment.fields), each with the line or clause that states it: the date under
  the signature, `本实施方案自公布之日起施行`, `有效期至2027年12月31日`;
- published: a web page's 发布日期, from its metadata block (no span in the text);
- period_start / period_end: `2025—2027年`, `2023年3月-6月`, `2024年1月1日至6月30日`;
- deadline: `2025年6月底前`, `到2027年`, `年底前` resolved against the document's year;
- event: any other date (`2024年7月31日前制定的` is a deadline, `2023年度` an event).
Partial dates (`7月1日`) take the document's year. A gazette document's 出版 date is the
issue's (documents.published_date), stated outside the document's text: no row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import regex

from pipeline import rules
from pipeline.dates import DATE_MARK, DateMention, add_months, find_dates, make_date
from pipeline.numerals import numeral_value
from pipeline.records import DateRow

from .text import DocumentText, Span

# Any dash between two dates makes a range: 1997年4月―1998年2月 (U+2015), －, ‒, 〜 ...
_RANGE = r"\s*(?:-|—|–|―|‐|‑|‒|－|~|～|〜|至|到)+\s*"
_RANGE_ONLY = regex.compile(_RANGE)
_YEAR_RANGE = regex.compile(rf"(?<![0-9])(?P<y1>(?:19|20)[0-9]{{2}})\s*年?{_RANGE}(?P<y2>(?:19|20)[0-9]{{2}})\s*年")
_MONTH_RANGE = regex.compile(rf"(?P<y>(?:19|20)[0-9]{{2}})\s*年\s*(?P<m1>1[0-2]|0?[1-9])\s*月{_RANGE}"
                             rf"(?P<m2>1[0-2]|0?[1-9])\s*月(?!\s*[0-9一二三四五六七八九十]+\s*[日号])")
_BY = regex.compile(rf"(?:{rules.alternation('goal_year_words.tsv')})\s*$")  # 到2027年, 力争到…, 于2024年底前
_END_OF = regex.compile(r"(?P<end>底|末)?(?P<before>前|之前|以前)?")  # matched at the date's end
# A month's or the year's end without a year: `6月底前`, `年底前` (the document's year).
_MONTH_END = regex.compile(r"(?<![0-9年一二三四五六七八九十])(?P<month>1[0-2]|0?[1-9]|十[一二]|[一二三四五六七八九十])"
                           r"\s*月(?:底|末)(?:前|之前|以前)?")
# `比上年末`, `去年底`: a statistical reference to last year, not this document's deadline.
_YEAR_END = regex.compile(r"(?<![0-9年上去前])(?:年底|年末)(?P<before>前|之前|以前)?")
# `已于2017年印发`, `曾于…`: a date the text reports as past is an event, whatever word precedes it.
_PAST = regex.compile(r"(?:已|曾|业已|已经|先后)(?:于|在)?\s*$")


def extract_dates(doc: DocumentText) -> list[DateRow]:
    d = doc.document
    rows: list[DateRow] = []
    stated: list[tuple[int, int]] = []  # spans already written as signed/effective/expiry

    def text_row(kind: str, date: dt.date, start: int, end: int, precision: str = "day"):
        sentence = doc.sentence_at(start)
        rows.append(DateRow(doc.provenance(sentence), doc.path_at(start), kind, date, precision,
                            doc.text[start:end]))
        stated.append((start, end))

    def metadata_row(kind: str, label: str, date: dt.date):
        evidence = f"{label}:{date.isoformat()}"
        rows.append(DateRow(doc.metadata_provenance(evidence), None, kind, date, "day", date.isoformat()))

    # Segmentation says where the text states each of the document's own dates; a date
    # it took from a web page's metadata block has no span.
    if d.signed_date:
        if d.signed_at:
            text_row("signed", d.signed_date, d.signed_at.start, d.signed_at.end)
        elif d.source_format == "html":  # the page states it in its metadata block only
            metadata_row("signed", "成文日期", d.signed_date)
    if d.effective_date:
        if d.effective_at:
            text_row("effective", d.effective_date, _clause_start(doc, d.effective_at.start), d.effective_at.end)
        elif d.source_format == "html":  # the page's own 实施日期, which outranks the text
            metadata_row("effective", "实施日期", d.effective_date)
    if d.expiry_date:
        if d.expiry_at:
            text_row("expiry", d.expiry_date, d.expiry_at.start, d.expiry_at.end)
        elif d.source_format == "html":  # the page's own 失效日期
            metadata_row("expiry", "失效日期", d.expiry_date)
    if d.published_date and d.source_format == "html":
        metadata_row("published", "发布日期", d.published_date)

    year = _document_year(doc)
    for sentence in doc.sentences:
        if DATE_MARK.search(sentence.text):  # else no pattern of _mentions can match
            rows += _mentions(doc, sentence, year, stated)
    headings = _heading_lines(doc)
    if headings:  # `二、2024年工作安排`: a year that names a part of the text sets no deadline
        rows = [replace(row, kind="event") if row.kind == "deadline" and _within(row, headings) else row
                for row in rows]
    return rows


MAX_HEADING_LINE_CHARS = 40
_SENTENCE_PUNCTUATION = regex.compile(r"[，,。；;：:]")


def _heading_lines(doc: DocumentText) -> list[tuple[int, int]]:
    """Spans of the lines that are headings and nothing else: the title line, and each
    section's line when it holds only its heading (short, no sentence punctuation)."""
    text = doc.text
    starts = [0] + [section.char_start for section in doc.document.sections]
    spans = []
    for start in starts:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line and len(line) <= MAX_HEADING_LINE_CHARS and not _SENTENCE_PUNCTUATION.search(line):
            spans.append((start, end))
    return spans


def _within(row: DateRow, spans: list[tuple[int, int]]) -> bool:
    start = row.provenance.char_start
    return start is not None and any(a <= start < b for a, b in spans)


def _clause_start(doc: DocumentText, start: int) -> int:
    """`本实施方案自公布之日起施行`: the clause with the subject that opens its sentence."""
    sentence = doc.sentence_at(start)
    head = doc.text[sentence.start:start]
    cut = max(head.rfind(mark) for mark in ",，")
    return sentence.start + cut + 1 if cut >= 0 else sentence.start


def _mentions(doc: DocumentText, sentence: Span, year: int | None, stated) -> list[DateRow]:
    text = sentence.text
    rows: list[DateRow] = []
    taken = [(a - sentence.start, b - sentence.start) for a, b in stated
             if sentence.start <= a < sentence.end]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(kind: str, date: dt.date | None, precision: str, start: int, end: int):
        if date is None:
            return
        rows.append(DateRow(doc.provenance(sentence), doc.path_at(sentence.start + start), kind, date,
                            precision, text[start:end]))

    # Each pattern spells 年 or 月: the ones that cannot match are not run.
    has_year, has_month = "年" in text, "月" in text
    for match in _YEAR_RANGE.finditer(text) if has_year else ():
        if free(*match.span()) and int(match.group("y1")) <= int(match.group("y2")):
            taken.append(match.span())
            add("period_start", dt.date(int(match.group("y1")), 1, 1), "year", *match.span())
            add("period_end", dt.date(int(match.group("y2")), 1, 1), "year", *match.span())
    for match in _MONTH_RANGE.finditer(text) if has_month else ():
        if free(*match.span()):
            taken.append(match.span())
            y = int(match.group("y"))
            add("period_start", make_date(y, int(match.group("m1"))), "month", *match.span())
            add("period_end", make_date(y, int(match.group("m2"))), "month", *match.span())
    if year is not None:
        for match in _MONTH_END.finditer(text) if has_month else ():
            if free(*match.span()):
                taken.append(match.span())
                first = make_date(year, numeral_value(match.group("month")))
                add("deadline", first and add_months(first, 1) - dt.timedelta(days=1), "day", *match.span())
        for match in _YEAR_END.finditer(text) if has_year else ():
            if free(*match.span()):
                taken.append(match.span())
                # `年底前`, `到年底`: this year's end; a bare `年末` (`年末全市户籍人口`) is a statistic's date
                if match.group("before") or _BY.search(text[:match.start()]):
                    add("deadline", dt.date(year, 12, 31), "day", *match.span())
    mentions = [m for m in find_dates(text, default_year=year) if free(m.start, m.end)]
    i = 0
    while i < len(mentions):
        m = mentions[i]
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if following and _RANGE_ONLY.fullmatch(text[m.end:following.start]):
            add("period_start", m.date, m.precision, m.start, following.end)
            add("period_end", following.date, following.precision, m.start, following.end)
            i += 2
            continue
        kind, date, precision, end = _classify(text, m)
        add(kind, date, precision, m.start, end)
        i += 1
    return rows


def _classify(text: str, m: DateMention) -> tuple[str, dt.date, str, int]:
    """deadline (`到2027年`, `6月底前`) or event; `底`/`末` moves the date to the period's last day."""
    tail = _END_OF.match(text, m.end)
    end = tail.end() if tail else m.end
    if _PAST.search(text[:m.start]):
        return "event", m.date, m.precision, m.end
    by = bool(_BY.search(text[:m.start]))
    if tail and tail.group("end"):
        last = (dt.date(m.date.year, 12, 31) if m.precision == "year"
                else add_months(m.date.replace(day=1), 1) - dt.timedelta(days=1) if m.precision == "month"
                else m.date)
        return "deadline", last, "day", end
    if by or (tail and tail.group("before")):
        return "deadline", m.date, m.precision, end
    return "event", m.date, m.precision, m.end


def _document_year(doc: DocumentText) -> int | None:
    d = doc.document
    for date in (d.signed_date, d.published_date):
        if date:
            return date.year
    return d.doc_year or d.gazette_year

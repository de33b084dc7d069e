"""The review page (pipeline.report): span marking, escaping, the pages of a real run."""
from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import lxml.html
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.records import IN_TEXT_ORIGINS
from pipeline.report import Anchor, Piece, ReportError, Span, mark_spans, write_report
from pipeline.report.facts import FACT_TABLES, Unplaced
from pipeline.report.names import document_href, issue_href, page_stem
from pipeline.schema import SCHEMAS
from pipeline.validate import span_problem
from pipeline.write import to_arrow, write_tables

FACT_TABLE_NAMES = [table.name for table in FACT_TABLES]
TOC_ISSUE = "jiaxing-2024-11.pdf"


# --- mark_spans --------------------------------------------------------------------------

SENTENCE = "到2027年,培育链主企业10家。"


def pieces(*triples) -> tuple[Piece, ...]:
    """Expected pieces from (start, end, fact ids) over SENTENCE."""
    return tuple(Piece(start, end, SENTENCE[start:end], tuple(ids)) for start, end, ids in triples)


def test_overlapping_spans_are_cut_where_each_starts_and_ends():
    # 到2027年 (a date) overlaps 2027年,培育链主企业 (made up) on 2027年
    assert SENTENCE[1:6] == "2027年" and SENTENCE[1:13] == "2027年,培育链主企业"
    got = mark_spans(SENTENCE, [Span("d0", 0, 6), Span("t0", 1, 13)])
    assert got == pieces((0, 1, ["d0"]), (1, 6, ["d0", "t0"]), (6, 13, ["t0"]), (13, 17, []))
    assert [p.text for p in got] == ["到", "2027年", ",培育链主企业", "10家。"]


def test_a_nested_span_splits_its_outer_span_in_three():
    # the whole sentence is a target; 链主企业 inside it an indicator (made up)
    got = mark_spans(SENTENCE, [Span("t0", 0, len(SENTENCE)), Span("t1", 9, 13)])
    assert [(p.text, p.fact_ids) for p in got] == [
        ("到2027年,培育", ("t0",)), ("链主企业", ("t0", "t1")), ("10家。", ("t0",))]


def test_spans_at_both_edges_of_the_text_leave_no_empty_piece():
    got = mark_spans(SENTENCE, [Span("s0", 0, 3), Span("s1", 14, len(SENTENCE))])
    assert got == pieces((0, 3, ["s0"]), (3, 14, []), (14, 17, ["s1"]))


def test_facts_sharing_one_sentence_share_its_pieces_in_the_order_given():
    got = mark_spans(SENTENCE, [Span("s2", 0, 17), Span("r0", 0, 17), Span("s1", 0, 17)])
    assert got == pieces((0, 17, ["s2", "r0", "s1"]))


def test_text_without_spans_is_one_unmarked_piece_and_empty_text_none():
    assert mark_spans(SENTENCE, []) == pieces((0, 17, []))
    assert mark_spans("", []) == ()


def test_a_span_past_the_end_of_the_text_is_refused():
    with pytest.raises(ValueError, match="past the end"):
        mark_spans(SENTENCE, [Span("t0", 3, 40)])
    with pytest.raises(ValueError, match="empty"):
        Span("t0", 5, 5)


def test_a_section_anchor_inside_a_fact_cuts_it_but_wraps_no_text():
    # a heading starting at 2027年 inside a target that covers the whole sentence (made up)
    got = mark_spans(SENTENCE, [Span("t0", 0, len(SENTENCE))], [Anchor("sec-0", 0), Anchor("sec-1", 1)])
    assert got == (Piece(0, 1, "到", ("t0",), ("sec-0",)), Piece(1, 17, SENTENCE[1:], ("t0",), ("sec-1",)))
    with pytest.raises(ValueError, match="outside"):
        mark_spans(SENTENCE, [], [Anchor("sec-0", len(SENTENCE))])


@given(st.text(alphabet="到年培育企业,。0123456789\n", min_size=1, max_size=60).flatmap(
    lambda text: st.tuples(st.just(text), st.lists(
        st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda se: se[0] < se[1]),
        max_size=8), st.lists(st.integers(0, len(text) - 1), max_size=4))))
def test_pieces_give_the_text_back_each_fact_its_span_and_each_anchor_its_place(case):
    text, bounds, offsets = case
    spans = [Span(f"f{n}", start, end) for n, (start, end) in enumerate(bounds)]
    anchors = [Anchor(f"sec-{n}", offset) for n, offset in enumerate(offsets)]
    got = mark_spans(text, spans, anchors)
    assert "".join(p.text for p in got) == text
    assert all(p.start < p.end and p.text for p in got)
    for span in spans:
        assert "".join(p.text for p in got if span.fact_id in p.fact_ids) == text[span.start:span.end]
    for anchor in anchors:
        assert [p.start for p in got if anchor.anchor_id in p.anchors] == [anchor.offset]


# --- file names --------------------------------------------------------------------------

def test_page_names_are_plain_unique_and_stay_inside_their_folder():
    keys = ["jiaxing-2024-11.pdf", "a/b.pdf", "a_b.pdf", "A_b.pdf", "../../etc/passwd", "嘉兴 公报.pdf", "<x>.pdf"]
    stems = [page_stem(key) for key in keys]
    assert stems[0] == "jiaxing-2024-11.pdf"
    assert len(set(stems)) == len(stems)
    assert all(stem.replace("-", "").replace("_", "").replace(".", "").isalnum() and stem[0] not in "._-"
               for stem in stems)
    assert issue_href("a/b.pdf").count("/") == 1 and document_href("../x").count("/") == 1


# --- escaping ----------------------------------------------------------------------------

EVIL = "<script>alert(1)</script>\"q\" 'a' & </script><img src=x onerror=alert(2)>"


def evil_out(out: Path) -> None:
    """An output folder whose every text field is hostile."""
    text = f"标题{EVIL}\n到2027年,培育{EVIL}企业10家。"
    start = text.index("到")
    evidence = text[start:]
    provenance = {"doc_id": "d1", "source_file": f"a/{EVIL}.txt", "page": None, "char_start": start,
                  "char_end": len(text), "evidence": evidence, "evidence_origin": "text"}
    write_tables(out, {
        "documents": [{"doc_id": "d1", "source_file": f"a/{EVIL}.txt", "source_sha256": "0" * 64,
                       "source_format": "txt", "position": 0, "title": EVIL, "doc_number": EVIL,
                       "issuer": EVIL, "recipients": EVIL, "is_draft": False, "text": text}],
        "gazette_issues": [{"source_file": f"a/{EVIL}.txt", "source_sha256": "0" * 64, "source_format": "txt",
                            "gazette_title": EVIL, "documents_found": 1, "toc_entries": 2, "toc_missing": [EVIL],
                            "toc": [{"title": EVIL, "doc_number": EVIL, "page": 1, "category": EVIL,
                                     "is_document": True, "position": 0},
                                    {"title": EVIL, "doc_number": None, "page": 2, "category": EVIL,
                                     "is_document": True, "position": None}]}],
        "targets": [{**provenance, "indicator": EVIL, "value": 10.0, "unit": EVIL, "target_year": 2027}],
        "appointments": [{**provenance, "action": "任命", "person": EVIL, "position": EVIL}],
        "dates": [{**provenance, "kind": "published", "date": dt.date(2025, 5, 15), "precision": "day", "raw": EVIL,
                   "char_start": None, "char_end": None, "evidence": f"发布日期:{EVIL}",
                   "evidence_origin": "page metadata"}],
        "sections": [{"doc_id": "d1", "section_id": EVIL, "parent_id": None, "level": 1, "number": EVIL,
                      "heading": EVIL, "path": EVIL, "char_start": start, "char_end": len(text),
                      "source_file": f"a/{EVIL}.txt"}],
        "errors": [{"source_file": EVIL, "stage": "read", "error_type": EVIL, "message": EVIL}],
    }, set())


def html_pages(html_dir: Path) -> dict[str, str]:
    return {str(path.relative_to(html_dir)): path.read_text(encoding="utf-8")
            for path in sorted(html_dir.rglob("*.html"))}


def test_hostile_text_reaches_every_page_escaped(tmp_path):
    out, html_dir = tmp_path / "out", tmp_path / "html"
    evil_out(out)
    summary = write_report(out, html_dir)
    assert (summary.issue_pages, summary.document_pages) == (1, 1)
    pages = html_pages(html_dir)
    assert len(pages) == 3
    for name, page in pages.items():
        assert "<script>alert" not in page and "<img" not in page, name
        # the only </script> are those closing our own <script src=...> tags
        assert page.count("</script>") == page.count('<script src="'), name
        assert "'a'" not in page and '"q"' not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name  # escaped, not dropped
        tree = lxml.html.fromstring(page)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert not [a for a in element.attrib if a.lower().startswith("on")], (name, element.tag)
            if element.tag == "script":
                assert element.get("src") and not (element.text or "").strip(), name
    document = lxml.html.fromstring(pages[document_href("d1")])
    assert document.xpath("string(//h1)").endswith(EVIL)  # the browser reads back exactly the title
    assert "".join(document.xpath("//*[@data-facts]//text()")).count(EVIL) == 1
    assert document.xpath("string(//nav[@id='outline']//span[@class='heading'])") == EVIL


# --- a real run ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_report(corpus_out, tmp_path_factory):
    """The review site of the corpus run: (html folder, summary)."""
    html_dir = tmp_path_factory.mktemp("report")
    return html_dir, write_report(corpus_out, html_dir)


def page(html_dir: Path, href: str):
    return lxml.html.fromstring((html_dir / href).read_text(encoding="utf-8"))


def test_the_index_lists_every_input_its_documents_and_the_errors(corpus_report, corpus_run):
    html_dir, summary = corpus_report
    index = page(html_dir, "index.html")
    issues, documents, errors = corpus_run["gazette_issues"], corpus_run["documents"], corpus_run["errors"]
    assert summary.issue_pages == len(issues) and summary.document_pages == len(documents)
    assert sorted(index.xpath("//section[@data-source]/@data-source")) == sorted(issues.source_file)
    for issue in issues.itertuples():
        section = index.xpath(f"//section[@data-source='{issue.source_file}']")[0]
        assert section.xpath(".//h2/a/@href") == [issue_href(issue.source_file)]
        assert (html_dir / issue_href(issue.source_file)).exists()
        docs = documents[documents.source_file == issue.source_file].sort_values("position")
        assert section.xpath(".//tr[@data-doc]/@data-doc") == list(docs.doc_id)
        assert section.xpath("string(.//*[@data-field='documents_found'])").startswith(f"{issue.documents_found} ")
    for href in index.xpath("//table[@class='docs']//a/@href"):
        assert (html_dir / href).exists(), href
    assert sorted(index.xpath("//table[@class='errors']//tr/@data-source")) == sorted(errors.source_file)
    assert len(errors) >= 5  # the corpus' empty, truncated, scanned, binary and fake inputs


def test_the_index_counts_facts_per_document_and_per_input_as_the_tables_do(corpus_report, corpus_run):
    index = page(corpus_report[0], "index.html")
    for table in FACT_TABLE_NAMES:
        rows = corpus_run[table]
        per_doc = rows.doc_id.value_counts()
        for doc_id in corpus_run["documents"].doc_id:
            cell = index.xpath(f"//tr[@data-doc='{doc_id}']/td[@data-count='{table}']")[0]
            assert int(cell.text) == per_doc.get(doc_id, 0), (doc_id, table)
        per_input = rows.source_file.value_counts()
        for source in corpus_run["gazette_issues"].source_file:
            chip = index.xpath(f"//section[@data-source='{source}']//p[@class='input-total']"
                               f"//*[@data-count='{table}']")[0]
            assert int(chip.text) == per_input.get(source, 0), (source, table)
        assert index.xpath(f"string(//*[@data-total='{table}']/b)") == str(len(rows))


def toc_of(corpus_run, source_file: str) -> list[dict]:
    issues = corpus_run["gazette_issues"]
    return list(issues[issues.source_file == source_file].toc.iloc[0])


def test_the_issue_page_shows_the_toc_beside_the_documents_found(corpus_report, corpus_run):
    html_dir = corpus_report[0]
    issue = page(html_dir, issue_href(TOC_ISSUE))
    toc = toc_of(corpus_run, TOC_ISSUE)
    assert len(toc) == 9
    rows = issue.xpath("//tr[contains(@class, 'toc-entry')]")
    assert len(rows) == 9
    documents = corpus_run["documents"]
    documents = documents[documents.source_file == TOC_ISSUE].set_index("position")
    for row, entry in zip(rows, toc, strict=True):
        assert row.xpath("string(td[@class='title'])").startswith(entry["title"])
        assert row.xpath("string(td[@class='docnum'])") == (entry["doc_number"] or "—")
        assert row.xpath("string(td[@data-col='page'])") == str(entry["page"])
        assert row.get("data-category") == (entry["category"] or "")
        assert row.get("data-missing") == "false"
        link = row.xpath("td[@class='found']/a/@href")
        assert link == ["../" + document_href(documents.loc[entry["position"], "doc_id"])]
    categories = [th.text_content() for th in issue.xpath("//tr[@class='category']/th")]
    assert categories[:2] == ["【市政府文件】", "【市政府办公室文件】"]
    run_rows = {t: corpus_run[t][corpus_run[t].source_file == TOC_ISSUE] for t in FACT_TABLE_NAMES}
    for table, rows_of_table in run_rows.items():
        assert issue.xpath(f"string(//dl[@class='tally']//dd[@data-count='{table}'])") == str(len(rows_of_table))
    assert issue.xpath("string(//dd[@data-field='toc_entries'])") == "6"
    assert issue.xpath("string(//dd[@data-field='toc_missing'])") == "0"


def test_a_toc_entry_not_found_is_shown_missing_and_its_document_as_unlisted(corpus_out, corpus_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(corpus_out, out)
    issues = pq.read_table(out / "gazette_issues.parquet").to_pylist()
    issue = next(row for row in issues if row["source_file"] == TOC_ISSUE)
    lost = issue["toc"][3]  # 嘉司发〔2024〕22号, found as position 3
    issue["toc"][3] = {**lost, "position": None}
    issue["toc_missing"] = [lost["title"]]
    pq.write_table(to_arrow("gazette_issues", issues), out / "gazette_issues.parquet")
    html_dir = tmp_path / "html"
    write_report(out, html_dir)
    page_of_issue = page(html_dir, issue_href(TOC_ISSUE))
    row = page_of_issue.xpath("//tr[@data-entry='4']")[0]
    assert "missing" in row.get("class").split() and row.get("data-missing") == "true"
    assert "not found" in row.xpath("string(td[@class='found'])")
    assert not row.xpath("td[@class='found']/a")
    assert page_of_issue.xpath("string(//dd[@data-field='toc_missing'])") == "1"
    assert lost["title"] in page_of_issue.xpath("string(//*[contains(@class, 'note')])")
    documents = corpus_run["documents"]
    doc_id = documents[(documents.source_file == TOC_ISSUE) & (documents.position == 3)].doc_id.iloc[0]
    assert page_of_issue.xpath("//section[@id='unlisted']//tr/@data-doc") == [doc_id]
    index = page(html_dir, "index.html")
    badge = index.xpath(f"//section[@data-source='{TOC_ISSUE}']//*[@data-field='toc_missing']")[0]
    assert badge.text.startswith("1 ") and "missing" in badge.get("class")


def piece_texts(document) -> dict[str, str]:
    """fact id -> the text of the pieces that carry it, joined."""
    texts: dict[str, list[str]] = {}
    for piece in document.xpath("//div[@class='doc-text']/span[@data-facts]"):
        for fact_id in piece.get("data-facts").split():
            texts.setdefault(fact_id, []).append(piece.text_content())
    return {fact_id: "".join(parts) for fact_id, parts in texts.items()}


def test_every_fact_with_a_span_is_highlighted_at_its_evidence(corpus_report, corpus_run):
    html_dir, summary = corpus_report
    documents = corpus_run["documents"]
    highlighted = not_placed = 0
    for doc in documents.itertuples():
        document = page(html_dir, document_href(doc.doc_id))
        assert document.xpath("string(//div[@class='doc-text'])") == doc.text
        marked = piece_texts(document)
        for table in FACT_TABLES:
            rows = corpus_run[table.name][corpus_run[table.name].doc_id == doc.doc_id]
            in_text = rows[rows.evidence_origin.isin(IN_TEXT_ORIGINS)]
            assert (in_text.evidence == [doc.text[int(s):int(e)] for s, e in zip(in_text.char_start, in_text.char_end,
                                                                                 strict=True)]).all()
            shown = {fact_id: text for fact_id, text in marked.items() if fact_id[0] == table.letter}
            assert Counter(shown.values()) == Counter(in_text.evidence), (doc.doc_id, table.name)
            assert len(document.xpath(f"//tbody[@data-table='{table.name}']")) == len(rows)
            lit_rows = document.xpath(f"//tbody[@data-table='{table.name}'][@data-start]/@data-fact")
            assert sorted(lit_rows) == sorted(shown)
            highlighted += len(in_text)
            not_placed += len(rows) - len(in_text)
    assert (summary.facts_highlighted, summary.facts_not_placed) == (highlighted, not_placed)
    assert not_placed == 2  # the 发布日期 of the two web pages
    assert summary.line().endswith(
        f"{highlighted} facts highlighted, 2 not placed in the text (listed at index.html#unplaced)")


def test_a_fact_from_page_metadata_is_listed_but_not_highlighted(corpus_report, corpus_run):
    dates = corpus_run["dates"]
    for row in dates[dates.evidence_origin == "page metadata"].itertuples():
        document = page(corpus_report[0], document_href(row.doc_id))
        listed = [fact for fact in document.xpath("//tbody[@data-table='dates']")
                  if fact.xpath("string(.//span[@class='ev'])") == row.evidence]
        assert len(listed) == 1 and listed[0].get("data-start") is None
        assert listed[0].get("data-unplaced") == "page-metadata"
        assert listed[0].xpath("string(.//*[@data-reason='page-metadata'])") == "not in text: page metadata"
        assert listed[0].get("data-fact") not in piece_texts(document)


# The facts of the corpus that have no place in their text: the 发布日期 each web page
# states in its metadata block, above the text.
PAGE_METADATA_DATES = {"hangzhou-2023-ai-mirror.html": ("2023-08-01", "发布日期:2023-08-01"),
                       "jiaxing-2025-18.html": ("2025-05-15", "发布日期:2025-05-15")}


def unplaced_rows(index) -> list:
    return index.xpath("//section[@id='unplaced']//tr[@data-fact]")


def test_the_index_lists_each_fact_not_placed_with_its_document_and_reason(corpus_report, corpus_run):
    html_dir = corpus_report[0]
    index = page(html_dir, "index.html")
    assert index.xpath("//a[@data-total='unplaced']/@href") == ["#unplaced"]
    assert index.xpath("string(//a[@data-total='unplaced']/b)") == "2"
    documents = corpus_run["documents"].set_index("source_file")
    listed = {}
    for row in unplaced_rows(index):
        source_file = row.xpath("string(.//td[@class='document']/*[contains(@class, 'file')])")
        listed[source_file] = row
        doc_id = documents.loc[source_file, "doc_id"]
        assert row.get("data-doc") == doc_id and row.get("data-table") == "dates"
        assert row.xpath(".//td[@class='document']/a/@href") == [document_href(doc_id)]
        date, evidence = PAGE_METADATA_DATES[source_file]
        assert row.xpath("string(.//*[@data-col='kind'])") == "kind published"
        assert row.xpath(".//*[@data-col='date']/@data-value") == [date]
        assert row.xpath("string(td[@class='evidence'])") == evidence
        assert row.xpath("string(td[@class='origin'])") == "page metadata"
        assert row.get("data-reason") == "page-metadata"
        assert row.xpath("string(.//span[@class='why'])") == Unplaced.PAGE_METADATA.explanation
        # the fact's link leads to its row on the document page, marked there too
        href, fact_id = row.xpath(".//a[@class='fid']/@href")[0].split("#")
        fact = page(html_dir, href).xpath(f"//tbody[@data-fact='{fact_id}']")[0]
        assert fact.get("data-unplaced") == "page-metadata" and fact.get("data-start") is None
        assert fact.xpath("string(.//span[@class='ev'])") == evidence
    assert sorted(listed) == sorted(PAGE_METADATA_DATES)


def the_plan(documents):
    """嘉政办发〔2024〕25号 as the issue's one-column PDF gives it."""
    return documents[(documents.source_file == TOC_ISSUE) & (documents.doc_number == "嘉政办发〔2024〕25号")].iloc[0]


def run_to_break(corpus_out, corpus_run, tmp_path):
    """A copy of the sample run for a test to break a row of, and the plan whose row it breaks."""
    out = tmp_path / "out"
    shutil.copytree(corpus_out, out)
    return out, the_plan(corpus_run["documents"])


def test_a_fact_whose_span_is_broken_is_listed_with_the_reason(corpus_out, corpus_run, tmp_path):
    """Four subsidies of 嘉政办发〔2024〕25号, each broken in one way the review page names."""
    out, doc = run_to_break(corpus_out, corpus_run, tmp_path)
    subsidies = pq.read_table(out / "subsidies.parquet").to_pylist()
    first = [row for row in subsidies if row["doc_id"] == doc.doc_id][:4]  # the document's s0..s3
    first[0]["char_start"] += 1
    first[0]["char_end"] += 1
    first[1]["char_end"] = len(doc.text) + 10
    first[2]["char_start"] = first[2]["char_end"] = None
    first[3]["evidence"] = ""
    assert all(span_problem(doc.text, row) for row in first)  # the data contract's check agrees: all broken
    pq.write_table(to_arrow("subsidies", subsidies), out / "subsidies.parquet")
    html_dir = tmp_path / "html"
    summary = write_report(out, html_dir)
    assert summary.facts_not_placed == 2 + 4
    expected = {"s0": Unplaced.NOT_EVIDENCE, "s1": Unplaced.OUTSIDE_TEXT, "s2": Unplaced.NO_SPAN,
                "s3": Unplaced.EMPTY_EVIDENCE}
    listed = {row.get("data-fact"): row.get("data-reason") for row in unplaced_rows(page(html_dir, "index.html"))
              if row.get("data-doc") == doc.doc_id}
    assert listed == {fact_id: reason.slug for fact_id, reason in expected.items()}
    document = page(html_dir, document_href(doc.doc_id))
    for fact_id, reason in expected.items():
        fact = document.xpath(f"//tbody[@data-fact='{fact_id}']")[0]
        assert fact.get("data-start") is None and fact.get("data-unplaced") == reason.slug
        badge = fact.xpath(".//span[@data-reason]")[0]
        assert badge.text == f"not in text: {reason.label}" and "missing" in badge.get("class").split()
    assert not set(expected) & set(piece_texts(document)) and "s4" in piece_texts(document)


# --- the outline of sections -----------------------------------------------------------------

def outline_links(document) -> list:
    return document.xpath("//nav[@id='outline']//a[@href]")


def anchor_offsets(document) -> dict[str, int]:
    """anchor id -> its place in the text as the page shows it (characters before it)."""
    text = document.xpath("//div[@class='doc-text']")[0]
    offsets, offset = {}, len(text.text or "")
    for child in text:
        if child.get("class") == "anchor":
            offsets[child.get("id")] = offset
        offset += len(child.text_content()) + len(child.tail or "")
    return offsets


def test_the_document_page_outlines_its_sections_linked_to_their_headings(corpus_report, corpus_run):
    doc = the_plan(corpus_run["documents"])
    document = page(corpus_report[0], document_href(doc.doc_id))
    outline = document.xpath("//nav[@id='outline']/ol")[0]
    top = [(li.xpath("string(a/span[@class='num'])"), li.xpath("string(a/span[@class='heading'])"))
           for li in outline.xpath("li")]
    assert top == [("一", "主要目标"), ("二", "重点任务"), ("三", "支持政策"), ("四", "保障措施")]
    tasks = outline.xpath("li[2]/ol/li")
    assert [li.xpath("string(a/span[@class='num'])") for li in tasks] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert tasks[0].xpath("string(a/span[@class='heading'])") == "实施人工智能产业集聚行动"
    assert [a.text_content() for a in tasks[0].xpath("ol/li/a")] == ["1 加大项目招引", "2 加快平台建设", "3 加强企业培育"]
    offsets = anchor_offsets(document)
    shown = {a.get("href")[1:]: doc.text[offsets[a.get("href")[1:]]:] for a in outline_links(document)}
    assert len(shown) == 34
    assert shown["sec-0"].startswith("一、主要目标\n") and shown["sec-1"].startswith("二、重点任务\n")
    assert shown["sec-2"].startswith("(一)实施人工智能产业集聚行动") and shown["sec-3"].startswith("1.加大项目招引。")
    assert shown["sec-33"].startswith("四、保障措施\n")


def test_a_section_outside_its_text_is_outlined_but_not_linked(corpus_out, corpus_run, tmp_path):
    out, doc = run_to_break(corpus_out, corpus_run, tmp_path)
    sections = pq.read_table(out / "sections.parquet").to_pylist()
    last = next(row for row in sections if row["doc_id"] == doc.doc_id and row["heading"] == "保障措施")
    last["char_start"] = len(doc.text) + 5
    pq.write_table(to_arrow("sections", sections), out / "sections.parquet")
    write_report(out, tmp_path / "html")
    document = page(tmp_path / "html", document_href(doc.doc_id))
    entry = document.xpath("//nav[@id='outline']/ol/li[4]")[0]
    assert entry.xpath("string(.//span[@class='heading'])") == "保障措施"
    assert not entry.xpath("a") and entry.xpath("span[@class='outside']")
    assert len(outline_links(document)) == 33
    assert document.xpath("string(//div[@class='doc-text'])") == doc.text


def test_every_outline_entry_links_to_the_start_of_its_section(corpus_report, corpus_run):
    sections = corpus_run["sections"]
    for doc in corpus_run["documents"].itertuples():
        document = page(corpus_report[0], document_href(doc.doc_id))
        rows = sections[sections.doc_id == doc.doc_id].sort_values(["char_start", "level"])
        links = outline_links(document)
        offsets = anchor_offsets(document)
        assert [offsets[a.get("href")[1:]] for a in links] == list(rows.char_start), doc.doc_id
        for link, row in zip(links, rows.itertuples(), strict=True):
            assert link.xpath("string(span[@class='heading'])") == row.heading
            assert doc.text[row.char_start:].startswith(row.number), (doc.doc_id, row.path)
        if rows.empty:
            assert document.xpath("string(//nav[@id='outline']/p)") == "no headings found"
    assert sections.doc_id.nunique() < len(corpus_run["documents"])  # some documents have no headings


def test_pages_link_only_to_files_of_the_site(corpus_report):
    """And a link to a place on a page (a section, a fact, the index's list) finds it there."""
    html_dir = corpus_report[0]
    trees = {path.resolve(): lxml.html.fromstring(path.read_text(encoding="utf-8"))
             for path in html_dir.rglob("*.html")}
    for path, tree in trees.items():
        for link in tree.xpath("//@href | //@src"):
            assert "//" not in link and ":" not in link, (path, link)
            file, _, place = link.partition("#")
            target = (path.parent / file).resolve() if file else path  # "#place": on this page
            assert target.is_file() and html_dir.resolve() in target.parents, (path, link)
            if place:
                assert trees[target].xpath(f"//*[@id='{place}' or @data-fact='{place}']"), (path, link)


def test_the_same_output_folder_gives_the_same_bytes(corpus_out, corpus_report, tmp_path):
    again = tmp_path / "again"
    write_report(corpus_out, again)
    first = {p.relative_to(corpus_report[0]): p.read_bytes() for p in corpus_report[0].rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


# --- odd output folders ------------------------------------------------------------------------

ERROR_ROW = {"source_file": "scan.pdf", "stage": "read", "error_type": "no_text_layer",
             "message": "2 page(s) without a text layer"}


def test_an_output_folder_with_only_errors_still_gives_an_index(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(to_arrow("errors", [ERROR_ROW]), out / "errors.parquet")
    summary = write_report(out, tmp_path / "html")
    assert (summary.issue_pages, summary.document_pages, summary.facts_highlighted) == (0, 0, 0)
    index = page(tmp_path / "html", "index.html")
    assert index.xpath("//table[@class='errors']//tr/@data-source") == ["scan.pdf"]
    assert "no_text_layer" in index.text_content()


def test_empty_tables_give_an_empty_index(tmp_path):
    write_tables(tmp_path / "out", {name: [] for name in SCHEMAS}, set())
    write_report(tmp_path / "out", tmp_path / "html")
    assert "No input was read" in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_a_folder_without_tables_or_with_a_broken_one_is_a_clear_error(tmp_path):
    with pytest.raises(ReportError, match="no gazette tables"):
        write_report(tmp_path, tmp_path / "html")
    (tmp_path / "documents.parquet").write_bytes(b"not parquet")
    with pytest.raises(ReportError, match="documents.parquet"):
        write_report(tmp_path, tmp_path / "html")


def test_pages_of_documents_gone_from_the_output_folder_are_removed(corpus_out, tmp_path):
    html_dir = tmp_path / "html"
    write_report(corpus_out, html_dir)
    assert len(list((html_dir / "documents").glob("*.html"))) > 1
    mine = html_dir / "documents" / "notes.txt"  # not a page: left alone
    mine.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(to_arrow("errors", [ERROR_ROW]), out / "errors.parquet")
    write_report(out, html_dir)
    assert not list((html_dir / "documents").glob("*.html")) and mine.exists()

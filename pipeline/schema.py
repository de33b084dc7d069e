"""One declared Arrow schema per output table: the data contract in code.

Every column has an explicit type, nullability and a description (field metadata);
each schema carries `schema_version`. No other module builds a schema, and `write`
always casts to these, so a record field with no column, or a value that will not
cast, fails with the table and the column named instead of silently changing a file
analysts depend on (dlt's "freeze" contract).

A change here ships with: a SCHEMA_VERSION bump, a CHANGELOG entry, and a test that
reads the previous version's files.
"""
from __future__ import annotations

import pyarrow as pa

# 2: fact tables filled; dates/appointments gain section_path; evidence_origin
# 3: gazette_issues.toc, the 目录 as printed with the document found for each entry
# 4: documents.validity_stated and validity_as_of; every run recomputes validity for every row
# 5: documents.ocr_pages, policy_id, is_listing, evidence_origin "ocr text"; manifest.ocr, ocr_pages and the statuses
#    unsupported and cannot_open; source_format docx, doc, ofd
SCHEMA_VERSION = "5"

_STR, _I32, _I64, _F64, _BOOL, _DATE = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()


def col(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": doc})


def table_schema(name: str, doc: str, *fields: pa.Field) -> pa.Schema:
    return pa.schema(fields, metadata={"table": name, "description": doc, "schema_version": SCHEMA_VERSION})


# Provenance: every fact row can be traced to the sentence that states it.
def _provenance() -> list[pa.Field]:
    return [
        col("doc_id", _STR, "the document the fact was read from (documents.doc_id)", nullable=False),
        col("source_file", _STR, "input file, relative to the folder given to `gazette extract`", nullable=False),
        col("page", _I32, "PDF or OFD page (1-based) of the evidence; null for web pages, text and Word"),
        col("char_start", _I64, "start of the evidence in documents.text; null when evidence_origin is page metadata"),
        col("char_end", _I64, "end (exclusive) of the evidence in documents.text; null when evidence_origin is page "
            "metadata"),
        col("evidence", _STR, "the sentence the fact came from; equals documents.text[char_start:char_end]",
            nullable=False),
        col("evidence_origin", _STR, "text (the evidence is in documents.text), ocr text (the same, on a page "
            "read by OCR: check the scan before quoting it) or page metadata (a web page's metadata block, "
            "e.g. 发布日期:2025-05-15; no span)", nullable=False),
    ]


DOCUMENTS = table_schema(
    "documents", "one row per document (公文) found in any input",
    col("doc_id", _STR, "stable id: sha256 of the input's source_file, its bytes and the document's position "
        "(two copies of one file have ids of their own)", nullable=False),
    col("source_file", _STR, "input file, relative to the folder given to `gazette extract`", nullable=False),
    col("source_sha256", _STR, "sha256 of the input file's bytes", nullable=False),
    col("source_format", _STR, "pdf, html, txt, docx, doc or ofd", nullable=False),
    col("position", _I32, "0-based order of the document in its input", nullable=False),
    col("page_start", _I32, "first PDF or OFD page of the document (null for web pages, text and Word)"),
    col("page_end", _I32, "last PDF or OFD page of the document (null for web pages, text and Word)"),
    col("ocr_pages", pa.list_(_I32), "pages of the document whose text was read by OCR (scanned pages without a "
        "text layer); empty when none"),
    col("gazette_title", _STR, "the gazette the document was printed in (嘉兴市人民政府公报)"),
    col("gazette_year", _I32, "the gazette issue's year"),
    col("gazette_issue", _STR, "issue number as printed (11; a combined issue 07、08)"),
    col("gazette_issue_total", _STR, "running issue number (257; 241、242)"),
    col("doc_number", _STR, "文号 in GB/T 9704 form: 嘉政发〔2024〕19号"),
    col("doc_number_raw", _STR, "文号 as printed, brackets as printed ([2024], 〔2024〕); spaces are gone with text normalisation"),
    col("issuer_code", _STR, "issuer part of the 文号 (嘉政发)"),
    col("doc_year", _I32, "year part of the 文号"),
    col("doc_seq", _I32, "sequence part of the 文号"),
    col("title", _STR, "full title, line-wrap spaces removed"),
    col("issuer", _STR, "发文机关, from the title or the signature"),
    col("doc_type", _STR, "文种: 通知, 意见, 决定, 实施方案, 政策解读, 人事任免 ..."),
    col("category", _STR, "the gazette's own heading the document was listed under (市政府文件)"),
    col("recipients", _STR, "主送机关 line"),
    col("signed_date", _DATE, "成文日期: the date under the signature"),
    col("published_date", _DATE, "发布日期 (web page) or the gazette's 出版 date"),
    col("effective_date", _DATE, "施行 date: a web page's own 实施日期/生效日期, else the text's 施行 clause "
        "(自印发之日起 = the 版记's 印发 day, else the signed date)"),
    col("expiry_date", _DATE, "last valid day: a web page's own 失效日期/废止日期, else the text's 有效期 clause"),
    col("validity", _STR, "有效 / 失效 / 尚未生效 on validity_as_of, recomputed for every row by every run: "
        "失效 when the page states 失效; else from effective/expiry (失效 once expiry_date has passed, even "
        "where the page said 有效); else the page's statement; null for a draft its page does not state, "
        "or when nothing is known"),
    col("validity_stated", _STR, "the page's own 有效性 (有效性, 时效性, 文件状态) when it was read, as 有效 / 失效 / "
        "尚未生效 where the word is known; null when the page states none"),
    col("validity_as_of", _DATE, "the day validity holds for: the run date of the last run over the folder "
        "(every run sets it on every row)"),
    col("is_draft", _BOOL, "true for a 征求意见稿", nullable=False),
    col("interprets_doc_number", _STR, "for a 政策解读: the 文号 of the document it explains"),
    col("policy_id", _STR, "one id per policy, the same for every copy of it (a PDF and a text of one issue, a page "
        "on two sites): a hash of the normalised 文号, else of the normalised title and issuer; a 政策解读 has the id "
        "of the policy it explains. The `policies` view keeps one row per id"),
    col("is_listing", _BOOL, "the document lists other documents (发文目录 and its kin): not a policy"),
    col("index_number", _STR, "web page 索引号"),
    col("unified_number", _STR, "规范性文件统一编号 (ZJSP12-2025-0003)"),
    col("script_original", _STR, "hans or hant: the script the source was written in"),
    col("text", _STR, "normalised full text of the document; fact spans index into it", nullable=False),
)

SECTIONS = table_schema(
    "sections", "the heading tree of each document",
    col("doc_id", _STR, "documents.doc_id", nullable=False),
    col("section_id", _STR, "stable id of the section", nullable=False),
    col("parent_id", _STR, "section_id of the enclosing heading; null at level 1"),
    col("level", _I32, "depth in the heading tree: 1 = a top heading (第一章, 一、 with no 章 above it, 附件1, "
        "注释), 2 = its children (第一条, (一)) ...; number shows the kind", nullable=False),
    col("number", _STR, "the heading's number as printed: 二, (三), 7"),
    col("heading", _STR, "heading text up to the first 。 of the heading line"),
    col("path", _STR, "numbers of the enclosing headings, outermost first: 二/(三)/7", nullable=False),
    col("char_start", _I64, "start of the section in documents.text", nullable=False),
    col("char_end", _I64, "end (exclusive) of the section in documents.text", nullable=False),
    col("source_file", _STR, "input file", nullable=False),
)

TARGETS = table_schema(
    "targets", "quantified goals a document commits to (到2027年 ... 1000亿元)",
    col("section_path", _STR, "section path of the clause (二/(三)/7); null outside any heading"),
    col("target_year", _I32, "the 到YYYY年 that governs the clause; null if none"),
    col("indicator", _STR, "what is counted: 人工智能产业营收规模, 链主企业"),
    col("value", _F64, "the number as written"),
    col("unit", _STR, "unit as written, spaces removed: 亿元, 家, EFlops, %"),
    col("value_normalized", _F64, "value in base units: money in yuan, 万亩 in 亩, 万人 in 人"),
    col("unit_normalized", _STR, "base unit of value_normalized"),
    col("currency", _STR, "currency of a money target: CNY, USD for 亿美元 ...; null for other units"),
    col("comparator", _STR, ">= for 以上/不低于/突破/超过, <= for 以下/不超过, = otherwise"),
    *_provenance(),
)

SUBSIDIES = table_schema(
    "subsidies", "money a policy gives: one row per amount",
    col("section_path", _STR, "section path of the measure"),
    col("measure", _STR, "heading of the measure (鼓励制造业投资)"),
    col("beneficiary_condition", _STR, "who qualifies"),
    col("kind", _STR, "补助, 奖励, 补贴, 贴息, 资助, 算力券 ..."),
    col("amount_yuan", _F64, "a fixed amount, in yuan"),
    col("rate", _F64, "a share of a base (0.05 for 5%)"),
    col("rate_base", _STR, "what the rate applies to (实际投资额)"),
    col("cap_yuan", _F64, "the most that is paid, in yuan"),
    col("tier", _STR, "the label the amount pairs with: a 分别给予 list's item (国家级, 2000万元), or the class a cap names (新建项目)"),
    col("currency", _STR, "CNY by default; amounts in another currency stay in it", nullable=False),
    col("responsible_units", pa.list_(_STR), "the measure's responsible units, in the order written"),
    *_provenance(),
)

RESPONSIBLE_UNITS = table_schema(
    "responsible_units", "who is in charge of each task (责任单位), one row per unit",
    col("section_path", _STR, "section path of the task the list closes (a task table's row: its number under its section)"),
    col("task", _STR, "heading of the task"),
    col("unit_raw", _STR, "the unit as written (市经信局)", nullable=False),
    col("unit", _STR, "canonical full name where the abbreviation is known, else unit_raw", nullable=False),
    col("position", _I32, "1-based order in the parenthesis", nullable=False),
    col("is_lead", _BOOL, "lead unit under the document's 列第一位的为牵头单位 rule", nullable=False),
    col("is_implicit", _BOOL, "added to every task by a 均为责任单位,不再列出 clause", nullable=False),
    *_provenance(),
)

DATES = table_schema(
    "dates", "every dated fact, one row each",
    col("section_path", _STR, "section path of the sentence that dates the fact; null outside any heading"),
    col("kind", _STR, "signed, published, effective, expiry, deadline, period_start, period_end, event",
        nullable=False),
    col("date", _DATE, "the date; a month or year keeps its first day", nullable=False),
    col("precision", _STR, "day, month or year", nullable=False),
    col("raw", _STR, "the date as written"),
    *_provenance(),
)

APPOINTMENTS = table_schema(
    "appointments", "人事任免: one row per person and action",
    col("section_path", _STR, "section path of the line; null outside any heading"),
    col("action", _STR, "任命 or 免去", nullable=False),
    col("person", _STR, "the person's name", nullable=False),
    col("position", _STR, "the post"),
    col("organization", _STR, "the body the post belongs to"),
    col("note", _STR, "挂职一年, 试用期一年 ..."),
    col("period", _STR, "the month of the 任免 list (2024年10月)"),
    *_provenance(),
)

GAZETTE_ISSUES = table_schema(
    "gazette_issues", "one row per input file read",
    col("source_file", _STR, "input file", nullable=False),
    col("source_sha256", _STR, "sha256 of the input file's bytes", nullable=False),
    col("source_format", _STR, "pdf, html, txt, docx, doc or ofd", nullable=False),
    col("pages", _I32, "PDF pages read (null for HTML/text)"),
    col("gazette_title", _STR, "嘉兴市人民政府公报"),
    col("gazette_year", _I32, "issue year"),
    col("gazette_issue", _STR, "issue number as printed (11; 07、08)"),
    col("gazette_issue_total", _STR, "running issue number (257; 241、242)"),
    col("published_date", _DATE, "出版 date"),
    col("toc_entries", _I32, "documents the 目录 lists: entries with a 文号, 政策解读, 人事任免 (not the closing 发文目录 lists); null without a 目录"),
    col("documents_found", _I32, "rows this input has in documents (closing 发文目录 lists included)", nullable=False),
    col("toc_missing", pa.list_(_STR), "目录 entries not found in the body (empty for a well-read issue)"),
    col("toc", pa.list_(pa.struct([
        pa.field("title", _STR), pa.field("doc_number", _STR), pa.field("page", _I32),
        pa.field("category", _STR), pa.field("is_document", _BOOL), pa.field("position", _I32)])),
        "the 目录 as printed, one item per entry in order: title, 文号, page, 【category】, is_document "
        "(false for listings such as 发文目录), position (documents.position of the document found for "
        "it; null when not found); empty without a 目录"),
)

ERRORS = table_schema(
    "errors", "one row per input the run could not read, or read only in part",
    col("source_file", _STR, "input file, named as in the other tables (a name's bytes that are not UTF-8 and its "
        "control characters written \\xHH: see manifest.source_file)", nullable=False),
    col("stage", _STR, "read, normalise, segment, extract or write", nullable=False),
    col("error_type", _STR, "what kind of failure, one of: the file: empty_file, too_large, cannot_open (permissions, "
        "I/O: read again next run), not_a_file (a FIFO or device), link_outside_input (a symbolic link out of the "
        "input folder, not followed without --follow-symlinks), link_loop, unsupported_format (no reader for its "
        "kind); its format: not_a_pdf, corrupt_pdf, encrypted_pdf, size_limit (no PDF page within the content "
        "limits), no_text_layer, not_html, undecodable_text, empty_text, no_content, corrupt_word, encrypted, "
        "not_an_ofd, corrupt_ofd; the run: time_limit, memory_limit, worker_died, schema_violation; partly_read (the "
        "file was read, part of it left out: the message says which). A name in CamelCase is an exception no reader "
        "foresaw: a bug to report", nullable=False),
    col("message", _STR, "what went wrong, for a person", nullable=False),
)

SCHEMAS: dict[str, pa.Schema] = {
    s.metadata[b"table"].decode(): s
    for s in (DOCUMENTS, SECTIONS, TARGETS, SUBSIDIES, RESPONSIBLE_UNITS, DATES, APPOINTMENTS,
              GAZETTE_ISSUES, ERRORS)
}

# The run manifest is not a fact table: it records, per input, what the last run that
# read it saw and wrote, so a rerun can skip what has not changed (pipeline.manifest).
MANIFEST = pa.schema([
    col("source_file", _STR, "input file, relative to the folder given to `gazette extract`, unique in OUT (an input "
        "of another folder by the same name is not read); in a name that is not UTF-8 or holds control characters, "
        "each such byte and every backslash is written \\xHH (b'bad\\xff.txt' is bad\\xff.txt)", nullable=False),
    col("input_root", _STR, "absolute path of the folder given to `gazette extract`", nullable=False),
    col("size", _I64, "bytes, when last read", nullable=False),
    col("mtime_ns", _I64, "modification time (ns since the epoch), when last read", nullable=False),
    col("sha256", _STR, "sha256 of the bytes last read"),
    col("pipeline_version", _STR, "the gazette version and code fingerprint that read it", nullable=False),
    col("pdf_engine", _STR, "pdfium or pdfplumber for a PDF; null for other formats"),
    col("ocr", _STR, "the --ocr mode a PDF was read with (auto, off, force); null for other formats"),
    col("ocr_pages", _I32, "pages read by OCR"),
    col("status", _STR, "ok, partly_read (with a warning row in errors), error, time_limit, unsupported (no reader "
        "for this kind of file: listed once, not read), cannot_open (permissions, I/O, a link to nothing: read again "
        "on every run until it opens), not_followed (a symbolic link out of the input folder: read with "
        "--follow-symlinks), worker_died (its worker process died: read once more by the next run) or "
        "worker_died_again (died on that second reading too: not read again until it changes)", nullable=False),
    col("seconds", _F64, "time spent on the file"),
    col("time_limit_s", _F64, "the per-file time limit of that run"),
    col("peak_rss_mb", _F64, "the worker's peak memory after the file (MB)"),
    # Parquet stores milliseconds at the coarsest, so that is what the file holds and declares
    col("processed_at", pa.timestamp("ms", tz="UTC"), "when it was read", nullable=False),
    *[col(f"rows_{name}", _I32, f"rows it produced in {name}", nullable=False) for name in SCHEMAS],
], metadata={"table": "manifest", "description": "one row per input: what the last run that read it saw and wrote",
             "schema_version": SCHEMA_VERSION})

# Every table an output folder holds, OUT/<name>.parquet, in the order they are listed
# (the data dictionary, `gazette sql`, `validate`, the review site).
OUTPUT_TABLES: dict[str, pa.Schema] = {**SCHEMAS, "manifest": MANIFEST}

"""The review page: a static HTML site of one output folder, to check the tables by eye.

`write_report(out_dir, html_dir)` reads the Parquet tables `gazette extract` wrote and
writes, into html_dir, an index of every input (and of the facts that could not be
placed in their text), one page per input (its 目录 beside the documents found for it)
and one page per document (its section outline, its text with every fact highlighted
at its span, beside the facts). The site opens from disk: no server, no network; its
stylesheet and script are copied next to the pages.

Modules: tables (read OUT), facts (fact ids, spans, why a fact is not placed), spans
(cut text at span boundaries and section anchors), outline (the heading tree), pages
(what each page shows), names (file names), formats (cell values), render (jinja
templates, autoescaped), site (write it all, atomically).
"""
from pipeline.report.site import ReportSummary, write_report
from pipeline.report.spans import Anchor, Piece, Span, mark_spans
from pipeline.report.tables import ReportError

__all__ = ["Anchor", "Piece", "ReportError", "ReportSummary", "Span", "mark_spans", "write_report"]

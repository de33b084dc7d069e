"""Pages from their views, through the jinja templates in pipeline/report/templates.

Autoescape is on for every template: all text on these pages comes from the documents,
which are untrusted input, so nothing reaches the page unescaped unless a template asks
for it by name (none does). StrictUndefined turns a misspelt name in a template into an
error instead of an empty cell.
"""
from __future__ import annotations

from functools import cache

import jinja2

from pipeline.report.facts import FACT_TABLES, tables_of
from pipeline.report.formats import cell, page_range, raw
from pipeline.report.names import UNPLACED_ANCHOR

TEMPLATE_SUFFIX = ".html.j2"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(cell=cell, raw=raw, page_range=page_range, tables_of=tables_of)
    env.globals.update(fact_tables=FACT_TABLES, unplaced_anchor=UNPLACED_ANCHOR)
    return env


def render(page: str, root: str, **context) -> str:
    """The page `page` (index, issue, document); `root` is the way from it to the report's root."""
    return environment().get_template(page + TEMPLATE_SUFFIX).render(root=root, **context)

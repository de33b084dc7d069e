"""The extractors against the hand-read gold answers of both corpora, keyed the way
GOLD.md scores them: every required fact found (as many times as the gold lists it),
nothing found that is neither required nor optional, and the lead unit of every
parenthesis. Each format of a text gives the same facts. Every fact's evidence is the
exact span of documents.text it points at."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

import pandas as pd
import pytest

from pipeline.records import AppointmentRow, DateRow, ResponsibleUnitRow, SubsidyRow, TargetRow
from pipeline.run import process_file
from tests.conftest import gold_of, good_inputs
from tests.test_segment_gold import key, same_text

SCORED_DATE_KINDS = {"signed", "published", "effective", "expiry"}
INPUTS = good_inputs()


def num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def path(p) -> str:
    return same_text(p or "").strip("/")


def fact_keys(facts, doc_keys) -> dict[str, Counter]:
    keys: dict[str, Counter] = defaultdict(Counter)
    for f in facts:
        doc = doc_keys[f.provenance.doc_id]
        if isinstance(f, TargetRow):
            keys["targets"][(doc, f.target_year, num(f.value), same_text(f.unit).casefold())] += 1
        elif isinstance(f, SubsidyRow):
            keys["subsidies"][(doc, num(f.amount_yuan), num(f.rate), num(f.cap_yuan))] += 1
        elif isinstance(f, ResponsibleUnitRow) and not f.is_implicit:
            keys["responsible_units"][(doc, path(f.section_path), same_text(f.unit_raw))] += 1
        elif isinstance(f, DateRow) and f.kind in SCORED_DATE_KINDS:
            keys["dates"][(doc, f.kind, f.date.isoformat())] += 1
        elif isinstance(f, AppointmentRow):
            keys["appointments"][(f.action, same_text(f.person))] += 1
    return keys


def gold_keys(gold: dict) -> tuple[dict[str, Counter], dict[str, Counter]]:
    titles = {same_text(d["title"]): key(d.get("doc_number"), d["title"]) for d in gold["documents"]}

    def doc(ref: str) -> str:
        return titles.get(same_text(ref)) or key(ref, None)

    req: dict[str, Counter] = defaultdict(Counter)
    opt: dict[str, Counter] = defaultdict(Counter)
    for table in ("targets", "subsidies", "responsible_units", "dates", "appointments"):
        for g in gold.get(table) or []:
            bucket = (opt if g.get("optional") else req)[table]
            if table == "targets":
                bucket[(doc(g["doc"]), g.get("target_year"), num(g["value"]), same_text(g.get("unit")).casefold())] += 1
            elif table == "subsidies":
                bucket[(doc(g["doc"]), num(g.get("amount_yuan")), num(g.get("rate")), num(g.get("cap_yuan")))] += 1
            elif table == "responsible_units":
                for unit in g["units"]:
                    bucket[(doc(g["doc"]), path(g["task_path"]), same_text(unit))] += 1
            elif table == "dates" and g["kind"] in SCORED_DATE_KINDS:
                bucket[(doc(g["doc"]), g["kind"], g["date"])] += 1
            elif table == "appointments":
                bucket[(g["action"], same_text(g["person"]))] += 1
    return req, opt


def run(path_):
    result = process_file(path_, path_.name)
    doc_keys = {d.doc_id: key(d.doc_number, d.title) for d in result.issue.documents}
    return result, doc_keys


@pytest.mark.parametrize("path_", [p for p, _ in INPUTS], ids=[p.name for p, _ in INPUTS])
def test_facts_match_the_gold(path_):
    result, doc_keys = run(path_)
    found = fact_keys(result.facts, doc_keys)
    req, opt = gold_keys(gold_of(path_))
    for table in ("targets", "subsidies", "responsible_units", "dates", "appointments"):
        missing = req[table] - found[table]
        extra = found[table] - req[table] - opt[table]
        assert not missing, f"{table} missing: {sorted(missing.elements())}"
        assert not extra, f"{table} not in the gold: {sorted(extra.elements())}"


@pytest.mark.parametrize("path_", [p for p, _ in INPUTS], ids=[p.name for p, _ in INPUTS])
def test_the_lead_unit_of_every_parenthesis(path_):
    result, doc_keys = run(path_)
    gold = gold_of(path_)
    titles = {same_text(d["title"]): key(d.get("doc_number"), d["title"]) for d in gold["documents"]}
    leads = {}
    for g in gold.get("responsible_units") or []:
        doc = titles.get(same_text(g["doc"])) or key(g["doc"], None)
        for unit in g["units"]:
            leads[(doc, path(g["task_path"]), same_text(unit))] = same_text(g.get("lead")) == same_text(unit)
    for f in result.facts:
        if isinstance(f, ResponsibleUnitRow) and not f.is_implicit:
            k = (doc_keys[f.provenance.doc_id], path(f.section_path), same_text(f.unit_raw))
            if k in leads:
                assert f.is_lead == leads[k], k


def test_every_format_of_a_text_gives_the_same_facts():
    by_text = defaultdict(dict)
    for path_, info in INPUTS:
        result, doc_keys = run(path_)
        keys = fact_keys(result.facts, doc_keys)
        by_text[info["text_id"]][path_.name] = {t: keys[t] for t in sorted(keys)}
    for text_id, formats in by_text.items():
        first, *others = formats.items()
        for name, keys in others:
            assert keys == first[1], f"{text_id}: {name} differs from {first[0]}"


FACT_TABLES = ("targets", "subsidies", "responsible_units", "dates", "appointments")


def test_every_fact_row_points_at_its_evidence(corpus_run):
    texts = corpus_run["documents"].set_index("doc_id")["text"]
    formats = corpus_run["documents"].set_index("doc_id")["source_format"]
    checked = 0
    for table in FACT_TABLES:
        rows = corpus_run[table]
        assert len(rows), f"no {table} in the sample output"
        for row in rows.itertuples():
            if row.evidence_origin in ("text", "ocr text"):  # ocr text: from scanned.pdf
                assert texts[row.doc_id][int(row.char_start):int(row.char_end)] == row.evidence, (table, row)
                assert (formats[row.doc_id] == "pdf") == (not pd.isna(row.page)), (table, row)
                checked += 1
            else:
                assert row.evidence_origin == "page metadata" and formats[row.doc_id] == "html"
                assert pd.isna(row.char_start) and pd.isna(row.char_end) and row.evidence
    assert checked > 1000

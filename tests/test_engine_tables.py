"""Both PDF engines write the same tables over both corpora, so every score.py figure
(which reads only these tables) is the same whichever engine ran; the gold tests then
hold the default engine to the gold."""
from __future__ import annotations

import pytest

from pipeline.run import PDF_ENGINES, run
from pipeline.schema import SCHEMAS
from tests.conftest import CORPORA
from tests.runs import tables


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_every_table_is_the_same_with_either_pdf_engine(corpus, tmp_path):
    outputs = {}
    for engine in PDF_ENGINES:
        outputs[engine] = tmp_path / engine
        summary = run(corpus / "raw", outputs[engine], workers=2, pdf_engine=engine)
        assert summary.files_read > 0
    fast, reference = tables(outputs["pdfium"]), tables(outputs["pdfplumber"])
    for name in SCHEMAS:
        if name == "errors":  # the same error types; each engine words its own message
            fast[name], reference[name] = fast[name].drop(columns="message"), reference[name].drop(columns="message")
        assert fast[name].equals(reference[name]), name

"""Records cross from worker processes to the writer by pickle: they must come back equal."""
from __future__ import annotations

import pickle

from pipeline.run import process_file
from tests.conftest import raw


def test_a_whole_file_result_survives_pickling_unchanged():
    result = process_file(raw("jiaxing-2024-11.pdf"), "jiaxing-2024-11.pdf")
    assert result.facts and result.issue.documents
    assert pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)) == result

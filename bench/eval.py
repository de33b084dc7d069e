"""Accuracy, the counterpart of bench/run.py: score every corpus with gold that the
repository holds, print one table, write bench/eval.json with the commit.

    python bench/eval.py            (`make eval`)
    python bench/eval.py --corpus tests/fixtures/real --no-write

Each corpus folder has raw/, gold/ and MANIFEST.json (the shape of shared/corpus). Its
raw/ is extracted into a fresh temporary folder with the installed `gazette` and scored
by bench/score.py, a copy of the project's shared scorer (shared/tools/score.py), so the
figures here are the ones `score.py OUT --corpus DIR` prints.

The corpora are development sets: the code was tuned on them. `real` (real official
documents) was scored with the code as it stood before any change was made for it;
that first figure is kept in bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import score  # noqa: E402  (bench/score.py, the shared scorer)

FIXTURES = ROOT / "tests" / "fixtures"
CORPORA = {"sample": FIXTURES / "corpus", "extra": FIXTURES / "extra", "real": FIXTURES / "real"}
RESULTS = ROOT / "bench" / "eval.json"
GAZETTE = Path(sys.executable).parent / "gazette"


def evaluate(corpus: Path) -> dict:
    """Extract the corpus's raw/ into a fresh folder and score it against its gold."""
    with tempfile.TemporaryDirectory(prefix="gazette-eval-") as out:
        subprocess.run([str(GAZETTE), "extract", str(corpus / "raw"), "--out", out, "--full"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result, per_file = score.score(Path(out), corpus)
    result["files"] = [list(line) for line in per_file]
    return result


def commit() -> str | None:
    run = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "pipeline", "parsers"],
                           capture_output=True, text=True).stdout.strip()
    return (run.stdout.strip() + ("+changes" if dirty else "")) if run.returncode == 0 else None


def table(results: dict[str, dict]) -> str:
    names = list(results)
    lines = [f"{'F1':<22}" + "".join(f"{n:>10}" for n in names)]
    for t in score.TABLES:
        lines.append(f"{t:<22}" + "".join(f"{results[n][t]['f1']:>10.3f}" for n in names))
    fields = sorted({f for n in names for f in results[n]["document_fields"]}, key=score.DOC_FIELDS.index)
    lines.append("document fields")
    for f in fields:
        lines.append(f"  {f:<20}" + "".join(
            f"{results[n]['document_fields'][f]:>10.2f}" if f in results[n]["document_fields"] else f"{'-':>10}"
            for n in names))
    for label, key in (("is_lead accuracy", "is_lead_accuracy"), ("issue fields", "issue_fields_accuracy")):
        lines.append(f"{label:<22}" + "".join(
            f"{results[n][key]:>10.2f}" if results[n][key] is not None else f"{'-':>10}" for n in names))
    lines.append(f"{'bad inputs logged':<22}" + "".join(f"{results[n]['bad_inputs_logged']:>10}" for n in names))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append",
                    help="a corpus folder to score (default: every corpus under tests/fixtures)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/eval.json as it is")
    a = ap.parse_args(argv)
    corpora = {p.name: p for p in a.corpus} if a.corpus else CORPORA
    results = {name: evaluate(path) for name, path in corpora.items()}
    print(table(results))
    if not a.no_write:
        RESULTS.write_text(json.dumps({
            "commit": commit(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpora": {name: {"path": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
                               **results[name]} for name, path in corpora.items()},
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

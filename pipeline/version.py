"""Which pipeline read an input: the version recorded in the run manifest.

A rerun reads again every input that an other pipeline read, so the version must change
whenever the output could: the package version, the table schemas, the code and rule
files of `pipeline/` and `parsers/`, and the versions of the libraries that read text.
Hashing the code (a few hundred kB) costs about a millisecond and saves relying on
anyone remembering to bump a number after changing a regular expression.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipeline.schema import SCHEMA_VERSION

# Libraries whose output becomes our text: a new release may read a file differently.
_READING_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "opencc", "jieba", "lxml", "charset-normalizer",
                      "cn2an")
_ROOT = Path(__file__).parent.parent
_PACKAGES = (_ROOT / "pipeline", _ROOT / "parsers")
# Code under pipeline/ that only reads the tables a run wrote (the review site, SQL, the
# Python API, export, validation, the data dictionary): changing it changes no row, so it
# re-reads nothing.
_TABLE_READERS = ("pipeline/report/", "pipeline/sql.py", "pipeline/api.py", "pipeline/export.py",
                  "pipeline/validate.py", "pipeline/dictionary.py")


def code_files() -> list[Path]:
    """The code and rule files whose content decides the rows, in a fixed order."""
    return [path for package in _PACKAGES for path in sorted(package.rglob("*"))
            if path.suffix in (".py", ".tsv") and not path.relative_to(_ROOT).as_posix().startswith(_TABLE_READERS)]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """`gazette 0.1.0 schema 2 code 3f2a9c1d0b7e`: equal for two runs only if they would
    write the same rows for the same input."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for name in _READING_LIBRARIES:
        digest.update(f"{name}=={_installed(name)}".encode())
    return f"gazette {_installed('gazette')} schema {SCHEMA_VERSION} code {digest.hexdigest()[:12]}"


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"

"""`make extract` on a fresh clone installs gazette and what extracting needs, and none of the
test, notebook or lint tools (`make test` adds those on top)."""
from __future__ import annotations

import re
import subprocess
import tomllib
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# What only the tests, the notebook and the linter use: not to be installed by `make extract`.
TEST_ONLY = {"pytest", "hypothesis", "selenium", "matplotlib", "ipykernel", "nbclient", "nbformat", "dask",
             "distributed", "ruff", "rapidfuzz", "fpdf2"}


def installed_closure(name: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """The distributions installing `name` (with `extras`) brings in, read from the installed
    distributions' own metadata."""
    seen: set[str] = set()
    stack = [(name, extras)]
    while stack:
        current, wanted = stack.pop()
        key = canonicalize_name(current)
        if key in seen:
            continue
        seen.add(key)
        try:
            requirements = requires(current) or []
        except PackageNotFoundError:
            continue  # a platform's optional dependency that is not installed here
        for line in requirements:
            requirement = Requirement(line)
            # a requirement of an extra (`extra == "test"`) counts only when that extra is asked for
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in (wanted or {""})):
                stack.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_the_extract_install_step_installs_gazette_without_extras():
    """What `make extract` would run on a fresh clone (make -n: printed, not run)."""
    printed = subprocess.run(["make", "-n", "-B", "extract"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    installs = [line for line in printed.splitlines() if "pip install" in line]
    assert installs and all(re.search(r"pip install .*-e \.$", line) for line in installs), installs


def test_extracting_needs_none_of_the_test_tools():
    closure = installed_closure("gazette")
    assert {"pdfplumber", "pypdfium2", "pyarrow", "pandas", "python-docx", "olefile"} <= closure
    assert not closure & TEST_ONLY, sorted(closure & TEST_ONLY)
    # the same walk over `.[test]`, what `make test` installs, finds them
    assert TEST_ONLY <= installed_closure("gazette", frozenset({"test"}))


def test_every_test_only_tool_is_in_the_test_extra_and_not_in_the_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {canonicalize_name(Requirement(line).name) for line in project["dependencies"]}
    test_extra = {canonicalize_name(Requirement(line).name) for line in project["optional-dependencies"]["test"]}
    assert not names & TEST_ONLY
    assert {"pytest", "hypothesis", "selenium", "ruff", "rapidfuzz"} <= test_extra

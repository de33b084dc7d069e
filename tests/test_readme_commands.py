"""Every command the README shows runs as printed, in a new shell, after `make extract`.

A copy of the repository (its files, the same .venv) is made and `make extract` run in it,
as a new user would. Then every command of the README, in the order printed, runs in a new
shell there: `bash --norc`, a PATH without the virtual environment, no variables of ours.
A command is a line of a ```bash block or an inline `code` span that starts like one
(`make …`, `.venv/bin/…`, `source …`, `VAR=value …`). Words in capitals are the README's
placeholders and are filled with the sample's folders. The ```python block runs in the
environment's Python. The few commands not run here are listed in NOT_RUN with the reason
and another check instead; the ```sql blocks are run, with their output, by test_sql.py.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# The README's placeholders, filled in with the sample's folders.
PLACEHOLDERS = {"INPUT_DIR": "data/raw", "OUT_DIR": "data/out", "FILE": "tables.xlsx", "DIR": "exported",
                "QUERY": "'SELECT count(*) FROM policies'"}
# Commands printed but not run here: why, and what is run instead ("make -n" prints a make
# target's steps, which shows the target exists and is spelled as printed).
NOTE_SUITE, NOTE_BENCH = "the test suite itself", "13 minutes of measurement; bench/README.md"
NOT_RUN = {
    "make test": (NOTE_SUITE, "make -n test"),
    "make bench": (NOTE_BENCH, "make -n bench"),
    ".venv/bin/gazette extract /shared/archive --out /shared/out --executor dask --scheduler tcp://10.0.0.5:8786":
        ("needs a dask cluster at that address (tests/test_dask.py runs one)",
         ".venv/bin/gazette extract --help | grep -q -- '--scheduler'"),
}
# Commands that install packages: run with pip's --dry-run, which resolves everything and
# installs nothing (the test tools already hold these extras).
DRY_RUN = re.compile(r"^\.venv/bin/pip install ")

COMMAND_START = re.compile(r"^(make |\.venv/bin/\w|source |[A-Z_]+=\S+ )")


def readme_commands(text: str) -> list[str]:
    """The README's commands in the order printed, each once."""
    commands: list[str] = []
    for block, inline in re.findall(r"^[ \t]*```bash\n(.*?)^[ \t]*```|`([^`\n]+)`", text, flags=re.S | re.M):
        if block:
            lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
            commands += [line for line in lines if line and not line.startswith("#")]
        elif COMMAND_START.match(inline):
            commands.append(inline)
    return list(dict.fromkeys(commands))


def filled(command: str) -> str:
    return re.sub(r"\b(" + "|".join(PLACEHOLDERS) + r")\b", lambda m: PLACEHOLDERS[m.group(1)], command)


def python_blocks(text: str) -> list[str]:
    return [textwrap.dedent(body) for _, body in re.findall(r"^([ \t]*)```python\n(.*?)^\1```", text, flags=re.S | re.M)]


def new_shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """COMMAND in a shell as a new terminal has it: no venv on PATH, no rc files, no stdin."""
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": "/usr/local/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    return subprocess.run(["bash", "--noprofile", "--norc", "-c", command], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The repository's files copied with their times, sharing this .venv, after `make extract`."""
    venv = ROOT / ".venv"
    if not (venv / ".installed-stamp").is_file() or \
            (venv / ".installed-stamp").stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        pytest.fail("the .venv is older than pyproject.toml: run `make setup` (make test does)")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    copy = tmp_path_factory.mktemp("readme") / "gazette"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)  # times kept: make sees the venv as up to date
    (copy / ".venv").symlink_to(venv)
    done = new_shell("make extract", copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "next: .venv/bin/gazette sql data/out" in done.stdout
    return copy


def test_the_readme_shows_commands_and_each_is_run_or_accounted_for():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert {"make extract", "make test", ".venv/bin/gazette extract data/raw --out data/out"} <= set(commands)
    assert set(NOT_RUN) <= set(commands), set(NOT_RUN) - set(commands)  # no stale exceptions


def test_no_command_needs_the_environment_on_path():
    """`gazette …`, `pip …` or `python …` typed in a new shell would not find this
    environment's programs: the README writes them .venv/bin/… (or after `source`)."""
    text = README.read_text(encoding="utf-8")
    bare = [span for span in re.findall(r"`([^`\n]+)`", text) + re.findall(r"^(?:gazette|pip|python3?) .*$", text,
                                                                           flags=re.M)
            if re.match(r"^(gazette \S+ \S|pip |python3? )", span)]
    assert not bare, bare


def test_every_readme_command_runs_as_printed_in_a_new_shell(clone):
    failures = []
    for command in readme_commands(README.read_text(encoding="utf-8")):
        if command == "make extract":
            continue  # run by the fixture, first, as the README says
        if command in NOT_RUN:
            command = NOT_RUN[command][1]
        elif DRY_RUN.match(command):
            command += " --dry-run"
        done = new_shell(filled(command), clone)
        if done.returncode != 0:
            failures.append(f"{command}\n  exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}")
    assert not failures, "\n".join(failures)


def test_activating_the_environment_gives_plain_gazette(clone):
    done = new_shell("source .venv/bin/activate && gazette sql data/out -c 'SELECT count(*) AS n FROM policies' "
                     "--format csv", clone)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", "8"]


def test_the_python_example_runs_and_prints_real_values(clone):
    (example,) = python_blocks(README.read_text(encoding="utf-8"))
    done = subprocess.run([str(clone / ".venv/bin/python"), "-c", example], cwd=clone, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "<gazette.Tables" in done.stdout and "subsidies=" in done.stdout
    assert "嘉兴市人民政府办公室" in done.stdout  # an issuer of the sample's policies
    assert "嘉政办发〔2025〕18号" in done.stdout  # the page read in process

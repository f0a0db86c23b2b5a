"""`docs`: build the patched docs; only warnings pristine docs lack fail."""

import json
import re
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from .config import CACHE, SCRIPTS, TREE, QueueError, say
from .envs import venv
from .proc import git, run
from .queue import require_tree
from .sdist import read_base


def docs(output=None):
    """Build the patched docs as HTML; fail on any warning pristine docs lack.

    These machines reach no web site, so intersphinx can't fetch Python's
    inventory and every reference into Python's docs warns. Those warnings
    are pristine Django's too: the patched docs' warnings are compared with
    the pristine docs' (built once per base release and cached), ignoring
    line numbers, and only new ones fail the build.
    """
    require_tree()
    python = venv("docs", [SCRIPTS / "requirements" / "docs.txt"])
    _, sha256 = read_base()
    baseline_file = CACHE / f"docs-warnings-{sha256[:16]}.json"
    if baseline_file.exists():
        baseline = json.loads(baseline_file.read_text())
    else:
        say("queue: building the pristine docs once for their warnings")
        with tempfile.TemporaryDirectory() as tmp:
            pristine = Path(tmp) / "pristine"
            git("worktree", "add", "--quiet", "--detach", str(pristine), "base")
            try:
                baseline, code = sphinx_warnings(python, pristine / "docs", None)
            finally:
                git("worktree", "remove", "--force", str(pristine), check=False)
        if code:
            raise QueueError("the pristine docs do not build.")
        baseline_file.write_text(json.dumps(baseline, indent=1))
    warnings, code = sphinx_warnings(python, TREE / "docs", output)
    remaining = list(baseline)
    new = []
    for warning in warnings:
        if warning in remaining:
            remaining.remove(warning)
        else:
            new.append(warning)
    say(
        f"queue: {len(warnings)} warning(s), {len(warnings) - len(new)} of them "
        "also in the pristine docs"
    )
    for warning in new:
        say(f"  new: {warning}")
    if new:
        say(f"queue: the patches add {len(new)} docs warning(s)")
    return code or bool(new)


def sphinx_warnings(python, docs, output):
    """Build docs as HTML; return (sorted normalized warnings, exit code)."""
    with tempfile.TemporaryDirectory() as tmp:
        warnings_file = Path(tmp) / "warnings.txt"
        command = [
            python,
            "-m",
            "sphinx",
            "-b",
            "html",
            "--keep-going",
            "-q",
            "-j",
            "auto",
            "-w",
            warnings_file,
            "-d",
            Path(tmp) / "doctrees",
            docs,
            Path(output or Path(tmp) / "html"),
        ]
        say(f"queue: {shlex.join(str(c) for c in command)}")
        started = time.monotonic()
        result = run(command, check=False, stderr=subprocess.DEVNULL)
        say(f"queue: docs build took {time.monotonic() - started:.0f} s")
        text = re.sub(r"\x1b\[[0-9;]*m", "", warnings_file.read_text())
    warnings = []
    for line in text.splitlines():
        if not re.match(r"\S.*: (WARNING|ERROR|CRITICAL)", line):
            continue  # Continuation lines of a multi-line warning.
        line = line.replace(f"{docs}/", "")
        # Patches move lines: compare warnings by file and message only.
        line = re.sub(r"^([^:]+):\d+:", r"\1:", line)
        warnings.append(line)
    return sorted(warnings), result.returncode

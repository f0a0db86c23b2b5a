"""`check`: lint the queue (commit form, tests and docs per feature patch,
Django's black/isort/flake8/sphinx-lint), on a scratch worktree of tree/."""

import re
import subprocess
import tempfile
from pathlib import Path

from .config import (
    PATCHES,
    RELEASE_NOTES,
    SCRIPTS,
    SETUP_CFG,
    QueueError,
    indent,
    say,
)
from .envs import venv
from .proc import git
from .queue import apply_series, format_patches, parse_mail, read_series, require_tree

SUBJECT_RE = re.compile(
    r"^(?:(?:Fixed|Refs) #\d+(?:, #\d+)* -- |(?!(?:Fixed|Refs) #))"
    r"(?P<verb>[A-Z][a-z]+)\b.*\.$"
)
# Django's subjects start with a verb in the past tense.
IRREGULAR_VERBS = {"Made", "Set", "Built", "Split", "Kept", "Ran", "Wrote", "Put"}
SUBJECT_MAX = 72


def lint_message(subject, body):
    problems = []
    match = SUBJECT_RE.match(subject)
    if not match:
        problems.append(
            f"subject {subject!r} is not in Django's form "
            "('Fixed #NNNNN -- Added ...', 'Refs #NNNNN -- ...' or 'Added ...', "
            "ending with a period)"
        )
    elif not (match["verb"].endswith("ed") or match["verb"] in IRREGULAR_VERBS):
        problems.append(
            f"subject should start with a verb in the past tense, not "
            f"{match['verb']!r}"
        )
    if len(subject) > SUBJECT_MAX:
        problems.append(f"subject is {len(subject)} characters (at most {SUBJECT_MAX})")
    items = re.findall(r"(?m)^Wishlist-Item: *(.*)$", body)
    item = None
    if len(items) != 1:
        problems.append("needs exactly one 'Wishlist-Item: N' trailer")
    elif not re.fullmatch(r"[0-9]", items[0].strip()):
        problems.append(f"Wishlist-Item must be a number from 0 to 9, not {items[0]!r}")
    else:
        item = int(items[0])
    return item, problems


def lint_files(cwd, files, lint_python):
    """Run Django's linters on the given files of a checkout."""
    problems = []
    python_files = [f for f in files if f.endswith(".py")]
    doc_files = [f for f in files if f.startswith("docs/") and f.endswith(".txt")]
    if python_files:
        for tool, tool_args in (
            ("black", ["--check"]),
            ("isort", ["--check-only"]),
            ("flake8", ["--config", str(SETUP_CFG)]),
        ):
            result = subprocess.run(
                [lint_python, "-m", tool, *tool_args, *python_files],
                cwd=cwd,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                output = (result.stdout + result.stderr).strip()
                if tool == "black" and not output:
                    output = "would reformat"
                problems.append(f"{tool}:\n" + indent(output))
    if doc_files:
        result = subprocess.run(
            [lint_python, str(SCRIPTS / "sphinx_lint.py"), *doc_files],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            problems.append(
                "sphinx-lint:\n" + indent((result.stdout + result.stderr).strip())
            )
    return problems


def check():
    """Lint the queue; exit non-zero on any problem."""
    require_tree()
    lint_python = venv("lint", [SCRIPTS / "requirements" / "lint.txt"])
    series = read_series()
    failures = 0
    listed = set(series)
    orphans = sorted(p.name for p in PATCHES.glob("*.patch") if p.name not in listed)
    for name in orphans:
        say(f"- {name} is in patches/ but not in series")
        failures += 1
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "scratch"
        git("worktree", "add", "--quiet", "--detach", str(scratch), "base")
        try:
            say("queue: applying the queue without 3-way merges or fuzz")
            try:
                apply_series(series, scratch, three_way=False)
            except QueueError as error:
                say(str(error))
                return 1
            exported = Path(tmp) / "exported"
            names = format_patches(exported, cwd=scratch)
            for name, written in zip(series, names):
                if name != written:
                    say(
                        f"- {name} should be named {written} (run scripts/queue export)"
                    )
                    failures += 1
                elif (exported / name).read_bytes() != (PATCHES / name).read_bytes():
                    say(
                        f"- {name} applies, but not as written (offsets or a "
                        "stale header): run scripts/queue apply and export"
                    )
                    failures += 1
            commits = git(
                "rev-list", "--reverse", "base..HEAD", cwd=scratch
            ).stdout.split()
            for name, commit in zip(series, commits):
                problems = check_commit(scratch, commit, name, lint_python)
                status = "ok" if not problems else "FAILED"
                say(f"  {name}: {status}")
                for problem in problems:
                    say(f"    - {problem}")
                failures += bool(problems)
        finally:
            git("worktree", "remove", "--force", str(scratch), check=False)
            git("worktree", "prune", check=False)
    if failures:
        say(f"queue check: {failures} patch(es) with problems")
        return 1
    say(f"queue check: {len(series)} patch(es) ok")
    return 0


def check_commit(scratch, commit, name, lint_python):
    subject, body = parse_mail(PATCHES / name)
    item, problems = lint_message(subject, body)
    git("checkout", "--quiet", "--detach", commit, cwd=scratch)
    changed = git(
        "diff-tree",
        "--no-commit-id",
        "--name-status",
        "-r",
        "--no-renames",
        commit,
        cwd=scratch,
    ).stdout.splitlines()
    files = [line.split("\t", 1)[1] for line in changed if not line.startswith("D")]
    touched = [line.split("\t", 1)[1] for line in changed]
    if item:
        if not any(path.startswith("tests/") for path in touched):
            problems.append("a feature patch must add or change tests in tests/")
        if not any(
            path.startswith("docs/") and path != RELEASE_NOTES for path in touched
        ):
            problems.append("a feature patch must document the feature in docs/")
        if RELEASE_NOTES not in touched:
            problems.append(
                f"a feature patch must add a release note to {RELEASE_NOTES}"
            )
    problems += lint_files(scratch, files, lint_python)
    return problems

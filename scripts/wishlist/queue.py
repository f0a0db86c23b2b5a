"""The patch queue itself: patches/ (series + mails) <-> tree/ (a commit each).

apply   the pinned sdist as commit `base`, then `git am` of every patch
export  `git format-patch base..HEAD` back into patches/ and series
status  whether tree/ and patches/ agree, from digests saved at apply/export
rebase  a new release as `base`, the queue rebased onto it
"""

import email.header
import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

from .config import (
    PATCHES,
    SERIES,
    TREE,
    QueueError,
    indent,
    read_config,
    say,
    write_base_config,
)
from .proc import git, git_env, sha256_of
from .sdist import commit_sdist, read_base, sdist

STATE_FILE = "wishlist-state.json"

# Patterns from Django's own .gitignore (not shipped in the sdist), so that
# builds, byte code and coverage data never show up as unexported work.
TREE_EXCLUDE = """\
*.egg-info
*.pot
*.py[co]
.tox/
__pycache__
MANIFEST
dist/
build/
docs/_build/
docs/locale/
node_modules/
tests/coverage_html/
tests/.coverage*
tests/.coverages/
tests/.env
"""


# The series and the patch files -----------------------------------------------


def read_series():
    if not SERIES.exists():
        return []
    names = []
    for line in SERIES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def parse_mail(path):
    """Return (subject, body) of a format-patch mail."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    header, _, rest = text.partition("\n\n")
    subject = re.search(r"(?ms)^Subject: (.*?)(?=^\S)", header + "\n.")
    subject = subject.group(1) if subject else ""
    subject = str(email.header.make_header(email.header.decode_header(subject)))
    subject = " ".join(subject.split())
    subject = re.sub(r"^\[PATCH[^\]]*\] ", "", subject)
    body = rest.split("\n---\n", 1)[0]
    return subject, body


def patch_digests(directory=PATCHES):
    """Hash every patch file and the series of a patches directory."""
    directory = Path(directory)
    series = directory / "series"
    digests = {
        "series": hashlib.sha256(
            series.read_bytes() if series.exists() else b""
        ).hexdigest()
    }
    for path in sorted(directory.glob("*.patch")):
        digests[path.name] = sha256_of(path)
    return digests


def format_patches(dest, cwd=TREE, revisions="base..HEAD"):
    """Write base..HEAD of `cwd` as patch files into dest; return the names.

    The output is a pure function of the commits: no commit hashes (--zero-
    commit), no git version signature, full blob ids whatever the repository
    size, no [PATCH n/m] numbering that shifts when a patch is inserted.
    """
    git(
        "format-patch",
        "--quiet",
        "--no-signature",
        "--zero-commit",
        "--full-index",
        "--no-numbered",
        "--stat=72",
        "-O/dev/null",  # No diff.orderFile.
        "--output-directory",
        str(dest),
        revisions,
        cwd=cwd,
    )
    return sorted(p.name for p in Path(dest).glob("*.patch"))


def write_export(names, source):
    """Make patches/ hold exactly `names` from `source` (plus series)."""
    PATCHES.mkdir(exist_ok=True)
    for path in PATCHES.glob("*.patch"):
        if path.name not in names:
            path.unlink()
    for name in names:
        data = (Path(source) / name).read_bytes()
        target = PATCHES / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    series = "".join(f"{name}\n" for name in names)
    if not SERIES.exists() or SERIES.read_text() != series:
        SERIES.write_text(series)


# The state saved at apply and export ------------------------------------------


def state_path():
    return TREE / ".git" / STATE_FILE


def exported_digests():
    """Digests of what export would write from tree/ now."""
    with tempfile.TemporaryDirectory() as tmp:
        names = format_patches(tmp)
        Path(tmp, "series").write_text("".join(f"{name}\n" for name in names))
        return patch_digests(tmp)


def save_state():
    """Record patches/ and tree/'s export at the moment they agree.

    They can differ byte-wise (a hand-edited series with comments, a patch
    written by hand) right after apply; status compares each side with its
    own record.
    """
    state = {"patches": patch_digests(), "export": exported_digests()}
    state_path().write_text(json.dumps(state, indent=1, sort_keys=True))


def load_state():
    try:
        state = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return None
    return state if {"patches", "export"} <= set(state) else None


# tree/ inspection -------------------------------------------------------------


def operation_in_progress(cwd=TREE):
    git_dir = Path(cwd) / ".git"
    for name, what in (
        ("rebase-apply", "a git am or rebase"),
        ("rebase-merge", "a git rebase"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("MERGE_HEAD", "a merge"),
    ):
        if (git_dir / name).exists():
            return what
    return None


def tree_problems():
    """List what in tree/ would be lost: unexported or uncommitted work."""
    problems = []
    if operation_in_progress():
        problems.append(f"{operation_in_progress()} is in progress in tree/")
    dirty = git("status", "--porcelain", "--untracked-files=all").stdout
    if dirty.strip():
        lines = dirty.rstrip("\n").splitlines()
        shown = "\n".join(f"    {line}" for line in lines[:20])
        more = f"\n    ... and {len(lines) - 20} more" if len(lines) > 20 else ""
        problems.append(f"uncommitted changes in tree/:\n{shown}{more}")
    for ref in git(
        "for-each-ref", "--format=%(refname:short)", "refs/heads"
    ).stdout.split():
        if git("rev-list", "--count", f"HEAD..{ref}").stdout.strip() != "0":
            problems.append(f"branch {ref} of tree/ has commits that HEAD lacks")
    if git("stash", "list").stdout.strip():
        problems.append("tree/ has stashed changes (git stash list)")
    state = load_state()
    exported = exported_digests()
    if state is None:
        problems.append("tree/ was not made by scripts/queue apply (no state)")
        return problems
    state = state["export"]
    if exported != state:
        changed = sorted(
            name
            for name in set(exported) | set(state)
            if name != "series" and exported.get(name) != state.get(name)
        )
        new = [name for name in changed if name in exported]
        gone = [name for name in changed if name not in exported]
        detail = ""
        if new:
            detail += "".join(f"\n    new or changed: {name}" for name in new)
        if gone:
            detail += "".join(f"\n    dropped:        {name}" for name in gone)
        problems.append(f"tree/ has commits not exported to patches/:{detail}")
    return problems


def patches_problems():
    """List how patches/ changed since tree/ was applied or exported."""
    state = load_state()
    if state is None:
        return []
    state = state["patches"]
    current = patch_digests()
    changed = sorted(
        name
        for name in set(current) | set(state)
        if current.get(name) != state.get(name)
    )
    if changed:
        return [
            "patches/ changed since tree/ was applied or exported "
            "(run scripts/queue apply):" + "".join(f"\n    {name}" for name in changed)
        ]
    return []


def base_problems():
    config = read_config()
    version, sha256 = read_base()
    if (version, sha256) != (config["base"], config["sha256"]):
        return [
            f"tree/ is based on Django {version}, setup.cfg pins "
            f"{config['base']} (run scripts/queue export after a rebase, or "
            "scripts/queue apply)"
        ]
    return []


def require_tree():
    if not (TREE / ".git").is_dir():
        raise QueueError("tree/ does not exist: run scripts/queue apply first.")


# apply, export, status --------------------------------------------------------


def apply(force=False):
    """Materialize tree/: the pinned sdist tagged `base`, then every patch."""
    config = read_config()
    if (TREE / ".git").is_dir() and not force:
        problems = tree_problems()
        if problems:
            raise QueueError(
                "tree/ holds work that is not in patches/; export it or pass "
                "--force to throw it away:\n" + "\n".join(f"  - {p}" for p in problems)
            )
    archive = sdist(config["base"], config["sha256"])
    series = read_series()
    for name in series:
        if not (PATCHES / name).exists():
            raise QueueError(f"patches/series names {name}, which does not exist.")
    if TREE.exists():
        shutil.rmtree(TREE)
    TREE.mkdir()
    say(f"queue: tree/ = Django {config['base']} + {len(series)} patch(es)")
    git("init", "--quiet", "--initial-branch=main")
    (TREE / ".git" / "info").mkdir(exist_ok=True)
    (TREE / ".git" / "info" / "exclude").write_text(TREE_EXCLUDE)
    commit_sdist(archive, config["base"], config["sha256"], cwd=TREE)
    git("tag", "base")
    apply_series(series, TREE, three_way=True)
    save_state()
    say("queue: tree/ is ready")


def apply_series(series, cwd, three_way, quiet=False):
    """`git am` each patch of `series` in the checkout `cwd`, in order."""
    width = len(str(len(series)))
    for index, name in enumerate(series, 1):
        if not quiet:
            say(f"  [{index:>{width}}/{len(series)}] {name}")
        args = ["am", "--quiet", "--committer-date-is-author-date"]
        if three_way:
            args.append("--3way")
        result = git(*args, str(PATCHES / name), cwd=cwd, check=False)
        if result.returncode:
            message = f"patch {name} does not apply:\n{result.stdout}{result.stderr}"
            if cwd == TREE:
                message += (
                    "\nResolve it in tree/ and `git am --continue`, then "
                    "scripts/queue export; or `git am --abort`."
                )
            raise QueueError(message.rstrip())


def export(force=False):
    """Write tree/'s commits base..HEAD to patches/ (and series, setup.cfg)."""
    require_tree()
    if what := operation_in_progress():
        raise QueueError(f"{what} is in progress in tree/: finish it first.")
    if (changed := patches_problems()) and not force:
        raise QueueError(
            changed[0] + "\nExporting would overwrite those changes with tree/'s "
            "commits; pass --force to do it anyway."
        )
    version, sha256 = read_base()
    config = read_config()
    if (version, sha256) != (config["base"], config["sha256"]):
        write_base_config(version, sha256)
        say(f"queue: setup.cfg now pins Django {version}")
    with tempfile.TemporaryDirectory() as tmp:
        names = format_patches(tmp)
        write_export(names, tmp)
    save_state()
    dirty = git("status", "--porcelain").stdout
    for name in names:
        say(f"  {name}")
    say(f"queue: exported {len(names)} patch(es) to patches/")
    if dirty.strip():
        say("queue: note: tree/ has uncommitted changes, which were not exported")


def status():
    """Exit 0 when tree/ and patches/ agree; otherwise say what differs."""
    require_tree()
    problems = tree_problems() + patches_problems() + base_problems()
    if problems:
        for problem in problems:
            say(f"- {problem}")
        return 1
    count, base = len(read_series()), read_config()["base"]
    say(f"tree/ and patches/ agree ({count} patch(es) on Django {base})")
    return 0


# rebase -----------------------------------------------------------------------


def rebase(version, sha256=None):
    """Import Django VERSION as the new base and rebase the queue onto it."""
    require_tree()
    problems = tree_problems() + patches_problems()
    if problems:
        raise QueueError(
            "tree/ and patches/ must agree before a rebase:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    old_version, _ = read_base()
    if version == old_version:
        raise QueueError(f"the queue is already based on Django {old_version}.")
    archive = sdist(version, sha256)
    sha256 = sha256_of(archive)
    say(f"queue: Django {version} sdist sha256 {sha256}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "base"
        git("worktree", "add", "--quiet", "--detach", str(scratch), "base")
        try:
            git("rm", "-r", "--quiet", ".", cwd=scratch)
            new_base = commit_sdist(archive, version, sha256, cwd=scratch)
        finally:
            git("worktree", "remove", "--force", str(scratch), check=False)
            git("worktree", "prune", check=False)
    git("tag", "--force", f"base-{old_version}", "base")
    series = read_series()
    say(
        f"queue: rebasing {len(series)} patch(es) from Django {old_version} "
        f"onto {version}"
    )
    before = int(git("rev-list", "--count", "base..HEAD").stdout)
    # Rebase the branch itself (not a detached HEAD), so that `git rebase
    # --continue` after a conflict ends on it.
    git("checkout", "--quiet", "-B", "main")
    result = git(
        "rebase",
        "--quiet",
        "--onto",
        new_base,
        "base",
        check=False,
        env=git_env(GIT_EDITOR="true"),
    )
    git("tag", "--force", "base", new_base)
    if result.returncode:
        return report_conflict(result, series)
    after = int(git("rev-list", "--count", "base..HEAD").stdout)
    if after != before:
        say(
            f"queue: note: {before - after} patch(es) became empty on Django "
            f"{version} (upstream has the change) and were dropped"
        )
    export()
    return 0


def report_conflict(result, series):
    """Name the patch that stopped the rebase, and its conflicted files."""
    # The merge backend lists the picks it has done, the stopped one last.
    done = TREE / ".git" / "rebase-merge" / "done"
    subject = ""
    if done.exists():
        last = done.read_text().splitlines()[-1].split(maxsplit=2)
        subject = git("log", "-1", "--format=%s", last[1], check=False).stdout.strip()
    names = [name for name in series if parse_mail(PATCHES / name)[0] == subject]
    conflicted = git("diff", "--name-only", "--diff-filter=U").stdout.split()
    label = names[0] if names else subject or "a patch"
    say(f"queue: CONFLICT in {label}:")
    for path in conflicted:
        say(f"    {path}")
    say(indent((result.stdout + result.stderr).strip(), "  | "))
    say(
        "\nResolve the conflicts in tree/, `git add` them and `git rebase --continue`"
        "\n(each further conflicting patch stops again), then scripts/queue export,"
        "\nwhich also records the new base in setup.cfg. To give up:"
        "\n`git rebase --abort` and scripts/queue apply --force."
    )
    return 1

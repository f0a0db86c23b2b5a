"""`rehearse`: the queue on Django main, in a throwaway tree (.cache/rehearsal/).

The pinned release stays the fork's base; main is where each patch must also
apply, since users take patches upstream. The rehearsal tree is a clone of
tree/ (for its `base` commit, the release), in which:

  1. `release` = base + `git am` of every patch of patches/series: the
     release forms, one commit each;
  2. `archive` = the archive's files as a new root commit, on branch `main`;
  3. each patch in series order goes onto main: its main form
     (patches/main/NAME, a mail made on main) with `git am`, when there is
     one; else its release form with `git cherry-pick` of its release commit,
     whose 3-way merge has the release's files as merge base.

Each patch is reported `clean` (`git apply --check` passes: it applies as is,
without fuzz), `3-way` (it applies only with a 3-way merge, without
conflicts), `empty` (main has the change already) or `conflict`, with the
conflicted files and their conflict regions. A conflict stops the rehearsal
there; the rest are `not tried`. A main form records the sha256 of the diff of
the release form it was made from (header X-Wishlist-Release-Form), so a main
form whose release patch changed since is reported `stale`.

Main forms are made in the rehearsal tree: `--keep` leaves it stopped at the
conflict, resolved with git; `--continue` goes on to the next patches;
`--export-main` writes every commit of the rehearsal tree that its release
form doesn't give (the same cherry-pick, as `git merge-tree`) to
patches/main/, and removes the main forms no longer needed.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .config import CACHE, PATCHES, ROOT, TREE, QueueError, read_config, say
from .proc import git, git_env, sha256_of
from .queue import (
    TREE_EXCLUDE,
    apply,
    apply_series,
    format_patches,
    operation_in_progress,
    read_series,
)
from .sdist import IMPORT_DATE, extract_sdist, read_base
from .testing import run_tests

REHEARSAL = CACHE / "rehearsal"
# verify's own tree, so that CI never throws away a conflict being resolved.
VERIFY_REHEARSAL = CACHE / "rehearsal-verify"
MAIN_FORMS = PATCHES / "main"
STATE_FILE = "wishlist-rehearsal.json"
RELEASE_HEADER = "X-Wishlist-Release-Form"
# Where the archive is found when none is named: this variable, else the
# newest django-main-*.tar.gz in ../shared/upstream/ beside the repository.
ARCHIVE_ENV = "WISHLIST_MAIN_ARCHIVE"
UPSTREAM = ROOT.parent / "shared" / "upstream"
ARCHIVE_PATTERN = "django-main-*.tar.gz"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")

# `git status --porcelain` codes of conflicts without conflict markers; "us"
# is main (HEAD), "them" the patch.
CONFLICT_KINDS = {
    "DD": "deleted on both sides",
    "AU": "added on main only",
    "UA": "added by the patch only",
    "DU": "deleted on main, changed by the patch",
    "UD": "changed on main, deleted by the patch",
    "AA": "added on both sides",
}
PYTHON_SCOPE = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)")


# Archives and digests ---------------------------------------------------------


def default_archive():
    """The archive named by $WISHLIST_MAIN_ARCHIVE, else the newest in
    ../shared/upstream/; None when there is none."""
    if named := os.environ.get(ARCHIVE_ENV):
        path = Path(named)
        if not path.is_file():
            raise QueueError(f"${ARCHIVE_ENV} names {path}, which does not exist.")
        return path
    found = sorted(UPSTREAM.glob(ARCHIVE_PATTERN), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def looks_like_archive(argument):
    return argument.endswith(ARCHIVE_SUFFIXES) or Path(argument).is_file()


def release_digest(path):
    """sha256 of the diff of a format-patch mail (not its message)."""
    data = Path(path).read_bytes()
    start = data.find(b"\ndiff --git ")
    return hashlib.sha256(data[start + 1 :] if start >= 0 else b"").hexdigest()


def recorded_digest(path):
    """The release form's digest a main form was made from, or None."""
    header = Path(path).read_bytes().split(b"\n\n", 1)[0].decode(errors="replace")
    match = re.search(rf"(?mi)^{RELEASE_HEADER}: *sha256=(\w+)", header)
    return match[1] if match else None


def archive_version(directory):
    """Django's VERSION in a checkout, as '6.2.0 alpha 0'."""
    try:
        text = (Path(directory) / "django" / "__init__.py").read_text()
    except OSError:
        return "?"
    match = re.search(r"(?m)^VERSION = \((.*)\)", text)
    if not match:
        return "?"
    parts = [part.strip().strip("'\"") for part in match[1].split(",")]
    return ".".join(parts[:3]) + (" " + " ".join(parts[3:]) if parts[3:] else "")


# The rehearsal tree and its state ---------------------------------------------


def state_path(directory):
    return Path(directory) / ".git" / STATE_FILE


def load_state(directory):
    try:
        return json.loads(state_path(directory).read_text())
    except (OSError, ValueError):
        raise QueueError(
            f"{relative(directory)} holds no rehearsal: run scripts/queue "
            "rehearse ARCHIVE first."
        ) from None


def save_state(directory, state):
    state_path(directory).write_text(json.dumps(state, indent=1))


def relative(path):
    try:
        return f"{Path(path).relative_to(ROOT)}/"
    except ValueError:
        return str(path)


def head(directory):
    return git("rev-parse", "HEAD", cwd=directory).stdout.strip()


def unsaved_work(directory):
    """What recreating the rehearsal tree would throw away.

    Until a rehearsal has saved its state, the tree holds nothing of anyone's;
    then, a conflict being resolved, changes, or commits made since.
    """
    try:
        state = json.loads(state_path(directory).read_text())
    except (OSError, ValueError):
        return []
    problems = []
    if what := operation_in_progress(directory):
        problems.append(f"{what} is in progress")
    if git(
        "status", "--porcelain", "--untracked-files=no", cwd=directory, check=False
    ).stdout.strip():
        problems.append("it has uncommitted changes")
    if git("rev-parse", "HEAD", cwd=directory, check=False).stdout.strip() != state.get(
        "saved_head"
    ):
        problems.append(
            "it has commits made since the rehearsal that are not exported "
            "(scripts/queue rehearse --export-main)"
        )
    return problems


def prepare(directory, archive, series):
    """Make the rehearsal tree: release forms on `release`, the archive on
    `main`; return the state (release commit and digest of each patch)."""
    directory = Path(directory)
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "--quiet", "--no-checkout", str(TREE), str(directory), cwd=ROOT)
    git("remote", "remove", "origin", cwd=directory)
    (directory / ".git" / "info").mkdir(exist_ok=True)
    (directory / ".git" / "info" / "exclude").write_text(TREE_EXCLUDE)
    # Conflict regions show the release's lines too, between ||||||| and =====.
    git("config", "merge.conflictStyle", "diff3", cwd=directory)
    config = read_config()
    version, sha256 = read_base(cwd=directory)
    if (version, sha256) != (config["base"], config["sha256"]):
        raise QueueError(
            f"tree/'s base is Django {version}, setup.cfg pins {config['base']}: "
            "finish the rebase (scripts/queue export) or scripts/queue apply."
        )
    git("checkout", "--quiet", "--detach", "base", cwd=directory)
    try:
        apply_series(series, directory, three_way=True, quiet=True)
    except QueueError as error:
        raise QueueError(f"on Django {version}: {error}") from None
    git("branch", "--force", "release", "HEAD", cwd=directory)
    commits = git("rev-list", "--reverse", "base..HEAD", cwd=directory).stdout.split()
    # The archive's files replace the release's as a new root commit.
    git("rm", "-r", "--quiet", ".", cwd=directory)
    extract_sdist(archive, directory)
    git("add", "--all", "--force", ".", cwd=directory)
    tree = git("write-tree", cwd=directory).stdout.strip()
    archive_sha256 = sha256_of(archive)
    root = git(
        "commit-tree",
        tree,
        "-m",
        f"Imported {Path(archive).name}.\n\narchive sha256: {archive_sha256}\n",
        cwd=directory,
        env=git_env(GIT_AUTHOR_DATE=IMPORT_DATE, GIT_COMMITTER_DATE=IMPORT_DATE),
    ).stdout.strip()
    git("update-ref", "refs/heads/main", root, cwd=directory)
    git("symbolic-ref", "HEAD", "refs/heads/main", cwd=directory)
    git("tag", "archive", root, cwd=directory)
    return {
        "archive": str(archive),
        "archive_sha256": archive_sha256,
        "version": archive_version(directory),
        "root": root,
        "series": series,
        "release": dict(zip(series, commits)),
        "digests": {name: release_digest(PATCHES / name) for name in series},
        "release_forms": [],
        "entries": [],
        "stopped": None,
    }


# Putting one patch on main ----------------------------------------------------


def release_merge(directory, parent, release):
    """Cherry-pick `release` onto `parent` in memory: (conflict-free, tree).

    A commit of parent's files whose parent is the release commit's parent
    makes `git merge-tree` use the release's files as merge base, as
    cherry-pick does (git 2.39 has no --merge-base).
    """
    synthetic = git(
        "commit-tree",
        f"{parent}^{{tree}}",
        "-p",
        f"{release}^",
        "-m",
        "rehearsal: the parent, on the release's history",
        cwd=directory,
    ).stdout.strip()
    result = git(
        "merge-tree", "--write-tree", synthetic, release, cwd=directory, check=False
    )
    if result.returncode not in (0, 1):
        raise QueueError(f"git merge-tree failed:\n{result.stderr}".rstrip())
    return result.returncode == 0, result.stdout.split("\n", 1)[0].strip()


def applies_as_is(directory, patch):
    return not git(
        "apply", "--check", str(patch), cwd=directory, check=False
    ).returncode


def put_patch(directory, state, name, keep):
    """Put patch `name` on the rehearsal tree's HEAD; return its entry."""
    release = state["release"][name]
    main_form = MAIN_FORMS / name
    entry = {"name": name, "form": "release", "status": None, "details": []}
    if main_form.exists() and name not in state["release_forms"]:
        entry["form"] = "main"
        recorded = recorded_digest(main_form)
        entry["stale"] = recorded != state["digests"][name]
        # What the release form would do here, to show why the main form is.
        if applies_as_is(directory, PATCHES / name):
            entry["release_status"] = "clean"
        else:
            merges, _ = release_merge(directory, "HEAD", release)
            entry["release_status"] = "3-way" if merges else "conflict"
        clean = applies_as_is(directory, main_form)
        args = ["am", "--quiet", "--committer-date-is-author-date"]
        result = git(
            *args,
            *([] if clean else ["--3way"]),
            str(main_form),
            cwd=directory,
            check=False,
        )
        entry["resume"] = "git am --continue"
        undo = ["am", "--abort"]
    else:
        clean = applies_as_is(directory, PATCHES / name)
        result = git(
            "cherry-pick",
            "--keep-redundant-commits",
            release,
            cwd=directory,
            check=False,
        )
        entry["resume"] = "git cherry-pick --continue"
        undo = ["cherry-pick", "--abort"]
    if result.returncode == 0:
        empty = not git(
            "diff", "--quiet", "HEAD^", "HEAD", cwd=directory, check=False
        ).returncode
        entry["status"] = "empty" if empty else "clean" if clean else "3-way"
        del entry["resume"]
        return entry
    entry["status"] = "conflict"
    entry["details"] = conflict_details(directory, result)
    if not keep and operation_in_progress(directory):
        git(*undo, cwd=directory, check=False)
    return entry


def conflict_details(directory, result):
    """The conflicted files, each with its conflict regions; or git's words."""
    details = []
    status = git("status", "--porcelain", cwd=directory, check=False).stdout
    for line in status.splitlines():
        code, path = line[:2], line[3:]
        if code == "UU" or code == "AA":
            regions = conflict_regions(Path(directory) / path)
            details.append(f"{path}: {', '.join(regions) or 'conflicted'}")
        elif code in CONFLICT_KINDS:
            details.append(f"{path}: {CONFLICT_KINDS[code]}")
    if not details:
        output = (result.stdout + result.stderr).strip().splitlines()
        errors = [
            line for line in output if re.match(r"(error|fatal|Patch failed)", line)
        ]
        details = errors or [line for line in output if line.strip()][-6:]
    return details


def conflict_regions(path):
    """'lines A-B' per conflict marker region; in Python files, with the
    qualified name of the def or class it is in (by indentation)."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    regions, start, scopes, trimmed = [], None, [], False
    for number, line in enumerate(lines, 1):
        if line.startswith("<<<<<<< "):
            start, trimmed = number, False
        elif line.startswith(">>>>>>> ") and start is not None:
            where = ""
            if scopes and path.suffix == ".py":
                where = f" (in {'.'.join(name for _, name in scopes)})"
            regions.append(f"lines {start}-{number}{where}")
            start = None
        elif line.strip() and not line.lstrip().startswith("#"):
            if start is not None and (trimmed or line.startswith(("|||||||", "==="))):
                continue
            depth = len(line) - len(line.lstrip())
            scopes = [(d, name) for d, name in scopes if d < depth]
            trimmed = True
            if start is None and (match := PYTHON_SCOPE.match(line)):
                scopes.append((depth, match[1]))
    return regions


def put_patches(directory, state, start, keep):
    """Put the series from index `start` on; stop at a conflict."""
    series = state["series"]
    del state["entries"][start:]
    state["stopped"] = None
    for index in range(start, len(series)):
        entry = put_patch(directory, state, series[index], keep)
        state["entries"].append(entry)
        show_entry(index, len(series), entry)
        if entry["status"] == "conflict":
            state["stopped"] = index
            break


def show_entry(index, total, entry):
    width = len(str(total))
    note = ""
    if entry["form"] == "main":
        note = f"  (main form; release form: {entry.get('release_status', '?')})"
        if entry.get("stale"):
            note += "  STALE: the release patch changed since the main form was made"
    say(f"  [{index + 1:>{width}}/{total}] {entry['status']:<9} {entry['name']}{note}")
    for detail in entry["details"]:
        say(f"{'':>{2 * width + 16}}{detail}")


def report(directory, state, keep):
    """Print the rest of the series and the totals; return the counts."""
    series, entries = state["series"], state["entries"]
    width = len(str(len(series)))
    for index in range(len(entries), len(series)):
        say(f"  [{index + 1:>{width}}/{len(series)}] {'not tried':<9} {series[index]}")
    counts = {}
    for entry in entries:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    counts["not tried"] = len(series) - len(entries)
    main_forms = [entry for entry in entries if entry["form"] == "main"]
    stale = [entry["name"] for entry in main_forms if entry.get("stale")]
    summary = ", ".join(
        f"{counts[status]} {status}"
        for status in ("clean", "3-way", "empty", "resolved", "conflict", "not tried")
        if counts.get(status)
    )
    say(
        f"queue: rehearsal on Django {state['version']} "
        f"({Path(state['archive']).name}): {summary}; "
        f"{len(main_forms)} main form(s) used, {len(stale)} stale"
    )
    orphans = sorted(
        path.name for path in MAIN_FORMS.glob("*.patch") if path.name not in series
    )
    for name in orphans:
        say(
            f"queue: note: patches/main/{name} is not in series "
            "(--export-main removes it)"
        )
    if state["stopped"] is not None:
        entry = entries[state["stopped"]]
        if keep and operation_in_progress(directory):
            say(
                f"\nThe rehearsal stopped at {entry['name']} in {relative(directory)}:"
                "\nresolve the conflicts there, `git add` them and "
                f"`{entry['resume']}`,\nthen `scripts/queue rehearse --continue` "
                "(each further conflict stops again)\nand `scripts/queue rehearse "
                "--export-main`, which writes patches/main/."
            )
        elif not keep and entry["form"] == "main":
            say(
                f"queue: the main form of {entry['name']} does not apply on this "
                "main; `scripts/queue rehearse --keep` stops there to remake it "
                f"(with `--release-form {entry['name'][:4]}`: from the release form)"
            )
        elif not keep:
            say(
                f"queue: {entry['name']} conflicts on main and has no main form; "
                "`scripts/queue rehearse --keep` stops there to make one"
            )
    return counts, stale


# Commands ---------------------------------------------------------------------


def rehearse(
    archive=None,
    labels=(),
    db="sqlite",
    keep=False,
    strict=False,
    release_forms=(),
    force=False,
    extra=(),
    directory=REHEARSAL,
):
    """Apply the queue onto Django main (a source archive) in .cache/rehearsal/.

    Report each patch as clean, 3-way or conflict (with its conflict regions),
    using its main form (patches/main/) where it has one; stop at the first
    conflict. With LABELS, run them from the rehearsal tree on a database.
    """
    return run_rehearsal(
        archive, labels, db, keep, strict, release_forms, force, extra, directory
    )["code"]


def run_rehearsal(
    archive=None,
    labels=(),
    db="sqlite",
    keep=False,
    strict=False,
    release_forms=(),
    force=False,
    extra=(),
    directory=REHEARSAL,
):
    """rehearse(), returning {"code", "counts", "stale"}."""
    if archive is None and (archive := default_archive()) is None:
        raise QueueError(
            f"no archive: name one, set ${ARCHIVE_ENV}, or put {ARCHIVE_PATTERN} "
            f"in {UPSTREAM}."
        )
    archive = Path(archive).resolve()
    if not archive.is_file():
        raise QueueError(f"{archive} does not exist.")
    if not (TREE / ".git").is_dir():
        apply()
    if (problems := unsaved_work(directory)) and not force:
        raise QueueError(
            f"{relative(directory)} holds work that would be lost; export it "
            "(scripts/queue rehearse --export-main) or pass --force:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    series = read_series()
    for name in series:
        if not (PATCHES / name).exists():
            raise QueueError(f"patches/series names {name}, which does not exist.")
    release_forms = [resolve_name(name, series) for name in release_forms]
    started = time.monotonic()
    say(f"queue: rehearsing {len(series)} patch(es) on {archive.name}")
    state = prepare(directory, archive, series)
    state["release_forms"] = release_forms
    say(f"queue: {relative(directory)} = Django {state['version']} + the queue")
    put_patches(directory, state, 0, keep)
    # Recreating the tree loses nothing until someone commits there.
    state["saved_head"] = head(directory)
    save_state(directory, state)
    result = finish(directory, state, labels, db, strict, extra, keep, started)
    return result


def finish(directory, state, labels, db, strict, extra, keep, started=None):
    counts, stale = report(directory, state, keep)
    if started is not None:
        say(f"queue: the rehearsal took {time.monotonic() - started:.0f} s")
    code = 0
    if state["stopped"] is not None:
        code = 1
        if labels:
            say("queue: the tests were not run: not every patch applies")
    elif stale and strict:
        say(f"queue: stale main forms (--strict): {', '.join(stale)}")
        code = 1
    elif labels:
        code, _ = run_tests(db, "all", [*extra, *labels], checkout=directory)
    return {"code": code, "counts": counts, "stale": stale}


def continue_rehearsal(
    labels=(), db="sqlite", strict=False, extra=(), directory=REHEARSAL
):
    """Go on with the rehearsal after a conflict resolved by hand (--keep)."""
    state = load_state(directory)
    if what := operation_in_progress(directory):
        raise QueueError(
            f"{what} is in progress in {relative(directory)}: resolve the "
            "conflicts, `git add` them and continue it first."
        )
    if state["stopped"] is None:
        raise QueueError(
            "the rehearsal did not stop at a conflict: nothing to continue."
        )
    done = rehearsed_commits(directory, state)
    stopped = state["series"][state["stopped"]]
    if len(done) <= state["stopped"]:
        raise QueueError(
            f"{stopped} is not committed in {relative(directory)}: resolve it and "
            f"`{state['entries'][state['stopped']]['resume']}` first."
        )
    series = state["series"]
    for index in range(state["stopped"]):
        show_entry(index, len(series), state["entries"][index])
    for index in range(state["stopped"], len(done)):
        entry = state["entries"][index] if index < len(state["entries"]) else None
        form = entry["form"] if entry else "release"
        entry = {
            "name": series[index],
            "form": form,
            "status": "resolved",
            "details": [],
        }
        if index < len(state["entries"]):
            state["entries"][index] = entry
        else:
            state["entries"].append(entry)
        show_entry(index, len(series), entry)
    put_patches(directory, state, len(done), keep=True)
    save_state(directory, state)
    return finish(directory, state, labels, db, strict, extra, keep=True)["code"]


def rehearsed_commits(directory, state):
    """The rehearsal tree's commits on the archive, checked against series."""
    commits = git(
        "rev-list",
        "--reverse",
        "--first-parent",
        f"{state['root']}..HEAD",
        cwd=directory,
    ).stdout.split()
    series = state["series"]
    if len(commits) > len(series):
        raise QueueError(
            f"{relative(directory)} has {len(commits)} commits on the archive, "
            f"the series {len(series)} patches."
        )
    for name, commit in zip(series, commits):
        subject = git("log", "-1", "--format=%s", commit, cwd=directory).stdout
        expected = git(
            "log", "-1", "--format=%s", state["release"][name], cwd=directory
        ).stdout
        if subject != expected:
            raise QueueError(
                f"commit {commit[:12]} of {relative(directory)} is "
                f"{subject.strip()!r}, where the series has {name}."
            )
    return commits


def export_main(directory=REHEARSAL):
    """Write the rehearsal tree's commits that their release forms don't give
    to patches/main/, and remove the main forms no longer needed."""
    state = load_state(directory)
    if what := operation_in_progress(directory):
        raise QueueError(f"{what} is in progress in {relative(directory)}: finish it.")
    commits = rehearsed_commits(directory, state)
    series = state["series"]
    written, removed, unchanged = [], [], []
    parent = state["root"]
    entries = state["entries"]
    for index, (name, commit) in enumerate(zip(series, commits)):
        target = MAIN_FORMS / name
        merges, tree = release_merge(directory, parent, state["release"][name])
        own_tree = git("rev-parse", f"{commit}^{{tree}}", cwd=directory).stdout.strip()
        if merges and tree == own_tree:
            if target.exists():
                target.unlink()
                removed.append(name)
        else:
            text = main_form(directory, parent, commit, state["digests"][name])
            old = target.read_bytes() if target.exists() else None
            # A main form put on main as it was keeps the digest it records
            # (stale or not); one made or changed here records the release
            # form of this rehearsal.
            used_main = index < len(entries) and entries[index]["form"] == "main"
            same = old is not None and without_digest(old) == without_digest(text)
            if old == text or (used_main and same):
                unchanged.append(name)
            else:
                MAIN_FORMS.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text)
                written.append(name)
        parent = commit
    for path in sorted(MAIN_FORMS.glob("*.patch")):
        if path.name not in series:
            path.unlink()
            removed.append(path.name)
    if MAIN_FORMS.is_dir() and not any(MAIN_FORMS.iterdir()):
        MAIN_FORMS.rmdir()
    for what, names in (
        ("written", written),
        ("unchanged", unchanged),
        ("removed (not needed)", removed),
    ):
        for name in names:
            say(f"  {what}: patches/main/{name}")
    if len(commits) < len(series):
        say(
            f"queue: {len(series) - len(commits)} patch(es) after "
            f"{series[len(commits) - 1] if commits else 'the archive'} are not in "
            "the rehearsal tree; their main forms are kept"
        )
    if git(
        "status", "--porcelain", "--untracked-files=no", cwd=directory
    ).stdout.strip():
        say("queue: note: the rehearsal tree has uncommitted changes, not exported")
    say(
        f"queue: patches/main/: {len(written)} written, {len(unchanged)} unchanged, "
        f"{len(removed)} removed"
    )
    state["saved_head"] = head(directory)
    save_state(directory, state)
    return 0


def main_form(directory, parent, commit, digest):
    """The mail of `commit`, with the digest of the release form it replaces."""
    with tempfile.TemporaryDirectory() as tmp:
        (name,) = format_patches(tmp, cwd=directory, revisions=f"{parent}..{commit}")
        data = (Path(tmp) / name).read_bytes()
    headers, separator, rest = data.partition(b"\n\n")
    line = f"\n{RELEASE_HEADER}: sha256={digest}".encode()
    return headers + line + separator + rest


def without_digest(data):
    return re.sub(rb"\n" + RELEASE_HEADER.encode() + rb":[^\n]*", b"", data, count=1)


def resolve_name(name, series):
    """A patch of the series by file name or number (0008)."""
    matches = [n for n in series if n == name or n.split("-", 1)[0] == name]
    if len(matches) != 1:
        raise QueueError(f"--release-form {name}: no such patch in the series.")
    return matches[0]


def verify_step(strict=False):
    """The rehearsal's apply step for verify: (code, note); code None = skipped."""
    try:
        archive = default_archive()
    except QueueError as error:
        return 1, str(error)
    if archive is None:
        say(
            f"queue: no Django main archive (${ARCHIVE_ENV}, or {ARCHIVE_PATTERN} "
            f"in {UPSTREAM}): the rehearsal is skipped"
        )
        return None, "no archive"
    result = run_rehearsal(
        archive, strict=strict, force=True, directory=VERIFY_REHEARSAL
    )
    counts = result["counts"]
    problems = []
    if counts.get("conflict"):
        problems.append(
            f"{counts['conflict']} conflict(s), {counts['not tried']} not tried"
        )
    if result["stale"]:
        problems.append(f"{len(result['stale'])} stale main form(s)")
    if not problems:
        return 0, None
    if strict:
        return 1, "; ".join(problems)
    return 0, "; ".join(problems) + ", reported (not --strict)"

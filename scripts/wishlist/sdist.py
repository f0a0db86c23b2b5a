"""The pinned Django release: download and verify its sdist, import it as a
commit, and read back which release a checkout's `base` commit holds."""

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .config import CACHE, ROOT, TREE, QueueError, read_config, say
from .envs import find_python
from .proc import git, git_env, sha256_of


def sdist(version, sha256=None):
    """Return the cached sdist of Django `version`, downloading it with pip.

    With `sha256`, refuse a file whose hash differs.
    """
    cache = CACHE / "sdist"
    path = cache / f"django-{version}.tar.gz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        say(f"queue: downloading the Django {version} sdist")
        python = find_python(read_config()["python"])
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run(
                [
                    python,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    f"Django=={version}",
                    "--dest",
                    tmp,
                ],
                capture_output=True,
                text=True,
            )
            found = list(Path(tmp).glob("*.tar.gz"))
            if result.returncode or len(found) != 1:
                raise QueueError(
                    f"pip could not download the Django {version} sdist:\n"
                    f"{result.stdout}{result.stderr}".rstrip()
                )
            actual = sha256_of(found[0])
            if sha256 and actual != sha256:
                raise QueueError(
                    f"refusing the downloaded Django {version} sdist: its sha256 "
                    f"is {actual}, setup.cfg pins {sha256}."
                )
            shutil.move(found[0], path)
    elif sha256 and (actual := sha256_of(path)) != sha256:
        raise QueueError(
            f"refusing {path.relative_to(ROOT)}: its sha256 is {actual}, "
            f"setup.cfg pins {sha256}. Delete the file to download it again."
        )
    return path


def extract_sdist(archive, dest):
    """Extract the upstream files of an sdist into dest (no PKG-INFO/egg-info).

    The archive's top directory is dropped, so a `git archive --prefix` of
    Django's repository extracts the same way.
    """
    with tarfile.open(archive) as tar:
        members = []
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) < 2 or not parts[1]:
                continue
            relative = parts[1]
            top = relative.split("/", 1)[0]
            if relative == "PKG-INFO" or top.endswith(".egg-info"):
                continue
            member.name = relative
            members.append(member)
        tar.extractall(dest, members=members, filter="data")


def base_message(version, sha256):
    return f"Imported Django {version}.\n\nsdist sha256: {sha256}\n"


def read_base(cwd=TREE):
    """Return (version, sha256) recorded in tree/'s base commit."""
    message = git("log", "-1", "--format=%B", "base", cwd=cwd).stdout
    match = re.search(r"Imported Django (\S+)\.\s+sdist sha256: (\w+)", message)
    if not match:
        raise QueueError("tree/'s base commit does not record a Django release.")
    return match.groups()


# A fixed date makes the imported commits the same wherever they are made.
IMPORT_DATE = "2000-01-01T00:00:00+00:00"


def commit_sdist(archive, version, sha256, cwd):
    """Commit the sdist's files as the whole content of the work tree."""
    extract_sdist(archive, cwd)
    git("add", "--all", "--force", ".", cwd=cwd)
    git(
        "commit",
        "--quiet",
        "--allow-empty",
        "--no-verify",
        "-m",
        base_message(version, sha256),
        cwd=cwd,
        env=git_env(GIT_AUTHOR_DATE=IMPORT_DATE, GIT_COMMITTER_DATE=IMPORT_DATE),
    )
    return git("rev-parse", "HEAD", cwd=cwd).stdout.strip()

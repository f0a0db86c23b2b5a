"""Subprocesses: git with a fixed configuration, other commands, hashing."""

import hashlib
import os
import subprocess
import sys

from .config import TOOL_IDENT, TREE, QueueError


def git_env(**extra):
    """An environment in which git ignores the user's and system's config.

    Export output then depends only on the tree (no diff.noprefix,
    format.signature, core.abbrev... of whoever runs it).
    """
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": TOOL_IDENT[0],
        "GIT_AUTHOR_EMAIL": TOOL_IDENT[1],
        "GIT_COMMITTER_NAME": TOOL_IDENT[0],
        "GIT_COMMITTER_EMAIL": TOOL_IDENT[1],
        "LC_ALL": "C",
    }
    env.update(extra)
    return env


# Repository settings (tree/.git/config) that would change what format-patch
# writes or how am applies; the user's global config is ignored already.
DETERMINISTIC_CONFIG = [
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.algorithm=myers",
    "diff.indentHeuristic=true",
    "diff.renames=true",
    "diff.suppressBlankEmpty=false",
    "format.signOff=false",
    "format.coverLetter=false",
    "format.thread=false",
    "format.forceInBodyFrom=false",
    "format.encodeEmailHeaders=true",
    "am.keepcr=false",
    "am.threeWay=false",
]


def git(*args, cwd=TREE, check=True, env=None, input=None):
    if args and args[0] in ("format-patch", "am"):
        args = [
            *(item for entry in DETERMINISTIC_CONFIG for item in ("-c", entry)),
            *args,
        ]
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env or git_env(),
        capture_output=True,
        text=True,
        input=input,
    )
    if check and result.returncode:
        raise QueueError(
            f"git {' '.join(args)} failed:\n{result.stdout}{result.stderr}".rstrip()
        )
    return result


def run(args, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run([str(arg) for arg in args], **kwargs)


def run_streaming(command, **kwargs):
    """Run command, passing its output through; return (code, output's tail)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs
    )
    tail = b""
    while chunk := os.read(process.stdout.fileno(), 65536):
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        tail = (tail + chunk)[-20000:]
    return process.wait(), tail.decode(errors="replace")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

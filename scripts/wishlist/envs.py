"""Pythons and the virtual environments under .cache/."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from .config import CACHE, ROOT, SCRIPTS, TREE, QueueError, read_config, say
from .proc import run


def ensure_modern_python(script):
    """Re-run `script` under the configured Python if this one is too old.

    tarfile's extraction filters need Python 3.11.4 or later; Debian's
    /usr/bin/python3 may be 3.11.2.
    """
    if hasattr(tarfile, "data_filter") or os.environ.get("WISHLIST_REEXEC"):
        return
    python = find_python(read_config()["python"])
    os.environ["WISHLIST_REEXEC"] = "1"
    os.execv(python, [python, str(script), *sys.argv[1:]])


def find_python(version):
    """Return a working pythonX.Y: on PATH, or installed through pyenv."""
    name = f"python{version}"
    candidates = []
    if on_path := shutil.which(name):
        candidates.append(on_path)
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(
        (str(p) for p in pyenv_root.glob(f"versions/{version}*/bin/{name}")),
        key=lambda path: [
            int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path)
        ],
        reverse=True,
    )
    candidates += [f"/usr/local/bin/{name}", f"/usr/bin/{name}"]
    for candidate in candidates:
        if not os.path.exists(candidate):
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0:
            return candidate
    raise QueueError(f"{name} not found (looked on PATH and in {pyenv_root}).")


def venv(name, requirements=(), editable=None):
    """Create (once) a venv under .cache/ and keep it in sync with its inputs.

    Return the path of its python. The requirement files and the editable
    project are hashed into a marker file: the venv is updated when they
    change, not on every run.
    """
    config = read_config()
    path = CACHE / f"venv-{name}"
    python = path / "bin" / "python"
    marker = path / ".wishlist-inputs"
    inputs = hashlib.sha256()
    for requirement in requirements:
        inputs.update(Path(requirement).read_bytes())
    if editable:
        inputs.update(f"{editable}:{config['base']}+{config['label']}".encode())
    inputs = inputs.hexdigest()
    if python.exists() and marker.exists() and marker.read_text() == inputs:
        return python
    if any("mysqlclient" in Path(r).read_text() for r in requirements):
        # Debian packages mysqlclient builds against (root only).
        run([sys.executable, SCRIPTS / "databases", "deps"])
    if not python.exists():
        say(f"queue: creating .cache/venv-{name}")
        run([find_python(config["python"]), "-m", "venv", path])
        run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    for requirement in requirements:
        say(f"queue: installing {Path(requirement).relative_to(ROOT)} into venv-{name}")
        run([python, "-m", "pip", "install", "-q", "-r", requirement])
    if editable:
        say(f"queue: installing {editable} (editable) into venv-{name}")
        run([python, "-m", "pip", "install", "-q", "--no-deps", "-e", editable])
    marker.write_text(inputs)
    return python


def tests_python():
    """The Python of the suite's venv, with tree/ installed in it (editable)."""
    return venv("tests", [SCRIPTS / "requirements" / "tests.txt"], editable=str(TREE))

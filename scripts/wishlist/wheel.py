"""`build`: the wheel of tree/'s HEAD, and a smoke test of what users see."""

import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .config import DIST, TREE, QueueError, read_config, say
from .envs import find_python
from .proc import git, git_env, run
from .queue import apply, require_tree


def build():
    """Build the wheel from tree/'s HEAD into dist/ and smoke-test it."""
    config = read_config()
    if not (TREE / ".git").is_dir():
        apply()
    wheel = build_wheel()
    smoke_test(
        wheel, f"{config['base']}+{config['label']}", find_python(config["python"])
    )
    return 0


def build_wheel():
    """Build the wheel of tree/'s HEAD into dist/; return its path."""
    config = read_config()
    require_tree()
    if git("status", "--porcelain").stdout.strip():
        say("queue: note: tree/ has uncommitted changes; the wheel is built from HEAD")
    expected = f"{config['base']}+{config['label']}"
    python = find_python(config["python"])
    DIST.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        # Build from the committed state only: no stray files, no build/ dirs
        # left in tree/.
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD"],
            cwd=TREE,
            env=git_env(),
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(source, filter="data")
        say(f"queue: building the wheel of Django {expected}")
        out = Path(tmp) / "wheel"
        run(
            [
                python,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--wheel-dir",
                out,
                source,
            ]
        )
        (wheel,) = out.glob("*.whl")
        version = wheel.name.split("-")[1]
        if version != expected:
            raise QueueError(
                f"the wheel's version is {version}, setup.cfg says {expected}: "
                "the version label patch and setup.cfg disagree."
            )
        target = DIST / wheel.name
        shutil.copy(wheel, target)
    say(f"queue: built dist/{target.name}")
    return target


def smoke_test(wheel, expected, python):
    """Install the wheel into a fresh venv and check what users would see."""
    with tempfile.TemporaryDirectory() as tmp:
        env_python = Path(tmp) / "bin" / "python"
        run([python, "-m", "venv", tmp])
        run([env_python, "-m", "pip", "install", "--quiet", wheel])
        outputs = {
            "python -m django --version": run(
                [env_python, "-m", "django", "--version"],
                capture_output=True,
                text=True,
                cwd=tmp,
            ).stdout.strip(),
            "django.get_version()": run(
                [env_python, "-c", "import django; print(django.get_version())"],
                capture_output=True,
                text=True,
                cwd=tmp,
            ).stdout.strip(),
        }
        for what, output in outputs.items():
            say(f"  {what}: {output}")
            if output != expected:
                raise QueueError(f"{what} printed {output!r}, expected {expected!r}.")
        check = run(
            [env_python, "-m", "pip", "check"],
            capture_output=True,
            text=True,
            check=False,
        )
        say(f"  pip check: {check.stdout.strip()}")
        if check.returncode:
            raise QueueError("pip check failed:\n" + check.stdout + check.stderr)
        # Projects pinning Django>=4.2 (or <7) must keep resolving to the fork.
        spec = run(
            [
                env_python,
                "-c",
                "import importlib.metadata as m;"
                "from pip._vendor.packaging.specifiers import SpecifierSet;"
                "v = m.version('Django');"
                "print(v in SpecifierSet('>=4.2,<7'))",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        say(f"  satisfies Django>=4.2,<7: {spec}")
        if spec != "True":
            raise QueueError("the wheel's version does not satisfy Django>=4.2,<7.")

"""`e2e`: the round trips (tests/e2e/) with the built wheel, per database."""

import json
import os
import re
import sys
from pathlib import Path

from . import coverage as coverage_data
from .config import DATABASES, E2E, SCRIPTS, say
from .envs import venv
from .proc import run, run_streaming
from .wheel import build_wheel


def e2e_environment(name="e2e", wheel=None):
    """A venv of the round trips, with the wheel (by default, built) installed."""
    python = venv(name, [SCRIPTS / "requirements" / "e2e.txt"])
    if wheel is None:
        wheel = build_wheel()
    say(f"queue: installing {wheel.name} into venv-e2e")
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--force-reinstall",
            "--no-deps",
            wheel,
        ]
    )
    return python


def e2e(
    dbs=None,
    k=None,
    keep=False,
    verbose=False,
    venv_name=None,
    wheel=None,
    coverage=False,
):
    """Run the round trips (tests/e2e/) with the built wheel on databases."""
    # Return (exit code, {"run", "failed", "skipped"} over all databases).
    # coverage: measure the projects' manage.py processes into
    # .cache/coverage/data/e2e-<db>/ (the wheel's django/ maps onto tree/'s):
    # coverage.py, installed in the venv, starts in every Python process when
    # COVERAGE_PROCESS_START names an rcfile.
    python = e2e_environment(
        f"e2e-{venv_name}" if venv_name else "e2e",
        Path(wheel).resolve() if wheel else None,
    )
    code = 0
    counts = {"run": 0, "failed": 0, "skipped": 0}
    for db in dbs or ["sqlite"]:
        if DATABASES[db] is not None:
            run([sys.executable, SCRIPTS / "databases", "start", db])
        database = (
            None
            if DATABASES[db] is None
            else {**DATABASES[db], "USER": "django", "PASSWORD": "django"}
        )
        command = [
            python,
            E2E / "roundtrip.py",
            "--python",
            python,
            "--db",
            db,
            *(["--database", json.dumps(database)] if database else []),
            *[option for name in k or () for option in ("-k", name)],
            *(["--keep"] if keep else []),
            *(["--verbose"] if verbose else []),
            "--log",
        ]
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        env.pop("COVERAGE_PROCESS_START", None)
        if coverage:
            env["COVERAGE_PROCESS_START"] = str(coverage_data.prepare(f"e2e-{db}"))
        returncode, tail = run_streaming(command, env=env)
        if coverage:
            coverage_data.compact(f"e2e-{db}", python)
        code = code or returncode
        found = re.findall(r"(?m)^(\d+) passed, (\d+) failed, (\d+) skipped$", tail)
        if not found:
            say(f"queue: the round trips on {db} printed no counts")
            code = code or 1
            continue
        passed, failed, skipped = map(int, found[-1])
        counts["run"] += passed + failed + skipped
        counts["failed"] += failed
        counts["skipped"] += skipped
    return code, counts

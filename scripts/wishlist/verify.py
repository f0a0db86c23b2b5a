"""`verify`: every step CI runs, each reported, with a timed summary."""

import sys
import time

from . import coverage
from .config import DATABASES, SCRIPTS, say
from .docs import docs
from .e2e import e2e
from .lint import check
from .proc import run
from .queue import apply
from .rehearse import verify_step
from .testing import run_tests
from .wheel import build


def verify(force=False, parallel="2", skip=(), strict=False):
    """Everything CI runs, in order; a failed step fails the whole.

    Every step runs even when an earlier one failed (but apply), so that one
    run shows all that is wrong.
    """
    # A step returns an exit code (None: 0), or (code, note) where a code of
    # None means the step found nothing to do (skipped).
    started = time.monotonic()
    steps = [
        ("apply", lambda: apply(force=force)),
        ("rehearsal on main", lambda: verify_step(strict)),
        ("tool tests", lambda: run_tool_tests()),
        ("check", lambda: check()),
        ("build", lambda: build()),
        (
            "bench smoke",
            lambda: run(
                [sys.executable, SCRIPTS / "bench", "--smoke"], check=False
            ).returncode,
        ),
        ("docs", lambda: docs()),
    ]
    # The suites and the round trips are measured (line coverage, by
    # sys.monitoring: little cost), and the last step reports the coverage of
    # the lines the patches add, combined over them all.
    steps.append(("e2e", lambda: verify_e2e(totals)))
    for db, labels in (
        ("sqlite", "all"),
        ("postgresql", "all"),
        ("mysql", "db"),
        ("postgresql18", "db"),
    ):
        steps.append(
            (
                f"tests on {db} ({'full suite' if labels == 'all' else 'db labels'})",
                lambda db=db, labels=labels: verify_tests(db, labels, parallel, totals),
            )
        )
    steps.append(("coverage of the added lines", lambda: coverage_step()))
    totals = {"run": 0, "failed": 0, "skipped": 0}
    timings = []
    for name, step in steps:
        if skip and any(s == name.split(" (")[0] for s in skip):
            say(f"\n=== {name}: skipped")
            timings.append((name, 0, None, None))
            continue
        say(f"\n=== {name}")
        step_started = time.monotonic()
        note = None
        try:
            code = step()
            if isinstance(code, tuple):
                code, note = code
            else:
                code = code or 0
        except Exception as error:  # A step's failure must not hide the others.
            say(f"queue: error: {type(error).__name__}: {error}")
            code = 1
        timings.append((name, time.monotonic() - step_started, code, note))
        if code and name == "apply":
            break
    say("\n=== summary")
    for name, seconds, code, note in timings:
        status = "skipped" if code is None else "FAILED" if code else "ok"
        if note:
            status += f" ({note})"
        say(f"  {name:<40} {seconds:>6.0f} s  {status}")
    say(f"  {'total':<40} {time.monotonic() - started:>6.0f} s")
    failed = [name for name, _, code, _ in timings if code]
    if failed:
        say(f"verify: FAILED: {', '.join(failed)}")
    elif any(code is None for _, _, code, _ in timings):
        say("verify: every step that ran passed (some were skipped)")
    else:
        say("verify: all steps passed")
    passed = totals["run"] - totals["failed"] - totals["skipped"]
    say(
        f"tests: {passed} passed, {totals['failed']} failed, "
        f"{totals['skipped']} skipped"
    )
    return 1 if failed else 0


def verify_tests(db, labels, parallel, totals):
    code, counts = run_tests(
        db, labels, ["--noinput", "--parallel", str(parallel)], coverage=True
    )
    if counts is None:
        say(f"queue: the {db} run printed no test counts")
        return code or 1
    for key in totals:
        totals[key] += counts[key]
    return code


def verify_e2e(totals):
    code, counts = e2e(dbs=list(DATABASES), coverage=True)
    for key in totals:
        totals[key] += counts[key]
    return code


def coverage_step():
    """Report the combined coverage; only a failure to report fails."""
    code, note = coverage.report()
    return (code or 0), note


def run_tool_tests():
    return run(
        [
            sys.executable,
            "-m",
            "unittest",
            "discover",
            "-s",
            SCRIPTS / "tests",
            "-t",
            SCRIPTS / "tests",
        ],
        check=False,
    ).returncode

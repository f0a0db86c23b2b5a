"""django-wishlist's patch queue: pristine Django sdist + patches/ -> tree/.

  apply    materialize tree/: the pinned sdist as commit `base`, then a commit
           per patch in patches/series
  export   write tree/'s commits base..HEAD back to patches/ and series
  status   say whether tree/ and patches/ agree (exit 0) or what differs
  check    lint the queue: applies without fuzz, commit form, trailers,
           tests+docs per feature patch, black/isort/flake8/sphinx-lint
  build    build the wheel into dist/ and smoke-test it in a fresh venv
  test     run Django's test suite from tree/ on a database
  docs     build the patched documentation (Sphinx HTML, warnings are errors)
  e2e      the round trips: projects driven through makemigrations/migrate
           by the built wheel, on a database (tests/e2e/)
  coverage the lines the patches add that the runs measured with --coverage
           (test, e2e) executed, combined over the databases
  verify   what CI runs: apply, the rehearsal on Django main, check, build,
           bench smoke, docs, the suites, the round trips
  rebase   import another Django release as base and rebase the queue on it
  rehearse apply the queue onto Django main (a source archive) in a throwaway
           tree: clean, 3-way or conflict per patch; main forms in
           patches/main/; then test labels there

Standard library and git only. Run `scripts/queue COMMAND --help` for details.
"""

import argparse
import sys

from . import coverage, docs, e2e, lint, queue, rehearse, testing, verify, wheel
from .config import DATABASES, SCRIPTS, QueueError
from .envs import ensure_modern_python

REHEARSE_USAGE = """\
scripts/queue rehearse [options] [ARCHIVE] [LABELS...]
       scripts/queue rehearse --continue [options] [LABELS...]
       scripts/queue rehearse --export-main"""


def parser():
    parser = argparse.ArgumentParser(
        prog="scripts/queue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, function, help, call, **kwargs):
        """A subcommand documented by `function`; `call(args, extra)` runs it."""
        p = sub.add_parser(name, help=help, description=function.__doc__, **kwargs)
        p.set_defaults(call=call)
        return p

    p = command(
        "apply",
        queue.apply,
        "materialize tree/ from the sdist and patches/",
        lambda args, extra: queue.apply(force=args.force),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite tree/ even if it holds unexported work",
    )
    p = command(
        "export",
        queue.export,
        "write tree/'s commits back to patches/",
        lambda args, extra: queue.export(force=args.force),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite patches/ even if it changed since tree/ was applied",
    )
    command(
        "status",
        queue.status,
        "do tree/ and patches/ agree?",
        lambda args, extra: queue.status(),
    )
    command("check", lint.check, "lint the queue", lambda args, extra: lint.check())
    command(
        "build",
        wheel.build,
        "build and smoke-test the wheel",
        lambda args, extra: wheel.build(),
    )
    p = command(
        "test",
        testing.run_tests,
        "run Django's tests from tree/",
        lambda args, extra: testing.run_tests(
            args.db, args.labels, extra, coverage=args.coverage
        )[0],
    )
    p.add_argument(
        "--db",
        choices=DATABASES,
        default="sqlite",
        help="the database to run on (default: sqlite)",
    )
    p.add_argument(
        "--coverage",
        action="store_true",
        help="measure the run into .cache/coverage/ (see `scripts/queue coverage`)",
    )
    p.add_argument(
        "--labels",
        choices=["all", "db"],
        default="all",
        help="'db' adds the database-layer labels to the arguments",
    )
    p.epilog = "Other arguments are passed to tests/runtests.py."
    p = command(
        "docs",
        docs.docs,
        "build the patched docs",
        lambda args, extra: docs.docs(output=args.output),
    )
    p.add_argument("--output", help="where to write the HTML (default: a temp dir)")
    p = command(
        "e2e",
        e2e.e2e,
        "run the round trips (tests/e2e/)",
        lambda args, extra: e2e.e2e(
            dbs=args.db,
            k=args.k,
            keep=args.keep,
            verbose=args.verbose,
            venv_name=args.venv,
            wheel=args.wheel,
            coverage=args.coverage,
        )[0],
    )
    p.add_argument(
        "--db",
        action="append",
        choices=DATABASES,
        help="a database to run on (repeatable; default: sqlite)",
    )
    p.add_argument("-k", action="append", help="only scenarios whose name has K")
    p.add_argument("--keep", action="store_true", help="keep the projects")
    p.add_argument("-v", "--verbose", action="store_true", help="print every command")
    p.add_argument("--wheel", help="install this wheel rather than build tree/'s HEAD")
    p.add_argument("--venv", help="use .cache/venv-e2e-VENV (parallel runs)")
    p.add_argument(
        "--coverage",
        action="store_true",
        help="measure the projects' processes (see `scripts/queue coverage`)",
    )
    p = command(
        "coverage",
        coverage.report,
        "report the coverage of the added lines",
        run_coverage,
    )
    p.add_argument(
        "--erase", action="store_true", help="forget the measured data instead"
    )
    p = command(
        "verify",
        verify.verify,
        "everything CI runs",
        lambda args, extra: verify.verify(
            force=args.force, parallel=args.parallel, skip=args.skip, strict=args.strict
        ),
    )
    p.add_argument("--force", action="store_true", help="passed to apply")
    p.add_argument("--parallel", default="2", help="test processes (default: 2)")
    p.add_argument(
        "--skip",
        action="append",
        metavar="STEP",
        help="skip a step by name, e.g. 'docs', 'tests on mysql' (repeatable)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail the rehearsal on Django main when a patch conflicts there or "
        "a main form is stale (default: report it only)",
    )
    p = command(
        "rebase",
        queue.rebase,
        "move the queue onto another Django release",
        lambda args, extra: queue.rebase(args.version, sha256=args.sha256),
    )
    p.add_argument("version", help="the Django release, e.g. 6.1.4")
    p.add_argument("--sha256", help="refuse the sdist unless it has this sha256")
    p = command(
        "rehearse",
        rehearse.rehearse,
        "apply the queue onto Django main in a throwaway tree",
        run_rehearse,
        usage=REHEARSE_USAGE,
    )
    p.add_argument(
        "arguments",
        nargs="*",
        metavar="ARCHIVE LABELS",
        help="a source archive of Django main (a name ending in .tar.gz, ...; "
        "default: see above), then test labels to run from the rehearsal tree",
    )
    p.add_argument(
        "--db",
        choices=DATABASES,
        default="sqlite",
        help="the database the labels run on (default: sqlite)",
    )
    p.add_argument("--parallel", help="test processes, passed to runtests.py")
    p.add_argument(
        "--keep",
        action="store_true",
        help="stop at the first conflict with it in progress in the rehearsal "
        "tree, to be resolved there (then --continue, --export-main)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail on stale main forms too (a conflict always fails)",
    )
    p.add_argument(
        "--release-form",
        action="append",
        default=[],
        metavar="PATCH",
        help="use PATCH's release form even if it has a main form, e.g. to "
        "remake a stale one with --keep (a file name or its number; repeatable)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="recreate the rehearsal tree even if it holds unexported work",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="go on after a conflict resolved by hand (--keep)",
    )
    group.add_argument(
        "--export-main",
        action="store_true",
        help="write the rehearsal tree's patches that differ from their release "
        "form to patches/main/; remove the main forms no longer needed",
    )
    p.epilog = (
        "ARCHIVE defaults to $WISHLIST_MAIN_ARCHIVE, else the newest "
        "../shared/upstream/django-main-*.tar.gz beside the repository. Other "
        "options (--opt=value) are passed to tests/runtests.py with the labels."
    )
    return parser


def run_coverage(args, extra):
    if args.erase:
        coverage.erase()
        return 0
    return coverage.report()[0]


def run_rehearse(args, extra):
    positional = list(args.arguments)
    runtests = [*extra, *([f"--parallel={args.parallel}"] if args.parallel else [])]
    if args.export_main:
        if positional or extra:
            raise QueueError("--export-main takes no other arguments.")
        return rehearse.export_main()
    if args.resume:
        return rehearse.continue_rehearsal(
            labels=positional, db=args.db, strict=args.strict, extra=runtests
        )
    archive = None
    if positional and rehearse.looks_like_archive(positional[0]):
        archive = positional.pop(0)
    return rehearse.rehearse(
        archive,
        labels=positional,
        db=args.db,
        keep=args.keep,
        strict=args.strict,
        release_forms=args.release_form,
        force=args.force,
        extra=runtests,
    )


def main(argv=None):
    ensure_modern_python(SCRIPTS / "queue")
    root = parser()
    args, extra = root.parse_known_args(argv)
    if extra and args.command not in ("test", "rehearse"):
        root.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        code = args.call(args, extra)
    except QueueError as error:
        print(f"queue: error: {error}", file=sys.stderr)
        return 1
    return code or 0

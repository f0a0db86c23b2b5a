"""The pyperf runner of scripts/bench: one Django, the benchmarks, one database.

scripts/bench runs this file with the python of each environment (pristine
Django, the fork), alternately, and compares what they write. It can also be
run alone:

    .cache/venv-bench-fork/bin/python scripts/benchmarks/run.py --db sqlite \
        --filter save -o /tmp/fork.json

Each pyperf worker process runs one benchmark: it configures Django with that
benchmark's apps, creates a test database, runs the benchmark's setup and
then times only its measured part.
"""

import importlib
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from registry import BENCHMARKS  # noqa: E402

DATABASES = {
    "sqlite": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    "postgresql": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "bench",
        "HOST": "127.0.0.1",
        "PORT": 5432,
        "USER": "django",
        "PASSWORD": "django",
    },
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "bench",
        "HOST": "127.0.0.1",
        "PORT": 3306,
        "USER": "django",
        "PASSWORD": "django",
    },
}


def load_benchmarks():
    importlib.import_module("core")
    features = HERE / "features"
    for path in sorted(features.glob("*.py")):
        if path.name != "__init__.py":
            importlib.import_module(f"features.{path.stem}")


def django_settings(db, apps):
    """The settings of a benchmark's process: its database and apps."""
    return dict(
        DEBUG=False,
        DATABASES={"default": dict(DATABASES[db])},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "benchapp",
            *apps,
        ],
        USE_TZ=True,
        SECRET_KEY="bench",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        # A generated app (see core.generated_app()) has an empty migrations
        # package for the test database's creation: its tables are the
        # benchmark's business.
        MIGRATION_MODULES={
            "auth": None,
            "contenttypes": None,
            **{label: f"{label}.empty_migrations" for label in apps},
        },
    )


def setup_django(db, apps):
    """Configure Django for one benchmark and create its test database."""
    import django
    from django.conf import settings

    settings.configure(**django_settings(db, apps))
    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    settings.MIGRATION_MODULES = {"auth": None, "contenttypes": None}


def make_time_func(bench, db):
    state = {}

    def time_func(loops):
        if not state:
            workdir = tempfile.mkdtemp(prefix="bench-")
            sys.path.insert(0, workdir)
            apps = bench.make_apps(Path(workdir)) if bench.make_apps else []
            setup_django(db, apps)
            state["context"] = bench.setup() if bench.setup else None
        return bench.func(loops, state["context"])

    return time_func


def main():
    import pyperf

    runner = pyperf.Runner(add_cmdline_args=add_cmdline_args)
    runner.argparser.add_argument("--db", choices=DATABASES, default="sqlite")
    runner.argparser.add_argument("--filter", action="append", default=[])
    runner.argparser.add_argument(
        "--group", choices=["all", "fast", "slow"], default="all"
    )
    runner.argparser.add_argument("--list", action="store_true")
    args = runner.parse_args()
    load_benchmarks()
    import django

    runner.metadata["django_version"] = django.__version__
    runner.metadata["django_db"] = args.db
    for name, bench in BENCHMARKS.items():
        if args.filter and not any(re.search(f, name) for f in args.filter):
            continue
        if args.db not in bench.databases:
            continue
        if bench.requires and not bench.requires():
            continue
        if args.group != "all" and bench.slow != (args.group == "slow"):
            continue
        if args.list:
            print(name)
            continue
        runner.bench_time_func(name, make_time_func(bench, args.db))


def add_cmdline_args(cmd, args):
    cmd.extend(["--db", args.db, "--group", args.group])
    for pattern in args.filter:
        cmd.extend(["--filter", pattern])


if __name__ == "__main__":
    main()

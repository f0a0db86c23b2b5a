"""End-to-end round trips of the fork's features, run as users run them.

A scenario is a small project whose models change step by step. For each
database, the runner creates the project in a temporary directory and drives
it through ``manage.py`` with the Python of a venv in which the built wheel is
installed:

* at each step, it writes the models, runs ``makemigrations`` (and asserts
  the operations written), ``migrate``, and the step's checks of the schema
  and the data in the project (``manage.py e2e step``). A step that expects
  system check errors runs ``manage.py check`` instead, and asserts that it
  fails naming each error and the model;
* at the end: ``makemigrations --check`` finds no changes; every table's rows
  are dumped and checksummed; the migrations are unapplied one at a time down
  to zero, which must leave none of the scenario's tables, views, or
  triggers; ``migrate`` applies them again, the dump is loaded, and the
  checksums must be equal; ``squashmigrations`` squashes each application's
  migrations, which must migrate a fresh database to the same schema; and
  where the scenario asks for it, ``inspectdb`` writes models of its tables
  whose migrations must create the same columns and constraints in a fresh
  database, after which ``makemigrations --check`` finds no changes.

Only the standard library is used here; the project side is the ``e2e``
command of the ``e2e_probe`` application (``e2e_probe/``).

  python roundtrip.py --python VENV_PYTHON --db sqlite --database '{...}' [-k NAME]
"""

import argparse
import dataclasses
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclasses.dataclass
class Step:
    """A version of a scenario's models and what it must produce.

    models: {app label: source of models.py}, dedented; the applications not
        named keep their models.
    operations: {app label: [labels of the operations that makemigrations
        writes, in order, over all the migrations it writes for the app]};
        an application not named must get no migration. None: not checked.
    check: a function called in the project after migrate with a Context,
        to assert the schema and to write and assert data.
    errors: the ids of the system check errors (e.g. "fields.E349") that
        this version of the models must raise; "model" is the label of the
        model they must name. Such a step is bad input: it isn't migrated,
        and the next step starts from the models before it.
    files: other files of the project to write at this step.
    vendors: the databases ("sqlite", "postgresql", "mysql") the step runs
        on; None for all.
    answers: the lines typed at makemigrations' questions (e.g. "y" to
        confirm a rename); an unexpected question fails the step.
    migrate_error: a regular expression of the error that migrate must fail
        with. The step's check then runs, e.g. to assert that no rows were
        lost, and the migrations written at this step are deleted, as a user
        fixing the models would, before the next step.
    """

    name: str
    models: dict = dataclasses.field(default_factory=dict)
    operations: dict | None = None
    check: object = None
    errors: tuple = ()
    model: str | None = None
    files: dict = dataclasses.field(default_factory=dict)
    vendors: tuple | None = None
    answers: tuple = ()
    migrate_error: str | None = None


@dataclasses.dataclass
class Scenario:
    """A project: its applications, its steps, and the round trip's options.

    apps: the labels of the applications, in INSTALLED_APPS order; each is a
        package with models.py and migrations/.
    installed: other applications to install, before apps (e.g.
        "django.contrib.postgres").
    files: the project's other files (e.g. "audit/apps.py"), written first.
    settings: extra lines of settings.py.
    vendors: the databases the scenario runs on; None for all.
    inspect: the tables to run inspectdb on at the end, or () for none.
    inspect_views: pass --include-views to inspectdb.
    squash: squash each application's migrations at the end.
    """

    name: str
    apps: tuple
    steps: list
    installed: tuple = ()
    files: dict = dataclasses.field(default_factory=dict)
    settings: str = ""
    vendors: tuple | None = None
    inspect: tuple = ()
    inspect_views: bool = False
    squash: bool = True
    description: str = ""


def vendor_of(db):
    return {"postgresql18": "postgresql"}.get(db, db)


def load_scenarios():
    """The scenarios of scenarios/*.py: each module's SCENARIOS list."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    scenarios = []
    for path in sorted((HERE / "scenarios").glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"scenarios.{path.stem}")
            module_scenarios = list(module.SCENARIOS)
        except Exception as e:
            # Reported as a failed scenario, so that the others still run.
            broken = Scenario(
                name=f"{path.stem} (module)", apps=(), steps=[], description=str(e)
            )
            broken.error = f"scenarios/{path.name}: {type(e).__name__}: {e}"
            module_scenarios = [broken]
        for scenario in module_scenarios:
            scenario.module = f"scenarios.{path.stem}"
            scenarios.append(scenario)
    names = [scenario.name for scenario in scenarios]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise SystemExit(f"roundtrip: duplicate scenario names: {duplicates}")
    return scenarios


class StepFailed(Exception):
    pass


SETTINGS = """\
# Written by tests/e2e/roundtrip.py.
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "e2e"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = {apps!r}
DATABASES = {databases!r}
E2E_SCENARIO = {module!r}, {name!r}
{extra}
"""

MANAGE = """\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


class Project:
    """A scenario's project on one database, driven through manage.py."""

    ALIASES = ("default", "squash", "inspect")

    def __init__(self, scenario, db, database, python, directory, verbose):
        self.scenario = scenario
        self.db = db
        self.vendor = vendor_of(db)
        self.database = database
        self.python = python
        self.directory = directory
        self.verbose = verbose
        self.log = []

    # Files.

    def write(self, relative, text):
        path = self.directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))

    def databases(self):
        slug = re.sub(r"\W", "_", self.scenario.name.lower())[:40]
        databases = {}
        for alias in self.ALIASES:
            name = f"e2e_{slug}" + ("" if alias == "default" else f"_{alias}")
            if self.database is None:
                databases[alias] = {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(self.directory / f"{name}.sqlite3"),
                }
            else:
                databases[alias] = {**self.database, "NAME": name}
                if self.vendor == "mysql":
                    databases[alias]["TEST"] = {"CHARSET": "utf8mb4"}
        return databases

    def create(self):
        scenario = self.scenario
        self.write("manage.py", MANAGE)
        self.write(
            "settings.py",
            SETTINGS.format(
                apps=[*scenario.installed, *scenario.apps, "e2e_probe"],
                databases=self.databases(),
                module=scenario.module,
                name=scenario.name,
                extra=textwrap.dedent(scenario.settings),
            ),
        )
        for app in scenario.apps:
            self.write(f"{app}/__init__.py", "")
            self.write(f"{app}/models.py", "from django.db import models\n")
            self.write(f"{app}/migrations/__init__.py", "")
        for relative, text in scenario.files.items():
            self.write(relative, text)
        self.manage("e2e", "reset")

    def migration_files(self):
        return {
            app: sorted(
                path.name
                for path in (self.directory / app / "migrations").glob("[0-9]*.py")
            )
            for app in self.scenario.apps
        }

    # Commands.

    def manage(self, *args, expect_failure=False, answers=()):
        """Run manage.py; return its output. Raise StepFailed if it fails."""
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(HERE), str(self.directory)]),
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [str(self.python), "manage.py", *args]
        started = time.monotonic()
        result = subprocess.run(
            command,
            cwd=self.directory,
            env=env,
            capture_output=True,
            text=True,
            input="".join(f"{answer}\n" for answer in answers),
        )
        output = result.stdout + result.stderr
        self.log.append(
            f"$ manage.py {' '.join(args)}  ({time.monotonic() - started:.1f} s, "
            f"exit {result.returncode})\n{output}"
        )
        if self.verbose:
            print(self.log[-1], flush=True)
        if bool(result.returncode) != expect_failure:
            raise StepFailed(
                f"manage.py {' '.join(args)} "
                + ("succeeded, expected a failure" if expect_failure else "failed")
                + f":\n{textwrap.indent(output.strip()[-6000:], '    ')}"
            )
        return output

    # The scenario.

    def run(self):
        self.create()
        migrated = False
        for index, step in enumerate(self.scenario.steps):
            if step.vendors is not None and self.vendor not in step.vendors:
                continue
            try:
                if self.run_step(index, step):
                    migrated = True
            except StepFailed as e:
                raise StepFailed(f"step {index + 1} ({step.name}): {e}") from None
        if not migrated:
            return
        self.manage("makemigrations", "--check", "--dry-run")
        self.manage("e2e", "roundtrip")
        if self.scenario.squash:
            self.squash()
        if self.scenario.inspect:
            self.inspect()

    def run_step(self, index, step):
        previous = {
            relative: (self.directory / relative).read_text()
            for relative in [
                *(f"{app}/models.py" for app in step.models),
                *step.files,
            ]
            if (self.directory / relative).exists()
        }
        for app, text in step.models.items():
            self.write(f"{app}/models.py", text)
        for relative, text in step.files.items():
            self.write(relative, text)
        if step.errors:
            try:
                self.check_errors(step)
            finally:
                # Bad input isn't kept: the next step starts from the models
                # before it.
                for relative, text in previous.items():
                    (self.directory / relative).write_text(text)
            return False
        return self.migrate_step(index, step)

    def check_errors(self, step):
        output = self.manage("check", "--database", "default", expect_failure=True)
        for error in step.errors:
            if not re.search(
                rf"^{re.escape(step.model)}: .*\({re.escape(error)}\)",
                output,
                re.MULTILINE,
            ):
                raise StepFailed(
                    f"manage.py check didn't report {error} for "
                    f"{step.model}:\n{textwrap.indent(output, '    ')}"
                )

    def migrate_step(self, index, step):
        before = self.migration_files()
        self.manage("makemigrations", answers=step.answers)
        after = self.migration_files()
        new = {
            app: [name for name in after[app] if name not in before[app]]
            for app in after
        }
        if step.migrate_error:
            output = self.manage("migrate", "--noinput", expect_failure=True)
            if not re.search(step.migrate_error, output):
                raise StepFailed(
                    f"migrate didn't fail with {step.migrate_error!r}:\n"
                    + textwrap.indent(output.strip()[-3000:], "    ")
                )
        else:
            self.manage("migrate", "--noinput")
        self.manage(
            "e2e",
            "step",
            str(index),
            json.dumps({app: names for app, names in new.items() if names}),
        )
        if step.migrate_error:
            for app, names in new.items():
                for name in names:
                    (self.directory / app / "migrations" / name).unlink()
            return False
        return True

    def squash(self):
        for app, names in self.migration_files().items():
            if len(names) > 1:
                self.manage(
                    "squashmigrations", "--noinput", app, names[-1].removesuffix(".py")
                )
        self.manage("migrate", "--noinput", "--database", "squash")
        self.manage("e2e", "compare", "default", "squash")
        # The state of the squashed migrations is the models'.
        self.manage("makemigrations", "--check", "--dry-run")
        # The squashed migrations replace the others once applied; the
        # round trip is done with the original chain.
        for app, names in self.migration_files().items():
            for name in names:
                if "_squashed_" in name:
                    (self.directory / app / "migrations" / name).unlink()

    def inspect(self):
        args = ["inspectdb", "--database", "default"]
        if self.scenario.inspect_views:
            args.append("--include-views")
        models = self.manage(*args, *self.scenario.inspect)
        # The models are written unmanaged; the round trip manages them, in a
        # project of their own.
        models = re.sub(r"\n\s+managed = False( +#.*)?\n", "\n", models)
        inspected = Project(
            dataclasses.replace(
                self.scenario, apps=("inspected",), files={}, settings=""
            ),
            self.db,
            self.database,
            self.python,
            self.directory / "inspected_project",
            self.verbose,
        )
        inspected.scenario.module = self.scenario.module
        inspected.write("manage.py", MANAGE)
        databases = self.databases()
        inspected.write(
            "settings.py",
            SETTINGS.format(
                apps=["inspected", "e2e_probe"],
                databases={
                    "default": databases["inspect"],
                    "original": databases["default"],
                },
                module=self.scenario.module,
                name=self.scenario.name,
                extra="",
            ),
        )
        inspected.write("inspected/__init__.py", "")
        inspected.write("inspected/migrations/__init__.py", "")
        (inspected.directory / "inspected" / "models.py").write_text(models)
        try:
            inspected.manage("check")
            inspected.manage("makemigrations", "--noinput", "inspected")
            inspected.manage("migrate", "--noinput")
            inspected.manage("makemigrations", "--check", "--dry-run")
            inspected.manage(
                "e2e",
                "compare",
                "original",
                "default",
                *self.scenario.inspect,
                "--inspected",
            )
        except StepFailed as e:
            raise StepFailed(
                f"the project of the models that inspectdb wrote: {e}\n"
                + textwrap.indent(models, "    | ")
            ) from None
        finally:
            self.log.extend(inspected.log)


def run_scenarios(args):
    scenarios = load_scenarios()
    if args.k:
        scenarios = [s for s in scenarios if any(k in s.name for k in args.k)]
    database = json.loads(args.database) if args.database else None
    vendor = vendor_of(args.db)
    results = []
    root = Path(tempfile.mkdtemp(prefix=f"e2e-{args.db}-"))
    started = time.monotonic()
    for scenario in scenarios:
        if scenario.vendors is not None and vendor not in scenario.vendors:
            print(f"e2e {args.db:<13} {scenario.name:<44} skipped", flush=True)
            results.append((scenario.name, None))
            continue
        project = Project(
            scenario,
            args.db,
            database,
            Path(args.python).absolute(),
            root / scenario.name,
            args.verbose,
        )
        scenario_started = time.monotonic()
        try:
            if getattr(scenario, "error", None):
                raise StepFailed(scenario.error)
            project.run()
        except StepFailed as e:
            outcome = "FAILED"
            error = str(e)
        else:
            outcome, error = "ok", None
        print(
            f"e2e {args.db:<13} {scenario.name:<44} {outcome:<6} "
            f"{time.monotonic() - scenario_started:5.1f} s",
            flush=True,
        )
        if error:
            print(textwrap.indent(error, "    "), flush=True)
            if args.log:
                print(textwrap.indent("\n".join(project.log[-6:]), "    | "))
        results.append((scenario.name, error is None))
    passed = sum(1 for _, ok in results if ok)
    failed = sum(1 for _, ok in results if ok is False)
    skipped = sum(1 for _, ok in results if ok is None)
    print(
        f"e2e on {args.db}: {time.monotonic() - started:.0f} s\n"
        f"{passed} passed, {failed} failed, {skipped} skipped",
        flush=True,
    )
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"e2e: projects kept in {root}")
    return 1 if failed else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="the venv's Python")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument(
        "--database", help="the DATABASES entry (JSON) without NAME; none: SQLite"
    )
    parser.add_argument("-k", action="append", help="scenarios whose name has K")
    parser.add_argument("--keep", action="store_true", help="keep the projects")
    parser.add_argument("--log", action="store_true", help="print failures' logs")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args(argv)
    if args.list:
        for scenario in load_scenarios():
            vendors = ", ".join(scenario.vendors or ["all"])
            print(f"{scenario.name:<44} {vendors:<24} {scenario.description}")
        return 0
    return run_scenarios(args)


if __name__ == "__main__":
    sys.exit(main())

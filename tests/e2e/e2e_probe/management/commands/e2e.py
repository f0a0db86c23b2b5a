"""The project side of the round trips (tests/e2e/roundtrip.py)."""

import contextlib
import importlib
import json
import os
import re
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from e2e_probe.introspect import checksums, diff, schema, triggers


def scenario():
    module, name = settings.E2E_SCENARIO
    for candidate in importlib.import_module(module).SCENARIOS:
        if candidate.name == name:
            return candidate
    raise CommandError(f"No scenario {name} in {module}.")


def scenario_apps():
    return [app for app in scenario().apps if apps.is_installed(app)]


def label(operation):
    """A short description of an operation, e.g. AddField(order.total)."""
    name = type(operation).__name__
    if name == "RenameField":
        detail = f"{operation.model_name}.{operation.old_name}>{operation.new_name}"
    elif name == "RenameModel":
        detail = f"{operation.old_name}>{operation.new_name}"
    elif hasattr(operation, "model_name") and hasattr(operation, "name"):
        detail = f"{operation.model_name}.{operation.name}"
    elif hasattr(operation, "model_name") and hasattr(operation, "constraint"):
        detail = f"{operation.model_name}.{operation.constraint.name}"
    elif hasattr(operation, "model_name") and hasattr(operation, "index"):
        detail = f"{operation.model_name}.{operation.index.name}"
    elif isinstance(getattr(operation, "name", None), str):
        detail = operation.name
    else:
        detail = ""
    return f"{name}({detail})"


class Context:
    """What a step's check() gets: the project's database and helpers."""

    def __init__(self, step):
        self.step = step
        self.connection = connection
        self.vendor = connection.vendor

    def models(self, app_label):
        return importlib.import_module(f"{app_label}.models")

    def schema(self, tables=None):
        return schema(DEFAULT_DB_ALIAS, tables)

    def tables(self):
        with connection.cursor() as cursor:
            return {
                info.name: info.type
                for info in connection.introspection.get_table_list(cursor)
            }

    def columns(self, table):
        with connection.cursor() as cursor:
            return [
                column.name
                for column in connection.introspection.get_table_description(
                    cursor, table
                )
            ]

    def constraints(self, table):
        with connection.cursor() as cursor:
            return connection.introspection.get_constraints(cursor, table)

    def triggers(self, table=None):
        with connection.cursor() as cursor:
            found = triggers(connection, cursor)
        return sorted(name for name, (t, _) in found.items() if table in (None, t))

    def sql(self, query, params=()):
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    @contextlib.contextmanager
    def raises(self, exception, match=None):
        """
        Assert that the block raises exception, in a transaction of its own
        (rolled back), so that deferred constraints are checked at its end.
        """
        try:
            with transaction.atomic():
                yield
        except exception as e:
            if match is not None and not re.search(match, str(e)):
                raise AssertionError(
                    f"{type(e).__name__} {str(e)!r} doesn't match {match!r}"
                ) from e
        else:
            raise AssertionError(f"{exception.__name__} not raised")


class Command(BaseCommand):
    help = "The project side of the round trips."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action")
        parser.add_argument("values", nargs="*")
        parser.add_argument("--inspected", action="store_true")

    def handle(self, action, values, inspected=False, **options):
        getattr(self, f"do_{action}")(*values, inspected=inspected)

    # Databases.

    def do_reset(self, **kwargs):
        for alias in settings.DATABASES:
            conn = connections[alias]
            name = conn.settings_dict["NAME"]
            if conn.vendor == "sqlite":
                with contextlib.suppress(FileNotFoundError):
                    os.remove(name)
                continue
            quoted = conn.ops.quote_name(name)
            suffix = " CHARACTER SET utf8mb4" if conn.vendor == "mysql" else ""
            with conn._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
                cursor.execute(f"CREATE DATABASE {quoted}{suffix}")

    # Steps.

    def do_step(self, index, new, **kwargs):
        step = scenario().steps[int(index)]
        new = json.loads(new)
        if step.operations is not None:
            loader = MigrationLoader(None, ignore_no_migrations=True)
            problems = []
            for app_label in sorted(set(new) | set(step.operations)):
                written = [
                    label(operation)
                    for name in new.get(app_label, [])
                    for operation in loader.disk_migrations[
                        app_label, name.removesuffix(".py")
                    ].operations
                ]
                expected = step.operations.get(app_label, [])
                if written != expected:
                    problems.append(
                        f"{app_label}: makemigrations wrote {written}, expected "
                        f"{expected}"
                    )
            if problems:
                raise CommandError("\n".join(problems))
        if step.check is not None:
            step.check(Context(step))

    # The round trip.

    def do_roundtrip(self, **kwargs):
        """
        Unapply the migrations one at a time down to zero, apply them again,
        load the rows dumped before, and compare schema and rows.
        """
        self.refresh_materialized_views()
        app_labels = scenario_apps()
        # dumpdata and loaddata don't keep the primary keys of the rows of
        # the tables of many-to-many relations.
        ignored_columns = {
            model._meta.db_table: {model._meta.pk.column}
            for app_label in app_labels
            for model in apps.get_app_config(app_label).get_models(
                include_auto_created=True
            )
            if model._meta.auto_created
        }
        before_schema = schema()
        before_rows = checksums(ignored_columns=ignored_columns)
        # XML keeps the microseconds of times, which JSON rounds.
        fixture = Path(tempfile.mkdtemp()) / "dump.xml"
        call_command(
            "dumpdata",
            *app_labels,
            all=True,
            format="xml",
            output=str(fixture),
            verbosity=0,
        )
        executor = MigrationExecutor(connection)
        # In the order they were applied.
        plan = [
            key
            for key in executor.recorder.applied_migrations()
            if key[0] in app_labels
        ]
        for app_label, name in reversed(plan):
            previous = [
                parent
                for parent in executor.loader.graph.node_map[app_label, name].parents
                if parent.key[0] == app_label
            ]
            target = previous[0].key[1] if previous else "zero"
            try:
                call_command("migrate", app_label, target, verbosity=0)
            except Exception as e:
                raise CommandError(
                    f"Unapplying {app_label}.{name} (migrate {app_label} "
                    f"{target}) failed: {type(e).__name__}: {e}"
                ) from e
        left = schema()
        functions = left.pop("(functions)")
        with connection.cursor() as cursor:
            leftover_triggers = triggers(connection, cursor)
        if left or leftover_triggers or functions:
            raise CommandError(
                f"migrate ... zero left tables or views {sorted(left)}, triggers "
                f"{sorted(leftover_triggers)}, and functions {functions}."
            )
        call_command("migrate", verbosity=0)
        call_command("loaddata", str(fixture), verbosity=0)
        self.refresh_materialized_views()
        problems = diff(before_schema, schema()) + diff(
            before_rows, checksums(ignored_columns=ignored_columns)
        )
        if problems:
            raise CommandError(
                "After migrate ... zero and migrate, the database differs:\n  "
                + "\n  ".join(problems)
            )
        self.stdout.write(
            f"round trip: {len(plan)} migrations unapplied and applied again, "
            f"{len(before_rows)} tables and views, "
            f"{sum(count for count, _ in before_rows.values())} rows"
        )

    def refresh_materialized_views(self, using=DEFAULT_DB_ALIAS):
        for app_label in scenario_apps():
            for model in apps.get_app_config(app_label).get_models():
                view = getattr(model._meta, "db_view", None)
                if view is not None and view.materialized:
                    from django.db.models import refresh_materialized_view

                    refresh_materialized_view(model, using=using)

    def do_compare(self, left, right, *tables, inspected=False):
        """Compare the schemas (and, but for inspectdb, the rows) of two databases."""
        if inspected:
            problems = diff(
                schema(left, tables, names=False), schema(right, tables, names=False)
            )
        else:
            problems = diff(schema(left), schema(right))
        if problems:
            raise CommandError(
                f"The schemas of {left} and {right} differ:\n  " + "\n  ".join(problems)
            )

"""What a database holds: its schema, normalized for comparison, and its rows."""

import datetime
import decimal
import hashlib
import json
import re
import uuid

from django.db import connections

IGNORED_TABLES = {"django_migrations"}


def _text(value):
    return None if value is None else str(value)


def _sql(text):
    """SQL text with its whitespace normalized and its quotes dropped."""
    if text is None:
        return None
    return re.sub(r"\s+", " ", text.replace("`", "").replace('"', "")).strip()


def triggers(connection, cursor):
    """{trigger name: (table, definition)} of the database's triggers."""
    vendor = connection.vendor
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
    elif vendor == "postgresql":
        cursor.execute("""
            SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) || ' ' || p.prosrc
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)
        """)
    elif vendor == "mysql":
        cursor.execute("""
            SELECT trigger_name, event_object_table,
                CONCAT(action_timing, ' ', event_manipulation, ' ', action_statement)
            FROM information_schema.triggers
            WHERE trigger_schema = DATABASE()
        """)
    else:
        return {}
    return {name: (table, _sql(sql)) for name, table, sql in cursor.fetchall()}


def functions(connection, cursor):
    """The names of the PostgreSQL functions the project created."""
    if connection.vendor != "postgresql":
        return []
    cursor.execute("""
        SELECT p.proname FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()
    """)
    return sorted(name for (name,) in cursor.fetchall())


def schema(alias="default", tables=None, names=True):
    """
    The tables and views of a database: their columns, constraints, indexes,
    triggers, and view definitions. With names=False, constraints are keyed by
    what they are rather than by their names (for databases made by other
    models, e.g. inspectdb's), and check constraints and indexes, which
    inspectdb doesn't write, are left out.
    """
    connection = connections[alias]
    introspection = connection.introspection
    result = {}
    with connection.cursor() as cursor:
        all_triggers = triggers(connection, cursor)
        for info in introspection.get_table_list(cursor):
            if info.name in IGNORED_TABLES or (tables and info.name not in tables):
                continue
            entry = result[info.name] = {"type": info.type}
            columns = entry["columns"] = {}
            for column in introspection.get_table_description(cursor, info.name):
                description = {
                    key: _text(value)
                    for key, value in column._asdict().items()
                    if key not in ("name", "display_size", "comment")
                }
                if connection.vendor == "sqlite":
                    # SQLite keeps the declared type, spelled as written.
                    description["type_code"] = (description["type_code"] or "").lower()
                columns[column.name] = description
            constraints = entry["constraints"] = {}
            for name, constraint in introspection.get_constraints(
                cursor, info.name
            ).items():
                if not names and not (
                    constraint["primary_key"]
                    or constraint["unique"]
                    or constraint["foreign_key"]
                ):
                    # inspectdb writes neither check constraints nor indexes.
                    continue
                description = {
                    "columns": constraint["columns"],
                    "primary_key": constraint["primary_key"],
                    "unique": constraint["unique"],
                    "foreign_key": constraint["foreign_key"],
                    "check": constraint["check"],
                    "index": constraint["index"],
                    "type": _text(constraint.get("type")),
                    "definition": _sql(constraint.get("definition")),
                }
                if names:
                    key = name
                else:
                    # Unnamed: what it is, less how it's made (a unique
                    # constraint or a unique index).
                    description.pop("definition")
                    if description["unique"] or description["foreign_key"]:
                        description["index"] = None
                        description["type"] = None
                    key = json.dumps(description, sort_keys=True, default=str)
                constraints[key] = description
            if not names:
                constraints_list = sorted(constraints)
                entry["constraints"] = constraints_list
            entry["triggers"] = sorted(
                (name, definition) if names else definition
                for name, (table, definition) in all_triggers.items()
                if table == info.name
            )
            if info.type == "v":
                view = introspection.get_view_definition(cursor, info.name)
                entry["view"] = (
                    None if view is None else [_sql(view.sql), view.materialized]
                )
        if tables is None:
            result["(functions)"] = functions(connection, cursor)
    return json.loads(json.dumps(result, default=str))


def _value(value):
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, (datetime.date, datetime.time, uuid.UUID)):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return value


def checksums(alias="default", tables=None, ignored_columns=None):
    """
    {table: [row count, sha256 of the rows]} of the tables and views, leaving
    out the columns of ignored_columns ({table: {column, ...}}).
    """
    ignored_columns = ignored_columns or {}
    connection = connections[alias]
    result = {}
    with connection.cursor() as cursor:
        names = [
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.name not in IGNORED_TABLES
            and (tables is None or info.name in tables)
        ]
        for name in sorted(names):
            cursor.execute("SELECT * FROM %s" % connection.ops.quote_name(name))
            columns = [column[0] for column in cursor.description]
            ignored = ignored_columns.get(name, ())
            rows = sorted(
                json.dumps(
                    {
                        column: _value(value)
                        for column, value in zip(columns, row)
                        if column not in ignored
                    },
                    sort_keys=True,
                    default=str,
                )
                for row in cursor.fetchall()
            )
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
            result[name] = [len(rows), digest]
    return result


def diff(left, right, path=""):
    """The lines that differ between two JSON-like values."""
    if isinstance(left, dict) and isinstance(right, dict):
        lines = []
        for key in sorted(set(left) | set(right), key=str):
            if key not in right:
                lines.append(f"{path}/{key}: only left: {left[key]!r}")
            elif key not in left:
                lines.append(f"{path}/{key}: only right: {right[key]!r}")
            else:
                lines.extend(diff(left[key], right[key], f"{path}/{key}"))
        return lines
    if left != right:
        return [f"{path}: {left!r} != {right!r}"]
    return []

"""Item 6: custom Meta options and autodetector extensions (the how-to's app)."""

import os
import subprocess
import sys
import textwrap

from roundtrip import Scenario, Step

# The storage application of docs/howto/writing-autodetector-extensions.txt,
# verbatim.
STORAGE_FILES = {
    "storage/apps.py": """
from django.apps import AppConfig
from django.db.models.options import MetaOption


class StorageConfig(AppConfig):
    name = "storage"
    meta_options = [MetaOption("fillfactor", migrations=True)]
    autodetector_extensions = ["storage.extensions.StorageExtension"]
""",
    "storage/operations.py": """
from django.db.migrations.operations.base import Operation, OperationCategory


class AlterFillfactor(Operation):
    category = OperationCategory.ALTERATION

    def __init__(self, name, fillfactor):
        self.name = name
        self.fillfactor = fillfactor

    def deconstruct(self):
        return self.__class__.__qualname__, [self.name, self.fillfactor], {}

    def state_forwards(self, app_label, state):
        options = {} if self.fillfactor is None else {"fillfactor": self.fillfactor}
        state.alter_model_options(
            app_label, self.name.lower(), options, option_keys=["fillfactor"]
        )

    def _alter_table(self, app_label, schema_editor, state):
        model = state.apps.get_model(app_label, self.name)
        if schema_editor.connection.vendor != "postgresql" or (
            not self.allow_migrate_model(schema_editor.connection.alias, model)
        ):
            return
        table = schema_editor.quote_name(model._meta.db_table)
        if model._meta.fillfactor is None:
            schema_editor.execute("ALTER TABLE %s RESET (fillfactor)" % table)
        else:
            schema_editor.execute(
                "ALTER TABLE %s SET (fillfactor = %d)"
                % (table, model._meta.fillfactor)
            )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._alter_table(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._alter_table(app_label, schema_editor, to_state)

    def references_model(self, name, app_label):
        return name.lower() == self.name.lower()

    def reduce(self, operation, app_label):
        # A later change of the same model's option replaces this one.
        if (
            isinstance(operation, AlterFillfactor)
            and operation.name.lower() == self.name.lower()
        ):
            return [operation]
        return super().reduce(operation, app_label)

    def describe(self):
        return "Set the fillfactor of %s to %s" % (self.name, self.fillfactor)

    @property
    def migration_name_fragment(self):
        return "alter_%s_fillfactor" % self.name.lower()
""",
    "storage/extensions.py": """
from django.db.migrations.autodetector import AutodetectorExtension

from .operations import AlterFillfactor


class StorageExtension(AutodetectorExtension):
    def generate_created_model(self, model_state):
        fillfactor = model_state.options.get("fillfactor")
        if fillfactor is not None:
            yield AlterFillfactor(model_state.name, fillfactor)

    def generate_altered_model(self, old_model_state, new_model_state):
        fillfactor = new_model_state.options.get("fillfactor")
        if old_model_state.options.get("fillfactor") != fillfactor:
            yield AlterFillfactor(new_model_state.name, fillfactor)
""",
}

# The audit application of docs/ref/models/options.txt (custom Meta options),
# with two more options to try inheritance.
AUDIT_FILES = {
    "audit/apps.py": """
        from django.apps import AppConfig
        from django.db.models.options import MetaOption


        class AuditConfig(AppConfig):
            name = "audit"
            meta_options = [
                MetaOption("audited", default=False, migrations=True),
                # Not read from abstract parents; inherited by multi-table
                # children and proxies.
                MetaOption(
                    "audit_label",
                    migrations=True,
                    inherit_abstract=False,
                    inherit_multi_table=True,
                    inherit_proxy=True,
                ),
                # A callable default, not tracked by migrations.
                MetaOption("audit_fields", default=list),
            ]
    """,
}


def assert_equal(actual, expected, what=""):
    assert actual == expected, f"{what}: {actual!r} != {expected!r}"


def models_source(*parts):
    return "\n\n".join(textwrap.dedent(part).strip("\n") for part in parts) + "\n"


ORDER = """
class Order(models.Model):
    number = models.IntegerField()

    class Meta:
        audited = True
        {fillfactor}
"""

# The abstract base and its children, for inheritance.
INVOICES = """
class Stored(models.Model):
    created = models.DateField(null=True)

    class Meta:
        abstract = True
        fillfactor = 80
        audited = True
        audit_label = "stored"
        audit_fields = ["created"]


class Invoice(Stored):
    number = models.IntegerField()

    class Meta(Stored.Meta):
        audit_label = "invoice"
        {invoice_audited}


class Receipt(Stored):
    class Meta(Stored.Meta):
        fillfactor = 60


class Note(Stored):
    pass


class CreditNote(Invoice):
    pass


class InvoiceProxy(Invoice):
    class Meta:
        proxy = True
"""


def shop(fillfactor=None, order=True, invoices=False, invoice_audited=None):
    parts = ["from django.db import models"]
    if order:
        parts.append(
            ORDER.format(
                fillfactor="" if fillfactor is None else f"fillfactor = {fillfactor}"
            )
        )
    if invoices:
        parts.append(
            INVOICES.format(
                invoice_audited=(
                    "" if invoice_audited is None else f"audited = {invoice_audited}"
                )
            )
        )
    return models_source(*parts)


def reloptions(ctx, table):
    """The storage parameters of a table on PostgreSQL, else None."""
    if ctx.vendor != "postgresql":
        return None
    [(options,)] = ctx.sql(
        "SELECT reloptions FROM pg_class WHERE relname = %s AND relkind = 'r'",
        [table],
    )
    return options


def assert_fillfactor(ctx, table, fillfactor):
    expected = (
        None
        if ctx.vendor != "postgresql" or fillfactor is None
        else [f"fillfactor={fillfactor}"]
    )
    assert_equal(reloptions(ctx, table), expected, f"{table}'s reloptions")


def project_state():
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state()


def check_order(fillfactor):
    def check(ctx):
        Order = ctx.models("shop").Order
        assert_equal(Order._meta.fillfactor, fillfactor, "Order._meta.fillfactor")
        assert_equal(Order._meta.audited, True, "Order._meta.audited")
        assert_fillfactor(ctx, "shop_order", fillfactor)
        # The migrations' state has the options, and so do historical models.
        state = project_state()
        options = state.models["shop", "order"].options
        assert_equal(options.get("fillfactor"), fillfactor, "state")
        assert_equal(options.get("audited"), True, "state")
        historical = state.apps.get_model("shop", "Order")._meta
        assert_equal(historical.fillfactor, fillfactor, "historical fillfactor")
        assert_equal(historical.audited, True, "historical audited")
        Order.objects.create(number=Order.objects.count() + 1)

    return check


# (fillfactor, audited, audit_label, audit_fields) of each model.
INHERITED = {
    # Meta(Stored.Meta): the abstract parent's options, but audit_label.
    "Invoice": (80, True, "invoice", ["created"]),
    "Receipt": (60, True, None, ["created"]),
    # No Meta: the abstract parent's Meta, but audit_label.
    "Note": (80, True, None, ["created"]),
    # Multi-table child, proxy: only audit_label is inherited.
    "CreditNote": (None, False, "invoice", []),
    "InvoiceProxy": (None, False, "invoice", []),
}


def inherited_options(opts):
    return (opts.fillfactor, opts.audited, opts.audit_label, opts.audit_fields)


def check_inheritance(ctx):
    shop = ctx.models("shop")
    for name, expected in INHERITED.items():
        opts = getattr(shop, name)._meta
        assert_equal(inherited_options(opts), expected, f"{name}'s options")
    # A callable default is called for each model.
    assert shop.CreditNote._meta.audit_fields is not (
        shop.InvoiceProxy._meta.audit_fields
    )
    historical = project_state().apps
    for name, expected in INHERITED.items():
        opts = historical.get_model("shop", name)._meta
        # audit_fields isn't tracked by migrations: historical models have the
        # default.
        assert_equal(
            inherited_options(opts),
            (*expected[:3], []),
            f"historical {name}'s options",
        )
    for table, fillfactor in [
        ("shop_invoice", 80),
        ("shop_receipt", 60),
        ("shop_note", 80),
        ("shop_creditnote", None),
    ]:
        assert_fillfactor(ctx, table, fillfactor)
    invoice = shop.CreditNote.objects.create(number=1)
    shop.Receipt.objects.create()
    shop.Note.objects.create()
    assert_equal(shop.InvoiceProxy.objects.get().pk, invoice.pk)


def check_untracked_change(ctx):
    # The model's option changed; no extension looks at it, so the
    # migrations' state keeps the value they had.
    shop = ctx.models("shop")
    assert_equal(shop.Invoice._meta.audited, False, "Invoice._meta.audited")
    historical = project_state().apps.get_model("shop", "Invoice")._meta
    assert_equal(historical.audited, True, "historical audited")


def check_deleted(ctx):
    assert "shop_order" not in ctx.tables()
    assert_fillfactor(ctx, "shop_invoice", 80)


# Bad input: what Django raises for unknown and clashing options and broken
# extensions, from manage.py run with other settings.

BAD_INPUT_FILES = {
    "clash/apps.py": """
        from django.apps import AppConfig
        from django.db.models.options import MetaOption


        class ClashConfig(AppConfig):
            name = "clash"
            meta_options = [MetaOption("ordering")]
    """,
    "twice/apps.py": """
        from django.apps import AppConfig
        from django.db.models.options import MetaOption


        class TwiceConfig(AppConfig):
            name = "twice"
            meta_options = [MetaOption("fillfactor")]
    """,
    "badpath/apps.py": """
        from django.apps import AppConfig


        class BadpathConfig(AppConfig):
            name = "badpath"
            autodetector_extensions = ["badpath.extensions.Missing"]
    """,
    "broken/apps.py": """
        from django.apps import AppConfig


        class BrokenConfig(AppConfig):
            name = "broken"
            autodetector_extensions = ["broken.extensions.NotOperations"]
    """,
    "broken/extensions.py": """
        from django.db.migrations.autodetector import AutodetectorExtension


        class NotOperations(AutodetectorExtension):
            def generate_project_operations(self):
                return ["not an operation"]


        class Raising(AutodetectorExtension):
            def generate_project_operations(self):
                raise RuntimeError("the extension failed")
    """,
    "raising/apps.py": """
        from django.apps import AppConfig


        class RaisingConfig(AppConfig):
            name = "raising"
            autodetector_extensions = ["broken.extensions.Raising"]
    """,
}
for _app in ("clash", "twice", "badpath", "broken", "raising"):
    BAD_INPUT_FILES[f"{_app}/__init__.py"] = ""
    BAD_INPUT_FILES[f"settings_{_app}.py"] = f"""
        from settings import *  # noqa: F403

        INSTALLED_APPS = [*INSTALLED_APPS, {_app!r}]  # noqa: F405
    """


def manage_fails(settings, *args, match):
    """Run manage.py with other settings; it must fail printing match."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"manage.py {' '.join(args)} succeeded"
    assert match in output, f"{match!r} not in the output of {args}:\n{output}"


def check_bad_input(ctx):
    from django.db import models
    from django.db.models.options import MetaOption

    # A Meta option that no installed application registers: TypeError when
    # the models module is imported.
    with ctx.raises(
        TypeError,
        match=(
            r"'class Meta' of shop.Misspelled got invalid attribute\(s\): "
            r"fillfactr \(did you mean 'fillfactor'\?\)"
        ),
    ):
        type(
            "Misspelled",
            (models.Model,),
            {
                "__module__": "shop.models",
                "Meta": type("Meta", (), {"fillfactr": 70}),
            },
        )
    with ctx.raises(ValueError, match="doesn't start with an underscore"):
        MetaOption("_fillfactor")
    manage_fails(
        "settings_clash",
        "check",
        match=(
            "ImproperlyConfigured: The Meta option 'ordering' of the 'clash' "
            "application clashes with a built-in option or an attribute of "
            "Model._meta."
        ),
    )
    manage_fails(
        "settings_twice",
        "check",
        match=(
            "ImproperlyConfigured: The Meta option 'fillfactor' is registered by "
            "both the 'storage' and the 'twice' applications."
        ),
    )
    manage_fails(
        "settings_badpath",
        "makemigrations",
        "--check",
        "--dry-run",
        match=(
            "ImproperlyConfigured: The autodetector extension "
            "'badpath.extensions.Missing' of the 'badpath' application couldn't "
            "be imported"
        ),
    )
    manage_fails(
        "settings_broken",
        "makemigrations",
        "--check",
        "--dry-run",
        match=(
            "TypeError: generate_project_operations() of the autodetector "
            "extension broken.extensions.NotOperations returned 'not an "
            "operation', which isn't"
        ),
    )
    manage_fails(
        "settings_raising",
        "makemigrations",
        "--check",
        "--dry-run",
        match=(
            "RuntimeError: the extension failed\n"
            "Raised by generate_project_operations() of the autodetector "
            "extension broken.extensions.Raising."
        ),
    )
    ctx.models("shop").Order.objects.create(number=1)


SCENARIOS = [
    Scenario(
        name="meta_options_storage",
        description=(
            "the how-to's storage app: fillfactor set, changed, reset, "
            "inherited; AlterFillfactor"
        ),
        apps=("storage", "audit", "shop"),
        files={**STORAGE_FILES, **AUDIT_FILES},
        steps=[
            Step(
                "Order with fillfactor = 70 (and the docs' audited = True)",
                models={"shop": shop(70)},
                operations={"shop": ["CreateModel(Order)", "AlterFillfactor(Order)"]},
                check=check_order(70),
            ),
            Step(
                "fillfactor changes",
                models={"shop": shop(50)},
                operations={"shop": ["AlterFillfactor(Order)"]},
                check=check_order(50),
            ),
            Step(
                "fillfactor is removed",
                models={"shop": shop()},
                operations={"shop": ["AlterFillfactor(Order)"]},
                check=check_order(None),
            ),
            Step(
                "options inherited from an abstract base, by children and proxies",
                models={"shop": shop(invoices=True)},
                operations={
                    "shop": [
                        "CreateModel(Invoice)",
                        "CreateModel(Note)",
                        "CreateModel(Receipt)",
                        "CreateModel(CreditNote)",
                        "CreateModel(InvoiceProxy)",
                        "AlterFillfactor(Invoice)",
                        "AlterFillfactor(Note)",
                        "AlterFillfactor(Receipt)",
                    ]
                },
                check=check_inheritance,
            ),
            Step(
                "an option that no extension handles changes: no migration",
                models={"shop": shop(invoices=True, invoice_audited=False)},
                operations={},
                check=check_untracked_change,
            ),
            Step(
                "the model is deleted with its table's storage parameters",
                models={
                    "shop": shop(order=False, invoices=True, invoice_audited=False)
                },
                operations={"shop": ["DeleteModel(Order)"]},
                check=check_deleted,
            ),
        ],
    ),
    Scenario(
        name="meta_options_bad_input",
        description=(
            "unknown, misnamed and clashing Meta options; extensions that "
            "can't be imported, return non-operations, raise"
        ),
        apps=("storage", "audit", "shop"),
        files={**STORAGE_FILES, **AUDIT_FILES, **BAD_INPUT_FILES},
        squash=False,
        steps=[
            Step(
                "a model, and the errors of other settings",
                models={"shop": shop(70)},
                operations={"shop": ["CreateModel(Order)", "AlterFillfactor(Order)"]},
                check=check_bad_input,
            ),
        ],
    ),
]

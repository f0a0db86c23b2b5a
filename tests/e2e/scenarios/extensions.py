"""Item 6: an autodetector extension whose operation runs before CreateModel."""

from roundtrip import Scenario, Step

APPS = """
from django.apps import AppConfig


class PgExtConfig(AppConfig):
    name = "pgext"
    autodetector_extensions = ["pgext.extensions.HStoreExtensionNeeded"]
"""

# The how-to's example (docs/howto/writing-autodetector-extensions.txt).
EXTENSIONS = """
from django.contrib.postgres.fields import HStoreField
from django.contrib.postgres.operations import HStoreExtension
from django.db.migrations.autodetector import (
    AutodetectorExtension,
    ExtensionOperation,
    OperationDependency,
)


def hstore_fields(state):
    return [
        (model_state, name)
        for model_state in state.models.values()
        for name, field in model_state.fields.items()
        if isinstance(field, HStoreField)
    ]


class HStoreExtensionNeeded(AutodetectorExtension):
    def generate_project_operations(self):
        fields = hstore_fields(self.to_state)
        if fields and not hstore_fields(self.from_state):
            yield ExtensionOperation(
                HStoreExtension(),
                app_label=fields[0][0].app_label,
                run_before=[
                    OperationDependency(
                        model_state.app_label,
                        model_state.name_lower,
                        name,
                        OperationDependency.Type.CREATE,
                    )
                    for model_state, name in fields
                ],
            )
"""

PRODUCT = """
from django.contrib.postgres.fields import HStoreField
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=50)
    attributes = HStoreField(default=dict)
"""


def check_hstore(ctx):
    Product = ctx.models("shop").Product
    Product.objects.create(name="shirt", attributes={"color": "blue"})
    assert Product.objects.filter(attributes__color="blue").count() == 1
    assert ctx.sql("SELECT 1 FROM pg_extension WHERE extname = 'hstore'") == [(1,)]


SCENARIOS = [
    Scenario(
        name="extension_before_create_model",
        description="the how-to's hstore extension runs before CreateModel",
        installed=("django.contrib.postgres",),
        apps=("pgext", "shop"),
        files={"pgext/apps.py": APPS, "pgext/extensions.py": EXTENSIONS},
        vendors=("postgresql",),
        steps=[
            Step(
                "a model with an HStoreField",
                models={"shop": PRODUCT},
                operations={
                    "shop": ["HStoreExtension(hstore)", "CreateModel(Product)"]
                },
                check=check_hstore,
            ),
        ],
    ),
]

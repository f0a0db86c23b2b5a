"""Item 3: a view model's fields change with its QuerySet, forwards and back."""

from roundtrip import Scenario, Step

SHOP = """
from django.db import models
from django.db.models import Count, Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)


class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    {field}

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(
                total=Sum("amount"){annotation}
            )
        )
"""

ORDER_COUNT = (
    "order_count = models.IntegerField()",
    ', order_count=Count("pk")',
)


def shop(field="", annotation=""):
    return SHOP.format(field=field, annotation=annotation)


def check_totals(ctx):
    from decimal import Decimal

    models = ctx.models("shop")
    ann = models.Customer.objects.create(name="Ann")
    bob = models.Customer.objects.create(name="Bob")
    models.Order.objects.bulk_create(
        [
            models.Order(customer=ann, amount=Decimal("10")),
            models.Order(customer=ann, amount=Decimal("5")),
            models.Order(customer=bob, amount=Decimal("7")),
        ]
    )
    totals = dict(models.CustomerTotal.objects.values_list("customer__name", "total"))
    assert totals == {"Ann": Decimal("15"), "Bob": Decimal("7")}, totals
    assert ctx.tables()["shop_customertotal"] == "v"
    with ctx.raises(TypeError):
        models.CustomerTotal.objects.update(total=0)


def check_order_count(ctx):
    models = ctx.models("shop")
    counts = dict(
        models.CustomerTotal.objects.values_list("customer__name", "order_count")
    )
    assert counts == {"Ann": 2, "Bob": 1}, counts


def check_without_order_count(ctx):
    assert "order_count" not in ctx.columns("shop_customertotal")


SCENARIOS = [
    Scenario(
        name="view_fields_change",
        description="AddField/RemoveField with AlterModelView, unapplied too",
        apps=("shop",),
        steps=[
            Step(
                "customer totals (the docs' example)",
                models={"shop": shop()},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(CustomerTotal)",
                    ]
                },
                check=check_totals,
            ),
            Step(
                "a field and its annotation are added",
                models={"shop": shop(*ORDER_COUNT)},
                operations={
                    "shop": [
                        "AddField(customertotal.order_count)",
                        "AlterModelView(customertotal)",
                    ]
                },
                check=check_order_count,
            ),
            Step(
                "they are removed",
                models={"shop": shop()},
                operations={
                    "shop": [
                        "RemoveField(customertotal.order_count)",
                        "AlterModelView(customertotal)",
                    ]
                },
                check=check_without_order_count,
            ),
        ],
    ),
]

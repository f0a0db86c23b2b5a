"""Migrations that fail halfway: nothing is lost, and migrate can go on.

On MariaDB and MySQL, DDL isn't transactional: the statements that ran before
the failure stay. The failing migration isn't recorded; the user fixes the
models, writes the migration again, and migrates.
"""

from roundtrip import Scenario, Step

SHOP = """
from django.db import models


class Order(models.Model):
    customer = models.CharField(max_length=20)
    amount = models.IntegerField()


class OrderTotal(models.Model):
    customer = models.CharField(max_length=20, primary_key=True)
    total = models.IntegerField()

    class Meta:
        db_view = models.View(
            sql=(
                "SELECT customer, SUM({column}) AS total FROM shop_order "
                "GROUP BY customer"
            )
        )
"""


def check_totals(ctx):
    Order = ctx.models("shop").Order
    if not Order.objects.exists():
        Order.objects.bulk_create(
            [
                Order(customer="ann", amount=10),
                Order(customer="ann", amount=5),
                Order(customer="bob", amount=7),
            ]
        )
    OrderTotal = ctx.models("shop").OrderTotal
    totals = dict(OrderTotal.objects.values_list("customer", "total"))
    assert totals == {"ann": 15, "bob": 7}, totals


def check_view_kept(ctx):
    # The view of the failed migration's state is still there, with its rows.
    assert ctx.tables().get("shop_ordertotal") == "v", ctx.tables()
    rows = ctx.sql("SELECT customer, total FROM shop_ordertotal ORDER BY customer")
    assert [tuple(row) for row in rows] == [("ann", 15), ("bob", 7)], rows


SCENARIOS = [
    Scenario(
        name="failed_view_replacement",
        description="a view replaced by SQL that fails is kept; migrate resumes",
        apps=("shop",),
        steps=[
            Step(
                "orders and a SQL view of their totals",
                models={"shop": SHOP.format(column="amount")},
                operations={"shop": ["CreateModel(Order)", "CreateModel(OrderTotal)"]},
                check=check_totals,
            ),
            Step(
                "the view's SQL names a column that doesn't exist",
                models={"shop": SHOP.format(column="amont")},
                operations={"shop": ["AlterModelView(ordertotal)"]},
                migrate_error="amont",
                check=check_view_kept,
            ),
            Step(
                "the SQL is fixed",
                models={"shop": SHOP.format(column="amount * 2")},
                operations={"shop": ["AlterModelView(ordertotal)"]},
            ),
        ],
    ),
]

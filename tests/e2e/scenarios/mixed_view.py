"""
Items 1, 2 and 3 together: a view that selects a generated column and reads
across a composite foreign key, kept working while the generated field's
expression changes and the fields that it and the view read are renamed.
"""

from decimal import Decimal

from roundtrip import Scenario, Step

SHOP = """
from django.db import models
from django.db.models import F


class Tenant(models.Model):
    name = models.CharField(max_length=50)


class Customer(models.Model):
    pk = models.CompositePrimaryKey("tenant_id", "id")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    id = models.IntegerField()
    {name} = models.CharField(max_length=50)


class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.IntegerField()
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, from_fields=["tenant", "customer_id"]
    )
    {quantity} = models.IntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.GeneratedField(
        expression={expression},
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )


class OrderReport(models.Model):
    id = models.BigIntegerField(primary_key=True)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.DO_NOTHING, related_name="+"
    )
    customer_name = models.CharField(max_length=50)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values(
                "id", "tenant", "total", customer_name=F("customer__{name}")
            )
        )
"""


def shop(
    expression='F("quantity") * F("unit_price")', quantity="quantity", name="name"
):
    return SHOP.format(
        name=name,
        quantity=quantity,
        expression=expression.replace("quantity", quantity),
    )


def assert_equal(actual, expected, what=""):
    assert actual == expected, f"{what}: {actual!r} != {expected!r}"


def report(ctx):
    OrderReport = ctx.models("shop").OrderReport
    return sorted(
        OrderReport.objects.values_list("tenant__name", "customer_name", "total")
    )


def check_created(ctx):
    shop = ctx.models("shop")
    assert_equal(ctx.tables().get("shop_orderreport"), "v", "a view")
    one = shop.Tenant.objects.create(name="one")
    two = shop.Tenant.objects.create(name="two")
    # The same id in two tenants: the view's join must use both columns.
    ann = shop.Customer.objects.create(tenant=one, id=1, name="ann")
    bob = shop.Customer.objects.create(tenant=two, id=1, name="bob")
    shop.Order.objects.create(
        tenant=one, customer=ann, quantity=2, unit_price=Decimal("3.50")
    )
    shop.Order.objects.create(
        tenant=two, customer=bob, quantity=1, unit_price=Decimal("10.00")
    )
    assert_equal(
        report(ctx),
        [("one", "ann", Decimal("7.00")), ("two", "bob", Decimal("10.00"))],
    )
    assert_equal(
        list(
            shop.OrderReport.objects.filter(total__gt=8).values_list(
                "customer_name", flat=True
            )
        ),
        ["bob"],
    )


def check_expression_changed(ctx):
    shop = ctx.models("shop")
    assert_equal(
        report(ctx),
        [("one", "ann", Decimal("12.00")), ("two", "bob", Decimal("15.00"))],
    )
    bob = shop.Customer.objects.get(name="bob")
    shop.Order.objects.create(
        tenant_id=bob.tenant_id, customer=bob, quantity=3, unit_price=Decimal("1.00")
    )
    assert_equal(report(ctx)[-1], ("two", "bob", Decimal("15.00")))
    assert_equal(sorted(total for *_, total in report(ctx))[0], Decimal("8.00"))


def check_generated_input_renamed(ctx):
    shop = ctx.models("shop")
    columns = ctx.columns("shop_order")
    assert "qty" in columns and "quantity" not in columns, columns
    order = shop.Order.objects.get(total=Decimal("8.00"))
    order.qty = 4
    order.save()
    order.refresh_from_db()
    assert_equal(order.total, Decimal("9.00"), "the generated total")
    assert_equal(
        sorted(total for *_, total in report(ctx)),
        [Decimal("9.00"), Decimal("12.00"), Decimal("15.00")],
    )


def check_view_input_renamed(ctx):
    shop = ctx.models("shop")
    assert "full_name" in ctx.columns("shop_customer")
    one = shop.Tenant.objects.get(name="one")
    shop.Customer.objects.create(tenant=one, id=2, full_name="cid")
    cid = shop.Customer.objects.get(full_name="cid")
    shop.Order.objects.create(
        tenant=one, customer=cid, qty=1, unit_price=Decimal("1.00")
    )
    assert_equal(
        [name for _, name, _ in report(ctx)], ["ann", "cid", "bob", "bob"], "names"
    )


SCENARIOS = [
    Scenario(
        name="mixed_view_generated_composite",
        description=(
            "a view selecting a generated column across a composite foreign "
            "key; the expression changes, its inputs are renamed"
        ),
        apps=("shop",),
        inspect=("shop_tenant", "shop_customer", "shop_order"),
        steps=[
            Step(
                "the view of the orders, their generated total and customer",
                models={"shop": shop()},
                operations={
                    "shop": [
                        "CreateModel(Tenant)",
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(OrderReport)",
                    ]
                },
                check=check_created,
            ),
            Step(
                "the generated field's expression changes",
                models={"shop": shop('F("quantity") * F("unit_price") + 5')},
                operations={"shop": ["AlterField(order.total)"]},
                check=check_expression_changed,
            ),
            Step(
                "a field the expression reads is renamed",
                models={
                    "shop": shop('F("quantity") * F("unit_price") + 5', quantity="qty")
                },
                answers=["y"],
                operations={"shop": ["RenameField(order.quantity>qty)"]},
                check=check_generated_input_renamed,
            ),
            Step(
                "the customer's field the view reads is renamed",
                models={
                    "shop": shop(
                        'F("quantity") * F("unit_price") + 5',
                        quantity="qty",
                        name="full_name",
                    )
                },
                answers=["y"],
                operations={
                    "shop": [
                        "RenameField(customer.name>full_name)",
                        "AlterModelView(orderreport)",
                    ]
                },
                check=check_view_input_renamed,
            ),
        ],
    ),
]

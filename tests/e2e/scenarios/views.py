"""Item 3: view-backed models, from the docs' examples, through migrations."""

import textwrap
from decimal import Decimal

from roundtrip import Scenario, Step

# manage.py check, as the runner calls it for the steps that expect errors,
# runs no database checks (it has no --database), so checks such as
# models.E060, models.E061 and fields.E014 never fire there. An application
# with this apps.py reports them for the "default" database from manage.py
# check, as `manage.py check --database default` would (and nothing more
# when the command checks databases itself, e.g. migrate).
DATABASE_CHECKS_APP = '''
from django.apps import AppConfig, apps
from django.core import checks


def database_checks(app_configs=None, databases=None, **kwargs):
    """The model checks that need a database, for the default database."""
    if databases:
        return []
    errors = []
    for model in apps.get_models():
        without = model.check(databases=[])
        errors.extend(
            error
            for error in model.check(databases=["default"])
            if error not in without
        )
    return errors


class {name}Config(AppConfig):
    name = "{label}"

    def ready(self):
        checks.register(database_checks, checks.Tags.models)
'''


def database_checks_app(label):
    """The files of an application whose AppConfig adds database checks."""
    return {
        f"{label}/apps.py": DATABASE_CHECKS_APP.format(
            name=label.capitalize(), label=label
        )
    }


def models_source(*parts):
    """A models.py made of dedented parts, separated by two blank lines."""
    return "\n\n".join(textwrap.dedent(part).strip("\n") for part in parts) + "\n"


def assert_equal(actual, expected, what=""):
    assert actual == expected, f"{what}: {actual!r} != {expected!r}"


def assert_read_only(ctx, model, instance):
    """The writes of a read-only view model raise TypeError, writing nothing."""
    label = model._meta.label
    for action, write in [
        ("saved", instance.save),
        ("deleted", instance.delete),
        ("saved", lambda: model.objects.create()),
        ("created", lambda: model.objects.bulk_create([model()])),
        ("updated", lambda: model.objects.update(**{model._meta.pk.attname: 0})),
        ("updated", lambda: model.objects.bulk_update([instance], ["pk"])),
        ("deleted", lambda: model.objects.all().delete()),
    ]:
        with ctx.raises(
            TypeError,
            match=rf"^{label} is backed by a read-only view: it can't be {action}\.",
        ):
            write()


# views_queryset: a QuerySet view (the docs' CustomerTotal), replaced, read by
# a view of another application, across a rename and a type change of the
# table they read, then deleted.

SHOP_HEAD = """
from django.db import models
from django.db.models import Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class {order}(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    {amount} = models.DecimalField(max_digits={max_digits}, decimal_places=2)
    paid = models.BooleanField(default=False)
"""

CUSTOMER_TOTAL = """
class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: {order}.objects{filter}.values("customer").annotate(
                total=Sum("{amount}")
            )
        )
"""


def shop(
    amount="amount",
    max_digits=10,
    paid_only=False,
    customer_total=True,
    order="Order",
):
    parts = [SHOP_HEAD.format(amount=amount, max_digits=max_digits, order=order)]
    if customer_total:
        parts.append(
            CUSTOMER_TOTAL.format(
                amount=amount,
                filter=".filter(paid=True)" if paid_only else "",
                order=order,
            )
        )
    return models_source(*parts)


REPORTS = """
from django.db import models
from django.db.models import F

from shop.models import Customer, {order}


class LargeOrder(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.DO_NOTHING, related_name="+"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: {order}.objects.filter({amount}__gte=100).values(
                "id", "customer", {selected}
            )
        )
"""


def reports(amount="amount", order="Order"):
    return models_source(
        REPORTS.format(
            order=order,
            amount=amount,
            selected='"amount"' if amount == "amount" else f'amount=F("{amount}")',
        )
    )


def totals(ctx):
    CustomerTotal = ctx.models("shop").CustomerTotal
    return dict(CustomerTotal.objects.values_list("customer__name", "total"))


def check_queryset_created(ctx):
    shop = ctx.models("shop")
    assert_equal(ctx.tables().get("shop_customertotal"), "v", "a view")
    assert_equal(ctx.columns("shop_customertotal"), ["customer_id", "total"])
    ann = shop.Customer.objects.create(name="ann")
    bob = shop.Customer.objects.create(name="bob")
    shop.Customer.objects.create(name="cid")  # No orders: not in the view.
    shop.Order.objects.create(customer=ann, amount=Decimal("30.00"), paid=True)
    shop.Order.objects.create(customer=ann, amount=Decimal("70.50"))
    shop.Order.objects.create(customer=bob, amount=Decimal("150.00"), paid=True)
    assert_equal(totals(ctx), {"ann": Decimal("100.50"), "bob": Decimal("150.00")})
    # The relations from and to the view, and filters on it.
    assert_equal(ann.customertotal.total, Decimal("100.50"), "reverse one-to-one")
    total = shop.CustomerTotal.objects.get(total__gt=120)
    assert_equal(total.customer, bob, "forward one-to-one")
    assert_equal(
        list(shop.Customer.objects.filter(customertotal__total__lt=120)), [ann]
    )
    assert_read_only(ctx, shop.CustomerTotal, total)
    assert_equal(totals(ctx)["bob"], Decimal("150.00"), "after the failed writes")


def check_queryset_replaced(ctx):
    assert_equal(totals(ctx), {"ann": Decimal("30.00"), "bob": Decimal("150.00")})


def large_orders(ctx):
    LargeOrder = ctx.models("reports").LargeOrder
    return sorted(
        LargeOrder.objects.values_list("customer_id", "amount").order_by("id")
    )


def check_other_app(ctx):
    shop, reports = ctx.models("shop"), ctx.models("reports")
    assert_equal(ctx.tables().get("reports_largeorder"), "v", "a view")
    ann = shop.Customer.objects.get(name="ann")
    bob = shop.Customer.objects.get(name="bob")
    shop.Order.objects.create(customer=ann, amount=Decimal("120.00"), paid=True)
    assert_equal(
        large_orders(ctx), [(ann.pk, Decimal("120.00")), (bob.pk, Decimal("150.00"))]
    )
    assert_equal(totals(ctx), {"ann": Decimal("150.00"), "bob": Decimal("150.00")})
    assert_read_only(ctx, reports.LargeOrder, reports.LargeOrder.objects.first())


def check_renamed(ctx):
    shop = ctx.models("shop")
    columns = ctx.columns("shop_order")
    assert "value" in columns and "amount" not in columns, columns
    assert_equal(totals(ctx), {"ann": Decimal("150.00"), "bob": Decimal("150.00")})
    bob = shop.Customer.objects.get(name="bob")
    shop.Order.objects.create(customer=bob, value=Decimal("200.00"), paid=True)
    assert_equal(totals(ctx)["bob"], Decimal("350.00"))
    assert_equal(len(large_orders(ctx)), 3, "large orders")


def check_altered(ctx):
    # numeric(10, 2) became numeric(14, 2) under the views.
    shop = ctx.models("shop")
    bob = shop.Customer.objects.get(name="bob")
    big = shop.Order.objects.create(
        customer=bob, value=Decimal("123456789.00"), paid=True
    )
    assert_equal(totals(ctx)["bob"], Decimal("123457139.00"))
    assert_equal(large_orders(ctx)[-1], (bob.pk, Decimal("123456789.00")))
    # The round trip narrows the column again.
    big.delete()


def check_model_renamed(ctx):
    shop = ctx.models("shop")
    tables = ctx.tables()
    assert "shop_purchase" in tables and "shop_order" not in tables, tables
    assert_equal(totals(ctx), {"ann": Decimal("150.00"), "bob": Decimal("350.00")})
    assert_equal(len(large_orders(ctx)), 3, "large orders")
    bob = shop.Customer.objects.get(name="bob")
    shop.Purchase.objects.create(customer=bob, value=Decimal("1.00"), paid=True)
    assert_equal(totals(ctx)["bob"], Decimal("351.00"))


def check_view_deleted(ctx):
    assert "shop_customertotal" not in ctx.tables()
    assert_equal(len(large_orders(ctx)), 3, "large orders")


# views_fields: fields added to and removed from a view model with their
# annotations (the docs' two CustomerTotal examples).

FIELDS_HEAD = """
from django.db import models
from django.db.models import Count, Max, Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
"""

# The example of docs/ref/models/options.txt (db_view).
TOTAL_OPTIONS_DOC = """
class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(total=Sum("amount"))
        )
"""

TOTAL_TWO_MORE = """
class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    order_count = models.IntegerField()
    biggest = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(
                total=Sum("amount"), order_count=Count("pk"), biggest=Max("amount")
            )
        )
"""

# The example of docs/topics/db/models.txt (view-backed models).
TOTAL_TOPICS_DOC = """
class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    order_count = models.IntegerField()

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(
                total=Sum("amount"), order_count=Count("pk")
            )
        )
"""


def check_fields_created(ctx):
    shop = ctx.models("shop")
    ann = shop.Customer.objects.create(name="ann")
    bob = shop.Customer.objects.create(name="bob")
    for customer, amount in [(ann, "10.00"), (ann, "25.00"), (bob, "7.00")]:
        shop.Order.objects.create(customer=customer, amount=Decimal(amount))
    assert_equal(totals(ctx), {"ann": Decimal("35.00"), "bob": Decimal("7.00")})


def check_fields_added(ctx):
    CustomerTotal = ctx.models("shop").CustomerTotal
    assert_equal(
        ctx.columns("shop_customertotal"),
        ["customer_id", "total", "order_count", "biggest"],
    )
    assert_equal(
        sorted(
            CustomerTotal.objects.values_list(
                "customer__name", "total", "order_count", "biggest"
            )
        ),
        [
            ("ann", Decimal("35.00"), 2, Decimal("25.00")),
            ("bob", Decimal("7.00"), 1, Decimal("7.00")),
        ],
    )


def check_field_removed(ctx):
    CustomerTotal = ctx.models("shop").CustomerTotal
    assert_equal(
        ctx.columns("shop_customertotal"), ["customer_id", "total", "order_count"]
    )
    assert_equal(
        sorted(CustomerTotal.objects.values_list("customer__name", "order_count")),
        [("ann", 2), ("bob", 1)],
    )


# views_sql: a view defined by SQL (and the docs' QuerySet view), replaced,
# renamed and altered under, then inspected with inspectdb --include-views.

SQL_SHOP = """
from django.db import models
from django.db.models import Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    {amount} = models.DecimalField(max_digits={max_digits}, decimal_places=2)


class LargeOrder(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.DO_NOTHING)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        db_view = models.View(
            sql=(
                "SELECT id, customer_id, {selected} FROM shop_order "
                "WHERE {amount} >= {threshold}"
            )
        )


class CustomerTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(total=Sum("{amount}"))
        )
"""


def sql_shop(amount="amount", max_digits=10, threshold=100):
    return models_source(
        SQL_SHOP.format(
            amount=amount,
            # The SQL selects the columns of the model's fields, by name.
            selected="amount" if amount == "amount" else f"{amount} AS amount",
            max_digits=max_digits,
            threshold=threshold,
        )
    )


def large_sql_orders(ctx):
    LargeOrder = ctx.models("shop").LargeOrder
    return sorted(LargeOrder.objects.values_list("customer__name", "amount"))


def check_sql_created(ctx):
    shop = ctx.models("shop")
    tables = ctx.tables()
    assert_equal(
        [tables.get("shop_largeorder"), tables.get("shop_customertotal")],
        ["v", "v"],
        "views",
    )
    definition = ctx.schema(["shop_largeorder"])["shop_largeorder"]["view"]
    assert "shop_order" in definition[0] and definition[1] is False, definition
    ann = shop.Customer.objects.create(name="ann")
    bob = shop.Customer.objects.create(name="bob")
    for customer, amount in [(ann, "60.00"), (ann, "150.00"), (bob, "99.99")]:
        shop.Order.objects.create(customer=customer, amount=Decimal(amount))
    assert_equal(large_sql_orders(ctx), [("ann", Decimal("150.00"))])
    assert_equal(
        [order.customer.name for order in shop.LargeOrder.objects.all()], ["ann"]
    )
    assert_equal(ann.largeorder_set.count(), 1, "reverse foreign key")
    assert_equal(totals(ctx), {"ann": Decimal("210.00"), "bob": Decimal("99.99")})
    assert_read_only(ctx, shop.LargeOrder, shop.LargeOrder.objects.get())


def check_sql_replaced(ctx):
    assert_equal(
        large_sql_orders(ctx),
        [
            ("ann", Decimal("60.00")),
            ("ann", Decimal("150.00")),
            ("bob", Decimal("99.99")),
        ],
    )


def check_sql_renamed(ctx):
    shop = ctx.models("shop")
    assert "value" in ctx.columns("shop_order")
    bob = shop.Customer.objects.get(name="bob")
    shop.Order.objects.create(customer=bob, value=Decimal("51.00"))
    assert_equal(len(large_sql_orders(ctx)), 4, "large orders")
    assert_equal(totals(ctx)["bob"], Decimal("150.99"))


def check_sql_altered(ctx):
    shop = ctx.models("shop")
    bob = shop.Customer.objects.get(name="bob")
    big = shop.Order.objects.create(customer=bob, value=Decimal("123456789.00"))
    assert_equal(large_sql_orders(ctx)[-1], ("bob", Decimal("123456789.00")))
    assert_equal(totals(ctx)["bob"], Decimal("123456939.99"))
    # The round trip narrows the column again.
    big.delete()


# views_updatable: a view that the database can update (PostgreSQL, MariaDB).

UPDATABLE_SHOP = """
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, default="open")


class OpenOrder(models.Model):
    id = models.BigAutoField(primary_key=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.DO_NOTHING, related_name="+"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, default="open")

    class Meta:
        db_view = models.View(
            lambda: Order.objects.filter({filter}), updatable=True
        )
"""


def updatable_shop(filter='status="open"'):
    return models_source(UPDATABLE_SHOP.format(filter=filter))


def open_orders(ctx):
    OpenOrder = ctx.models("shop").OpenOrder
    return sorted(OpenOrder.objects.values_list("amount", "status"))


def check_updatable_created(ctx):
    shop = ctx.models("shop")
    assert_equal(ctx.tables().get("shop_openorder"), "v", "a view")
    ann = shop.Customer.objects.create(name="ann")
    shop.Order.objects.create(customer=ann, amount=Decimal("1.00"))
    shop.Order.objects.create(customer=ann, amount=Decimal("2.00"), status="new")
    shop.Order.objects.create(customer=ann, amount=Decimal("3.00"), status="paid")
    assert_equal(open_orders(ctx), [(Decimal("1.00"), "open")])
    # Writes through the view reach the table.
    created = shop.OpenOrder.objects.create(customer=ann, amount=Decimal("4.00"))
    assert created.pk is not None
    order = shop.Order.objects.get(pk=created.pk)
    assert_equal((order.amount, order.status), (Decimal("4.00"), "open"))
    shop.OpenOrder.objects.filter(pk=created.pk).update(amount=Decimal("5.00"))
    assert_equal(shop.Order.objects.get(pk=created.pk).amount, Decimal("5.00"))
    created.refresh_from_db()
    created.amount = Decimal("6.00")
    created.save()
    assert_equal(shop.Order.objects.get(pk=created.pk).amount, Decimal("6.00"))
    created.delete()
    assert not shop.Order.objects.filter(pk=created.pk).exists()
    first = shop.OpenOrder.objects.get()
    first.status = "closed"
    first.save()
    assert_equal(open_orders(ctx), [])
    # The row left the view, not the table.
    assert_equal(shop.Order.objects.filter(status="closed").count(), 1)
    shop.Order.objects.create(customer=ann, amount=Decimal("7.00"))


def check_updatable_replaced(ctx):
    assert_equal(
        open_orders(ctx), [(Decimal("2.00"), "new"), (Decimal("7.00"), "open")]
    )
    OpenOrder = ctx.models("shop").OpenOrder
    OpenOrder.objects.filter(status="new").update(status="open")
    assert_equal(
        open_orders(ctx), [(Decimal("2.00"), "open"), (Decimal("7.00"), "open")]
    )


# views_materialized: the docs' CustomerTotalSnapshot (PostgreSQL).

MATERIALIZED_SHOP = """
from django.db import models
from django.db.models import Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits={max_digits}, decimal_places=2)


class CustomerTotalSnapshot(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects{filter}.values("customer").annotate(
                total=Sum("amount")
            ),
            materialized=True,
        )
        constraints = [
            models.UniqueConstraint(fields=["customer"], name="snapshot_uniq"),
        ]
        indexes = [{indexes}]
"""

LAZY_TOTAL = """
class LazyTotal(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.DO_NOTHING, primary_key=True, related_name="+"
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_view = models.View(
            lambda: Order.objects.values("customer").annotate(total=Sum("amount")),
            materialized=True,
            with_data=False,
        )
"""


def materialized_shop(max_digits=10, filter="", index=False, lazy=True):
    parts = [
        MATERIALIZED_SHOP.format(
            max_digits=max_digits,
            filter=filter,
            indexes=(
                'models.Index(fields=["total"], name="snapshot_total_idx")'
                if index
                else ""
            ),
        )
    ]
    if lazy:
        parts.append(LAZY_TOTAL)
    return models_source(*parts)


def snapshot(ctx, model="CustomerTotalSnapshot"):
    model = getattr(ctx.models("shop"), model)
    return dict(model.objects.values_list("customer__name", "total"))


def assert_not_populated(ctx):
    from django.db import DatabaseError

    LazyTotal = ctx.models("shop").LazyTotal
    with ctx.raises(DatabaseError, match="has not been populated"):
        list(LazyTotal.objects.all())


def check_materialized_created(ctx):
    from django.db.models import refresh_materialized_view

    shop = ctx.models("shop")
    assert_equal(ctx.tables().get("shop_customertotalsnapshot"), "v", "a view")
    definition = ctx.schema(["shop_customertotalsnapshot"])[
        "shop_customertotalsnapshot"
    ]["view"]
    assert definition[1] is True, definition
    constraints = ctx.constraints("shop_customertotalsnapshot")
    uniq = constraints.get("snapshot_uniq")
    assert uniq and uniq["unique"] and uniq["columns"] == ["customer_id"], constraints
    ann = shop.Customer.objects.create(name="ann")
    shop.Order.objects.create(customer=ann, amount=Decimal("10.00"))
    shop.Order.objects.create(customer=ann, amount=Decimal("-2.00"))
    # Stored rows: computed when it was created, and again when refreshed.
    assert_equal(snapshot(ctx), {})
    refresh_materialized_view(shop.CustomerTotalSnapshot, concurrently=True)
    assert_equal(snapshot(ctx), {"ann": Decimal("8.00")})
    assert_read_only(ctx, shop.CustomerTotalSnapshot, shop.CustomerTotalSnapshot())
    # Created without data: unreadable until refreshed.
    assert_not_populated(ctx)
    refresh_materialized_view(shop.LazyTotal)
    assert_equal(snapshot(ctx, "LazyTotal"), {"ann": Decimal("8.00")})
    with ctx.raises(ValueError):
        # No unique index on the view.
        refresh_materialized_view(shop.LazyTotal, concurrently=True)


def check_materialized_index(ctx):
    constraints = ctx.constraints("shop_customertotalsnapshot")
    index = constraints.get("snapshot_total_idx")
    assert index and index["index"] and index["columns"] == ["total"], constraints


def check_materialized_replaced(ctx):
    # Created again with its data, its index and its unique index.
    assert_equal(snapshot(ctx), {"ann": Decimal("10.00")})
    constraints = ctx.constraints("shop_customertotalsnapshot")
    assert {"snapshot_uniq", "snapshot_total_idx"} <= set(constraints), constraints


def check_materialized_altered(ctx):
    from django.db.models import refresh_materialized_view

    shop = ctx.models("shop")
    ann = shop.Customer.objects.get(name="ann")
    big = shop.Order.objects.create(customer=ann, amount=Decimal("123456789.00"))
    # Created again around the change: with data, or without.
    assert_equal(snapshot(ctx), {"ann": Decimal("10.00")})
    assert_not_populated(ctx)
    refresh_materialized_view(shop.CustomerTotalSnapshot)
    refresh_materialized_view(shop.LazyTotal)
    assert_equal(snapshot(ctx), {"ann": Decimal("123456799.00")})
    assert_equal(snapshot(ctx, "LazyTotal"), {"ann": Decimal("123456797.00")})
    # The round trip narrows the column again.
    big.delete()


def check_materialized_deleted(ctx):
    tables = ctx.tables()
    assert "shop_lazytotal" not in tables and "shop_customertotalsnapshot" in tables


# views_checks: the system checks of view-backed models.

CHECKS_HEAD = """
from django.db import models
from django.db.models import Count, Sum


class Customer(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
"""

BAD_VIEWS = {
    # A model backed by a view must declare its primary key.
    "models.E054": """
        class CustomerTotal(models.Model):
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("id").annotate(total=Sum("amount"))
                )
    """,
    # The query selects a name that isn't a field of the model.
    "models.E055": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount"), order_count=Count("pk")
                    )
                )
    """,
    "models.E056": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)
            orders = models.ManyToManyField(Order)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    )
                )
    """,
    "models.E057": """
        class CustomerTotal(Customer):
            class Meta:
                db_view = models.View(
                    lambda: Customer.objects.values("id", "name")
                )
    """,
    "models.E058": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    )
                )
                indexes = [models.Index(fields=["total"], name="total_idx")]
    """,
    "models.E059": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.CASCADE, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    )
                )
    """,
    "models.E062": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    )
                )


        class BigCustomerTotal(CustomerTotal):
            pass
    """,
    "models.E063": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    ),
                    materialized=True,
                )
                constraints = [
                    models.CheckConstraint(
                        condition=models.Q(total__gte=0), name="total_gte_0"
                    ),
                ]
    """,
    "models.E064": """
        class CustomerTotal(models.Model):
            customer = models.OneToOneField(
                Customer, on_delete=models.DO_NOTHING, primary_key=True
            )
            total = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                db_table_comment = "The totals of the customers"
                db_view = models.View(
                    lambda: Order.objects.values("customer").annotate(
                        total=Sum("amount")
                    )
                )
    """,
}

BAD_VIEW_MODELS = {"models.E062": "shop.BigCustomerTotal"}


def bad_view_steps():
    return [
        Step(
            f"bad input: {error}",
            models={"shop": models_source(CHECKS_HEAD, source)},
            errors=(error,),
            model=BAD_VIEW_MODELS.get(error, "shop.CustomerTotal"),
        )
        for error, source in BAD_VIEWS.items()
    ]


SCENARIOS = [
    Scenario(
        name="views_queryset",
        description=(
            "QuerySet views: create, replace, another app's view, rename and "
            "alter under them, delete"
        ),
        apps=("shop", "reports"),
        # The migration that renames what the view of reports reads depends
        # on reports' migration that creates it, which depends on shop's
        # first: squashing all of shop's migrations makes a cycle
        # (CircularDependencyError), as for any such interleaved dependencies.
        squash=False,
        steps=[
            Step(
                "the docs' CustomerTotal, a view of a QuerySet",
                models={"shop": shop()},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(CustomerTotal)",
                    ]
                },
                check=check_queryset_created,
            ),
            Step(
                "the QuerySet changes: the view is replaced",
                models={"shop": shop(paid_only=True)},
                operations={"shop": ["AlterModelView(customertotal)"]},
                check=check_queryset_replaced,
            ),
            Step(
                "a view of another application reads the table",
                models={"reports": reports()},
                operations={"reports": ["CreateModel(LargeOrder)"]},
                check=check_other_app,
            ),
            Step(
                "the column both views read is renamed, and their QuerySets",
                models={
                    "shop": shop("value", paid_only=True),
                    "reports": reports("value"),
                },
                answers=["y"],
                operations={
                    "shop": [
                        "RenameField(order.amount>value)",
                        "AlterModelView(customertotal)",
                    ],
                    "reports": ["AlterModelView(largeorder)"],
                },
                check=check_renamed,
            ),
            Step(
                "the type of the column the views read changes",
                models={"shop": shop("value", max_digits=14, paid_only=True)},
                operations={"shop": ["AlterField(order.value)"]},
                check=check_altered,
            ),
            Step(
                "the model the views read is renamed: their queries follow",
                models={
                    "shop": shop("value", 14, paid_only=True, order="Purchase"),
                    "reports": reports("value", order="Purchase"),
                },
                answers=["y"],
                operations={"shop": ["RenameModel(Order>Purchase)"]},
                check=check_model_renamed,
            ),
            Step(
                "the view model is deleted",
                models={
                    "shop": shop("value", 14, customer_total=False, order="Purchase")
                },
                operations={"shop": ["DeleteModel(CustomerTotal)"]},
                check=check_view_deleted,
            ),
        ],
    ),
    Scenario(
        name="views_fields",
        description=(
            "a view model's fields added and removed with their annotations "
            "(AddField/RemoveField + AlterModelView)"
        ),
        apps=("shop",),
        steps=[
            Step(
                "the CustomerTotal of the db_view reference",
                models={"shop": models_source(FIELDS_HEAD, TOTAL_OPTIONS_DOC)},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(CustomerTotal)",
                    ]
                },
                check=check_fields_created,
            ),
            Step(
                "two fields and their annotations are added",
                models={"shop": models_source(FIELDS_HEAD, TOTAL_TWO_MORE)},
                operations={
                    "shop": [
                        "AddField(customertotal.biggest)",
                        "AddField(customertotal.order_count)",
                        "AlterModelView(customertotal)",
                    ]
                },
                check=check_fields_added,
            ),
            Step(
                "one is removed: the CustomerTotal of the topic guide",
                models={"shop": models_source(FIELDS_HEAD, TOTAL_TOPICS_DOC)},
                operations={
                    "shop": [
                        "RemoveField(customertotal.biggest)",
                        "AlterModelView(customertotal)",
                    ]
                },
                check=check_field_removed,
            ),
        ],
    ),
    Scenario(
        name="views_sql",
        description=(
            "a SQL view replaced, renamed and altered under; inspectdb "
            "--include-views"
        ),
        apps=("shop",),
        inspect=(
            "shop_customer",
            "shop_order",
            "shop_largeorder",
            "shop_customertotal",
        ),
        inspect_views=True,
        steps=[
            Step(
                "a view of SQL and a view of a QuerySet",
                models={"shop": sql_shop()},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(CustomerTotal)",
                        "CreateModel(LargeOrder)",
                    ]
                },
                check=check_sql_created,
            ),
            Step(
                "the SQL changes: the view is replaced",
                models={"shop": sql_shop(threshold=50)},
                operations={"shop": ["AlterModelView(largeorder)"]},
                check=check_sql_replaced,
            ),
            Step(
                "a column the SQL names is renamed, and the SQL with it",
                models={"shop": sql_shop("value", threshold=50)},
                answers=["y"],
                operations={
                    "shop": [
                        "RenameField(order.amount>value)",
                        "AlterModelView(customertotal)",
                        "AlterModelView(largeorder)",
                    ]
                },
                check=check_sql_renamed,
            ),
            Step(
                "the type of the column the views read changes",
                models={"shop": sql_shop("value", 14, threshold=50)},
                operations={"shop": ["AlterField(order.value)"]},
                check=check_sql_altered,
            ),
        ],
    ),
    Scenario(
        name="views_updatable",
        description="an updatable view: writes through it; E061 on SQLite",
        apps=("shop",),
        files=database_checks_app("shop"),
        steps=[
            Step(
                "bad input: SQLite can't update views",
                models={"shop": updatable_shop()},
                errors=("models.E061",),
                model="shop.OpenOrder",
                vendors=("sqlite",),
            ),
            Step(
                "an updatable view of the open orders",
                models={"shop": updatable_shop()},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(OpenOrder)",
                    ]
                },
                check=check_updatable_created,
                vendors=("postgresql", "mysql"),
            ),
            Step(
                "its QuerySet changes",
                models={"shop": updatable_shop('status__in=["open", "new"]')},
                operations={"shop": ["AlterModelView(openorder)"]},
                check=check_updatable_replaced,
                vendors=("postgresql", "mysql"),
            ),
        ],
    ),
    Scenario(
        name="views_materialized",
        description=(
            "materialized views with indexes, refreshed, without data; E060 "
            "elsewhere"
        ),
        apps=("shop",),
        files=database_checks_app("shop"),
        steps=[
            Step(
                "bad input: materialized views on SQLite and MariaDB",
                models={"shop": materialized_shop(lazy=False)},
                errors=("models.E060",),
                model="shop.CustomerTotalSnapshot",
                vendors=("sqlite", "mysql"),
            ),
            Step(
                "the docs' CustomerTotalSnapshot, and a view without data",
                models={"shop": materialized_shop()},
                operations={
                    "shop": [
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                        "CreateModel(CustomerTotalSnapshot)",
                        "CreateModel(LazyTotal)",
                        "AddConstraint(customertotalsnapshot.snapshot_uniq)",
                    ]
                },
                check=check_materialized_created,
                vendors=("postgresql",),
            ),
            Step(
                "an index is added",
                models={"shop": materialized_shop(index=True)},
                operations={
                    "shop": ["AddIndex(customertotalsnapshot.snapshot_total_idx)"]
                },
                check=check_materialized_index,
                vendors=("postgresql",),
            ),
            Step(
                "the QuerySet changes: the view is replaced",
                models={
                    "shop": materialized_shop(
                        filter=".filter(amount__gt=0)", index=True
                    )
                },
                operations={"shop": ["AlterModelView(customertotalsnapshot)"]},
                check=check_materialized_replaced,
                vendors=("postgresql",),
            ),
            Step(
                "the type of the column they read changes",
                models={
                    "shop": materialized_shop(
                        14, filter=".filter(amount__gt=0)", index=True
                    )
                },
                operations={"shop": ["AlterField(order.amount)"]},
                check=check_materialized_altered,
                vendors=("postgresql",),
            ),
            Step(
                "the view without data is deleted",
                models={
                    "shop": materialized_shop(
                        14, filter=".filter(amount__gt=0)", index=True, lazy=False
                    )
                },
                operations={"shop": ["DeleteModel(LazyTotal)"]},
                check=check_materialized_deleted,
                vendors=("postgresql",),
            ),
        ],
    ),
    Scenario(
        name="views_checks",
        description="the system checks of view-backed models (bad input)",
        apps=("shop",),
        steps=bad_view_steps(),
    ),
]

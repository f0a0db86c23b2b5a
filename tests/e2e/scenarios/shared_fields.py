"""Item 7: same-parent relationships (ForeignKey/ManyToManyField.shared_fields).

The models are the docs' (docs/ref/models/fields.txt, ForeignKey.shared_fields
and ManyToManyField.shared_fields; docs/releases/wishlist.txt, "Same-parent
relationships"): Tenant, Customer and Order, then Pizza and Topping. The
database must reject relations between rows of different tenants, in foreign
keys and in many-to-many tables, and the related managers must reject them
before any query.
"""

from roundtrip import Scenario, Step
from scenarios.composite_keys import (
    assert_foreign_key,
    assert_unique_constraint,
    count_queries,
    insert,
)

TENANT = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)
"""

CUSTOMER = """

class Customer(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="customer_tenant_id_uniq"
            ),
        ]
"""

CUSTOMER_WITHOUT_CONSTRAINT = """

class Customer(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
"""

ORDER = """

class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, shared_fields=["tenant"]
    )
"""

ORDER_SET_NULL = """

class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, shared_fields=["tenant"]
    )
"""

# Topping isn't defined by the docs; Pizza is the release notes'.
PIZZA = """

class Topping(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=20)
{topping_meta}

class Pizza(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=20)
{toppings}{pizza_meta}
"""

TOPPING_META = """
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="topping_tenant_id_uniq"
            ),
        ]
"""

PIZZA_META = """
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="pizza_tenant_id_uniq"
            ),
        ]
"""

TOPPINGS = '    toppings = models.ManyToManyField(Topping, shared_fields=["tenant"])\n'


def pizza(toppings=False, constraints=False):
    return PIZZA.format(
        toppings=TOPPINGS if toppings else "",
        topping_meta=TOPPING_META if constraints else "",
        pizza_meta=PIZZA_META if constraints else "",
    )


def tenants(ctx):
    m = ctx.models("sales")
    return m.Tenant.objects.get(name="acme"), m.Tenant.objects.get(name="globex")


def check_orders(ctx):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    m = ctx.models("sales")
    assert_unique_constraint(ctx, "sales_customer", ["tenant_id", "id"])
    # The foreign key keeps its own column; its constraint includes the
    # tenant's.
    assert "customer_id" in ctx.columns("sales_order")
    assert_foreign_key(
        ctx,
        "sales_order",
        ["tenant_id", "customer_id"],
        ["sales_customer", "tenant_id", "id"],
    )
    acme = m.Tenant.objects.create(name="acme")
    globex = m.Tenant.objects.create(name="globex")
    alice = m.Customer.objects.create(tenant=acme)
    carol = m.Customer.objects.create(tenant=globex)
    order = m.Order.objects.create(tenant=acme, customer=alice)
    m.Order.objects.create(tenant=globex, customer=carol)
    # The database rejects an order of a customer of another tenant.
    with ctx.raises(IntegrityError):
        m.Order.objects.create(tenant=globex, customer=alice)
    with ctx.raises(IntegrityError):
        insert(ctx, "sales_order", tenant_id=acme.pk, customer_id=carol.pk)
    with ctx.raises(IntegrityError):
        m.Order.objects.filter(pk=order.pk).update(customer=carol)
    # full_clean() reports it.
    try:
        m.Order(tenant=globex, customer=alice).full_clean()
    except ValidationError as e:
        assert "customer" in e.message_dict, e.message_dict
    else:
        raise AssertionError("full_clean() accepted a customer of another tenant")
    m.Order(tenant=acme, customer=alice).full_clean()
    # Queries join on customer_id.
    assert m.Order.objects.filter(customer__tenant=globex).count() == 1
    count, found = count_queries(
        lambda: m.Order.objects.select_related("customer").get(pk=order.pk).customer
    )
    assert (count, found) == (1, alice), (count, found)
    assert list(alice.order_set.all()) == [order]


def check_pizzas(ctx):
    m = ctx.models("sales")
    acme, globex = tenants(ctx)
    m.Pizza.objects.create(tenant=acme, name="margherita")
    m.Pizza.objects.create(tenant=globex, name="hawaii")
    for tenant, name in [(acme, "basil"), (acme, "mozzarella"), (globex, "pineapple")]:
        m.Topping.objects.create(tenant=tenant, name=name)


def check_toppings(ctx):
    from django.db import IntegrityError
    from django.test.utils import CaptureQueriesContext

    m = ctx.models("sales")
    acme, globex = tenants(ctx)
    for table in ("sales_pizza", "sales_topping"):
        assert_unique_constraint(ctx, table, ["tenant_id", "id"])
    through = "sales_pizza_toppings"
    assert "tenant_id" in ctx.columns(through), ctx.columns(through)
    assert_foreign_key(
        ctx, through, ["tenant_id", "pizza_id"], ["sales_pizza", "tenant_id", "id"]
    )
    assert_foreign_key(
        ctx, through, ["tenant_id", "topping_id"], ["sales_topping", "tenant_id", "id"]
    )
    margherita = m.Pizza.objects.get(name="margherita")
    hawaii = m.Pizza.objects.get(name="hawaii")
    basil = m.Topping.objects.get(name="basil")
    mozzarella = m.Topping.objects.get(name="mozzarella")
    pineapple = m.Topping.objects.get(name="pineapple")
    # The managers fill the tenant column.
    margherita.toppings.add(basil)
    pineapple.pizza_set.add(hawaii)
    rows = ctx.sql(f"SELECT tenant_id, pizza_id, topping_id FROM {through}")
    assert sorted(rows) == sorted(
        [(acme.pk, margherita.pk, basil.pk), (globex.pk, hawaii.pk, pineapple.pk)]
    ), rows
    # ... and reject another tenant's objects before any query.
    for call in (
        lambda: margherita.toppings.add(pineapple),
        lambda: margherita.toppings.set([basil, pineapple]),
        lambda: pineapple.pizza_set.add(margherita),
    ):
        with CaptureQueriesContext(ctx.connection) as queries:
            try:
                call()
            except ValueError:
                pass
            else:
                raise AssertionError("a topping of another tenant was added")
        assert not queries.captured_queries, queries.captured_queries
    margherita.toppings.set([basil, mozzarella])
    assert sorted(margherita.toppings.values_list("name", flat=True)) == [
        "basil",
        "mozzarella",
    ]
    # The database rejects a row of the through table across tenants.
    with ctx.raises(IntegrityError):
        insert(
            ctx,
            through,
            tenant_id=acme.pk,
            pizza_id=margherita.pk,
            topping_id=pineapple.pk,
        )
    with ctx.raises(IntegrityError):
        insert(
            ctx,
            through,
            tenant_id=globex.pk,
            pizza_id=margherita.pk,
            topping_id=pineapple.pk,
        )
    count, toppings = count_queries(
        lambda: {
            pizza.name: sorted(topping.name for topping in pizza.toppings.all())
            for pizza in m.Pizza.objects.prefetch_related("toppings")
        }
    )
    assert count == 2, count
    assert toppings == {
        "margherita": ["basil", "mozzarella"],
        "hawaii": ["pineapple"],
    }, toppings
    margherita.toppings.remove(mozzarella)
    assert margherita.toppings.count() == 1


def check_set_null(ctx):
    m = ctx.models("sales")
    acme, globex = tenants(ctx)
    bob = m.Customer.objects.create(tenant=acme)
    order = m.Order.objects.create(tenant=acme, customer=bob)
    bob.delete()
    order.refresh_from_db()
    # SET_NULL nulls customer_id only: the order keeps its tenant.
    assert (order.tenant_id, order.customer_id) == (acme.pk, None), vars(order)
    # Unapplying the migration makes customer NOT NULL again.
    order.delete()


# A typo in the shared_fields of a ManyToManyField is fields.E353 (it raised
# at import), and add() of the primary key of another tenant's product raises
# IntegrityError, also on MariaDB (whose INSERT IGNORE dropped the row).
PRODUCTS = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)


class Product(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="product_tenant_id_uniq"
            ),
        ]


class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    products = models.ManyToManyField(Product, shared_fields=["{shared}"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="order_tenant_id_uniq"
            ),
        ]
"""


def check_add_pk(ctx):
    from django.db import IntegrityError

    m = ctx.models("sales")
    acme = m.Tenant.objects.create(name="acme")
    globex = m.Tenant.objects.create(name="globex")
    apple = m.Product.objects.create(tenant=acme, name="apple")
    pear = m.Product.objects.create(tenant=globex, name="pear")
    order = m.Order.objects.create(tenant=acme)
    # A primary key passed instead of an object is checked by the database.
    order.products.add(apple.pk)
    with ctx.raises(IntegrityError):
        order.products.add(pear.pk)
    assert list(order.products.all()) == [apple]
    with ctx.raises(IntegrityError):
        order.products.set([apple.pk, pear.pk])
    assert list(order.products.all()) == [apple]


SCENARIOS = [
    Scenario(
        name="shared_fields",
        description=(
            "Same-parent ForeignKey and ManyToManyField: constraints with the "
            "tenant, added first; cross-tenant rows rejected; SET_NULL"
        ),
        apps=("sales",),
        inspect=(
            "sales_tenant",
            "sales_customer",
            "sales_order",
            "sales_pizza",
            "sales_topping",
            "sales_pizza_toppings",
        ),
        steps=[
            Step(
                "a same-parent key without the unique constraint (fields.E351)",
                models={"sales": TENANT + CUSTOMER_WITHOUT_CONSTRAINT + ORDER},
                errors=("fields.E351",),
                model="sales.Order.customer",
            ),
            Step(
                "a shared field that doesn't exist (fields.E353)",
                models={
                    "sales": TENANT
                    + CUSTOMER
                    + ORDER.replace(
                        'shared_fields=["tenant"]', 'shared_fields=["tenantt"]'
                    )
                },
                errors=("fields.E353",),
                model="sales.Order.customer",
            ),
            Step(
                "the docs' Tenant, Customer and Order",
                models={"sales": TENANT + CUSTOMER + ORDER},
                operations={
                    "sales": [
                        "CreateModel(Tenant)",
                        "CreateModel(Customer)",
                        "CreateModel(Order)",
                    ]
                },
                check=check_orders,
            ),
            Step(
                "Pizza's toppings without the unique constraints (fields.E351)",
                models={"sales": TENANT + CUSTOMER + ORDER + pizza(toppings=True)},
                errors=("fields.E351",),
                model="sales.Pizza.toppings",
            ),
            Step(
                "Pizza and Topping of a tenant",
                models={"sales": TENANT + CUSTOMER + ORDER + pizza()},
                operations={"sales": ["CreateModel(Pizza)", "CreateModel(Topping)"]},
                check=check_pizzas,
            ),
            Step(
                "Pizza.toppings: the unique constraints are added first",
                models={
                    "sales": TENANT
                    + CUSTOMER
                    + ORDER
                    + pizza(toppings=True, constraints=True)
                },
                operations={
                    "sales": [
                        "AddConstraint(topping.topping_tenant_id_uniq)",
                        "AddConstraint(pizza.pizza_tenant_id_uniq)",
                        "AddField(pizza.toppings)",
                    ]
                },
                check=check_toppings,
            ),
            Step(
                "Order.customer: SET_NULL keeps the tenant",
                models={
                    "sales": TENANT
                    + CUSTOMER
                    + ORDER_SET_NULL
                    + pizza(toppings=True, constraints=True)
                },
                operations={"sales": ["AlterField(order.customer)"]},
                check=check_set_null,
            ),
        ],
    ),
    Scenario(
        name="shared_m2m_typo_check",
        description=(
            "ManyToManyField(shared_fields=['tenantt']) is fields.E353, not a "
            "crash at import"
        ),
        apps=("sales",),
        steps=[
            Step(
                "a shared field of a many-to-many relation that doesn't exist",
                models={"sales": PRODUCTS.replace("{shared}", "tenantt")},
                errors=("fields.E353",),
                model="sales.Order.products",
            ),
        ],
    ),
    Scenario(
        name="shared_m2m_add_pk",
        description=(
            "add()/set() of another tenant's primary key raises IntegrityError "
            "(on MariaDB too)"
        ),
        apps=("sales",),
        steps=[
            Step(
                "Order.products with shared_fields",
                models={"sales": PRODUCTS.replace("{shared}", "tenant")},
                check=check_add_pk,
            ),
        ],
    ),
]

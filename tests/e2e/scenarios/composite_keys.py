"""Item 2: foreign keys to composite primary keys, built step by step.

The models are the docs' (docs/ref/models/fields.txt, ForeignKey.from_fields;
docs/topics/composite-primary-key.txt; docs/releases/wishlist.txt): a
Customer whose primary key is (tenant_id, id), an Invoice whose foreign key is
stored in fields created for it, an Order whose foreign key is stored in its
tenant and customer_id fields, and the topic's Product, Order, OrderLineItem
and Foo. The helpers at the top are shared by the other scenarios of items 2,
5 and 7.
"""

from roundtrip import Scenario, Step

# Helpers (also imported by db_on_delete, shared_fields and
# mixed_shared_assertion).


def foreign_keys(ctx, table):
    """{(column, ...): (table, column, ...)} of the table's foreign keys."""
    return {
        tuple(details["columns"]): tuple(details["foreign_key"])
        for details in ctx.constraints(table).values()
        if details["foreign_key"]
    }


def assert_foreign_key(ctx, table, columns, target):
    """The table has the foreign key constraint columns -> target."""
    found = foreign_keys(ctx, table)
    assert found.get(tuple(columns)) == tuple(target), (
        f"{table}: no foreign key {columns} -> {target}; the foreign keys "
        f"are {found}"
    )


def assert_no_foreign_key(ctx, table, columns):
    found = foreign_keys(ctx, table)
    assert tuple(columns) not in found, f"{table}: {found}"


def assert_index(ctx, table, columns, unique=False):
    """An index (unique: a unique constraint or index) on exactly columns."""
    constraints = ctx.constraints(table)
    assert any(
        details["columns"] == list(columns)
        and (details["unique"] if unique else details["index"])
        for details in constraints.values()
    ), f"{table}: no {'unique' if unique else 'index'} on {columns}: {constraints}"


def assert_unique_constraint(ctx, table, columns):
    assert_index(ctx, table, columns, unique=True)


def count_queries(function):
    """The number of queries that function() runs, and its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = function()
    return len(queries), result


def insert(ctx, table, **values):
    """INSERT a row with raw SQL."""
    quote = ctx.connection.ops.quote_name
    columns = ", ".join(quote(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    ctx.sql(
        f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})",
        list(values.values()),
    )


def delete(ctx, table, **where):
    """DELETE rows with raw SQL, so that only the database acts."""
    quote = ctx.connection.ops.quote_name
    condition = " AND ".join(f"{quote(column)} = %s" for column in where)
    ctx.sql(f"DELETE FROM {quote(table)} WHERE {condition}", list(where.values()))


# Tenant/Customer/Invoice/Order: docs/ref/models/fields.txt and the release
# notes. Tenant isn't defined by the docs.

TENANT_CUSTOMER = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=50)


class Customer(models.Model):
    pk = models.CompositePrimaryKey("tenant_id", "id")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    id = models.IntegerField()
"""

INVOICE = """

class Invoice(models.Model):
    # Creates the customer_tenant_id and customer_id fields.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE{invoice})
"""

ORDER = """

class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.IntegerField()
    customer = models.ForeignKey(
        Customer,  # pk = models.CompositePrimaryKey("tenant_id", "id")
        on_delete={order_on_delete},
        from_fields=["tenant", "customer_id"],
    )
"""

PROFILE = """

class Profile(models.Model):
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE)
    bio = models.CharField(max_length=100, default="", blank=True)
"""


def crm(
    invoice=False,
    order=False,
    profile=False,
    invoice_options="",
    order_on_delete="models.CASCADE",
):
    source = TENANT_CUSTOMER
    if invoice:
        source += INVOICE.format(invoice=invoice_options)
    if order:
        source += ORDER.format(order_on_delete=order_on_delete)
    if profile:
        source += PROFILE
    return source


def customers(ctx):
    """The tenants and customers created by check_customer()."""
    m = ctx.models("crm")
    acme = m.Tenant.objects.get(name="acme")
    globex = m.Tenant.objects.get(name="globex")
    alice = m.Customer.objects.get(tenant=acme, id=1)
    bob = m.Customer.objects.get(tenant=acme, id=2)
    carol = m.Customer.objects.get(tenant=globex, id=1)
    return acme, globex, alice, bob, carol


def check_customer(ctx):
    m = ctx.models("crm")
    constraints = ctx.constraints("crm_customer")
    assert any(
        details["primary_key"] and details["columns"] == ["tenant_id", "id"]
        for details in constraints.values()
    ), constraints
    assert_foreign_key(ctx, "crm_customer", ["tenant_id"], ["crm_tenant", "id"])
    acme = m.Tenant.objects.create(name="acme")
    globex = m.Tenant.objects.create(name="globex")
    alice = m.Customer.objects.create(tenant=acme, id=1)
    m.Customer.objects.create(tenant=acme, id=2)
    m.Customer.objects.create(tenant=globex, id=1)
    assert alice.pk == (acme.pk, 1), alice.pk
    assert m.Customer.objects.filter(id=1).count() == 2


def check_invoice(ctx):
    from django.db import IntegrityError

    m = ctx.models("crm")
    acme, globex, alice, bob, carol = customers(ctx)
    columns = ctx.columns("crm_invoice")
    assert "customer_tenant_id" in columns and "customer_id" in columns, columns
    # The fields created for the foreign key aren't editable.
    assert not m.Invoice._meta.get_field("customer_tenant_id").editable
    # One constraint over both columns, and an index on them.
    assert_foreign_key(
        ctx,
        "crm_invoice",
        ["customer_tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    assert_index(ctx, "crm_invoice", ["customer_tenant_id", "customer_id"])
    first = m.Invoice.objects.create(customer=alice)
    assert (first.customer_tenant_id, first.customer_id) == (acme.pk, 1)
    m.Invoice.objects.create(customer=bob)
    m.Invoice.objects.create(customer=carol)
    # The database rejects a reference to a customer that doesn't exist, also
    # one whose columns exist separately ((globex, 2): globex and id 2 do).
    with ctx.raises(IntegrityError):
        insert(ctx, "crm_invoice", customer_tenant_id=globex.pk, customer_id=2)
    with ctx.raises(IntegrityError):
        m.Invoice.objects.create(customer_tenant_id=acme.pk, customer_id=99)
    # Queries across it.
    assert m.Invoice.objects.filter(customer=alice).get() == first
    assert m.Invoice.objects.filter(customer=(acme.pk, 1)).get() == first
    assert m.Invoice.objects.filter(customer__tenant__name="acme").count() == 2
    assert m.Invoice.objects.filter(customer__id=1).count() == 2
    assert alice.invoice_set.get() == first
    assert m.Customer.objects.filter(invoice__isnull=False).distinct().count() == 3
    count, invoice = count_queries(
        lambda: m.Invoice.objects.select_related("customer__tenant").get(pk=first.pk)
    )
    assert count == 1, count
    count, name = count_queries(lambda: invoice.customer.tenant.name)
    assert (count, name) == (0, "acme"), (count, name)
    # Python CASCADE through the composite foreign key.
    temporary = m.Customer.objects.create(tenant=globex, id=9)
    m.Invoice.objects.create(customer=temporary)
    temporary.delete()
    assert not m.Invoice.objects.filter(customer_id=9).exists()


def check_order(ctx):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    m = ctx.models("crm")
    acme, globex, alice, bob, carol = customers(ctx)
    assert "customer" not in ctx.columns("crm_order")
    assert_foreign_key(
        ctx,
        "crm_order",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    assert_foreign_key(ctx, "crm_order", ["tenant_id"], ["crm_tenant", "id"])
    assert_index(ctx, "crm_order", ["tenant_id", "customer_id"])
    order = m.Order.objects.create(customer=alice)
    # Assigning the customer sets the fields that store it.
    assert (order.tenant_id, order.customer_id) == (acme.pk, 1)
    other = m.Order(tenant=globex, customer_id=1)
    assert other.customer == carol
    other.save()
    m.Order.objects.create(customer=bob)
    # (globex, 2) doesn't exist, though both columns are valid alone.
    with ctx.raises(IntegrityError):
        m.Order.objects.create(tenant=globex, customer_id=2)
    with ctx.raises(IntegrityError):
        insert(ctx, "crm_order", tenant_id=globex.pk, customer_id=2)
    # full_clean() checks that the customer exists.
    try:
        m.Order(tenant=globex, customer_id=2).full_clean()
    except ValidationError as e:
        assert "customer" in e.message_dict, e.message_dict
    else:
        raise AssertionError("full_clean() accepted a missing customer")
    assert m.Order.objects.filter(customer=alice).get() == order
    assert m.Order.objects.filter(customer=(globex.pk, 1)).get() == other
    assert m.Order.objects.filter(customer__tenant__name="globex").get() == other
    assert list(alice.order_set.all()) == [order]
    count, found = count_queries(
        lambda: [
            (o.pk, o.customer.pk)
            for o in m.Order.objects.select_related("customer").order_by("pk")
        ]
    )
    assert count == 1, count
    assert found[0] == (order.pk, (acme.pk, 1)), found
    count, orders = count_queries(
        lambda: {
            c.pk: len(c.order_set.all())
            for c in m.Customer.objects.prefetch_related("order_set")
        }
    )
    assert count == 2, count
    assert orders == {(acme.pk, 1): 1, (acme.pk, 2): 1, (globex.pk, 1): 1}, orders
    values = list(m.Order.objects.filter(pk=order.pk).values("customer__id"))
    assert values == [{"customer__id": 1}], values
    # update() writes the fields in from_fields.
    assert m.Order.objects.filter(pk=other.pk).update(customer=bob) == 1
    other.refresh_from_db()
    assert (other.tenant_id, other.customer_id) == (acme.pk, 2)
    m.Order.objects.filter(pk=other.pk).update(customer=(globex.pk, 1))
    other.refresh_from_db()
    assert other.customer == carol


def check_profile(ctx):
    from django.db import IntegrityError

    m = ctx.models("crm")
    acme, globex, alice, bob, carol = customers(ctx)
    columns = ["customer_tenant_id", "customer_id"]
    assert_foreign_key(ctx, "crm_profile", columns, ["crm_customer", "tenant_id", "id"])
    assert_unique_constraint(ctx, "crm_profile", columns)
    profile = m.Profile.objects.create(customer=alice, bio="first")
    m.Profile.objects.create(customer=carol, bio="third")
    with ctx.raises(IntegrityError):
        m.Profile.objects.create(customer=alice, bio="again")
    with ctx.raises(IntegrityError):
        insert(ctx, "crm_profile", customer_tenant_id=globex.pk, customer_id=5, bio="")
    alice.refresh_from_db()
    assert alice.profile == profile
    assert m.Customer.objects.get(profile__bio="third") == carol


def check_altered(ctx):
    from django.db.models import ProtectedError

    m = ctx.models("crm")
    acme, globex, alice, bob, carol = customers(ctx)
    # db_constraint=False: the constraint is dropped, the index is kept.
    assert_no_foreign_key(ctx, "crm_invoice", ["customer_tenant_id", "customer_id"])
    assert_index(ctx, "crm_invoice", ["customer_tenant_id", "customer_id"])
    insert(ctx, "crm_invoice", customer_tenant_id=globex.pk, customer_id=42)
    assert m.Invoice.objects.filter(customer=(globex.pk, 42)).count() == 1
    m.Invoice.objects.filter(customer_id=42).delete()
    # db_index=False: the index is dropped (MariaDB keeps one, which its
    # foreign key constraints require).
    if ctx.vendor != "mysql":
        constraints = ctx.constraints("crm_order")
        assert not any(
            details["index"] and not details["unique"]
            for details in constraints.values()
            if details["columns"] == ["tenant_id", "customer_id"]
        ), constraints
    # on_delete=PROTECT: the ORM refuses, the constraint is unchanged.
    assert_foreign_key(
        ctx,
        "crm_order",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    try:
        bob.delete()
    except ProtectedError:
        pass
    else:
        raise AssertionError("bob, who has an order, was deleted")


def check_removed(ctx):
    m = ctx.models("crm")
    columns = ctx.columns("crm_invoice")
    assert "customer_id" not in columns and "customer_tenant_id" not in columns
    assert m.Invoice.objects.count() == 3
    assert_index(ctx, "crm_order", ["tenant_id", "customer_id"])
    # Unapplying the removal adds the NOT NULL columns again, without a
    # default: the table must be empty then.
    m.Invoice.objects.all().delete()
    # The Order's foreign key remains.
    assert_foreign_key(
        ctx,
        "crm_order",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )


# Product/Order/OrderLineItem/Foo: docs/topics/composite-primary-key.txt.

LINE_ITEMS = """
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)


class Order(models.Model):
    reference = models.CharField(max_length=20, primary_key=True)


class OrderLineItem(models.Model):
    pk = models.CompositePrimaryKey("product_id", "order_id")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    quantity = models.IntegerField()
"""

FOO = """

class Foo(models.Model):
    item = models.ForeignKey(OrderLineItem, on_delete=models.CASCADE)
"""

# The topic's second Foo as the docs first showed it: its from_fields don't
# follow the order of the primary key's fields (product_id, order_id), and
# product_id is an IntegerField where Product's key is a BigAutoField
# (DEFAULT_AUTO_FIELD), so the system check framework rejects it
# (fields.E352). The docs now show FOO_FROM_FIELDS, the example corrected;
# the mistake stays here as bad input a user can make.
FOO_FROM_FIELDS_MISTAKEN = """

class Foo(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    product_id = models.IntegerField()
    item = models.ForeignKey(
        OrderLineItem,
        on_delete=models.CASCADE,
        from_fields=("order", "product_id"),
    )
"""

FOO_FROM_FIELDS = """

class Foo(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    product_id = models.BigIntegerField()
    item = models.ForeignKey(
        OrderLineItem,
        on_delete=models.CASCADE,
        from_fields=("product_id", "order"),
    )
"""


def check_line_items(ctx):
    from django import forms

    m = ctx.models("shop")
    # The pycon examples of the topic.
    product = m.Product.objects.create(name="apple")
    order = m.Order.objects.create(reference="A755H")
    item = m.OrderLineItem.objects.create(product=product, order=order, quantity=1)
    assert item.pk == (product.pk, "A755H"), item.pk
    item = m.OrderLineItem(pk=(2, "B142C"))
    assert (item.pk, item.product_id, item.order_id) == ((2, "B142C"), 2, "B142C")
    assert m.OrderLineItem.objects.filter(pk=(product.pk, "A755H")).count() == 1
    assert [f.name for f in m.OrderLineItem._meta.pk_fields] == ["product", "order"]
    # "Composite primary keys and database functions".
    from django.db.models import Count, Max

    assert m.OrderLineItem.objects.aggregate(n=Count("pk")) == {"n": 1}
    try:
        m.OrderLineItem.objects.aggregate(Max("pk"))
    except ValueError:
        pass
    else:
        raise AssertionError('Max("pk") of a composite primary key')

    class OrderLineItemForm(forms.ModelForm):
        class Meta:
            model = m.OrderLineItem
            fields = "__all__"

    assert list(OrderLineItemForm().fields) == ["product", "order", "quantity"]
    constraints = ctx.constraints("shop_orderlineitem")
    assert any(
        details["primary_key"] and details["columns"] == ["product_id", "order_id"]
        for details in constraints.values()
    ), constraints


def check_foo(ctx):
    from django.db import IntegrityError

    m = ctx.models("shop")
    columns = ctx.columns("shop_foo")
    assert "item_order_id" in columns and "item_product_id" in columns, columns
    found = {
        key: target
        for key, target in foreign_keys(ctx, "shop_foo").items()
        if len(key) == 2
    }
    assert len(found) == 1, found
    [(key, target)] = found.items()
    # Each column refers to the field of the key it's named after.
    assert target[0] == "shop_orderlineitem", target
    assert dict(zip(key, target[1:])) == {
        "item_order_id": "order_id",
        "item_product_id": "product_id",
    }, found
    assert_index(ctx, "shop_foo", key)
    item = m.OrderLineItem.objects.get()
    foo = m.Foo.objects.create(item=item)
    assert (foo.item_product_id, foo.item_order_id) == item.pk
    assert m.Foo.objects.filter(item__order__reference="A755H").get() == foo
    assert m.Foo.objects.select_related("item__product").get().item == item
    with ctx.raises(IntegrityError):
        insert(ctx, "shop_foo", item_product_id=item.product_id, item_order_id="ZZZ")
    # A ModelChoiceField chooses the line item, by a JSON list.
    from django import forms

    class FooForm(forms.ModelForm):
        class Meta:
            model = m.Foo
            fields = "__all__"

    form = FooForm({"item": f'["{item.product_id}", "A755H"]'})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["item"] == item


def check_foo_from_fields(ctx):
    from django import forms
    from django.db import IntegrityError

    m = ctx.models("shop")
    for column in ("item_order_id", "item_product_id"):
        assert column not in ctx.columns("shop_foo"), ctx.columns("shop_foo")
    assert_foreign_key(
        ctx,
        "shop_foo",
        ["product_id", "order_id"],
        ["shop_orderlineitem", "product_id", "order_id"],
    )
    item = m.OrderLineItem.objects.get()
    foo = m.Foo.objects.get()
    assert foo.item == item
    with ctx.raises(IntegrityError):
        m.Foo.objects.create(order=item.order, product_id=item.product_id + 1)

    # The topic's FooForm.
    class FooForm(forms.ModelForm):
        item = forms.ModelChoiceField(m.OrderLineItem.objects.all())

        class Meta:
            model = m.Foo
            fields = ["item"]

    form = FooForm({"item": f'["{item.product_id}", "A755H"]'})
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.product_id, saved.order_id) == item.pk
    # Unapplying the migration adds the removed fields again, NOT NULL and
    # without a default, as for any RemoveField: only an empty table allows
    # it.
    m.Foo.objects.all().delete()


# Bad input: the checks of docs/ref/checks.txt for composite foreign keys.

CHECKS_BASE = """
from django.db import models


class Tenant(models.Model):
    pass


class Customer(models.Model):
    pk = models.CompositePrimaryKey("tenant_id", "id")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    id = models.IntegerField()


class Tag(models.Model):
    pass


class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.IntegerField(null=True)
    tags = models.ManyToManyField(Tag)
    {customer}
"""


def bad_order(customer):
    return {"checks": CHECKS_BASE.format(customer=customer)}


CHECK_STEPS = [
    Step(
        "fields.E349: a from_field that doesn't exist",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.CASCADE, "
            'from_fields=["tenant", "client_id"])'
        ),
        errors=("fields.E349",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E349: a from_field without a column (many-to-many)",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.CASCADE, "
            'from_fields=["tenant", "tags"])'
        ),
        errors=("fields.E349",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E350: from_fields and to_fields of different lengths",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.CASCADE, "
            'from_fields=["tenant", "customer_id"], to_fields=["tenant"])'
        ),
        errors=("fields.E350",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E351: to_fields that aren't a key, in this order",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.CASCADE, "
            'from_fields=["customer_id", "tenant"], to_fields=["id", "tenant"])'
        ),
        errors=("fields.E351",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E352: a from_field of another type than its target",
        models=bad_order(
            "code = models.CharField(max_length=10)\n"
            "    customer = models.ForeignKey(Customer, models.CASCADE, "
            'from_fields=["tenant", "code"])'
        ),
        errors=("fields.E352",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E320: DB_SET_NULL with a from_field that can't be null",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.DB_SET_NULL, null=True, "
            'from_fields=["tenant", "customer_id"])'
        ),
        errors=("fields.E320",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E322: DB_SET_DEFAULT with a from_field without db_default",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.DB_SET_DEFAULT, "
            'from_fields=["tenant", "customer_id"])'
        ),
        errors=("fields.E322",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E356: a nullable foreign key whose from_fields can't be null",
        models=bad_order(
            "ref = models.IntegerField()\n"
            "    customer = models.ForeignKey(Customer, models.CASCADE, null=True, "
            'from_fields=["tenant", "ref"])'
        ),
        errors=("fields.E356",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E355: shared_fields on a foreign key to a composite primary key",
        models=bad_order(
            "customer = models.ForeignKey(Customer, models.CASCADE, "
            'shared_fields=["tenant"])'
        ),
        errors=("fields.E355",),
        model="checks.Order.customer",
    ),
    Step(
        "fields.E347: a many-to-many relation to a composite primary key",
        models=bad_order("customers = models.ManyToManyField(Customer)"),
        errors=("fields.E347",),
        model="checks.Order.customers",
    ),
]


# What inspectdb writes for the line items when it isn't given the table of
# Product: the system check framework should report the missing model
# (fields.E300), but it raised ValueError from Foo.item's check of the types
# of its from_fields (reported).
UNRESOLVED_TARGET = """
from django.db import models


class OrderLineItem(models.Model):
    pk = models.CompositePrimaryKey("product_id", "order_id")
    product = models.ForeignKey("Product", models.DO_NOTHING)
    order_id = models.CharField(max_length=20)


class Foo(models.Model):
    item_product_id = models.BigIntegerField()
    item_order_id = models.CharField(max_length=20)
    item = models.ForeignKey(
        OrderLineItem,
        models.DO_NOTHING,
        from_fields=("item_product_id", "item_order_id"),
    )
"""


# A foreign key to the fields of a unique_together (to_fields), in models
# created together, as inspectdb writes a same-parent key: makemigrations
# created Customer, Tenant, Order, then added Customer.tenant and the
# unique_together, so that Order's foreign key referred to a field that
# didn't exist yet (reported).
TO_UNIQUE_TOGETHER = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)


class Customer(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=20)

    class Meta:
        unique_together = [("tenant", "id")]


class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.BigIntegerField()
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        from_fields=["tenant", "customer_id"],
        to_fields=["tenant", "id"],
    )
"""


def check_to_unique_together(ctx):
    from django.db import IntegrityError

    m = ctx.models("crm")
    assert_foreign_key(
        ctx,
        "crm_order",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    acme = m.Tenant.objects.create(name="acme")
    globex = m.Tenant.objects.create(name="globex")
    alice = m.Customer.objects.create(tenant=acme, name="alice")
    order = m.Order.objects.create(customer=alice)
    assert order.tenant == acme
    with ctx.raises(IntegrityError):
        m.Order.objects.create(tenant=globex, customer_id=alice.pk)


# A nullable foreign key stored in the tenant and customer_id fields: setting
# it to None, in every way, leaves the tenant, which can't be null, unchanged.
NULLABLE_ORDER = TENANT_CUSTOMER + """

class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.IntegerField(null=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        from_fields=["tenant", "customer_id"],
    )
    number = models.IntegerField(default=0)
"""


def check_nullable_order(ctx):
    m = ctx.models("crm")
    acme = m.Tenant.objects.create(name="acme")
    alice = m.Customer.objects.create(tenant=acme, id=1)
    bob = m.Customer.objects.create(tenant=acme, id=2)
    order = m.Order.objects.create(customer=alice, number=1)
    order.customer = None
    assert (order.tenant_id, order.customer_id) == (acme.pk, None)
    order.save()
    order.refresh_from_db()
    assert (order.tenant_id, order.customer) == (acme.pk, None)
    others = [m.Order.objects.create(customer=bob, number=n) for n in (2, 3)]
    bob.order_set.remove(others[0])
    bob.order_set.clear(bulk=False)
    assert not bob.order_set.exists()
    m.Order.objects.filter(number=1).update(customer=alice)
    m.Order.objects.update(customer=None)
    assert set(m.Order.objects.values_list("tenant", "customer_id")) == {
        (acme.pk, None)
    }
    others[0].customer = None
    others[1].customer = bob
    m.Order.objects.bulk_update(others, ["customer"])
    assert list(bob.order_set.values_list("number", flat=True)) == [3]
    # The rows are kept for the round trip's data checks.


# A foreign key stored in a single field that has an index of its own: the
# foreign key created the same index again, and migrate failed with "index
# ... already exists" (reported). The foreign key's index now has its own name
# (on MariaDB, the field's index serves the constraint), and removing the
# foreign key keeps the field's index.
SINGLE_FROM_FIELD = """
from django.db import models


class Event(models.Model):
    name = models.CharField(max_length=20)


class Ticket(models.Model):
    event_ref = models.BigIntegerField(db_index=True)
{event}
"""

TICKET_EVENT = """
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        from_fields=["event_ref"],
        to_fields=["id"],
    )
"""


def event_ref_indexes(ctx):
    return {
        name
        for name, details in ctx.constraints("events_ticket").items()
        if details["index"]
        and not details["unique"]
        and details["columns"] == ["event_ref"]
    }


def own_index(ctx):
    with ctx.connection.schema_editor() as editor:
        return editor._create_index_name("events_ticket", ["event_ref"])


def check_single_from_field(ctx):
    from django.db import IntegrityError

    indexes = event_ref_indexes(ctx)
    assert own_index(ctx) in indexes, ctx.constraints("events_ticket")
    expected = 1 if ctx.connection.vendor == "mysql" else 2
    assert len(indexes) == expected, ctx.constraints("events_ticket")
    assert_foreign_key(ctx, "events_ticket", ["event_ref"], ["events_event", "id"])
    m = ctx.models("events")
    event = m.Event.objects.create(name="launch")
    ticket = m.Ticket.objects.create(event=event)
    assert ticket.event_ref == event.pk
    assert list(event.ticket_set.all()) == [ticket]
    with ctx.raises(IntegrityError):
        m.Ticket.objects.create(event_ref=event.pk + 100)


def check_single_from_field_removed(ctx):
    assert event_ref_indexes(ctx) == {own_index(ctx)}, ctx.constraints("events_ticket")
    assert_no_foreign_key(ctx, "events_ticket", ["event_ref"])


# unique_together, an index, and a unique constraint that name a foreign key
# stored in tenant and customer_id (models.E049 rejected them).
VISITS = TENANT_CUSTOMER + """

class Visit(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    customer_id = models.IntegerField()
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, from_fields=["tenant", "customer_id"]
    )
    day = models.IntegerField()
    room = models.IntegerField()
{meta}
"""

VISITS_META = """
    class Meta:
        unique_together = [("customer", "day")]
        indexes = [models.Index(fields=["customer", "-room"], name="visit_room_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "customer"], name="visit_room_customer_uniq"
            ),
        ]
"""


def visit_unique_columns(ctx):
    return [
        details["columns"]
        for details in ctx.constraints("crm_visit").values()
        if details["unique"] and not details["primary_key"]
    ]


def check_visits(ctx):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    unique = visit_unique_columns(ctx)
    assert ["tenant_id", "customer_id", "day"] in unique, unique
    assert ["room", "tenant_id", "customer_id"] in unique, unique
    index = ctx.constraints("crm_visit")["visit_room_idx"]
    assert index["columns"] == ["tenant_id", "customer_id", "room"], index
    assert_foreign_key(
        ctx,
        "crm_visit",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    m = ctx.models("crm")
    acme = m.Tenant.objects.create(name="acme")
    alice = m.Customer.objects.create(tenant=acme, id=1)
    bob = m.Customer.objects.create(tenant=acme, id=2)
    m.Visit.objects.create(customer=alice, day=1, room=1)
    m.Visit.objects.create(customer=bob, day=1, room=2)
    with ctx.raises(IntegrityError):
        m.Visit.objects.create(customer=alice, day=1, room=3)
    with ctx.raises(IntegrityError):
        m.Visit.objects.create(customer=alice, day=2, room=1)
    try:
        m.Visit(customer=alice, day=1, room=3).full_clean()
    except ValidationError as e:
        assert "customer and day already exists" in str(e).lower(), e
    else:
        raise AssertionError("full_clean() accepted a duplicate visit")


def check_visits_without_constraints(ctx):
    unique = visit_unique_columns(ctx)
    assert ["tenant_id", "customer_id", "day"] not in unique, unique
    assert "visit_room_idx" not in ctx.constraints("crm_visit")
    assert_foreign_key(
        ctx,
        "crm_visit",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    m = ctx.models("crm")
    alice = m.Customer.objects.get(id=1)
    duplicate = m.Visit.objects.create(customer=alice, day=1, room=1)
    assert m.Visit.objects.filter(customer=alice).count() == 2
    # Unapplying the migration adds the constraints again.
    duplicate.delete()


SCENARIOS = [
    Scenario(
        name="composite_fk_customer",
        description=(
            "ForeignKey/OneToOneField to a CompositePrimaryKey: implicit and "
            "from_fields keys, constraint, ORM, alter, remove, inspectdb"
        ),
        apps=("crm",),
        inspect=("crm_tenant", "crm_customer", "crm_order", "crm_profile"),
        steps=[
            Step(
                "a Customer with a CompositePrimaryKey (tenant_id, id)",
                models={"crm": crm()},
                operations={"crm": ["CreateModel(Tenant)", "CreateModel(Customer)"]},
                check=check_customer,
            ),
            Step(
                "Invoice: a ForeignKey to it, stored in fields created for it",
                models={"crm": crm(invoice=True)},
                operations={"crm": ["CreateModel(Invoice)"]},
                check=check_invoice,
            ),
            Step(
                "Order: a ForeignKey stored in its fields (from_fields)",
                models={"crm": crm(invoice=True, order=True)},
                operations={"crm": ["CreateModel(Order)"]},
                check=check_order,
            ),
            Step(
                "Profile: a OneToOneField to it",
                models={"crm": crm(invoice=True, order=True, profile=True)},
                operations={"crm": ["CreateModel(Profile)"]},
                check=check_profile,
            ),
            Step(
                "Invoice: db_constraint=False; Order: PROTECT, db_index=False",
                models={
                    "crm": crm(
                        invoice=True,
                        order=True,
                        profile=True,
                        invoice_options=", db_constraint=False",
                        order_on_delete="models.PROTECT, db_index=False",
                    )
                },
                operations={
                    "crm": [
                        "AlterField(invoice.customer)",
                        "AlterField(order.customer)",
                    ]
                },
                check=check_altered,
            ),
            Step(
                "Invoice's key removed with its fields; Order's index back",
                models={
                    "crm": crm(
                        order=True, profile=True, order_on_delete="models.PROTECT"
                    )
                    + "\n\nclass Invoice(models.Model):\n    pass\n"
                },
                operations={
                    "crm": [
                        "RemoveField(invoice.customer)",
                        "AlterField(order.customer)",
                        "RemoveField(invoice.customer_id)",
                        "RemoveField(invoice.customer_tenant_id)",
                    ]
                },
                check=check_removed,
            ),
        ],
    ),
    Scenario(
        name="composite_pk_order_line_item",
        description=(
            "The composite primary key topic's models: OrderLineItem created "
            "with its keys, Foo's ForeignKey to it, forms"
        ),
        apps=("shop",),
        inspect=("shop_product", "shop_order", "shop_orderlineitem", "shop_foo"),
        steps=[
            # A bad-input step leaves its models in place: it comes first.
            Step(
                "Foo with from_fields in the wrong order and of the wrong type",
                models={"shop": LINE_ITEMS + FOO_FROM_FIELDS_MISTAKEN},
                errors=("fields.E352",),
                model="shop.Foo.item",
            ),
            Step(
                "Product, Order, OrderLineItem and Foo created together",
                models={"shop": LINE_ITEMS + FOO},
                operations={
                    "shop": [
                        "CreateModel(Order)",
                        "CreateModel(Product)",
                        "CreateModel(OrderLineItem)",
                        "CreateModel(Foo)",
                    ]
                },
                check=lambda ctx: (check_line_items(ctx), check_foo(ctx)),
            ),
        ],
    ),
    Scenario(
        name="composite_fk_from_fields_altered",
        description=(
            "Foo's key moved from the fields created for it to from_fields "
            "(the topic's two Foo models, in turn)"
        ),
        apps=("shop",),
        # The optimizer keeps the one-off defaults of AddField in the squashed
        # CreateModel (Django's ticket #26223), so makemigrations would find
        # changes after squashing.
        squash=False,
        steps=[
            Step(
                "Product, Order, OrderLineItem and Foo created together",
                models={"shop": LINE_ITEMS + FOO},
                check=lambda ctx: (check_line_items(ctx), check_foo(ctx)),
            ),
            Step(
                "Foo's key stored in its order and product_id fields",
                models={"shop": LINE_ITEMS + FOO_FROM_FIELDS},
                # One-off defaults of order and product_id: the line item.
                answers=["1", "'A755H'", "1", "1"],
                operations={
                    "shop": [
                        "AddField(foo.order)",
                        "AddField(foo.product_id)",
                        "AlterField(foo.item)",
                        "RemoveField(foo.item_order_id)",
                        "RemoveField(foo.item_product_id)",
                    ]
                },
                check=check_foo_from_fields,
            ),
        ],
    ),
    Scenario(
        name="composite_fk_checks",
        description=(
            "Bad input: fields.E320/E322/E347/E349-E352/E355/E356 name the field"
        ),
        apps=("checks",),
        steps=CHECK_STEPS,
    ),
    Scenario(
        name="composite_fk_check_unresolved_target",
        description=(
            "Bad input: a composite key's field refers to a missing model "
            "(fields.E300, not a crash of the check of Foo.item)"
        ),
        apps=("checks",),
        steps=[
            Step(
                "OrderLineItem.product refers to a model that doesn't exist",
                models={"checks": UNRESOLVED_TARGET},
                errors=("fields.E300",),
                model="checks.OrderLineItem.product",
            ),
        ],
    ),
    Scenario(
        name="composite_fk_to_unique_together",
        description=(
            "A ForeignKey to the fields of a unique_together (to_fields), "
            "created with them in one migration"
        ),
        apps=("crm",),
        steps=[
            Step(
                "Tenant, Customer and Order created together",
                models={"crm": TO_UNIQUE_TOGETHER},
                check=check_to_unique_together,
            ),
        ],
    ),
    Scenario(
        name="composite_fk_nullable_shared_tenant",
        description=(
            "A nullable foreign key to a CompositePrimaryKey set to None "
            "(assignment, remove(), clear(), update(), bulk_update()) keeps the "
            "tenant"
        ),
        apps=("crm",),
        steps=[
            Step(
                "Order.customer, nullable, stored in tenant and customer_id",
                models={"crm": NULLABLE_ORDER},
                check=check_nullable_order,
            ),
        ],
    ),
    Scenario(
        name="composite_fk_single_from_field",
        description=(
            "A ForeignKey stored in a single indexed field: one index, kept "
            "when the foreign key is removed"
        ),
        apps=("events",),
        steps=[
            Step(
                "Ticket.event stored in event_ref, which has db_index=True",
                models={"events": SINGLE_FROM_FIELD.format(event=TICKET_EVENT)},
                check=check_single_from_field,
            ),
            Step(
                "Ticket.event removed",
                models={"events": SINGLE_FROM_FIELD.format(event="")},
                operations={"events": ["RemoveField(ticket.event)"]},
                check=check_single_from_field_removed,
            ),
        ],
    ),
    Scenario(
        name="composite_fk_constraints",
        description=(
            "unique_together, Meta.indexes and a UniqueConstraint naming a "
            "foreign key stored in tenant and customer_id, added and removed"
        ),
        apps=("crm",),
        # On MariaDB, dropping the unique_together that starts with the
        # foreign key first creates an index for its constraint, as Django
        # does for any foreign key (_create_missing_fk_index()), where the
        # squashed migration leaves the constraint's own index: the schemas
        # differ by the name of that index.
        squash=False,
        steps=[
            Step(
                "Visit with constraints and an index over its customer key",
                models={"crm": VISITS.format(meta=VISITS_META)},
                check=check_visits,
            ),
            Step(
                "the constraints and the index removed",
                models={"crm": VISITS.format(meta="")},
                operations={
                    "crm": [
                        "RemoveConstraint(visit.visit_room_customer_uniq)",
                        "RemoveIndex(visit.visit_room_idx)",
                        "AlterUniqueTogether(visit)",
                    ]
                },
                check=check_visits_without_constraints,
            ),
        ],
    ),
]

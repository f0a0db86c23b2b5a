"""Item 5: database ON DELETE actions of composite and same-parent keys.

Composite foreign keys emit the database-level on_delete options in their
constraint, and same-parent keys (shared_fields) limit DB_SET_NULL and
DB_SET_DEFAULT to their own column on PostgreSQL (ON DELETE SET NULL
(customer_id)), a check error (fields.E354) elsewhere
(docs/releases/wishlist.txt, docs/ref/models/fields.txt). The checks delete
rows with raw SQL, so that only the database acts.
"""

from roundtrip import Scenario, Step
from scenarios.composite_keys import assert_foreign_key, delete, insert

# Composite keys: Account's primary key is (tenant_id, number).

ACCOUNTS = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)


class Account(models.Model):
    pk = models.CompositePrimaryKey("tenant_id", "number")
    tenant = models.ForeignKey(Tenant, on_delete=models.{cascade})
    number = models.IntegerField()


class Entry(models.Model):
    # Stored in account_tenant_id and account_number, created for it.
    account = models.ForeignKey(Account, on_delete=models.{cascade})
    amount = models.IntegerField()


class Hold(models.Model):
    account_tenant_id = models.BigIntegerField(null=True)
    account_number = models.IntegerField(null=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.{set_null},
        null=True,
        from_fields=["account_tenant_id", "account_number"],
    )
"""

TICKET = """

class Ticket(models.Model):
    # DB_SET_DEFAULT sets the columns to their db_default: the fallback
    # account (1, 0), created first.
    account_tenant_id = models.BigIntegerField(db_default=1)
    account_number = models.IntegerField(db_default=0)
    account = models.ForeignKey(
        Account,
        on_delete=models.DB_SET_DEFAULT,
        from_fields=["account_tenant_id", "account_number"],
    )
"""


def accounts(database=True, ticket=False):
    source = ACCOUNTS.format(
        cascade="DB_CASCADE" if database else "CASCADE",
        set_null="DB_SET_NULL" if database else "SET_NULL",
    )
    return source + (TICKET if ticket else "")


def composite_rows(ctx, tenant_name, number):
    """A tenant, an account, and an entry and a hold of the account."""
    m = ctx.models("bank")
    tenant = m.Tenant.objects.create(name=tenant_name)
    account = m.Account.objects.create(tenant=tenant, number=number)
    m.Entry.objects.create(account=account, amount=10)
    m.Hold.objects.create(account=account)
    return tenant, account


def check_python_on_delete(ctx):
    from django.db import IntegrityError

    m = ctx.models("bank")
    columns = ["account_tenant_id", "account_number"]
    for table in ("bank_entry", "bank_hold"):
        assert_foreign_key(ctx, table, columns, ["bank_account", "tenant_id", "number"])
    # The fallback account of the Ticket of db_on_delete_set_default.
    composite_rows(ctx, "fallback", 0)
    tenant, account = composite_rows(ctx, "acme", 1)
    # Python-level options: the database refuses to delete a referenced row.
    with ctx.raises(IntegrityError):
        delete(ctx, "bank_account", tenant_id=tenant.pk, number=1)
    # The ORM applies them, on both columns.
    temporary, account = composite_rows(ctx, "temporary", 2)
    hold = m.Hold.objects.get(account_tenant_id=temporary.pk)
    account.delete()
    assert not m.Entry.objects.filter(account_tenant_id=temporary.pk).exists()
    hold.refresh_from_db()
    assert (hold.account_tenant_id, hold.account_number) == (None, None)
    hold.delete()
    temporary.delete()


def check_database_on_delete(ctx):
    m = ctx.models("bank")
    acme = m.Tenant.objects.get(name="acme")
    # DB_CASCADE deletes the entries, DB_SET_NULL nulls both columns.
    tenant, account = composite_rows(ctx, "globex", 1)
    hold = m.Hold.objects.get(account_tenant_id=tenant.pk)
    delete(ctx, "bank_account", tenant_id=tenant.pk, number=1)
    assert not m.Entry.objects.filter(account_tenant_id=tenant.pk).exists()
    hold.refresh_from_db()
    assert (hold.account_tenant_id, hold.account_number) == (None, None)
    # Through two levels: the tenant's accounts, then their entries.
    m.Account.objects.create(tenant=acme, number=2)
    m.Entry.objects.create(account_tenant_id=acme.pk, account_number=2, amount=20)
    initech = m.Tenant.objects.create(name="initech")
    m.Account.objects.create(tenant=initech, number=1)
    m.Entry.objects.create(account_tenant_id=initech.pk, account_number=1, amount=30)
    m.Hold.objects.create(account_tenant_id=initech.pk, account_number=1)
    delete(ctx, "bank_tenant", id=initech.pk)
    assert not m.Account.objects.filter(tenant_id=initech.pk).exists()
    assert not m.Entry.objects.filter(amount=30).exists()
    assert m.Hold.objects.filter(account=None).count() == 2
    # The ORM leaves it to the database too.
    m.Account.objects.filter(tenant=acme, number=2).delete()
    assert not m.Entry.objects.filter(amount=20).exists()
    assert m.Entry.objects.filter(account_tenant_id=acme.pk).count() == 1


def check_set_default(ctx):
    m = ctx.models("bank")
    fallback = composite_rows(ctx, "fallback", 0)[1]
    assert fallback.pk == (1, 0), fallback.pk
    acme = composite_rows(ctx, "acme", 1)[0]
    account = m.Account.objects.create(tenant=acme, number=3)
    ticket = m.Ticket.objects.create(account=account)
    # A raw insert gets the fallback account.
    insert(ctx, "bank_ticket", account_number=0)
    assert m.Ticket.objects.filter(account=fallback).count() == 1
    delete(ctx, "bank_account", tenant_id=acme.pk, number=3)
    ticket.refresh_from_db()
    assert ticket.account == fallback, ticket.account


COMPOSITE = [
    Step(
        "Python-level on_delete options on composite foreign keys",
        models={"bank": accounts(database=False)},
        operations={
            "bank": [
                "CreateModel(Tenant)",
                "CreateModel(Account)",
                "CreateModel(Hold)",
                "CreateModel(Entry)",
            ]
        },
        check=check_python_on_delete,
    ),
    Step(
        "altered to DB_CASCADE and DB_SET_NULL",
        models={"bank": accounts()},
        operations={
            "bank": [
                "AlterField(account.tenant)",
                "AlterField(entry.account)",
                "AlterField(hold.account)",
            ]
        },
        check=check_database_on_delete,
    ),
]


# Same-parent keys: docs/ref/models/fields.txt's Customer and Order, with
# database-level options.

CUSTOMERS = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)


class Customer(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.DB_CASCADE)
    name = models.CharField(max_length=20, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id"], name="customer_tenant_id_uniq"
            ),
        ]


class Order(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.DB_CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.DB_CASCADE, shared_fields=["tenant"]
    )
"""

NOTE = """

class Note(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.DB_CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.DB_SET_NULL, null=True, shared_fields=["tenant"]
    )
"""

VISIT = """

class Visit(models.Model):
    # DB_SET_DEFAULT sets customer_id to the fallback customer, 1.
    tenant = models.ForeignKey(Tenant, on_delete=models.DB_CASCADE)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.DB_SET_DEFAULT,
        db_default=1,
        shared_fields=["tenant"],
    )
"""


def check_shared_cascade(ctx):
    m = ctx.models("crm")
    assert_foreign_key(
        ctx,
        "crm_order",
        ["tenant_id", "customer_id"],
        ["crm_customer", "tenant_id", "id"],
    )
    acme = m.Tenant.objects.create(name="acme")
    fallback = m.Customer.objects.create(tenant=acme, name="fallback")
    assert fallback.pk == 1, fallback.pk
    alice = m.Customer.objects.create(tenant=acme, name="alice")
    m.Order.objects.create(tenant=acme, customer=fallback)
    m.Order.objects.create(tenant=acme, customer=alice)
    delete(ctx, "crm_customer", id=alice.pk)
    assert list(m.Order.objects.values_list("customer", flat=True)) == [fallback.pk]
    globex = m.Tenant.objects.create(name="globex")
    bob = m.Customer.objects.create(tenant=globex, name="bob")
    m.Order.objects.create(tenant=globex, customer=bob)
    delete(ctx, "crm_tenant", id=globex.pk)
    assert not m.Customer.objects.filter(name="bob").exists()
    assert m.Order.objects.count() == 1


def check_shared_set_null_default(ctx):
    m = ctx.models("crm")
    acme = m.Tenant.objects.get(name="acme")
    carol = m.Customer.objects.create(tenant=acme, name="carol")
    note = m.Note.objects.create(tenant=acme, customer=carol)
    visit = m.Visit.objects.create(tenant=acme, customer=carol)
    delete(ctx, "crm_customer", id=carol.pk)
    # ON DELETE SET NULL (customer_id) / SET DEFAULT (customer_id): the
    # tenant stays.
    note.refresh_from_db()
    assert (note.tenant_id, note.customer_id) == (acme.pk, None), vars(note)
    visit.refresh_from_db()
    assert (visit.tenant_id, visit.customer_id) == (acme.pk, 1), vars(visit)


SHARED = [
    Step(
        "DB_SET_NULL on a same-parent key (fields.E354)",
        models={"crm": CUSTOMERS + NOTE + VISIT},
        errors=("fields.E354",),
        model="crm.Note.customer",
        vendors=("sqlite", "mysql"),
    ),
    Step(
        "DB_SET_DEFAULT on a same-parent key (fields.E354)",
        models={"crm": CUSTOMERS + NOTE + VISIT},
        errors=("fields.E354",),
        model="crm.Visit.customer",
        vendors=("sqlite", "mysql"),
    ),
    Step(
        "DB_CASCADE on a same-parent key",
        models={"crm": CUSTOMERS},
        operations={
            "crm": [
                "CreateModel(Tenant)",
                "CreateModel(Customer)",
                "CreateModel(Order)",
            ]
        },
        check=check_shared_cascade,
    ),
    Step(
        "DB_SET_NULL and DB_SET_DEFAULT on a same-parent key (PostgreSQL)",
        models={"crm": CUSTOMERS + NOTE + VISIT},
        operations={"crm": ["CreateModel(Note)", "CreateModel(Visit)"]},
        check=check_shared_set_null_default,
        vendors=("postgresql",),
    ),
]


SCENARIOS = [
    Scenario(
        name="db_on_delete_composite",
        description=(
            "Composite foreign keys: CASCADE/SET_NULL altered to DB_CASCADE/"
            "DB_SET_NULL, applied by the database to raw SQL deletes"
        ),
        apps=("bank",),
        inspect=("bank_tenant", "bank_account", "bank_entry", "bank_hold"),
        steps=[
            Step(
                "DB_SET_DEFAULT on MariaDB (fields.E324)",
                models={"bank": accounts(ticket=True)},
                errors=("fields.E324",),
                model="bank.Ticket.account",
                vendors=("mysql",),
            ),
            *COMPOSITE,
        ],
    ),
    Scenario(
        name="db_on_delete_composite_set_default",
        description=(
            "DB_SET_DEFAULT on a composite foreign key: the db_default of its "
            "from_fields"
        ),
        apps=("bank",),
        vendors=("sqlite", "postgresql"),
        inspect=("bank_tenant", "bank_account", "bank_ticket"),
        steps=[
            Step(
                "Ticket: DB_SET_DEFAULT",
                models={"bank": accounts(ticket=True)},
                operations={
                    "bank": [
                        "CreateModel(Tenant)",
                        "CreateModel(Account)",
                        "CreateModel(Ticket)",
                        "CreateModel(Hold)",
                        "CreateModel(Entry)",
                    ]
                },
                check=check_set_default,
            ),
        ],
    ),
    Scenario(
        name="db_on_delete_shared",
        description=(
            "Same-parent foreign keys: DB_CASCADE; DB_SET_NULL/DB_SET_DEFAULT "
            "of the key's own column on PostgreSQL, fields.E354 elsewhere"
        ),
        apps=("crm",),
        inspect=("crm_tenant", "crm_customer", "crm_order"),
        steps=SHARED,
    ),
]

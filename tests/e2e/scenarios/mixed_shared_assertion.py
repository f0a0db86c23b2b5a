"""Items 7 and 9: a same-parent many-to-many relation under an assertion.

Pizza's toppings (ManyToManyField(shared_fields=["tenant"]), the release
notes' example) with the docs' AssertionConstraint on the number of toppings
(docs/ref/models/constraints.txt), at most 3 here. The database must reject
both a topping of another tenant (the through table's foreign keys) and a
fourth topping (the assertion's triggers), however the row is written.
"""

from roundtrip import Scenario, Step
from scenarios.composite_keys import assert_foreign_key, insert

KITCHEN = """
from django.db import models


class Tenant(models.Model):
    name = models.CharField(max_length=20)


class Topping(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=50)
{topping_meta}

class Pizza(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    name = models.CharField(max_length=50)
{toppings}{pizza_meta}"""

TOPPINGS = '    toppings = models.ManyToManyField(Topping, shared_fields=["tenant"])\n'

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
            models.AssertionConstraint(
                alias={"topping_count": models.Count("toppings")},
                condition=models.Q(topping_count__lte=3),
                name="pizza_at_most_3_toppings",
                violation_error_message="A pizza can have at most 3 toppings.",
            ),
        ]
"""


def kitchen(toppings=True):
    return KITCHEN.format(
        toppings=TOPPINGS if toppings else "",
        topping_meta=TOPPING_META if toppings else "",
        pizza_meta=PIZZA_META if toppings else "",
    )


THROUGH = "kitchen_pizza_toppings"


def check_created(ctx):
    m = ctx.models("kitchen")
    acme = m.Tenant.objects.create(name="acme")
    globex = m.Tenant.objects.create(name="globex")
    m.Pizza.objects.create(tenant=acme, name="margherita")
    m.Pizza.objects.create(tenant=globex, name="hawaii")
    for tenant, names in [(acme, "abcde"), (globex, "xyz")]:
        for name in names:
            m.Topping.objects.create(tenant=tenant, name=name)


def check_toppings(ctx):
    from django.db import IntegrityError

    m = ctx.models("kitchen")
    if not m.Tenant.objects.exists():
        check_created(ctx)
    acme, globex = m.Tenant.objects.order_by("pk")
    assert_foreign_key(
        ctx, THROUGH, ["tenant_id", "pizza_id"], ["kitchen_pizza", "tenant_id", "id"]
    )
    assert_foreign_key(
        ctx,
        THROUGH,
        ["tenant_id", "topping_id"],
        ["kitchen_topping", "tenant_id", "id"],
    )
    assert ctx.triggers(THROUGH), ctx.triggers()
    margherita = m.Pizza.objects.get(name="margherita")
    a, b, c, d, e = m.Topping.objects.filter(tenant=acme).order_by("name")
    x = m.Topping.objects.get(name="x")
    margherita.toppings.add(a, b)
    # Another tenant's topping: the manager refuses, the database too.
    try:
        margherita.toppings.add(x)
    except ValueError:
        pass
    else:
        raise AssertionError("a topping of another tenant was added")
    with ctx.raises(IntegrityError):
        insert(ctx, THROUGH, tenant_id=acme.pk, pizza_id=margherita.pk, topping_id=x.pk)
    with ctx.raises(IntegrityError):
        insert(
            ctx, THROUGH, tenant_id=globex.pk, pizza_id=margherita.pk, topping_id=x.pk
        )
    # A third topping is fine, a fourth violates the assertion.
    margherita.toppings.add(c)
    with ctx.raises(IntegrityError, match="pizza_at_most_3_toppings"):
        margherita.toppings.add(d)
    with ctx.raises(IntegrityError, match="pizza_at_most_3_toppings"):
        insert(ctx, THROUGH, tenant_id=acme.pk, pizza_id=margherita.pk, topping_id=e.pk)
    assert sorted(margherita.toppings.values_list("name", flat=True)) == list("abc")
    # Replacing a topping keeps at most 3.
    margherita.toppings.set([a, b, d])
    assert sorted(margherita.toppings.values_list("name", flat=True)) == list("abd")
    rows = ctx.sql(f"SELECT DISTINCT tenant_id FROM {THROUGH}")
    assert list(rows) == [(acme.pk,)], rows


SCENARIOS = [
    Scenario(
        name="mixed_shared_assertion",
        description=(
            "A same-parent ManyToManyField and an AssertionConstraint over it "
            "added to existing models: tenant and assertion rejections"
        ),
        apps=("kitchen",),
        steps=[
            Step(
                "Tenant, Topping and Pizza",
                models={"kitchen": kitchen(toppings=False)},
                operations={
                    "kitchen": [
                        "CreateModel(Tenant)",
                        "CreateModel(Pizza)",
                        "CreateModel(Topping)",
                    ]
                },
                check=check_created,
            ),
            Step(
                "Pizza.toppings with shared_fields, at most 3 toppings",
                models={"kitchen": kitchen()},
                operations={
                    "kitchen": [
                        "AddConstraint(topping.topping_tenant_id_uniq)",
                        "AddConstraint(pizza.pizza_tenant_id_uniq)",
                        "AddField(pizza.toppings)",
                        "AddConstraint(pizza.pizza_at_most_3_toppings)",
                    ]
                },
                check=check_toppings,
            ),
        ],
    ),
    Scenario(
        name="mixed_shared_assertion_created",
        description=(
            "A same-parent ManyToManyField and an AssertionConstraint over it, "
            "created with their models in one migration"
        ),
        apps=("kitchen",),
        steps=[
            Step(
                "Tenant, Topping and Pizza with its toppings, at most 3",
                models={"kitchen": kitchen()},
                check=check_toppings,
            ),
        ],
    ),
]

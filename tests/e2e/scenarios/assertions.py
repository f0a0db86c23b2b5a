"""Item 9: cross-table assertions enforced by triggers, from the docs' examples."""

from roundtrip import Scenario, Step

PIZZA = """
from django.db import models


class Topping(models.Model):
    name = models.CharField(max_length=50)
    vegan = models.BooleanField(default=True)


class Pizza(models.Model):
    published = models.BooleanField(default=False)
    toppings = models.ManyToManyField(Topping)

    class Meta:
        constraints = [
{constraints}
        ]
"""

AT_MOST = """
            models.AssertionConstraint(
                alias={{"topping_count": models.Count("toppings")}},
                condition=models.Q(topping_count__lte={limit}),
                name="pizza_at_most_5_toppings",
                violation_error_message="A pizza can have at most 5 toppings.",
            ),
"""

AT_MOST_ONE_MEAT = """
            models.AssertionConstraint(
                alias={
                    "meat_count": models.Count(
                        "toppings", filter=models.Q(toppings__vegan=False)
                    )
                },
                condition=models.Q(meat_count__lte=1),
                name="pizza_at_most_1_meat",
            ),
"""


def pizza(*constraints):
    return PIZZA.format(constraints="".join(constraints))


def check_pizza(ctx):
    from django.db import IntegrityError, connection

    models = ctx.models("kitchen")
    toppings = models.Topping.objects.bulk_create(
        models.Topping(name=f"t{i}", vegan=i > 0) for i in range(7)
    )
    pizza = models.Pizza.objects.create()
    pizza.toppings.add(*toppings[:5])
    with ctx.raises(IntegrityError, match="pizza_at_most_5_toppings"):
        pizza.toppings.add(toppings[5])
    # Raw SQL too.
    through = models.Pizza.toppings.through._meta.db_table
    with ctx.raises(IntegrityError, match="pizza_at_most_5_toppings"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {through} (pizza_id, topping_id) VALUES (%s, %s)",
                [pizza.pk, toppings[6].pk],
            )
    assert pizza.toppings.count() == 5
    assert ctx.triggers(through), ctx.triggers()


def check_limit_raised(ctx):
    models = ctx.models("kitchen")
    pizza = models.Pizza.objects.get()
    sixth = models.Topping.objects.get(name="t5")
    pizza.toppings.add(sixth)
    assert pizza.toppings.count() == 6
    # The rows must satisfy the assertions of the earlier migrations, which
    # unapplying this one creates again.
    pizza.toppings.remove(sixth)


def check_filtered(ctx):
    from django.db import IntegrityError

    models = ctx.models("kitchen")
    pizza = models.Pizza.objects.create()
    meat = models.Topping.objects.get(name="t0")
    pizza.toppings.add(meat)
    second = models.Topping.objects.create(name="t7", vegan=False)
    with ctx.raises(IntegrityError, match="pizza_at_most_1_meat"):
        pizza.toppings.add(second)
    # Turning a vegan topping of that pizza into a meat one violates it too:
    # the triggers are on the toppings' table as well.
    pizza.toppings.add(models.Topping.objects.get(name="t1"))
    with ctx.raises(IntegrityError, match="pizza_at_most_1_meat"):
        models.Topping.objects.filter(name="t1").update(vegan=False)


def check_removed(ctx):
    models = ctx.models("kitchen")
    assert not ctx.triggers(models.Topping._meta.db_table), ctx.triggers()
    # Rows that violated the removed assertion would keep it from being
    # created again when the migration is unapplied, as for check constraints.


CREDIT = """
from django.db import models


class Order(models.Model):
    credit = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        constraints = [
            models.AssertionConstraint(
                alias={"total": models.Sum("lines__amount")},
                condition=models.Q(total__lte=models.F("credit")),
                name="order_within_credit",
            ),
        ]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, models.CASCADE, related_name="lines")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
"""


def check_credit(ctx):
    from decimal import Decimal

    from django.db import IntegrityError

    models = ctx.models("shop")
    order = models.Order.objects.create(credit=Decimal("100"))
    models.OrderLine.objects.create(order=order, amount=Decimal("60"))
    with ctx.raises(IntegrityError, match="order_within_credit"):
        models.OrderLine.objects.create(order=order, amount=Decimal("50"))
    with ctx.raises(IntegrityError, match="order_within_credit"):
        models.Order.objects.filter(pk=order.pk).update(credit=Decimal("10"))
    models.OrderLine.objects.create(order=order, amount=Decimal("40"))
    assert ctx.triggers(models.OrderLine._meta.db_table), ctx.triggers()


def check_credit_renamed(ctx):
    from decimal import Decimal

    from django.db import IntegrityError

    models = ctx.models("shop")
    order = models.Order.objects.get()
    with ctx.raises(IntegrityError, match="order_within_credit"):
        models.OrderLine.objects.create(order=order, total=Decimal("1"))


def check_many_toppings(ctx):
    models = ctx.models("kitchen")
    toppings = models.Topping.objects.bulk_create(
        models.Topping(name=f"t{i}") for i in range(7)
    )
    models.Pizza.objects.create().toppings.add(*toppings)


def check_refused(ctx):
    # Nothing was created and nothing lost; the user then fixes the data.
    models = ctx.models("kitchen")
    assert not ctx.triggers(), ctx.triggers()
    pizza = models.Pizza.objects.get()
    assert pizza.toppings.count() == 7
    pizza.toppings.remove(*models.Topping.objects.filter(name__in=["t5", "t6"]))


def check_enforced(ctx):
    from django.db import IntegrityError

    models = ctx.models("kitchen")
    pizza = models.Pizza.objects.get()
    with ctx.raises(IntegrityError, match="pizza_at_most_5_toppings"):
        pizza.toppings.add(models.Topping.objects.get(name="t6"))


CATEGORY = """
from django.db import models


class Category(models.Model):
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, related_name="children"
    )
    needs_children = models.BooleanField(default=False)
    # A database default: PostgreSQL creates the table with parameters.
    rank = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
{constraints}
        ]
"""

HAS_CHILDREN = """
            models.AssertionConstraint(
                alias={"child_count": models.Count("children")},
                condition=(
                    models.Q(needs_children=False) | models.Q(child_count__gte=1)
                ),
                name="category_has_children",
            ),
"""


def check_categories(ctx):
    from django.db import IntegrityError

    models = ctx.models("catalog")
    parent = models.Category.objects.create()
    child = models.Category.objects.create(parent=parent)
    models.Category.objects.filter(pk=parent.pk).update(needs_children=True)
    # The category's own table holds the related rows: deleting its last
    # child, or moving it to another category, is checked.
    with ctx.raises(IntegrityError, match="category_has_children"):
        # Not child.delete(): it sets child.pk to None before PostgreSQL's
        # deferred check fails at the commit.
        models.Category.objects.filter(pk=child.pk).delete()
    other = models.Category.objects.create()
    with ctx.raises(IntegrityError, match="category_has_children"):
        models.Category.objects.filter(pk=child.pk).update(parent=other)
    with ctx.raises(IntegrityError, match="category_has_children"):
        models.Category.objects.create(needs_children=True)
    assert models.Category.objects.get(pk=parent.pk).rank == 0
    assert ctx.triggers(models.Category._meta.db_table), ctx.triggers()


def check_categories_free(ctx):
    models = ctx.models("catalog")
    assert not ctx.triggers(), ctx.triggers()
    # Allowed now, but it would keep the assertion from being created again
    # when the migration is unapplied.
    models.Category.objects.create(needs_children=True).delete()


SCENARIOS = [
    Scenario(
        name="assertion_many_to_many",
        description="the pizza assertion: created, changed, filtered, removed",
        apps=("kitchen",),
        steps=[
            Step(
                "at most 5 toppings",
                models={"kitchen": pizza(AT_MOST.format(limit=5))},
                operations={"kitchen": ["CreateModel(Topping)", "CreateModel(Pizza)"]},
                check=check_pizza,
            ),
            Step(
                "the limit is raised: the triggers are recreated",
                models={"kitchen": pizza(AT_MOST.format(limit=6))},
                operations={
                    "kitchen": [
                        "RemoveConstraint(pizza.pizza_at_most_5_toppings)",
                        "AddConstraint(pizza.pizza_at_most_5_toppings)",
                    ]
                },
                check=check_limit_raised,
            ),
            Step(
                "an aggregate with a filter, over the toppings' table",
                models={"kitchen": pizza(AT_MOST.format(limit=6), AT_MOST_ONE_MEAT)},
                operations={"kitchen": ["AddConstraint(pizza.pizza_at_most_1_meat)"]},
                check=check_filtered,
            ),
            Step(
                "the filtered assertion is removed",
                models={"kitchen": pizza(AT_MOST.format(limit=6))},
                operations={
                    "kitchen": ["RemoveConstraint(pizza.pizza_at_most_1_meat)"]
                },
                check=check_removed,
            ),
        ],
    ),
    Scenario(
        name="assertion_reverse_foreign_key",
        description="order_within_credit: an assertion over a reverse foreign key",
        apps=("shop",),
        steps=[
            Step(
                "orders and their lines, created together",
                models={"shop": CREDIT},
                operations={
                    "shop": [
                        "CreateModel(Order)",
                        "CreateModel(OrderLine)",
                        "AddConstraint(order.order_within_credit)",
                    ]
                },
                check=check_credit,
            ),
            Step(
                "the column the assertion sums is renamed",
                models={
                    "shop": CREDIT.replace('"lines__amount"', '"lines__total"').replace(
                        "amount = ", "total = "
                    )
                },
                answers=["y"],
                operations={
                    "shop": [
                        "RemoveConstraint(order.order_within_credit)",
                        "RenameField(orderline.amount>total)",
                        "AddConstraint(order.order_within_credit)",
                    ]
                },
                check=check_credit_renamed,
            ),
        ],
    ),
    Scenario(
        name="assertion_self_referential",
        description="an assertion over the children of a ForeignKey to self",
        apps=("catalog",),
        steps=[
            Step(
                "categories that need children have some",
                models={"catalog": CATEGORY.format(constraints=HAS_CHILDREN)},
                operations={"catalog": ["CreateModel(Category)"]},
                check=check_categories,
            ),
            Step(
                "the assertion is removed",
                models={"catalog": CATEGORY.format(constraints="")},
                operations={
                    "catalog": ["RemoveConstraint(category.category_has_children)"]
                },
                check=check_categories_free,
            ),
        ],
    ),
    Scenario(
        name="assertion_existing_rows",
        description="an assertion that existing rows violate isn't created",
        apps=("kitchen",),
        steps=[
            Step(
                "pizzas without an assertion",
                models={"kitchen": pizza()},
                operations={"kitchen": ["CreateModel(Topping)", "CreateModel(Pizza)"]},
                check=check_many_toppings,
            ),
            Step(
                "an assertion that a pizza violates",
                models={"kitchen": pizza(AT_MOST.format(limit=5))},
                operations={
                    "kitchen": ["AddConstraint(pizza.pizza_at_most_5_toppings)"]
                },
                migrate_error=(
                    "pizza_at_most_5_toppings: the pizza with primary key 1 "
                    "violates the assertion."
                ),
                check=check_refused,
            ),
            Step(
                "the assertion, once the data is fixed",
                models={"kitchen": pizza(AT_MOST.format(limit=5))},
                operations={
                    "kitchen": ["AddConstraint(pizza.pizza_at_most_5_toppings)"]
                },
                check=check_enforced,
            ),
        ],
    ),
    Scenario(
        name="assertion_bad_input",
        description="the checks of AssertionConstraint name the model",
        apps=("kitchen",),
        steps=[
            Step(
                "the condition reads a related field (models.E052)",
                models={"kitchen": pizza("""
            models.AssertionConstraint(
                condition=models.Q(toppings__vegan=True),
                name="vegan_pizza",
            ),
""")},
                errors=("models.E052",),
                model="kitchen.Pizza",
            ),
            Step(
                "an alias clashes with a field (models.E053)",
                models={"kitchen": pizza("""
            models.AssertionConstraint(
                alias={"published": models.Count("toppings")},
                condition=models.Q(published__lte=5),
                name="clash",
            ),
""")},
                errors=("models.E053",),
                model="kitchen.Pizza",
            ),
            Step(
                "the condition names a missing field (models.E012)",
                models={"kitchen": pizza("""
            models.AssertionConstraint(
                condition=models.Q(nope=True),
                name="typo",
            ),
""")},
                errors=("models.E012",),
                model="kitchen.Pizza",
            ),
            Step(
                "an aggregate of alias names a missing field (models.E051)",
                models={"kitchen": pizza("""
            models.AssertionConstraint(
                alias={"topping_count": models.Count("topings")},
                condition=models.Q(topping_count__lte=5),
                name="typo",
            ),
""")},
                errors=("models.E051",),
                model="kitchen.Pizza",
            ),
        ],
    ),
]

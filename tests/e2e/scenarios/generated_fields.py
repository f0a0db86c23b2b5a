"""Item 1: generated columns changed by migrations, renamed under, inspected."""

from roundtrip import Scenario, Step

RECTANGLE = """
from django.db import models
from django.db.models import F


class Rectangle(models.Model):
    name = models.CharField(max_length=20)
    width = models.IntegerField()
    height = models.IntegerField()
    {extra}
    area = models.GeneratedField(
        expression={expression},
        output_field={output_field},
        db_persist={db_persist},
    )

    class Meta:
        ordering = ["width", "name"]
"""


def rectangle(
    expression='F("width") * F("height")',
    output_field="models.IntegerField()",
    db_persist=True,
    extra="",
    width="width",
):
    return RECTANGLE.replace("width", width).format(
        expression=expression.replace("width", width),
        output_field=output_field,
        db_persist=db_persist,
        extra=extra,
    )


def check_created(ctx):
    Rectangle = ctx.models("shapes").Rectangle
    Rectangle.objects.create(name="a", width=2, height=3)
    Rectangle.objects.create(name="b", width=4, height=5)
    areas = sorted(Rectangle.objects.values_list("area", flat=True))
    assert areas == [6, 20], areas


def check_expression(ctx):
    Rectangle = ctx.models("shapes").Rectangle
    areas = sorted(Rectangle.objects.values_list("area", flat=True))
    assert areas == [8, 14], areas


def check_output_field(ctx):
    Rectangle = ctx.models("shapes").Rectangle
    Rectangle.objects.create(name="c", width=1, height=1)
    areas = sorted(Rectangle.objects.values_list("area", flat=True))
    assert areas == [3, 8, 14], areas


def check_renamed(ctx):
    Rectangle = ctx.models("shapes").Rectangle
    assert "w" in ctx.columns("shapes_rectangle")
    rect = Rectangle.objects.get(name="a")
    rect.w = 10
    rect.save()
    rect.refresh_from_db()
    assert rect.area == 16, rect.area


def check_regular(ctx):
    # The computed values are kept when a generated field becomes regular.
    Rectangle = ctx.models("shapes").Rectangle
    areas = sorted(Rectangle.objects.values_list("area", flat=True))
    assert areas == [3, 14, 16], areas
    Rectangle.objects.create(name="d", w=1, height=1, area=100)
    perimeters = sorted(Rectangle.objects.values_list("perimeter", flat=True))
    assert perimeters == [4, 4, 18, 26], perimeters


SCENARIOS = [
    Scenario(
        name="generated_fields",
        description="GeneratedField: expression, output_field, rename, regular",
        apps=("shapes",),
        inspect=("shapes_rectangle",),
        steps=[
            Step(
                "a rectangle with a stored generated area",
                models={"shapes": rectangle()},
                operations={"shapes": ["CreateModel(Rectangle)"]},
                check=check_created,
            ),
            Step(
                "the expression changes",
                models={"shapes": rectangle('F("width") + F("height") * 2')},
                operations={"shapes": ["AlterField(rectangle.area)"]},
                check=check_expression,
            ),
            Step(
                "the output field changes",
                models={
                    "shapes": rectangle(
                        'F("width") + F("height") * 2',
                        output_field="models.BigIntegerField()",
                    )
                },
                operations={"shapes": ["AlterField(rectangle.area)"]},
                check=check_output_field,
            ),
            Step(
                "a field the expression reads is renamed (no AlterField)",
                models={
                    "shapes": rectangle(
                        'F("width") + F("height") * 2',
                        output_field="models.BigIntegerField()",
                        width="w",
                    )
                },
                answers=["y"],
                operations={"shapes": ["RenameField(rectangle.width>w)"]},
                check=check_renamed,
            ),
            Step(
                "the generated field becomes a regular one",
                models={"shapes": """
                        from django.db import models
                        from django.db.models import F


                        class Rectangle(models.Model):
                            name = models.CharField(max_length=20)
                            w = models.IntegerField()
                            height = models.IntegerField()
                            area = models.BigIntegerField()
                            perimeter = models.GeneratedField(
                                expression=(F("w") + F("height")) * 2,
                                output_field=models.IntegerField(),
                                db_persist=True,
                            )

                            class Meta:
                                ordering = ["w", "name"]
                    """},
                operations={
                    "shapes": [
                        "AddField(rectangle.perimeter)",
                        "AlterField(rectangle.area)",
                    ]
                },
                check=check_regular,
            ),
        ],
    ),
]

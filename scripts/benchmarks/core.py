"""Benchmarks of Django's everyday database-layer paths.

They run the same code on pristine Django and on the fork, so that any cost
the fork's patches add where their features aren't used shows up as a ratio.
"""

import datetime
import decimal
import itertools

from registry import benchmark, timed

AUTHORS, PUBLISHERS, TAGS, BOOKS_PER_AUTHOR = 30, 10, 20, 10


def populate():
    """300 books by 30 authors, 3 tags and a review each."""
    from benchapp.models import Author, Book, Publisher, Review, Tag

    publishers = Publisher.objects.bulk_create(
        Publisher(name=f"Publisher {i}") for i in range(PUBLISHERS)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Author {i}", email=f"author{i}@example.com", age=20 + i)
        for i in range(AUTHORS)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"tag{i}") for i in range(TAGS))
    books = Book.objects.bulk_create(
        make_book(i, authors[i % AUTHORS], publishers[i % PUBLISHERS])
        for i in range(AUTHORS * BOOKS_PER_AUTHOR)
    )
    Book.tags.through.objects.bulk_create(
        Book.tags.through(book=book, tag=tags[(book.pk + offset) % TAGS])
        for book, offset in itertools.product(books, range(3))
    )
    Review.objects.bulk_create(
        Review(book=book, rating=book.pk % 5, text="Fine.") for book in books
    )
    return {"authors": authors, "publishers": publishers, "tags": tags}


def make_book(i, author, publisher):
    from benchapp.models import Book

    return Book(
        title=f"Book {i}",
        pages=100 + i,
        price=decimal.Decimal("9.99") + i,
        published=datetime.date(2000, 1, 1) + datetime.timedelta(days=i),
        author=author,
        publisher=publisher,
    )


@benchmark("model_init")
def model_init(loops, context):
    """Instantiate 100 model instances."""
    from benchapp.models import Book

    date = datetime.date(2020, 1, 1)
    price = decimal.Decimal("10.00")

    def body(_):
        for i in range(100):
            Book(title="T", pages=i, price=price, published=date, author_id=1)

    return timed(loops, body)


@benchmark("save_update", setup=populate)
def save_update(loops, context):
    """save() of an existing row (an UPDATE of every field)."""
    from benchapp.models import Book

    book = Book.objects.first()
    return timed(loops, lambda _: book.save())


@benchmark("create", setup=populate)
def create(loops, context):
    """Manager.create() of a row (an INSERT), rolled back outside the timing."""
    from benchapp.models import Book
    from django.db import transaction

    author, publisher = context["authors"][0], context["publishers"][0]
    total = 0.0
    with transaction.atomic():
        total += timed(
            loops,
            lambda _: Book.objects.create(
                title="New",
                pages=1,
                price=decimal.Decimal("1.00"),
                published=datetime.date(2020, 1, 1),
                author=author,
                publisher=publisher,
            ),
        )
        transaction.set_rollback(True)
    return total


@benchmark("bulk_create_1000", setup=populate)
def bulk_create(loops, context):
    """bulk_create() of 1,000 rows."""
    from benchapp.models import Book
    from django.db import transaction

    author, publisher = context["authors"][0], context["publishers"][0]
    total = 0.0
    for _ in range(loops):
        books = [make_book(i, author, publisher) for i in range(1000)]
        with transaction.atomic():
            total += timed(1, lambda _: Book.objects.bulk_create(books))
            transaction.set_rollback(True)
    return total


@benchmark("query_compile")
def query_compile(loops, context):
    """Build and compile a chained filter (no database round trip)."""
    from benchapp.models import Book
    from django.db.models import F, Q

    def body(_):
        qs = (
            Book.objects.filter(in_print=True, author__age__gte=30)
            .filter(Q(title__startswith="B") | Q(pages__gt=F("author__age")))
            .exclude(publisher__name__icontains="x")
            .filter(tags__name__in=["tag1", "tag2"])
            .order_by("-published", "title")[:20]
        )
        qs.query.get_compiler("default").as_sql()

    return timed(loops, body)


@benchmark("select_related", setup=populate)
def select_related(loops, context):
    """300 books with their author and publisher in one query."""
    from benchapp.models import Book

    return timed(
        loops, lambda _: list(Book.objects.select_related("author", "publisher"))
    )


@benchmark("prefetch_related", setup=populate)
def prefetch_related(loops, context):
    """30 authors, their 300 books and those books' tags (three queries)."""
    from benchapp.models import Author

    return timed(loops, lambda _: list(Author.objects.prefetch_related("books__tags")))


@benchmark("values", setup=populate)
def values(loops, context):
    """values() of 300 rows."""
    from benchapp.models import Book

    return timed(
        loops,
        lambda _: list(Book.objects.values("id", "title", "price", "author__name")),
    )


@benchmark("aggregate", setup=populate)
def aggregate(loops, context):
    """An aggregate over the table and a GROUP BY annotation."""
    from benchapp.models import Author, Book
    from django.db.models import Avg, Count, Max

    def body(_):
        Book.objects.aggregate(Avg("price"), Max("pages"), Count("id"))
        list(Author.objects.annotate(n=Count("books"), avg=Avg("books__price")))

    return timed(loops, body)


@benchmark("cascade_delete", setup=populate)
def cascade_delete(loops, context):
    """Delete an author: the collector cascades to 10 books, tags, reviews."""
    from benchapp.models import Author
    from django.db import transaction

    total = 0.0
    for _ in range(loops):
        with transaction.atomic():
            author = Author.objects.order_by("pk").first()
            total += timed(1, lambda _: author.delete())
            transaction.set_rollback(True)
    return total


@benchmark("modelform_validation", setup=populate)
def modelform_validation(loops, context):
    """Validate a ModelForm with foreign key and many-to-many choices."""
    from benchapp.models import Book
    from django import forms

    class BookForm(forms.ModelForm):
        class Meta:
            model = Book
            fields = "__all__"

    tags = context["tags"]
    data = {
        "title": "A title",
        "pages": "123",
        "price": "12.50",
        "published": "2020-02-02",
        "in_print": "on",
        "author": str(context["authors"][0].pk),
        "publisher": str(context["publishers"][0].pk),
        "tags": [str(tags[0].pk), str(tags[1].pk)],
    }

    def body(_):
        form = BookForm(data)
        if not form.is_valid():
            raise AssertionError(form.errors)

    return timed(loops, body)


def generated_app(label, count, change=False):
    """Return make_apps() that writes app `label`: `count` related models and
    their initial migration, written from the same spec (makemigrations would
    spend minutes in the optimizer for hundreds of models). With `change`,
    models.py adds a field the migration lacks.
    """

    def spec(i):
        fields = [
            ("name", "models.CharField(max_length=100)"),
            (
                "value",
                (
                    "models.IntegerField(db_index=True)"
                    if i % 5 == 0
                    else "models.IntegerField()"
                ),
            ),
            ("created", "models.DateTimeField(auto_now_add=True)"),
        ]
        relations = []
        if i:
            relations.append(("parent", "ForeignKey", (i - 1) // 2))
        if i and i % 10 == 0:
            relations.append(("others", "ManyToManyField", i // 2))
        constraint = (
            "models.UniqueConstraint(fields=('name', 'value'), "
            f"name='{label}_{i}_uniq')"
            if i % 7 == 0
            else None
        )
        return fields, relations, constraint

    def models_py():
        lines = ["from django.db import models", ""]
        for i in range(count):
            fields, relations, constraint = spec(i)
            lines += ["", f"class Model{i}(models.Model):"]
            lines += [f"    {name} = {field}" for name, field in fields]
            for name, kind, target in relations:
                on_delete = ", models.CASCADE" if kind == "ForeignKey" else ""
                lines.append(f"    {name} = models.{kind}('Model{target}'{on_delete})")
            if change and i == count - 1:
                lines.append("    extra = models.IntegerField(null=True)")
            if constraint:
                lines += [
                    "",
                    "    class Meta:",
                    f"        constraints = [{constraint}]",
                ]
        return "\n".join(lines) + "\n"

    def migration_py():
        lines = [
            "import django.db.models.deletion",
            "from django.db import migrations, models",
            "",
            "",
            "class Migration(migrations.Migration):",
            "    initial = True",
            "    dependencies = []",
            "    operations = [",
        ]
        for i in range(count):
            fields, relations, constraint = spec(i)
            lines += [
                "        migrations.CreateModel(",
                f"            name='Model{i}',",
                "            fields=[",
                "                ('id', models.AutoField(auto_created=True, "
                "primary_key=True, serialize=False, verbose_name='ID')),",
            ]
            lines += [f"                ('{name}', {field})," for name, field in fields]
            for name, kind, target in relations:
                on_delete = (
                    "on_delete=django.db.models.deletion.CASCADE, "
                    if kind == "ForeignKey"
                    else ""
                )
                lines.append(
                    f"                ('{name}', models.{kind}({on_delete}"
                    f"to='{label}.model{target}')),"
                )
            lines.append("            ],")
            if constraint:
                lines.append(f"            options={{'constraints': [{constraint}]}},")
            lines.append("        ),")
        lines.append("    ]")
        return "\n".join(lines) + "\n"

    def make_apps(workdir):
        package = workdir / label
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models.py").write_text(models_py())
        (package / "migrations" / "__init__.py").write_text("")
        (package / "empty_migrations").mkdir()
        (package / "empty_migrations" / "__init__.py").write_text("")
        (package / "migrations" / "0001_initial.py").write_text(migration_py())
        return [label]

    return make_apps


@benchmark(
    "autodetector_500",
    make_apps=generated_app("bench500", 500, change=True),
    slow=True,
)
def autodetector(loops, context):
    """makemigrations --dry-run in a 500-model app whose last model changed."""
    from django.core.management import call_command

    return timed(
        loops,
        lambda _: call_command("makemigrations", "bench500", dry_run=True, verbosity=0),
    )


@benchmark("migrate_100", make_apps=generated_app("bench100", 100), slow=True)
def migrate(loops, context):
    """migrate a new app of 100 models (unapplied again outside the timing)."""
    from django.core.management import call_command

    total = 0.0
    for _ in range(loops):
        total += timed(1, lambda _: call_command("migrate", "bench100", verbosity=0))
        unmigrate("bench100")
    return total


def unmigrate(label):
    """Drop an app's tables and forget its migrations (migrate zero of 100
    CreateModel operations spends most of a minute re-rendering states)."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    with connection.schema_editor() as editor:
        for model in reversed(list(apps.get_app_config(label).get_models())):
            editor.delete_model(model)
    MigrationRecorder(connection).migration_qs.filter(app=label).delete()

"""Item 8: per-field index types (db_index=<Index class or instance>)."""

import textwrap

from roundtrip import Scenario, Step
from scenarios.views import database_checks_app


def assert_equal(actual, expected, what=""):
    assert actual == expected, f"{what}: {actual!r} != {expected!r}"


def models_source(text):
    return textwrap.dedent(text).lstrip("\n")


def field_indexes(ctx, table, column):
    """{name: introspected constraint} of the indexes of one column."""
    return {
        name: info
        for name, info in ctx.constraints(table).items()
        if info["index"]
        and not info["primary_key"]
        and not info["unique"]
        and info["columns"] == [column]
    }


def default_name(ctx, table, column, suffix=""):
    """The name of the index of db_index=True (and of its LIKE index)."""
    editor = ctx.connection.schema_editor()
    return editor._create_index_name(table, [column], suffix=suffix)


def assert_index(ctx, table, column, name=None, type="idx", options=None):
    """
    The column has an index named name (by default, the name of the index of
    db_index=True), of that type ("idx" for the database's default B-tree),
    with those storage options (PostgreSQL).
    """
    found = field_indexes(ctx, table, column)
    name = name or default_name(ctx, table, column)
    assert name in found, f"no index {name} on {table}.{column}: {found}"
    assert_equal(found[name]["type"], type, f"the type of {name}")
    if ctx.vendor == "postgresql":
        assert_equal(found[name]["options"], options, f"the options of {name}")
    return found


def assert_indexes(ctx, table, column, expected):
    assert_equal(
        sorted(field_indexes(ctx, table, column)), sorted(expected), f"{column}"
    )


# index_types: db_index=True, an Index class, a named Index instance, and
# back, on every database; fields.E014 for index types a database can't
# create.

POST = """
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    views = models.IntegerField(db_index={views})
    slug = models.SlugField(db_index={slug})
    # Unique: indexed by its unique constraint only.
    code = models.CharField(max_length=10, unique=True, db_index=models.Index)
"""

# An index type that the databases of the project can't create: its
# supports() says so (docs/ref/models/indexes.txt, Index.supports()).
BITMAP = """
from django.db import models


class BitmapIndex(models.Index):
    suffix = "bitmap"

    def supports(self, connection):
        return connection.vendor == "oracle"


class Post(models.Model):
    title = models.CharField(max_length=200)
    views = models.IntegerField(db_index=BitmapIndex)
"""

GIN_ELSEWHERE = """
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    views = models.IntegerField(db_index=GinIndex)
"""


def post(views="True", slug="True"):
    return models_source(POST.format(views=views, slug=slug))


def like_indexes(ctx, table, column):
    """The LIKE index of the default index of a text column, on PostgreSQL."""
    if ctx.vendor != "postgresql":
        return []
    return [default_name(ctx, table, column, "_like")]


def check_post_created(ctx):
    Post = ctx.models("catalog").Post
    assert_index(ctx, "catalog_post", "views")
    assert_index(ctx, "catalog_post", "slug")
    assert_indexes(
        ctx,
        "catalog_post",
        "slug",
        [default_name(ctx, "catalog_post", "slug")]
        + like_indexes(ctx, "catalog_post", "slug"),
    )
    # The unique constraint's index only (and PostgreSQL's LIKE index of a
    # unique text column).
    assert_indexes(
        ctx, "catalog_post", "code", like_indexes(ctx, "catalog_post", "code")
    )
    Post.objects.create(title="One", views=1, slug="one", code="1")
    Post.objects.create(title="Two", views=2, slug="two", code="2")


def check_index_class(ctx):
    # The same name and type; the LIKE index only goes with db_index=True.
    Post = ctx.models("catalog").Post
    assert_index(ctx, "catalog_post", "views")
    assert_indexes(
        ctx, "catalog_post", "slug", [default_name(ctx, "catalog_post", "slug")]
    )
    assert_equal(Post.objects.get(slug="two").views, 2)


def check_named_instance(ctx):
    assert_indexes(ctx, "catalog_post", "views", ["post_views_ix"])
    assert_index(ctx, "catalog_post", "views", "post_views_ix")
    assert_indexes(
        ctx,
        "catalog_post",
        "slug",
        [default_name(ctx, "catalog_post", "slug")]
        + like_indexes(ctx, "catalog_post", "slug"),
    )


def check_back_to_true(ctx):
    assert_indexes(
        ctx, "catalog_post", "views", [default_name(ctx, "catalog_post", "views")]
    )
    assert_index(ctx, "catalog_post", "views")
    assert_indexes(ctx, "catalog_post", "slug", [])
    Post = ctx.models("catalog").Post
    Post.objects.create(title="Three", views=3, slug="three", code="3")


# index_types_postgresql: the docs' Article, GIN for JSON, B-tree (as in Django)
# for db_index=True on arrays and search vectors, and changes between types.

AUTHOR = """
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
"""

ARTICLE = """
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BTreeIndex, GinIndex, HashIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Article(models.Model):
    tags = ArrayField(models.CharField(max_length=50), db_index=GinIndex)
    slug = models.SlugField(db_index={slug})
    views = models.IntegerField(db_index={views})
    title = models.CharField(
        max_length=200,
        db_index=GinIndex(name="article_title_trgm", opclasses=["gin_trgm_ops"]),
    )
    data = models.JSONField(default=dict, db_index={data})
    search = SearchVectorField(null=True, db_index=True)
    aliases = ArrayField(models.CharField(max_length=50), default=list, db_index=True)
"""


def article(slug="HashIndex", views="BTreeIndex(fillfactor=70)", data="GinIndex"):
    return models_source(ARTICLE.format(slug=slug, views=views, data=data))


def create_pg_trgm(ctx):
    """
    The pg_trgm extension, which migrations can't create before the
    CreateModel that needs it (makemigrations doesn't write the
    TrigramExtension operation, and the round trips don't edit migrations):
    created by hand in the scenario's databases, in a schema of its own on
    their search path, so that the round trip's "no functions left" holds.
    """
    from django.db import connections

    for alias in ("default", "squash"):
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA IF NOT EXISTS extensions")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions")
            cursor.execute(
                "ALTER DATABASE %s SET search_path = public, extensions"
                % connection.ops.quote_name(connection.settings_dict["NAME"])
            )


def check_author_created(ctx):
    create_pg_trgm(ctx)
    ctx.models("catalog").Author.objects.create(name="ann")


def check_article_created(ctx):
    from django.contrib.postgres.search import SearchVector

    table = "catalog_article"
    assert_index(ctx, table, "tags", type="gin")
    assert_index(ctx, table, "slug", type="hash")
    assert_indexes(ctx, table, "slug", [default_name(ctx, table, "slug")])
    assert_index(ctx, table, "views", type="btree", options=["fillfactor=70"])
    assert_index(ctx, table, "data", type="gin")
    # db_index=True creates the B-tree index it creates in Django, so that
    # migrations written by Django create the same schema.
    assert_index(ctx, table, "search")
    assert_index(ctx, table, "aliases")
    Article = ctx.models("catalog").Article
    Article.objects.create(
        tags=["django", "orm"],
        slug="one",
        views=1,
        title="Django models",
        data={"lang": "en"},
    )
    Article.objects.create(
        tags=["sql"], slug="two", views=2, title="Raw SQL", data={"lang": "fr"}
    )
    Article.objects.update(search=SearchVector("slug"))
    assert_equal(
        list(Article.objects.filter(tags__contains=["orm"]).values_list("slug")),
        [("one",)],
    )
    assert_equal(Article.objects.get(data__lang="fr").slug, "two")
    # The docs' title, with a named trigram GIN index.
    assert_index(ctx, "catalog_article", "title", name="article_title_trgm", type="gin")
    [(definition,)] = ctx.sql(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_title_trgm'"
    )
    assert "gin_trgm_ops" in definition, definition
    assert_equal(
        list(
            Article.objects.filter(title__trigram_similar="django model").values_list(
                "slug", flat=True
            )
        ),
        ["one"],
    )


def check_types_changed(ctx):
    # Rebuilt under the same names.
    table = "catalog_article"
    assert_index(ctx, table, "views")
    assert_index(ctx, table, "slug")
    assert_indexes(
        ctx,
        table,
        "slug",
        [default_name(ctx, table, "slug"), default_name(ctx, table, "slug", "_like")],
    )
    assert_index(ctx, table, "data")
    assert_equal(ctx.models("catalog").Article.objects.get(views=2).slug, "two")


def check_types_back(ctx):
    table = "catalog_article"
    assert_index(ctx, table, "views", type="btree", options=["fillfactor=70"])
    assert_index(ctx, table, "slug", type="hash")
    assert_indexes(ctx, table, "slug", [default_name(ctx, table, "slug")])
    assert_index(ctx, table, "data", type="gin")


SCENARIOS = [
    Scenario(
        name="index_types",
        description=(
            "db_index=True -> Index class -> named Index -> True: rebuilt, same "
            "name; fields.E014"
        ),
        apps=("catalog",),
        files=database_checks_app("catalog"),
        steps=[
            Step(
                "bad input: an index type that no database here can create",
                models={"catalog": models_source(BITMAP)},
                errors=("fields.E014",),
                model="catalog.Post.views",
            ),
            Step(
                "bad input: a GIN index on SQLite or MariaDB",
                models={"catalog": models_source(GIN_ELSEWHERE)},
                errors=("fields.E014",),
                model="catalog.Post.views",
                vendors=("sqlite", "mysql"),
            ),
            Step(
                "db_index=True (and SlugField's default)",
                models={"catalog": post()},
                operations={"catalog": ["CreateModel(Post)"]},
                check=check_post_created,
            ),
            Step(
                "db_index=models.Index: the same index under the same name",
                models={"catalog": post("models.Index", "models.Index")},
                operations={
                    "catalog": ["AlterField(post.slug)", "AlterField(post.views)"]
                },
                check=check_index_class,
            ),
            Step(
                "an Index instance with a name; slug back to True",
                models={"catalog": post('models.Index(name="post_views_ix")')},
                operations={
                    "catalog": ["AlterField(post.slug)", "AlterField(post.views)"]
                },
                check=check_named_instance,
            ),
            Step(
                "views back to True, slug not indexed",
                models={"catalog": post(slug="False")},
                operations={
                    "catalog": ["AlterField(post.slug)", "AlterField(post.views)"]
                },
                check=check_back_to_true,
            ),
        ],
    ),
    Scenario(
        name="index_types_postgresql",
        description=(
            "the docs' Article: GIN, hash, BTree(fillfactor), trigram GIN; "
            "changed to True and back"
        ),
        apps=("catalog",),
        settings='INSTALLED_APPS.append("django.contrib.postgres")\n',
        vendors=("postgresql",),
        steps=[
            Step(
                "a first model; pg_trgm is created by hand",
                models={"catalog": models_source(AUTHOR)},
                operations={"catalog": ["CreateModel(Author)"]},
                check=check_author_created,
            ),
            Step(
                "the docs' Article; GIN for JSON, B-tree for db_index=True",
                models={"catalog": article()},
                operations={"catalog": ["CreateModel(Article)"]},
                check=check_article_created,
            ),
            Step(
                "every index type changes: True, or BTreeIndex",
                models={
                    "catalog": article(slug="True", views="True", data="BTreeIndex")
                },
                operations={
                    "catalog": [
                        "AlterField(article.data)",
                        "AlterField(article.slug)",
                        "AlterField(article.views)",
                    ]
                },
                check=check_types_changed,
            ),
            Step(
                "and back",
                models={"catalog": article()},
                operations={
                    "catalog": [
                        "AlterField(article.data)",
                        "AlterField(article.slug)",
                        "AlterField(article.views)",
                    ]
                },
                check=check_types_back,
            ),
        ],
    ),
]

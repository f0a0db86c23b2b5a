"""Cost of autodetector extensions (wishlist item 6).

autodetector_500_extensions is core.autodetector_500 (makemigrations --dry-run
of a 500-model app) with an installed app that registers ten trivial
extensions, each called for every model; its baseline is autodetector_500 in
the same fork, which has none. The acceptance limit is 2 %.
"""

from core import autodetector, generated_app
from registry import benchmark

EXTENSIONS_APP = "bench_extensions"


def has_extensions():
    from django.apps import AppConfig

    return hasattr(AppConfig, "autodetector_extensions")


def extensions_app(workdir):
    """
    An app whose config registers ten extensions: each compares an option
    that no model sets and returns nothing.
    """
    package = workdir / EXTENSIONS_APP
    package.mkdir()
    (package / "__init__.py").write_text("")
    lines = [
        "from django.apps import AppConfig",
        "from django.db.migrations.autodetector import AutodetectorExtension",
        "",
    ]
    for i in range(10):
        lines += [
            "",
            f"class Extension{i}(AutodetectorExtension):",
            "    def generate_altered_model(self, old_model_state, new_model_state):",
            f"        option = 'option_{i}'",
            "        if old_model_state.options.get(option) != (",
            "            new_model_state.options.get(option)",
            "        ):",
            "            raise AssertionError(option)",
            "        return ()",
            "",
        ]
    lines += [
        "",
        "class BenchExtensionsConfig(AppConfig):",
        f"    name = '{EXTENSIONS_APP}'",
        "    autodetector_extensions = [%s]"
        % ", ".join(f"Extension{i}" for i in range(10)),
    ]
    (package / "apps.py").write_text("\n".join(lines) + "\n")
    (package / "empty_migrations").mkdir()
    (package / "empty_migrations" / "__init__.py").write_text("")
    return [EXTENSIONS_APP]


def make_apps(workdir):
    return generated_app("bench500", 500, change=True)(workdir) + extensions_app(
        workdir
    )


benchmark(
    "autodetector_500_extensions",
    make_apps=make_apps,
    slow=True,
    requires=has_extensions,
    baseline="autodetector_500",
)(autodetector)

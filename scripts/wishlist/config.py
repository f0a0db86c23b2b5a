"""Paths, the [wishlist] settings, the databases, and the tool's output.

Every other module imports its paths from here. WISHLIST_ROOT (the tool's
tests set it) moves the whole project (tree/, patches/, .cache/, setup.cfg);
the scripts themselves stay where they are.
"""

import configparser
import os
import re
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("WISHLIST_ROOT") or SCRIPTS.parent)
TREE = ROOT / "tree"
PATCHES = ROOT / "patches"
SERIES = PATCHES / "series"
CACHE = ROOT / ".cache"
DIST = ROOT / "dist"
SETUP_CFG = ROOT / "setup.cfg"
E2E = ROOT / "tests" / "e2e"
# The fork's release notes, where every feature patch adds its entry.
RELEASE_NOTES = "docs/releases/wishlist.txt"

# The identity of the commits the tool itself makes (the imported sdist).
TOOL_IDENT = ("django-wishlist queue", "queue@django-wishlist.invalid")

# The database-layer test labels run on MariaDB and PostgreSQL 18.
DB_LABELS = (
    "backends schema migrations migrations2 migrate_signals inspectdb "
    "introspection constraints indexes model_fields model_indexes composite_pk "
    "delete delete_regress foreign_object generic_relations custom_pk basic "
    "queries expressions db_functions invalid_models_tests field_deconstruction "
    "postgres_tests model_options model_meta apps autodetector_extensions "
    "assertion_constraints composite_fk view_models model_forms"
).split()

DATABASES = {
    "sqlite": None,
    "postgresql": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": 5432,
    },
    "postgresql18": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": 5433,
    },
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "HOST": "127.0.0.1",
        "PORT": 3306,
    },
}


class QueueError(Exception):
    """A failure the tool explains; main() prints it and exits non-zero."""


def say(message=""):
    print(message, flush=True)


def indent(text, prefix="      "):
    return "\n".join(prefix + line for line in text.splitlines())


def read_config():
    parser = configparser.ConfigParser()
    if not parser.read(SETUP_CFG):
        raise QueueError(f"{SETUP_CFG} is missing.")
    section = parser["wishlist"]
    return {
        "base": section["base"],
        "sha256": section["base-sha256"],
        "label": section["label"],
        "python": section.get("python", "3.13"),
    }


def write_base_config(version, sha256):
    """Record a new base release in setup.cfg, keeping everything else."""
    text = SETUP_CFG.read_text()
    text = re.sub(r"(?m)^base = .*$", f"base = {version}", text, count=1)
    text = re.sub(r"(?m)^base-sha256 = .*$", f"base-sha256 = {sha256}", text, count=1)
    SETUP_CFG.write_text(text)

"""Benchmarks of the fork's features, one module per feature.

A feature patch adds a module here that registers its benchmarks with
``registry.benchmark(..., requires=..., baseline=...)``: ``requires`` keeps
them out of pristine Django, ``baseline`` names the benchmark that does the
same by hand (a join written with ForeignObject, a raw SQL query, a
hand-written trigger), so that scripts/bench reports the feature's cost
against it. Every module in this package is loaded by run.py.
"""

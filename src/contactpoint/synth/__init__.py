"""Synthetic England: a seeded population, its source feeds, and the ground truth kept apart.

The system is never built or tested on real children's data; this package makes the data instead.

- `population.iter_children(n, seed, generations=0)` streams exactly n made-up children (constant
  memory, same seed -> same children); `population.Population` gives families and blocks.
- `records.to_child_record(child, cp_id)` turns one into a valid `domain.records.ChildRecord`.
- `feeds.generate(out, n, seed, generations)` writes every source's feeds (CSV and/or JSON Lines)
  under out/feeds/<source>/gen<g>.<ext> and the truth under out/truth/.
- `truth.Truth.load(out)` reads the truth back for tests and benchmarks.
- `sources.SOURCES` describes each source: key column, columns, date format, error rates.
- `places.england()` is where they live: England's real children's services authorities and postcode
  units, read from the installed ONS packages once per process (ADR 0024).
- `cli.synth_app` is the `contactpoint synth` command group.
"""

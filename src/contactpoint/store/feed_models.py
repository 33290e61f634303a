"""Tables of the feeds pipeline: feed runs, row outcomes, provenance, the review queue, merges.

They register on the same metadata as the child tables so one Alembic history covers them all.
"""

from __future__ import annotations

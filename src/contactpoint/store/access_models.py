"""Tables of practitioner access: accounts, sessions, throttles, involvements' edits, the audit log.

They register on the same metadata as the child tables so one Alembic history covers them all.
"""

from __future__ import annotations

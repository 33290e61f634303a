"""Tables of the linkage model built from the index: the name term-frequency tables.

A table is a list of real names with their frequencies, so it is sealed like a record (DESIGN
invariant 1); only the column it is for, when it was built and its sizes are in the clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class TermFrequencyTableRow(Base):
    """One Splink term-frequency table (value -> relative frequency), sealed, for one name column."""

    __tablename__ = "term_frequency_tables"

    column_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    names_counted: Mapped[int] = mapped_column(Integer)  # names counted, rare ones included
    entries: Mapped[int] = mapped_column(
        Integer
    )  # values in the table (each seen MIN_TF_COUNT times or more)
    key_version: Mapped[int] = mapped_column(Integer, index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)

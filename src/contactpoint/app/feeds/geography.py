"""Which local authority a postcode lies in, for children a feed introduces without naming their LA.

A deployment supplies the table (postcode unit, sector or district to the children's services
authority, e.g. drawn from the ONS Postcode Directory) as a CSV file named in settings; the
bootstrap loads it. Without a table no postcode places a child, and such rows go to review.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from contactpoint.domain.errors import ValidationError

COLUMNS = ("postcode_prefix", "la_code")


def prefixes_of(postcode: str) -> list[str]:
    """The unit, sector and district of a postcode, most precise first ("AB1 2CD", "AB1 2", "AB1")."""
    value = " ".join(postcode.upper().split())
    outward, _, inward = value.partition(" ")
    found = [value]
    if inward:
        found.append(f"{outward} {inward[0]}")
    found.append(outward)
    return found


@dataclass(frozen=True)
class PostcodeAuthorities:
    """A postcode's local authority, looked up by unit, then sector, then district."""

    owners: dict[str, str]

    def __call__(self, postcode: str) -> str | None:
        """The LA owning the most precise prefix of the postcode the table holds, or None."""
        for prefix in prefixes_of(postcode):
            if (owner := self.owners.get(prefix)) is not None:
                return owner
        return None

    @classmethod
    def load(cls, path: Path) -> PostcodeAuthorities:
        """Read the table; a file without the expected header is refused rather than half-read."""
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise ValidationError("postcode_authorities_file", f"needs the header {','.join(COLUMNS)}")
            return cls({" ".join(row["postcode_prefix"].upper().split()): row["la_code"] for row in reader})

    def save(self, path: Path) -> None:
        """Write the table in the form `load` reads."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(sorted(self.owners.items()))


NO_AUTHORITIES = PostcodeAuthorities({})

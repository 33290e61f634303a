"""Small formatting helpers the sources share: addresses split into their columns, gender codes, carers."""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.errors_model import Reported
from contactpoint.synth.model import CarerTruth, Identity


def address_lines(reported: Reported, count: int) -> list[str | None]:
    """The address lines padded (or joined at the end) to exactly `count` columns; blank if missing."""
    if reported.missing == "address" or not reported.lines:
        return [None] * count
    lines: list[str | None] = list(reported.lines)
    if len(lines) > count:
        lines = [*lines[: count - 1], ", ".join(line for line in lines[count - 1 :] if line)]
    return lines + [None] * (count - len(lines))


def single_line_address(reported: Reported) -> str | None:
    """The address as one comma-separated line, town included."""
    if reported.missing == "address" or not reported.lines:
        return None
    return ", ".join((*reported.lines, reported.town))


def town(reported: Reported) -> str | None:
    """The town, blank when the address is missing."""
    return None if reported.missing == "address" or not reported.town else reported.town


def postcode(reported: Reported) -> str | None:
    """The postcode, blank when missing."""
    return None if reported.missing == "postcode" or not reported.postcode else reported.postcode


def middle(reported: Reported) -> str | None:
    """The middle names, blank when missing."""
    return None if reported.missing == "middle" or not reported.middle else reported.middle


def gender_code(reported: Reported, codes: dict[Gender, str]) -> str | None:
    """The source's code for the gender, blank when missing."""
    return None if reported.missing == "gender" else codes[reported.gender]


def main_carer(identity: Identity) -> CarerTruth | None:
    """The carer a source names first: one with parental responsibility who lives with the child."""
    for carer in identity.carers:
        if carer.parental_responsibility and carer.address is None:
            return carer
    return identity.carers[0] if identity.carers else None

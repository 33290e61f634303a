"""A subject access report as sections of labelled rows, shared by the HTML page and the PDF.

The PDF is rendered from a print template by WeasyPrint, in memory (no temporary file ever holds
it, invariant 1), as PDF/UA-1: a tagged PDF a screen reader can follow, which a hand-placed PDF
(fpdf2, before) was not. Names may hold any letter; the template asks for DejaVu Sans (Debian's
fonts-dejavu-core), with the system's sans-serif font otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint import HTML

from contactpoint.app.oversight.subject_access import SubjectAccessReport
from contactpoint.web.labels import SERVICE_LABELS
from contactpoint.web.pages import TEMPLATES

NOT_DISCLOSED = "Not disclosed"
ACCESS_COLUMNS = ("When (UTC)", "Organisation", "Role", "What", "Reason")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, its label-value rows, and optionally a table."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    table: list[tuple[str, ...]] = field(default_factory=list)


def _code(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else ""


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _child(report: SubjectAccessReport) -> Section:
    rows: list[tuple[str, str]] = []
    labels = {"current": "Name", "former": "Former name", "known_as": "Also known as"}
    rows += [(labels[n.kind], f"{n.given} {n.family}") for n in report.names]
    rows += [("Date of birth", _date(report.date_of_birth)), ("Gender", _code(report.gender))]
    if report.status:
        rows.append(("Record status", _code(report.status)))
    if report.la_code:
        rows.append(("Local authority", report.la_code))
    if report.date_of_death:
        rows.append(("Date of death", _date(report.date_of_death)))
    if report.retention_extension:
        rows.append(("Kept until 25 with consent", _code(report.retention_extension)))
    if report.archived_on:
        rows.append(("Archived on", _date(report.archived_on)))
    return Section("The child", rows)


def _address(report: SubjectAccessReport) -> Section | None:
    where = report.whereabouts
    if where is None:
        return None
    rows = [("Whereabouts", _code(where.state))]
    if where.lines:
        rows.append(("Lines", ", ".join(where.lines)))
    if where.postcode:
        rows.append(("Postcode", where.postcode))
    if where.intent_to_return:
        rows.append(("Intends to return to England", _code(where.intent_to_return)))
    return Section("Address", rows)


def _carers(report: SubjectAccessReport) -> Section:
    rows: list[tuple[str, str]] = []
    for number, carer in enumerate(report.carers, 1):
        rows.append((f"Carer {number}", f"{carer.given} {carer.family} ({_code(carer.relationship)})"))
        rows.append(("Parental responsibility", "Yes" if carer.parental_responsibility else "No"))
        rows += [(label, value) for label, value in (("Phone", carer.phone), ("Email", carer.email)) if value]
        if carer.address:
            rows.append(("Address", ", ".join(carer.address)))
    return Section("Parents and carers", rows or [("Carers", "None held")])


def _involvements(report: SubjectAccessReport) -> Section:
    rows: list[tuple[str, str]] = []
    for item in report.involvements:
        organisation = (
            f"{item.organisation_name} ({item.organisation_code})"
            if item.organisation_name
            else "Organisation not disclosed"
        )
        rows.append((SERVICE_LABELS.get(item.service, _code(item.service)), organisation))
        if item.practitioner:
            rows.append(("Practitioner", item.practitioner))
        rows += [(label, value) for label, value in (("Phone", item.phone), ("Email", item.email)) if value]
        rows.append(("Dates", f"from {_date(item.start)}" + (f" to {_date(item.end)}" if item.end else "")))
        if item.lead_professional:
            rows.append(("Lead professional", "Yes"))
        rows.append(
            ("Common Assessment Framework", "An assessment exists" if item.caf_exists else "None recorded")
        )
        if item.sensitive_basis:
            rows.append(("Recorded on the basis of", _code(item.sensitive_basis)))
        recorded = f"Recorded by {item.recorded_by}"
        rows.append(("Source", recorded + (f", {_date(item.recorded_on)}" if item.recorded_on else "")))
    return Section("Services working with the child", rows or [("Services", "None held")])


def _sources(report: SubjectAccessReport) -> Section:
    rows = [
        (
            f"{_code(p.field)} from",
            f"{p.source}" + (f" (row {p.row_key})" if p.row_key else "") + f", as of {_date(p.as_of)}",
        )
        for p in report.provenance
    ]
    rows += [("Rows received from", f"{s.source}: {s.rows}") for s in report.sources]
    rows += [("Identifier", identifier) for identifier in report.identifiers]
    return Section("Where the information came from", rows or [("Sources", "Recorded by users only")])


def _accesses(report: SubjectAccessReport) -> Section:
    table: list[tuple[str, ...]] = [
        (
            a.at.strftime("%Y-%m-%d %H:%M"),
            a.organisation or NOT_DISCLOSED,
            _code(a.role) + (f" ({SERVICE_LABELS.get(a.service, a.service)})" if a.service else ""),
            a.action,
            a.reason,
        )
        for a in report.accesses
    ]
    rows = [] if report.accesses_complete else [("Note", "Only the most recent accesses are listed")]
    return Section("Who has used the record", rows, ACCESS_COLUMNS, table)


def sections(report: SubjectAccessReport) -> list[Section]:
    """The report's content in reading order."""
    about = [
        ("ContactPoint ID", report.cp_id),
        ("Requested by", report.requester.label),
        ("Produced (UTC)", report.produced_at.strftime("%Y-%m-%d %H:%M")),
    ]
    if report.notice:
        about.append(("Please note", report.notice))
    found = [
        Section("About this report", about),
        _child(report),
        _address(report),
        _carers(report),
        _involvements(report),
        _sources(report),
        _accesses(report),
    ]
    return [section for section in found if section is not None]


def _no_fetching(url: str, *_args: object, **_kwargs: object) -> dict[str, object]:  # noqa: ARG001
    """The report is self-contained: WeasyPrint may fetch nothing (no file, no network)."""
    raise ValueError("the subject access report loads no external resource")


def render_pdf(report: SubjectAccessReport) -> bytes:
    """The report as a tagged PDF (PDF/UA-1: headings, tables and reading order for screen readers),
    rendered in memory from the same sections as the page."""
    html = TEMPLATES.get_template("print/subject_access.html").render(sections=sections(report))
    document = HTML(string=html, url_fetcher=_no_fetching)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(pdf, bytes):  # None only when a target is given, which it is not
        raise TypeError("the PDF was not produced in memory")
    return pdf

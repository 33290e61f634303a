"""Declarative source mappings: a TOML file per source says which column holds which field and how.

A new source needs a mapping file, not code. The transforms are the few that real feeds need: a
date format, given names split across one or several columns, a full name in one column, address
lines in columns or one comma-joined column, code tables for gender, change, service and consent
(matched ignoring case and surrounding spaces), templates for organisation names a feed does not
carry, constant values for columns it does not carry (`[constants]`), and the extract's date (a
column or a constant; else the run's `--as-of`), at which ages are taken.

A row is rejected only for what makes it unusable: no key, no usable name or date of birth, a date
of birth that is impossible, before 1990 or after the extract, a postcode that is not one, or a code
the mapping does not know. A field that can be left out is left out, and the row taken without it:
an address line, town, carer, identifier, practitioner or contact that breaks its rule is dropped
(`Dropped`, counted in the run's report). A postcode without an address line still places the child.

Every failure raises `ValidationError(field, rule)` naming the field, never the value.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Sequence
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    SourceIdentifier,
    Whereabouts,
    check_involvement_dates,
    check_la_code,
    clean_text,
)
from contactpoint.domain.vocabulary import (
    AddressState,
    Gender,
    IdentifierScheme,
    Relationship,
    SensitiveBasis,
    ServiceType,
)
from contactpoint.ingest.feed_row import PLACEHOLDER_BIRTH, PLACEHOLDER_NAME, ChangeKind, Dropped, FeedRow

Values = MappingType[str, str | None]
T = TypeVar("T")
EARLIEST_BIRTH = date(1990, 1, 1)  # nobody born earlier can still be held (25 at most, with consent)
# A source's own record identifier (FHIR's id rule, with colons, slashes and underscores for
# composite keys): it is kept in clear and exported, so it must not carry names, addresses or formulas.
ROW_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
ROW_KEY_RULE = (
    "is not a record identifier: 1 to 64 letters, digits, dots, dashes, underscores, colons or slashes, "
    "starting with a letter or digit"
)
_DATE_FIELDS = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}"}
_DATE_WORDS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY"}


@lru_cache(maxsize=1 << 13)
def _parse_date(text: str, date_format: str) -> date:
    """strptime, remembered: a feed repeats a few thousand dates (18 years of birthdays), and strptime
    is costly beside the rest of mapping a row."""
    return datetime.strptime(text, date_format).date()  # noqa: DTZ007  # a calendar date, no zone


@dataclass(frozen=True, slots=True)
class InvolvementMapping:
    """How a row names the service working with the child."""

    service: ServiceType | None
    service_column: str | None
    service_codes: dict[str, ServiceType]
    organisation_code: str
    organisation_name: str  # a column name, or a template with {column} fields
    start: str
    end: str | None
    practitioner: str | None
    phone: str | None
    email: str | None
    lead: str | None
    caf: str | None
    yes: frozenset[str]
    basis_column: str | None
    basis_codes: dict[str, SensitiveBasis]


@dataclass(frozen=True, slots=True)
class CarerMapping:
    """How a row names the child's main carer."""

    full_name: str | None
    given: str | None
    family: str | None
    relationship: Relationship | None
    relationship_column: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class SourceMapping:
    """One source's feed layout: its key, columns, formats and code tables."""

    source: str
    key: str
    date_format: str
    change_column: str | None
    change_codes: dict[str, ChangeKind]
    as_of: str | None
    given: tuple[str, ...]
    family: str
    known_as: str | None
    date_of_birth: str
    gender_column: str | None
    gender_codes: dict[str, Gender]
    address_lines: tuple[str, ...]
    address_split: str | None
    town: str | None
    postcode: str | None
    la_column: str | None
    identifier_scheme: IdentifierScheme | None
    identifier_column: str | None
    involvement: InvolvementMapping | None
    carer: CarerMapping | None
    required: tuple[str, ...] = field(default=())
    constants: dict[str, str] = field(default_factory=dict)  # columns the file does not carry
    extract_date: str | None = None  # the column (or constant) holding the extract's date
    ignore: tuple[str, ...] = ()  # columns the source sends that the index does not take

    # Loading ----------------------------------------------------------------------------------

    @classmethod
    def from_toml(cls, text: str) -> SourceMapping:
        """Parse and check a mapping; a bad mapping is a configuration error, raised at once."""
        data = tomllib.loads(text)
        try:
            return cls._from_dict(data)
        except (KeyError, ValueError) as error:
            raise ValidationError("mapping", f"invalid mapping file: {error}") from error

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> SourceMapping:
        name = data["name"]
        address = data.get("address", {})
        identifier = data.get("identifier")
        involvement = data.get("involvement")
        carer = data.get("carer")
        change = data.get("change")
        gender = data.get("gender")
        lines = address.get("lines", [])
        return cls(
            source=data["source"],
            key=data["key"],
            date_format=data["date_format"],
            change_column=change["column"] if change else None,
            change_codes=_codes(
                {code: kind for kind, codes in (change or {}).get("codes", {}).items() for code in codes},
                ChangeKind,
            ),
            as_of=data.get("as_of"),
            given=tuple(name["given"] if isinstance(name["given"], list) else [name["given"]]),
            family=name["family"],
            known_as=name.get("known_as"),
            date_of_birth=data["date_of_birth"],
            gender_column=gender["column"] if gender else None,
            gender_codes=_codes((gender or {}).get("codes", {}), Gender),
            address_lines=tuple(lines if isinstance(lines, list) else [lines]),
            address_split=address.get("split"),
            town=address.get("town"),
            postcode=address.get("postcode"),
            la_column=data.get("la"),
            identifier_scheme=IdentifierScheme(identifier["scheme"]) if identifier else None,
            identifier_column=identifier["column"] if identifier else None,
            involvement=_involvement(involvement) if involvement else None,
            carer=_carer(carer) if carer else None,
            required=tuple(data.get("required", [])),
            constants={str(column): str(value) for column, value in data.get("constants", {}).items()},
            extract_date=data.get("extract_date"),
            ignore=tuple(data.get("ignore", [])),
        )

    # Checking a file's columns -----------------------------------------------------------------

    def columns(self) -> frozenset[str]:
        """The columns this mapping reads from a file (its constants are not in the file)."""
        named: list[str | None] = [
            self.key,
            self.change_column,
            self.as_of,
            self.extract_date,
            *self.given,
            self.family,
            self.known_as,
            self.date_of_birth,
            self.gender_column,
            *self.address_lines,
            self.town,
            self.postcode,
            self.la_column,
            self.identifier_column,
            *self.required,
        ]
        if (involvement := self.involvement) is not None:
            named += [
                involvement.service_column,
                involvement.organisation_code,
                *_template_columns(involvement.organisation_name),
                involvement.start,
                involvement.end,
                involvement.practitioner,
                involvement.phone,
                involvement.email,
                involvement.lead,
                involvement.caf,
                involvement.basis_column,
            ]
        if (carer := self.carer) is not None:
            named += [carer.full_name, carer.given, carer.family, carer.relationship_column, carer.phone]
        return frozenset(column for column in named if column) - self.constants.keys()

    def check_header(self, header: Sequence[str], complete: bool) -> None:
        """Stop a file whose columns are not this mapping's, before any row is read: a wrong file, an
        old layout or a wrong separator would otherwise reject every row one by one, or worse, map
        columns that mean something else. `complete` is False where a file may leave out empty
        columns (a JSON Lines object), so only the key must be there.

        Column names are listed only when the header shares a column with the mapping: a file with
        no header line has a row of values where the header should be, and values never go into a
        message."""
        expected = self.columns()
        present = set(header)
        missing = sorted(expected - present) if complete else sorted({self.key} - present)
        unexpected = [column for column in header if column not in expected and column not in self.ignore]
        repeated = sorted({column for column in header if header.count(column) > 1})
        if not missing and not unexpected and not repeated:
            return
        problems = [f"missing columns: {', '.join(missing)}"] if missing else []
        separator = _separator(header, expected) if complete else None
        if separator is not None:
            problems.append(f"the file is separated by {separator}, not commas")
        elif present & expected:
            if unexpected:
                problems.append(f"unexpected columns: {', '.join(_listed(unexpected))}")
            if repeated:
                problems.append(f"repeated columns: {', '.join(_listed(repeated))}")
        else:
            problems.append(
                "no column of the mapping is in the first line: is it this source's file, with a header line?"
            )
        raise ValidationError("header", f"does not match the {self.source} mapping: {'; '.join(problems)}")

    # Mapping a row ----------------------------------------------------------------------------

    def row_key(self, values: Values) -> str | None:
        """The row's key, or None when the row has none or one not shaped like a key (it can then
        only be rejected). A key is kept in clear and exported, so it may hold no free text."""
        key = (values.get(self.key) or "").strip()
        return key if ROW_KEY.fullmatch(key) else None

    @staticmethod
    def canonical(values: Values) -> bytes:
        """The row's columns and values in one unambiguous byte string, for the keyed content hash."""
        parts: list[bytes] = []
        for column in sorted(values):
            value = values[column]
            parts.extend((column.encode(), b"\x1f", b"\x00" if value is None else value.encode(), b"\x1e"))
        return b"".join(parts)

    def map_row(
        self,
        values: Values,
        line: int,
        content_hash: str = "",
        *,
        extracted: date | None = None,
        today: date | None = None,
    ) -> FeedRow:
        """Validate one row into a FeedRow (leaving out fields that can be dropped); raises
        ValidationError naming the first field that makes the row unusable."""
        return self.map_row_dropping(values, line, content_hash, extracted=extracted, today=today)[0]

    def map_row_dropping(
        self,
        values: Values,
        line: int,
        content_hash: str = "",
        *,
        extracted: date | None = None,
        today: date | None = None,
    ) -> tuple[FeedRow, tuple[Dropped, ...]]:
        """`map_row`, with the fields left out and why. `extracted` is the run's extract date, for
        rows whose mapping names none; ages are taken at the extract date (else at `today`)."""
        if self.constants:
            values = {**values, **self.constants}
        dropped: list[Dropped] = []
        key = self.row_key(values)
        if key is None and (values.get(self.key) or "").strip():
            raise ValidationError(self.key, ROW_KEY_RULE)
        if key is None:
            raise ValidationError(self.key, "the row has no key")
        for column in self.required:
            if not _get(values, column):
                raise ValidationError(column, "is required")
        given = " ".join(part for part in (_get(values, c) for c in self.given) if part)
        family = _get(values, self.family)
        missing = tuple(name for name, value in (("given_name", given), ("family_name", family)) if not value)
        current = PersonName.of(given or PLACEHOLDER_NAME, family or PLACEHOLDER_NAME)
        known_as = self._known_as(values, current, dropped) if not missing else ()
        extract = (self._date(values, self.extract_date, "extract_date") if self.extract_date else None) or (
            extracted
        )
        born = self._birth(values, extract, today)
        if born is None:
            missing = (*missing, "date_of_birth")
        whereabouts, postcode = self._whereabouts(values, dropped)
        involvements = self._involvements(values, dropped)
        if born is not None and today is not None:
            _check_dates(involvements, born, today)
        return FeedRow(
            source=self.source,
            row_key=key,
            line=line,
            content_hash=content_hash,
            change=self._change(values),
            names=ChildNames(current, known_as=known_as),
            date_of_birth=born or PLACEHOLDER_BIRTH,
            gender=self._gender(values),
            whereabouts=whereabouts,
            la_code=self._la_code(values, dropped),
            carers=_or_dropped(lambda: self._carers(values), (), dropped, "carer"),
            involvements=involvements,
            identifiers=self._identifiers(values, dropped),
            as_of=(self._date(values, self.as_of, "as_of") if self.as_of else None) or extract,
            postcode=postcode,
            missing=missing,
        ), tuple(dropped)

    def _known_as(
        self, values: Values, current: PersonName, dropped: list[Dropped]
    ) -> tuple[PersonName, ...]:
        preferred = _get(values, self.known_as) if self.known_as else None
        if not preferred or clean_text(preferred) == current.given.split(" ", 1)[0]:
            return ()
        return _or_dropped(lambda: (PersonName.of(preferred, current.family),), (), dropped, "known_as")

    def _birth(self, values: Values, extract: date | None, today: date | None) -> date | None:
        """The date of birth; None when the row gives none (a partial row, see FeedRow.partial)."""
        born = self._date(values, self.date_of_birth, "date_of_birth")
        if born is None:
            return None
        if born < EARLIEST_BIRTH:
            raise ValidationError("date_of_birth", f"is before {EARLIEST_BIRTH.year}")
        if extract is not None and born > extract:
            raise ValidationError("date_of_birth", "is after the extract date")
        if extract is None and today is not None and born > today:
            raise ValidationError("date_of_birth", "is in the future")
        return born

    def _date(self, values: Values, column: str | None, name: str) -> date | None:
        text = _get(values, column) if column else None
        if not text:
            return None
        try:
            return _parse_date(text, self.date_format)
        except ValueError as error:
            if _date_shape(self.date_format).match(text):
                raise ValidationError(name, "is not a real date (no such day or month)") from error
            raise ValidationError(name, f"must be a date written {_date_words(self.date_format)}") from error

    def _la_code(self, values: Values, dropped: list[Dropped]) -> str | None:
        code = _get(values, self.la_column) if self.la_column else None
        if code is None:
            return None
        return _or_dropped(lambda: check_la_code(code), None, dropped)

    def _change(self, values: Values) -> ChangeKind:
        if self.change_column is None:
            return ChangeKind.EXTRACT
        code = _fold(_get(values, self.change_column))
        if code is None or code not in self.change_codes:
            raise ValidationError("change", "is not one of the source's change codes")
        return self.change_codes[code]

    def _gender(self, values: Values) -> Gender:
        code = _fold(_get(values, self.gender_column)) if self.gender_column else None
        if code is None:
            return Gender.NOT_SPECIFIED
        if code not in self.gender_codes:
            raise ValidationError("gender", "is not one of the source's gender codes")
        return self.gender_codes[code]

    def _whereabouts(
        self, values: Values, dropped: list[Dropped]
    ) -> tuple[Whereabouts | None, Postcode | None]:
        """The address, and the postcode even when no address line survives to hold it with."""
        postcode_text = _get(values, self.postcode) if self.postcode else None
        if self.address_split is not None and self.address_lines:
            joined = _get(values, self.address_lines[0]) or ""
            parts = [clean_text(p) for p in joined.split(self.address_split) if p.strip()]
        else:
            parts = [clean_text(p) for p in (_get(values, c) for c in self.address_lines) if p]
        town = _get(values, self.town) if self.town else None
        if self.address_split is not None and town is None and len(parts) > 1:
            town = parts.pop()  # a joined address ends with its town
        if postcode_text is None:
            if parts:  # lines without a postcode say nothing reliable about where the child lives
                dropped.append(Dropped("address", "has no postcode"))
            return None, None
        postcode = Postcode.parse(postcode_text)
        parts = [part for part in parts if _address_part(part, postcode, "address_line", dropped)]
        if town is not None and not _address_part(clean_text(town), postcode, "town", dropped):
            town = None
        if not parts:
            return None, postcode
        if len(parts) > 4:
            parts = [*parts[:3], ", ".join(parts[3:])]
        address = PostalAddress(tuple(parts), postcode, clean_text(town) if town else None)
        return Whereabouts(AddressState.KNOWN, address), postcode

    def _identifiers(self, values: Values, dropped: list[Dropped]) -> tuple[SourceIdentifier, ...]:
        if self.identifier_scheme is None or self.identifier_column is None:
            return ()
        value = _get(values, self.identifier_column)
        if not value:
            return ()
        scheme = self.identifier_scheme
        return _or_dropped(lambda: (SourceIdentifier(scheme, value.replace(" ", "")),), (), dropped)

    def _carers(self, values: Values) -> tuple[Carer, ...]:
        mapping = self.carer
        if mapping is None:
            return ()
        if mapping.full_name is not None:
            full = _get(values, mapping.full_name)
            if not full or " " not in full.strip():
                return ()
            given, family = full.strip().rsplit(" ", 1)
        else:
            given = _get(values, mapping.given) or "" if mapping.given else ""
            family = _get(values, mapping.family) or "" if mapping.family else ""
            if not given or not family:
                return ()
        relationship = mapping.relationship
        if mapping.relationship_column is not None:
            code = _get(values, mapping.relationship_column)
            relationship = _relationship(code) if code else Relationship.OTHER
        phone = _get(values, mapping.phone) if mapping.phone else None
        return (
            Carer(
                PersonName.of(given, family),
                relationship or Relationship.OTHER,
                parental_responsibility=relationship
                in {Relationship.MOTHER, Relationship.FATHER, Relationship.PARENT, None},
                contact=ContactDetails(phone=phone),
            ),
        )

    def _involvements(self, values: Values, dropped: list[Dropped]) -> tuple[Involvement, ...]:
        mapping = self.involvement
        if mapping is None:
            return ()
        code = _get(values, mapping.organisation_code)
        start = self._date(values, mapping.start, "involvement_start")
        if code is None or start is None:
            return ()
        service = mapping.service
        if mapping.service_column is not None:
            service_code = _fold(_get(values, mapping.service_column))
            if service_code is None or service_code not in mapping.service_codes:
                raise ValidationError("service", "is not one of the source's service codes")
            service = mapping.service_codes[service_code]
        if service is None:
            raise ValidationError("service", "the mapping names no service")
        basis = None
        if mapping.basis_column is not None:
            basis_code = _fold(_get(values, mapping.basis_column))
            if basis_code is not None:
                if basis_code not in mapping.basis_codes:
                    raise ValidationError("sensitive_basis", "is not one of the source's consent codes")
                basis = mapping.basis_codes[basis_code]
        practitioner = None
        if mapping.practitioner is not None:
            full = _get(values, mapping.practitioner)
            if full and " " in full.strip():
                given, family = full.strip().rsplit(" ", 1)
                practitioner = _or_dropped(
                    lambda: PersonName.of(given, family), None, dropped, "practitioner"
                )
        phone = _get(values, mapping.phone) if mapping.phone else None
        email = _get(values, mapping.email) if mapping.email else None
        contact = _or_dropped(lambda: ContactDetails(phone=phone, email=email), ContactDetails(), dropped)
        return (
            Involvement(
                service=service,
                organisation=Organisation(code, _template(mapping.organisation_name, values)),
                start=start,
                end=self._date(values, mapping.end, "involvement_end") if mapping.end else None,
                practitioner=practitioner,
                contact=contact,
                lead_professional=bool(mapping.lead and _fold(_get(values, mapping.lead)) in mapping.yes),
                caf_exists=bool(mapping.caf and _fold(_get(values, mapping.caf)) in mapping.yes),
                sensitive_basis=basis,
            ),
        )


def _check_dates(involvements: tuple[Involvement, ...], born: date, today: date) -> None:
    """The API's rule for involvement dates (within the child's life, none in the future), so a feed
    row cannot add what a practitioner could not (a slip, or a key holder's 2099 episode)."""
    for involvement in involvements:
        try:
            check_involvement_dates(involvement, born, today)
        except ValidationError as error:
            raise ValidationError(f"involvement_{error.field}", error.rule) from None


def _get(values: Values, column: str | None) -> str | None:
    if column is None:
        return None
    value = values.get(column)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _template_columns(text: str) -> list[str]:
    """The columns an organisation name reads: one column, or the fields of a template."""
    if "{" not in text:
        return [text]
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_LISTED = 20


def _separator(header: Sequence[str], expected: frozenset[str]) -> str | None:
    """The separator a one-column header really uses, when splitting on it finds the mapping's columns."""
    if len(header) != 1:
        return None
    for separator, name in _SEPARATORS.items():
        if separator in header[0] and {part.strip() for part in header[0].split(separator)} & expected:
            return name
    return None


def _listed(columns: Sequence[str]) -> list[str]:
    """Column names for a message: a few, each cut short."""
    shown = [column if len(column) <= 40 else f"{column[:40]}..." for column in columns[:_LISTED]]
    return [*shown, f"and {len(columns) - _LISTED} more"] if len(columns) > _LISTED else shown


def _fold(code: str | None) -> str | None:
    """A code as value maps compare it: sources write "m", "M" and " M " for the same thing."""
    return code.strip().casefold() if code is not None else None


def _codes(table: dict[str, str], kind: Callable[[str], T]) -> dict[str, T]:
    """A value map keyed by folded code; codes that fold together must mean one thing."""
    folded: dict[str, T] = {}
    for code, meaning in table.items():
        key = code.strip().casefold()
        value = kind(meaning)
        if folded.get(key, value) != value:
            raise ValueError(f"codes that differ only in case or spaces mean different things: {code!r}")
        folded[key] = value
    return folded


def _or_dropped(make: Callable[[], T], instead: T, dropped: list[Dropped], field_name: str = "") -> T:
    """`make()`, or `instead` with the reason noted when the field breaks a rule: a field that can be
    left out is left out, and the rest of the row taken."""
    try:
        return make()
    except ValidationError as error:
        dropped.append(Dropped(field_name or error.field, error.rule))
        return instead


def _address_part(part: str, postcode: Postcode, field_name: str, dropped: list[Dropped]) -> bool:
    """Whether an address line (or town) may be held; one that may not is dropped, not the row."""
    try:
        PostalAddress((part,), postcode)
    except ValidationError as error:
        dropped.append(Dropped(field_name, error.rule))
        return False
    return True


@lru_cache(maxsize=32)
def _date_shape(date_format: str) -> re.Pattern[str]:
    """Text shaped like a date in the format (digits where the fields go), valid or not."""
    pattern = re.escape(date_format)
    for directive, digits in _DATE_FIELDS.items():
        pattern = pattern.replace(re.escape(directive), digits)
    return re.compile(f"^{pattern}$")


def _date_words(date_format: str) -> str:
    """The format as people write it: DD/MM/YYYY."""
    for directive, word in _DATE_WORDS.items():
        date_format = date_format.replace(directive, word)
    return date_format


def _template(text: str, values: Values) -> str:
    """A column's value, or a template such as "School {URN}" filled from the row."""
    if "{" not in text:
        value = _get(values, text)
        if value is None:
            raise ValidationError("organisation_name", "is required")
        return clean_text(value)
    filled = text.format_map({k: v or "" for k, v in values.items()})
    return clean_text(filled)


def _relationship(code: str) -> Relationship:
    try:
        return Relationship(code.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        return Relationship.OTHER


def _involvement(data: dict[str, Any]) -> InvolvementMapping:
    service = data.get("service")
    return InvolvementMapping(
        service=ServiceType(service) if service else None,
        service_column=data.get("service_column"),
        service_codes=_codes(data.get("service_codes", {}), ServiceType),
        organisation_code=data["organisation_code"],
        organisation_name=data["organisation_name"],
        start=data["start"],
        end=data.get("end"),
        practitioner=data.get("practitioner"),
        phone=data.get("phone"),
        email=data.get("email"),
        lead=data.get("lead"),
        caf=data.get("caf"),
        yes=frozenset(code.strip().casefold() for code in data.get("yes", ["Y"])),
        basis_column=data.get("basis_column"),
        basis_codes=_codes(data.get("basis_codes", {}), SensitiveBasis),
    )


def _carer(data: dict[str, Any]) -> CarerMapping:
    relationship = data.get("relationship")
    return CarerMapping(
        full_name=data.get("full_name"),
        given=data.get("given"),
        family=data.get("family"),
        relationship=Relationship(relationship) if relationship else None,
        relationship_column=data.get("relationship_column"),
        phone=data.get("phone"),
    )


def load_mapping(source: str, directory: Path | None = None) -> SourceMapping:
    """The mapping for `source`: from `directory` if given, else the one shipped in the package."""
    if directory is not None:
        path = directory / f"{source}.toml"
        if not path.is_file():
            known = sorted(p.stem for p in directory.glob("*.toml"))
            raise ValidationError("source", f"no mapping for that source; known sources: {', '.join(known)}")
        return SourceMapping.from_toml(path.read_text(encoding="utf-8"))
    shipped = resources.files("contactpoint.ingest") / "mappings" / f"{source}.toml"
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", source) or not shipped.is_file():
        listed = ", ".join(shipped_sources())
        raise ValidationError("source", f"no mapping for that source; known sources: {listed}")
    return SourceMapping.from_toml(shipped.read_text(encoding="utf-8"))


def shipped_sources() -> list[str]:
    """The sources with a mapping in the package."""
    folder = resources.files("contactpoint.ingest") / "mappings"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))

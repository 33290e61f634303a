"""Plain-English labels for the codes the UI shows: a code's label here, else the code in words.

Codes are the domain's enum values ("la_data_admin", "camhs"); a page never shows a code built into
words by capitalising it ("Camhs", "La data admin"), so every code that reads badly has its label here.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import ServiceType

SERVICE_LABELS = {
    ServiceType.EDUCATION.value: "Education",
    ServiceType.GP.value: "GP practice",
    ServiceType.HEALTH_VISITING.value: "Health visiting",
    ServiceType.SCHOOL_NURSING.value: "School nursing",
    ServiceType.SOCIAL_CARE.value: "Social care",
    ServiceType.YOUTH_OFFENDING.value: "Youth offending",
    ServiceType.CAREERS.value: "Careers (Connexions)",
    ServiceType.CAMHS.value: "CAMHS",
    ServiceType.SEXUAL_HEALTH.value: "Sexual health",
    ServiceType.SUBSTANCE_MISUSE.value: "Substance misuse",
    ServiceType.OTHER.value: "Other service",
}

ROLE_LABELS = {
    "practitioner": "Practitioner",
    "child_protection": "Child protection",
    "la_data_admin": "LA data administrator",
    "la_user_admin": "LA account administrator",
    "auditor": "Auditor",
    "national_auditor": "National auditor",
    "national_admin": "National administrator",
    "data_source": "Data source",
    "client_system": "Client system",
}

# Codes of other vocabularies whose words alone read wrongly (abbreviations, possessives, hyphens).
OTHER_LABELS = {
    "not_specified": "Not specified",
    "no_known_address": "No known address",
    "left_england": "Left England",
    "consent_young_person": "The young person consented",
    "consent_carer": "A parent or carer consented",
    "significant_harm": "Risk of significant harm",
    "nhs_number": "NHS number",
    "unique_pupil_number": "Unique pupil number",
    "childrens_social_care": "Children's social care",
    "la_review": "The local authority's own review",
    "parent_or_carer": "A parent or carer",
    "parent_carer": "A parent or carer",
    "young_person": "The young person",
    "risk_ended": "The risk has ended",
    "other_safeguarding": "Another safeguarding reason",
    "other_professional_contact": "Another professional contact",
    "health_care": "Health care",
    "care_leaver": "Care leaver",
    "learning_difficulty": "Learning difficulty or disability",
    "step_parent": "Step-parent",
    "foster_carer": "Foster carer",
    "local_authority": "Local authority",
    "shield": "Shield the child",
    "la": "LA",
    "review_band": "Match weight between the two thresholds",
    "ambiguous": "More than one record matches about as well",
    "possible_twin": "Possible twin",
    "near_protected": "Close to a shielded or sealed record",
    "protected_change": "Would change a shielded or sealed record's identity, address or carers",
    "no_local_authority": "No local authority for the postcode",
    "same_batch": "Matches another row of the same feed",
    "adult": "About an adult",
    "partial_identity": "Name or date of birth missing",
    "not_enough_identity": "Too little to identify the child",
    "above_upper": "Match weight above the upper threshold",
    "below_lower": "Match weight below the lower threshold",
    "unshield": "End the shielding",
}

# A misuse alert's state and outcome as the alerts screen says them.
ALERT_STATE_LABELS = {
    "new": "New",
    "under_review": "Under review",
    "closed": "Closed",
    "no_concern": "No concern",
    "concern_referred": "Concern referred",
    "error": "Raised in error",
}

LABELS = {**SERVICE_LABELS, **ROLE_LABELS, **OTHER_LABELS, **ALERT_STATE_LABELS}


def label(code: object) -> str:
    """A code's plain-English label; an unlisted code in words, its first letter capitalised."""
    if code is None:
        return ""
    text = str(getattr(code, "value", code))
    if text in LABELS:
        return LABELS[text]
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]


# Every kind of audit entry as an auditor says it (tests/unit/web/test_labels.py checks none is missing).
AUDIT_LABELS = {
    "children:search": "Searched for a child",
    "children:view": "Opened a child's record",
    "children:view-refused": "Was refused a child's record",
    "children:system-read": "Read a record for a system task",
    "children:override": "Used the shielding override",
    "involvements:add": "Added a service's involvement",
    "involvements:update": "Updated a service's involvement",
    "involvements:end": "Ended a service's involvement",
    "involvements:lead": "Changed the lead professional",
    "sessions:sign-in": "Signed in",
    "sessions:sign-in-failed": "Failed to sign in",
    "sessions:sign-out": "Signed out",
    "accounts:enrol": "Set up an authenticator app",
    "accounts:create": "Created an account",
    "accounts:suspend": "Suspended an account",
    "accounts:reinstate": "Reinstated an account",
    "accounts:reset": "Reset an account's sign-in",
    "accounts:approve": "Approved an account",
    "accounts:password-change": "Changed their password",
    "organisations:register": "Registered an organisation",
    "geography:import": "Imported the postcode geography",
    "authorities:contact": "Set an LA team's contact details",
    "audit:read": "Read the audit log",
    "audit:export": "Downloaded the audit log",
    "shielding:request": "Asked to shield or unshield a child",
    "shielding:approve": "Approved a shielding request",
    "shielding:reject": "Rejected a shielding request",
    "shielding:read": "Read shielding or contact requests naming the child",
    "contact:request": "Asked the LA team to put them in touch",
    "contact:close": "Closed a contact request",
    "children:subject-access": "Produced a subject access report",
    "adoptions:request": "Recorded an adoption",
    "adoptions:read": "Read the adoptions waiting",
    "adoptions:approve": "Approved an adoption",
    "adoptions:reject": "Rejected an adoption",
    "consent:read": "Read a child's consent",
    "consent:record": "Recorded consent",
    "consent:withdraw": "Recorded that consent was withdrawn",
    "review:open": "Opened a review item",
    "review:decide": "Decided a review item",
    "feeds:submit": "A data source sent a feed",
    "sessions:sign-in-throttled": "Sign-in attempts were refused for too many failures",
    "feeds:load": "An initial load started, restarted or finished",
    "feeds:export-links": "The operator exported a source's links",
    "children:merge": "The operator merged two records",
    "children:unmerge": "The operator undid a merge",
    "sources:revoke": "Revoked a data source's key",
    "clients:request": "A client system asked for a practitioner",
    "clients:revoke": "Revoked a client system's key",
    "alerts:raise": "A misuse alert was raised",
    "notifications:read": "Read their notifications",
    "alerts:read": "Read the misuse alerts",
    "alerts:state": "Changed a misuse alert's state",
}


def audit_label(kind: str) -> str:
    """An audit entry's kind in words; an unknown kind as its code, so nothing is hidden."""
    return AUDIT_LABELS.get(kind, kind)


# The linkage model's fields as a data administrator names them.
MATCH_FIELDS = {
    "given_name": "given name",
    "middle_name": "middle name",
    "family_name": "surname",
    "dob": "date of birth",
    "postcode": "postcode",
    "address_line": "first line of the address",
    "gender": "gender",
    "nhs_number": "NHS number",
    "pupil_number": "unique pupil number",
    "benefit_reference": "child benefit reference",
    "la_reference": "local authority reference",
    "justice_reference": "youth justice reference",
}

# Comparison levels whose chart label says it all, as a data administrator would.
_LEVELS = {
    "Exact match on full postcode": "same postcode",
    "Exact match on sector": "same postcode sector, different postcode",
    "Exact match on district": "same postcode district, different sector",
    "Day and month swapped": "day and month swapped",
    "Only one of day, month and year differs": "only one of day, month and year differs",
    "Same year of birth": "same year of birth only",
    "Shares a part of a double-barrelled name": "shares part of a double-barrelled surname",
}


def match_field(field: str) -> str:
    """A linkage field in words."""
    return MATCH_FIELDS.get(field, field.replace("_", " "))


# Splink's generated level labels, recognised by words they contain (tried in order), in plain words.
_LEVEL_RULES = (
    ("exact match", "same {name}"),
    ("jaro-winkler", "{name} spelt {spelt}"),
    ("levenshtein", "{name} differs by one {unit}"),
    ("phonetic", "{name} sounds the same, spelt differently"),
    ("missing", "{name} missing on one side"),
    ("null", "{name} missing on one side"),
    ("swapped", "given name and surname swapped"),
    ("all other", "{name} {differs}"),
)


def comparison_level(field: str, level: str) -> str:
    """How a field compared, as a data administrator says it: "same date of birth", "surname spelt
    differently". Splink's level labels ("Jaro-Winkler distance of given_name >= 0.92") never show."""
    if level in _LEVELS:
        return _LEVELS[level]
    lowered = level.lower()
    words = {
        "name": match_field(field),
        "spelt": "almost the same" if ">= 0.9" in lowered else "similarly",
        "unit": "digit" if field == "dob" else "letter",
        "differs": "different" if field in {"dob", "postcode", "gender"} else "spelt differently",
    }
    for word, say in _LEVEL_RULES:
        if word in lowered:
            return say.format(**words)
    return level[:1].lower() + level[1:]

"""Does a child share the practitioner's family name or home postcode?

Staff are known by username; the system keeps no name or address of theirs. An account may carry
keyed hashes (HMAC-SHA256 under a keyring key) of its holder's family name (phonetic key) and home
postcode, given when the account is created, so a view of a child who shares either raises an alert
without either value ever being stored. The hashes cannot be re-keyed (the values are not kept), so
they do not hold a key version back from retirement: once their version is retired the signal is
off for that account.
"""

from __future__ import annotations

import hashlib
import hmac

from contactpoint.access.policy import Principal
from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildRecord
from contactpoint.linkage.normalise import family_name_keys, phonetic
from contactpoint.store.access_repository import Affinity

_SURNAME = "misuse/surname"
_POSTCODE = "misuse/postcode"


def _digest(keyring: Keyring, purpose: str, version: int, value: str) -> bytes:
    return hmac.new(keyring.key(purpose, version), value.encode(), hashlib.sha256).digest()


def account_affinity(keyring: Keyring, family_name: str | None, home_postcode: str | None) -> Affinity | None:
    """The keyed hashes to store with a new account (None when neither value is given)."""
    surname = phonetic(family_name) if family_name else ""
    try:
        postcode = Postcode.parse(home_postcode).value if home_postcode else ""
    except ValidationError as error:
        raise ValidationError("home_postcode", error.rule) from error
    if not surname and not postcode:
        return None
    version = keyring.current
    return Affinity(
        _digest(keyring, _SURNAME, version, surname) if surname else None,
        _digest(keyring, _POSTCODE, version, postcode) if postcode else None,
        version,
    )


def shared_with(keyring: Keyring, principal: Principal, record: ChildRecord) -> tuple[bool, bool]:
    """Whether the child (any of its names; its or a carer's postcode) shares the user's family name,
    and whether it shares the user's home postcode."""
    version = principal.affinity_version
    if version is None or version not in keyring.versions:
        return False, False
    surname = principal.surname_key is not None and any(
        hmac.compare_digest(_digest(keyring, _SURNAME, version, key), principal.surname_key)
        for name in record.names.all()
        for key in family_name_keys(name.family)
    )
    addresses = [record.whereabouts.address, *(carer.address for carer in record.carers)]
    postcodes = {address.postcode.value for address in addresses if address is not None}
    postcode = principal.postcode_key is not None and any(
        hmac.compare_digest(_digest(keyring, _POSTCODE, version, value), principal.postcode_key)
        for value in postcodes
    )
    return surname, postcode

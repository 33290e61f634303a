"""Blind indexes: truncated HMACs of normalised terms, one key per index kind and key version.

Sizing follows the CipherSweet planning guidance: an index is truncated so that, at the planned
national population, each stored value is expected to be shared by at least two children
(coincidences C = R / 2**bits >= 2) and never carries more bits than its input could. A value
therefore never singles out a child on its own; candidates are confirmed after decryption.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Iterable

from contactpoint.crypto.keyring import Keyring

MIN_BITS = 16
MAX_BITS = 32
MIN_COINCIDENCES = 2


def index_bits(planned_population: int, input_bits: float = 64.0) -> int:
    """Bits to keep so that every value is expected to be shared by at least two children."""
    if planned_population < 1:
        raise ValueError("planned population must be positive")
    by_population = math.floor(math.log2(planned_population / MIN_COINCIDENCES))
    by_input = math.floor(input_bits) - 1
    return max(MIN_BITS, min(MAX_BITS, by_population, by_input))


class BlindIndexer:
    """Computes index values for terms; the same term and kind always give the same value."""

    def __init__(self, keyring: Keyring, bits: int) -> None:
        if not MIN_BITS <= bits <= MAX_BITS:
            raise ValueError(f"blind index bits must be {MIN_BITS} to {MAX_BITS}")
        self._keyring = keyring
        self.bits = bits
        self._macs: dict[tuple[str, int], hmac.HMAC] = {}

    def _mac(self, kind: str, version: int) -> hmac.HMAC:
        """The kind's keyed HMAC, copied for each term: cheaper than keying it again every time."""
        mac = self._macs.get((kind, version))
        if mac is None:
            key = self._keyring.key(f"blind-index/{kind}", version)
            mac = self._macs[(kind, version)] = hmac.new(key, digestmod="sha256")
        return mac

    def value(self, kind: str, term: str, version: int | None = None) -> int:
        """The truncated HMAC-SHA256 of `term` under the key for `kind`."""
        mac = self._mac(kind, self._keyring.current if version is None else version).copy()
        mac.update(term.encode())
        return int.from_bytes(mac.digest()[:4], "big") >> (32 - self.bits)

    def query_values(self, kind: str, terms: Iterable[str]) -> set[int]:
        """Values to look up for `terms` under every key version held, so search works mid-rotation."""
        return {self.value(kind, term, version) for term in terms for version in self._keyring.versions}

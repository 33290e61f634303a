"""TOTP second factor (RFC 6238 via pyotp), with a QR code for enrolment drawn as inline SVG (segno).

Each accepted code's time step is remembered, so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

ISSUER = "ContactPoint"
STEP_SECONDS = 30


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element: no image request, no script, allowed by our CSP."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5)
    return svg


def code_at(secret: str, at: datetime) -> str:
    """The code for a moment (used by tests and the demo's printed hints, never shown to users)."""
    return pyotp.TOTP(secret).at(at)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """Whether a code was accepted, and the time step it belonged to."""

    accepted: bool
    step: int


def check_code(secret: str, code: str, at: datetime, last_step: int) -> CodeCheck:
    """Accept the code of this step or the one either side (clock drift), never one used already."""
    cleaned = "".join(code.split())
    if len(cleaned) != 6 or not cleaned.isdigit():
        return CodeCheck(False, last_step)
    totp = pyotp.TOTP(secret)
    now_step = int(at.timestamp()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > last_step and pyotp.utils.strings_equal(totp.generate_otp(step), cleaned):
            return CodeCheck(True, step)
    return CodeCheck(False, last_step)

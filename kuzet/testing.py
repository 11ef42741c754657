"""Personas and small factories shared by the tests and the demo (``kuzet seed-demo``).

The same people appear in every test and on the demo screen, so a test reads as an access story:
Alice investigates in Almaty, Carol in Astana, Frank answers for Kaspi Bank, Erin audits.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuzet.accounts.models import Role

# Demo only: seed-demo refuses to run outside demo mode, so this never reaches production.
DEMO_PASSWORD = "kuzet-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class Persona:
    """A demo and test user: who they are and where they work."""

    username: str
    first_name: str
    last_name: str
    role: str
    organisation_code: str
    language: str = "ru"
    is_platform_administrator: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona("alice", "Alice", "Demo", Role.INVESTIGATOR, "DP-KZ-75", "ru"),
    Persona("bob", "Bob", "Demo", Role.DUTY_OFFICER, "DP-KZ-75", "kk"),
    Persona("carol", "Carol", "Demo", Role.INVESTIGATOR, "DP-KZ-71", "kk"),
    Persona("dave", "Dave", "Demo", Role.HEAD_OF_UNIT, "DCC", "ru"),
    Persona("erin", "Erin", "Demo", Role.AUDITOR, "GPO", "ru"),
    Persona("frank", "Frank", "Demo", Role.PARTNER_OFFICER, "KASPI", "ru"),
    Persona("grace", "Grace", "Demo", Role.PARTNER_OFFICER, "KCELL", "en"),
    Persona("henry", "Henry", "Demo", Role.FOREIGN_LIAISON, "FP-EXAMPLE-DE", "en"),
    Persona("ivan", "Ivan", "Demo", Role.STEERING_MEMBER, "DCC", "ru"),
    Persona("admin", "Aigerim", "Demo", Role.ADMINISTRATOR, "DCC", "kk", True),
)

PERSONAS_BY_USERNAME = {persona.username: persona for persona in PERSONAS}

"""Who someone is to the bot: admin, ward admin, leader, volunteer or resident."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.people import TeamRole


class RoleName(StrEnum):
    """Roles in order of power."""

    ADMIN = "admin"
    WARD_ADMIN = "ward_admin"
    LEADER = "leader"
    VOLUNTEER = "volunteer"
    RESIDENT = "resident"


EVERYONE: frozenset[RoleName] = frozenset(RoleName)
MANAGERS: frozenset[RoleName] = frozenset({RoleName.LEADER, RoleName.WARD_ADMIN, RoleName.ADMIN})
MEMBERS: frozenset[RoleName] = frozenset({RoleName.VOLUNTEER, RoleName.LEADER})


@dataclass(frozen=True)
class Roles:
    """Everything a person may act as."""

    is_admin: bool = False
    wards: tuple[int, ...] = ()
    teams: tuple[TeamRole, ...] = ()

    @property
    def main(self) -> RoleName:
        """Return the most powerful role."""
        if self.is_admin:
            return RoleName.ADMIN
        if self.wards:
            return RoleName.WARD_ADMIN
        if any(t.role == "leader" for t in self.teams):
            return RoleName.LEADER
        if self.teams:
            return RoleName.VOLUNTEER
        return RoleName.RESIDENT

    def names(self) -> set[RoleName]:
        """Return every role this person holds (everyone is also a resident)."""
        held = {RoleName.RESIDENT}
        if self.is_admin:
            held.add(RoleName.ADMIN)
        if self.wards:
            held.add(RoleName.WARD_ADMIN)
        held.update(RoleName(t.role) for t in self.teams)
        return held

    def may(self, allowed: frozenset[RoleName]) -> bool:
        """Tell whether any held role is allowed; admins may do everything."""
        return self.is_admin or bool(self.names() & allowed)

    def led_teams(self) -> list[int]:
        """Return the ids of the teams this person leads."""
        return [t.team_id for t in self.teams if t.role == "leader"]

    def member_teams(self) -> list[int]:
        """Return the ids of all teams this person belongs to."""
        return [t.team_id for t in self.teams]

    def primary_team(self) -> TeamRole | None:
        """Return the team shown by default (leader teams first)."""
        return self.teams[0] if self.teams else None

    def can_manage_team(self, team_id: int, ward_id: int) -> bool:
        """Tell whether this person may manage a team: its leader, its ward admin or an admin."""
        return self.is_admin or ward_id in self.wards or team_id in self.led_teams()

"""The session being logged or corrected, kept as JSON in the conversation data between steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storage.assists import AssistRecord, ItemInput

NOTE_MAX = 500
HISTORY_MAX = 12
KINDS = ("assist", "awareness", "class")


@dataclass
class Item:
    """One service of the draft: people helped, how many succeeded, why the others did not."""

    service: str
    people: int | None = None
    ok: int | None = None
    reasons: list[str] = field(default_factory=list)
    reasons_done: bool = False

    @property
    def complete(self) -> bool:
        """Tell whether nothing more needs asking about this service."""
        if self.people is None or self.ok is None:
            return False
        return self.ok >= self.people or self.reasons_done

    def reset(self) -> None:
        """Forget the numbers so they are asked again."""
        self.people, self.ok, self.reasons, self.reasons_done = None, None, [], False

    def as_input(self) -> ItemInput:
        """Return the line to store."""
        people = self.people or 0
        ok = min(self.ok or 0, people)
        return ItemInput(self.service, people, ok, tuple(self.reasons) if ok < people else ())


@dataclass
class Draft:
    """Everything known so far about one session; None means still to ask."""

    day: date
    team: int | None = None
    items: list[Item] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)
    multi: bool = False
    page: int = 0
    ask_day: bool = False
    minutes: int | None = None
    area: int | None = None
    area_done: bool = False
    area_text: str = ""
    quick: bool = False
    note: str = ""
    edit: int | None = None
    prev: str = ""
    kind: str = "assist"
    attendees: int | None = None
    households: int | None = None
    assumed: list[str] = field(default_factory=list)
    hist: list[list[Any]] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Return the JSON-ready conversation data."""
        return {
            "day": self.day.isoformat(),
            "team": self.team,
            "items": [
                {"s": i.service, "p": i.people, "ok": i.ok, "r": list(i.reasons),
                 "rd": i.reasons_done}
                for i in self.items
            ],
            "picks": list(self.picks),
            "multi": self.multi,
            "page": self.page,
            "ask_day": self.ask_day,
            "minutes": self.minutes,
            "area": self.area,
            "area_done": self.area_done,
            "area_text": self.area_text,
            "quick": self.quick,
            "note": self.note,
            "edit": self.edit,
            "prev": self.prev,
            "kind": self.kind,
            "att": self.attendees,
            "hh": self.households,
            "asm": list(self.assumed),
            "hist": [list(step) for step in self.hist],
        }  # fmt: skip

    @classmethod
    def from_data(cls, data: dict[str, Any], *, today: date) -> Draft:
        """Rebuild a draft from conversation data; raise ValueError if it is not a draft."""
        try:
            day = date.fromisoformat(str(data.get("day") or today.isoformat()))
            items = [_item(raw) for raw in data.get("items") or []]
            return cls(
                day=day,
                team=_opt_int(data.get("team")),
                items=items,
                picks=[str(p) for p in data.get("picks") or []],
                multi=bool(data.get("multi")),
                page=int(data.get("page") or 0),
                ask_day=bool(data.get("ask_day")),
                minutes=_opt_int(data.get("minutes")),
                area=_opt_int(data.get("area")),
                area_done=bool(data.get("area_done")),
                area_text=str(data.get("area_text") or ""),
                quick=bool(data.get("quick")),
                note=str(data.get("note") or ""),
                edit=_opt_int(data.get("edit")),
                prev=str(data.get("prev") or ""),
                kind=_kind(data.get("kind")),
                attendees=_opt_int(data.get("att")),
                households=_opt_int(data.get("hh")),
                assumed=[str(a) for a in data.get("asm") or []],
                hist=_history(data.get("hist")),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError("conversation data is not a session draft") from exc

    @classmethod
    def from_record(cls, record: AssistRecord) -> Draft:
        """Start a correction of a stored session."""
        return cls(
            day=record.day,
            team=record.team_id,
            items=[
                Item(i.service, i.people, i.succeeded, list(i.reasons), True) for i in record.items
            ],
            minutes=record.minutes,
            area=record.area_id,
            area_done=True,
            note=record.note,
            edit=record.id,
            kind=_kind(record.kind),
            attendees=record.attendees,
            households=record.households,
        )

    def inputs(self) -> list[ItemInput]:
        """Return the service lines to store."""
        return [item.as_input() for item in self.items]


def _kind(value: object) -> str:
    kind = str(value or "assist")
    if kind not in KINDS:
        raise ValueError(f"unknown session kind {kind!r}")
    return kind


def _history(value: object) -> list[list[Any]]:
    if not value:
        return []
    if not isinstance(value, list) or not all(
        isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], dict)
        for s in value
    ):
        raise ValueError("the step history is not a list of [state, data]")
    return [list(step) for step in value[-HISTORY_MAX:]]


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not a number: {value!r}")
    return int(value)


def _item(raw: object) -> Item:
    if not isinstance(raw, dict):
        raise ValueError("an item must be a mapping")
    return Item(
        service=str(raw["s"]),
        people=_opt_int(raw.get("p")),
        ok=_opt_int(raw.get("ok")),
        reasons=[str(r) for r in raw.get("r") or []],
        reasons_done=bool(raw.get("rd")),
    )

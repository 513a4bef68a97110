"""Parser for the one-line quick session log typed after /log."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.services import ServiceCatalogue
from domain.text import fold, nfc

MAX_PEOPLE = 1000
MAX_MINUTES = 720
_SATURATED = 10**7

_NOTE_SPLIT = re.compile(r"-{2,}|—|(?:(?<=\s)|^)–(?=\s|$)")
_SEPARATORS = re.compile(r"[+&=:()\[\]{}|;]|(?<![0-9]),|,(?![0-9])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "′": "'", "`": "'", "´": "'"})
_EDGE_PUNCT = '.!?"…“”'

_NUM = re.compile(r"^([0-9]+)(?:ng|nguoi)?$")
_RATIO = re.compile(r"^([0-9]+)/([0-9]+)(?:ng|nguoi)?$")
_DECIMAL = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
_MINUTES = re.compile(r"^([0-9]+)(?:p|ph|phut|m|min|mins|')$")
_HOURS = re.compile(
    r"^([0-9]+(?:[.,][0-9]+)?)(?:h|g|gio|tieng|hr|hrs)(?:([0-9]+)(?:p|ph|phut|m|min|')?|(ruoi))?$"
)
_DATE_FULL = re.compile(r"^([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})$")
_DATE_DASH = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})$")
_DATE_LIKE = re.compile(r"^[0-9]+(?:[/-][0-9]+){1,2}$|^[0-9]+(?:\.[0-9]+){2}$")

_HOUR_WORDS = frozenset({"h", "g", "gio", "tieng", "hr", "hrs", "hour", "hours"})
_MINUTE_WORDS = frozenset({"p", "ph", "phut", "m", "min", "mins", "'", "minute", "minutes"})
_FILLERS = frozenset({"ngay", "nguoi", "ng", "va", "and"})
_AREA_WORDS = frozenset({"to", "tdp", "thon", "khu", "kp", "ap", "ban", "xom"})
_RELATIVE = {"hnay": 0, "homnay": 0, "hom nay": 0, "bua nay": 0, "bua ni": 0, "hqua": 1}
_RELATIVE |= {"homqua": 1, "hom qua": 1, "bua qua": 1, "hkia": 2, "homkia": 2, "hom kia": 2}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something to ask the volunteer about; `code` is stable, texts live in locale catalogs."""

    code: str
    params: dict[str, str | int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class LogItem:
    """People helped with one service, and how many of them succeeded."""

    service: str
    people: int
    succeeded: int


@dataclass(frozen=True, slots=True)
class QuickLog:
    """Result of parsing a quick log line; check `problems` before saving."""

    items: tuple[LogItem, ...]
    minutes: int | None
    day: date
    area: str | None
    note: str | None
    problems: tuple[Problem, ...]
    unknown_tokens: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Return True when there is nothing to ask about."""
        return not self.problems


@dataclass(slots=True)
class _El:
    """An alias or a count in token order, before counts are bound to services."""

    pos: int
    raw: str
    service: str | None = None
    people: int = 0
    succeeded: int | None = None
    date_like: bool = False


@dataclass(slots=True)
class _State:
    """Everything collected while scanning the tokens."""

    els: list[_El] = field(default_factory=list)
    dates: list[tuple[int, str, tuple[int, ...]]] = field(default_factory=list)
    durations: list[tuple[str, int | None]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)


def _int(digits: str) -> int:
    """Convert ASCII digits to int, saturating absurdly long numbers instead of failing."""
    digits = digits.lstrip("0") or "0"
    return _SATURATED if len(digits) > 7 else int(digits)


def _combine(hours: str, minutes: int | None) -> int | None:
    """Return total minutes for an hours part plus an optional minutes part."""
    if minutes is not None and minutes >= 60:
        return None
    value = float(hours.replace(",", ".")) if len(hours) <= 8 else float(_SATURATED)
    return round(value * 60) + (minutes or 0)


def _tokenize(head: str) -> list[tuple[str, str]]:
    """Split the head into (original, folded) tokens."""
    tokens = []
    for raw in _SEPARATORS.sub(" ", head).split():
        orig = raw.strip(_EDGE_PUNCT)
        if orig:
            tokens.append((orig, fold(orig).translate(_APOSTROPHES)))
    return tokens


def _minutes_after(f: list[str], j: int, *, bare: bool) -> tuple[int, int] | None:
    """Match a minutes part after hours: '30p', '30 phut', 'ruoi', or a bare '30'."""
    if j >= len(f):
        return None
    if f[j] == "ruoi":
        return 30, 1
    if m := _MINUTES.match(f[j]):
        return _int(m[1]), 1
    if f[j].isascii() and f[j].isdigit():
        if j + 1 < len(f) and f[j + 1] in _MINUTE_WORDS:
            return _int(f[j]), 2
        if bare and 1 <= _int(f[j]) <= 59:
            return _int(f[j]), 1
    return None


def _duration_at(f: list[str], i: int) -> tuple[int | None, int] | None:
    """Match a duration at token i; return (minutes or None if malformed, tokens used)."""
    tok, nxt = f[i], f[i + 1] if i + 1 < len(f) else ""
    if tok == "nua" and nxt in _HOUR_WORDS:
        return 30, 2
    if not tok[:1].isdigit():
        return None
    if (minutes := _minutes_after(f, i, bare=False)) is not None:
        return minutes
    if m := _HOURS.match(tok):
        if m[2] or m[3]:
            return _combine(m[1], _int(m[2]) if m[2] else 30), 1
        after = _minutes_after(f, i + 1, bare=False)
        return _combine(m[1], after[0] if after else None), 1 + (after[1] if after else 0)
    if _DECIMAL.match(tok) and nxt in _HOUR_WORDS:
        after = _minutes_after(f, i + 2, bare=True)
        return _combine(tok, after[0] if after else None), 2 + (after[1] if after else 0)
    return None


def _area_at(toks: list[tuple[str, str]], i: int, st: _State) -> int:
    """Record an '@area' token (or '@ area'); return the number of tokens used."""
    area, used = toks[i][0][1:].strip(), 1
    if not area and i + 1 < len(toks):
        area, used = toks[i + 1][0], 2
    nxt = toks[i + used][1] if i + used < len(toks) else ""
    if fold(area) in _AREA_WORDS and nxt.isascii() and nxt.isdigit():
        area, used = f"{area} {toks[i + used][0]}", used + 1
    if area:
        st.areas.append(area)
    return used


def _scan(
    toks: list[tuple[str, str]], f: list[str], i: int, cat: ServiceCatalogue, st: _State
) -> int:
    """Classify the token(s) at position i into the state; return the next position."""
    orig = toks[i][0]
    if f[i].startswith("@"):
        return i + _area_at(toks, i, st)
    for size in (2, 1):
        words = " ".join(f[i : i + size])
        if i + size <= len(f) and words in _RELATIVE:
            st.dates.append((i, " ".join(t[0] for t in toks[i : i + size]), (_RELATIVE[words],)))
            return i + size
    if f[i][:1].isalpha():
        for size in range(min(cat.max_alias_words, len(f) - i), 0, -1):
            service = cat.by_alias(" ".join(f[i : i + size]))
            if service is not None:
                raw = " ".join(t[0] for t in toks[i : i + size])
                st.els.append(_El(i, raw, service=service.key))
                return i + size
    if (dur := _duration_at(f, i)) is not None:
        st.durations.append((" ".join(t[0] for t in toks[i : i + dur[1]]), dur[0]))
        return i + dur[1]
    if m := _NUM.match(f[i]):
        st.els.append(_El(i, orig, people=_int(m[1])))
    elif m := _RATIO.match(f[i]):
        like = len(m[1]) <= 2 and len(m[2]) <= 2
        st.els.append(_El(i, orig, people=_int(m[2]), succeeded=_int(m[1]), date_like=like))
    elif m := _DATE_FULL.match(f[i]):
        st.dates.append((i, orig, (int(m[1]), int(m[3]), int(m[4]))))
    elif m := _DATE_DASH.match(f[i]):
        st.dates.append((i, orig, (int(m[1]), int(m[2]))))
    elif _DATE_LIKE.match(f[i]):
        st.dates.append((i, orig, ()))
    elif f[i] not in _FILLERS and not all(unicodedata.category(c)[0] == "P" for c in f[i]):
        st.unknown.append((i, orig))
    return i + 1


def _bind_one(els: list[_El]) -> tuple[list[tuple[_El, _El | None]], list[_El]]:
    """Bind each alias to the count right after it; return pairs and loose counts."""
    pairs: list[tuple[_El, _El | None]] = []
    loose: list[_El] = []
    i = 0
    while i < len(els):
        if els[i].service is None:
            loose.append(els[i])
            i += 1
            continue
        count = els[i + 1] if i + 1 < len(els) and els[i + 1].service is None else None
        pairs.append((els[i], count))
        i += 2 if count else 1
    return pairs, loose


def _bind(els: list[_El]) -> tuple[list[tuple[_El, _El | None]], list[_El]]:
    """Bind counts after aliases ('dvc 3'), or before them ('3 dvc') if that fits better."""
    candidates = [_bind_one(els), _bind_one(els[::-1])]

    def cost(pairs: list[tuple[_El, _El | None]], loose: list[_El]) -> int:
        return sum(c is None for _, c in pairs) + sum(not el.date_like for el in loose)

    pairs, loose = min(candidates, key=lambda c: cost(*c))
    return sorted(pairs, key=lambda p: p[0].pos), sorted(loose, key=lambda el: el.pos)


def _items(pairs: list[tuple[_El, _El | None]], problems: list[Problem]) -> tuple[LogItem, ...]:
    """Validate bound counts and merge them per service."""
    totals: dict[str, tuple[int, int]] = {}
    for alias, count in pairs:
        key = alias.service or ""
        if count is None:
            problems.append(Problem("missing_count", {"service": key}))
            continue
        ok = count.people if count.succeeded is None else count.succeeded
        if not 1 <= count.people <= MAX_PEOPLE or ok > MAX_PEOPLE:
            problems.append(Problem("bad_count", {"service": key, "value": count.raw}))
        elif ok > count.people:
            params: dict[str, str | int] = {"service": key, "succeeded": ok, "people": count.people}
            problems.append(Problem("succeeded_over_people", params))
        else:
            people, succeeded = totals.get(key, (0, 0))
            totals[key] = (people + count.people, succeeded + ok)
    return tuple(LogItem(k, p, s) for k, (p, s) in totals.items())


def _resolve_date(value: tuple[int, ...], today: date, max_back: int) -> date | None:
    """Turn a relative or day/month[/year] value into a date; None if impossible."""
    try:
        if len(value) == 1:
            return today - timedelta(days=value[0])
        d, m, *year = value
        if year:
            return date(year[0] + 2000 if year[0] < 100 else year[0], m, d)
        day = date(today.year, m, d)
        back = (today - date(today.year - 1, m, d)).days if day > today and (m, d) != (2, 29) else 0
        return today - timedelta(days=back) if 0 < back <= max_back else day
    except (ValueError, OverflowError):
        return None


def _day(st: _State, today: date, max_back: int, problems: list[Problem]) -> date:
    """Pick the session day from the date candidates, reporting problems."""
    if not st.dates:
        return today
    dates = sorted(st.dates)
    _, raw, value = dates[0]
    day = _resolve_date(value, today, max_back)
    for _, other_raw, other in dates[1:]:
        if _resolve_date(other, today, max_back) != day:
            problems.append(Problem("multiple_dates", {"value": other_raw, "chosen": raw}))
    if day is None:
        problems.append(Problem("bad_date", {"value": raw}))
    elif day > today:
        problems.append(Problem("future_date", {"value": raw, "day": day.isoformat()}))
    elif (today - day).days > max_back:
        params: dict[str, str | int] = {"value": raw, "day": day.isoformat()}
        problems.append(Problem("too_old", {**params, "max_days_back": max_back}))
    else:
        return day
    return today


def _minutes(st: _State, problems: list[Problem]) -> int | None:
    """Pick the duration in minutes, reporting problems."""
    if not st.durations:
        problems.append(Problem("missing_duration"))
        return None
    raw, minutes = st.durations[0]
    for other_raw, _ in st.durations[1:]:
        problems.append(Problem("multiple_durations", {"value": other_raw, "chosen": raw}))
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        problems.append(Problem("bad_duration", {"value": raw}))
        return None
    return minutes


def parse_quick_log(
    text: str, *, today: date, catalogue: ServiceCatalogue, max_days_back: int = 60
) -> QuickLog:
    """Parse e.g. 'vneid2 2/3 qr 4 1h30 hom qua @to12 -- note'; never raises on any text."""
    max_back = max(0, max_days_back)
    text = nfc(text)
    split = _NOTE_SPLIT.search(text)
    note = text[split.end() :].strip() or None if split else None
    toks = _tokenize(text[: split.start()] if split else text)
    folded = [t[1] for t in toks]
    st = _State()
    i = 0
    while i < len(toks):
        i = _scan(toks, folded, i, catalogue, st)
    pairs, loose = _bind(st.els)
    for el in loose:
        if el.date_like:
            st.dates.append((el.pos, el.raw, (el.succeeded or 0, el.people)))
        else:
            st.unknown.append((el.pos, el.raw))
    problems: list[Problem] = [] if pairs else [Problem("no_service")]
    items = _items(pairs, problems)
    day = _day(st, today, max_back, problems)
    minutes = _minutes(st, problems)
    for extra in st.areas[1:]:
        problems.append(Problem("multiple_areas", {"value": extra, "chosen": st.areas[0]}))
    return QuickLog(
        items=items,
        minutes=minutes,
        day=day,
        area=st.areas[0] if st.areas else None,
        note=note,
        problems=tuple(problems),
        unknown_tokens=tuple(raw for _, raw in sorted(st.unknown)),
    )

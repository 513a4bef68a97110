"""Parser for the one-line quick session log typed after /log."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.services import ServiceCatalogue
from domain.text import fold, nfc

MAX_PEOPLE = 1000
MAX_ATTENDEES = 5000
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
_RELATIVE |= {f"{part} nay": 0 for part in ("sang", "trua", "chieu", "toi")}
_RELATIVE |= {f"{part} qua": 1 for part in ("sang", "trua", "chieu", "toi", "dem")}
_RELATIVE |= {"bua kia": 2}
_WEEKDAY_NAMES = ("hai", "ba", "tu", "nam", "sau", "bay")
WEEKDAYS = {f"thu {name}": index for index, name in enumerate(_WEEKDAY_NAMES)}
WEEKDAYS |= {f"thu {n}": n - 2 for n in range(2, 8)} | {f"t{n}": n - 2 for n in range(2, 8)}
WEEKDAYS |= {"chu nhat": 6, "cn": 6, "cnhat": 6}
"""Weekday words (folded) → Monday-based weekday; the day is the latest such day up to today."""

KIND_WORDS = {
    "tuyen truyen": "awareness", "buoi tuyen truyen": "awareness", "truyen thong": "awareness",
    "tuyen truyen luu dong": "awareness", "hop dan": "awareness", "sinh hoat to dan pho": "awareness",
    "lop hoc": "class", "lop": "class", "buoi hoc": "class", "tap huan": "class",
    "lop bdhvs": "class", "lop binh dan hoc vu so": "class", "lop ky nang so": "class",
}  # fmt: skip
"""Words naming a session that is not one-to-one help: an awareness session or a class."""
_KIND_MAX_WORDS = max(len(k.split()) for k in KIND_WORDS)

_UNITS = {
    "nguoi": "people", "ng": "people", "nguoi dan": "people",
    "ho": "households", "ho gia dinh": "households", "ho dan": "households", "hgd": "households",
    "hoc vien": "attendees", "hv": "attendees", "nguoi tham du": "attendees",
    "nguoi du": "attendees", "nguoi nghe": "attendees", "nguoi hoc": "attendees",
    "that bai": "failed", "loi": "failed", "bi loi": "failed", "khong duoc": "failed",
    "ko duoc": "failed", "k duoc": "failed", "khong dc": "failed", "ko dc": "failed",
    "k dc": "failed", "kdc": "failed", "chua duoc": "failed", "chua dc": "failed",
    "hong": "failed", "fail": "failed", "truot": "failed", "khong thanh cong": "failed",
    "ko thanh cong": "failed", "chua thanh cong": "failed", "chua xong": "failed",
    "thanh cong": "succeeded", "tc": "succeeded", "duoc": "succeeded", "dc": "succeeded",
    "lam duoc": "succeeded", "ok": "succeeded", "xong": "succeeded",
}  # fmt: skip
_UNIT_WORDS = max(len(k.split()) for k in _UNITS)
_ATTACHED_UNIT = re.compile(r"^([0-9]+)(ho|hgd|hv)$")
_FAILURE_ALONE = frozenset(k for k, unit in _UNITS.items() if unit == "failed")
_FILLER_PHRASES = frozenset({
    "giup", "ho tro", "huong dan", "cho", "ba con", "nguoi dan", "da", "minh", "toi", "em",
    "chau", "co", "duoc", "trong", "mat", "het", "tai", "o", "lam",
})  # fmt: skip
_FAILURE_TABLE = dict.fromkeys(_FAILURE_ALONE, 0)
_FILLER_TABLE = dict.fromkeys(_FILLER_PHRASES, 0)

REASON_WORDS = {
    "sim": "sim_not_own_name", "sim khong chinh chu": "sim_not_own_name",
    "otp": "otp_not_received", "ma otp": "otp_not_received", "khong nhan otp": "otp_not_received",
    "nfc": "phone_no_nfc", "khong co nfc": "phone_no_nfc",
    "chip": "no_chip_card", "chua co chip": "no_chip_card", "khong co chip": "no_chip_card",
    "khuon mat": "face_check_failed", "face": "face_check_failed",
    "sinh trac": "face_check_failed", "sinh trac hoc": "face_check_failed",
    "xac thuc khuon mat": "face_check_failed",
    "mat khau": "forgot_password", "quen mat khau": "forgot_password",
    "passcode": "forgot_passcode", "quen passcode": "forgot_passcode",
}  # fmt: skip
"""Failure-reason words (folded) → the catalogue's reason key."""
_REASON_FILLERS = frozenset({"vi", "do", "bi", "loi", "tai"})
_REASON_MAX_WORDS = max(len(k.split()) for k in REASON_WORDS)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something to ask the volunteer about; `code` is stable, texts live in locale catalogs."""

    code: str
    params: dict[str, str | int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class LogItem:
    """People helped with one service, how many succeeded, and the failure reasons given."""

    service: str
    people: int
    succeeded: int
    reasons: tuple[str, ...] = ()


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
    kind: str = "assist"
    attendees: int | None = None
    households: int | None = None
    assumptions: tuple[Problem, ...] = ()

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
    kind: str | None = None
    unit: str = ""
    reasons: list[str] = field(default_factory=list)
    assumed: bool = False

    @property
    def anchor(self) -> bool:
        """Tell whether this names what was done (a service or a session kind)."""
        return self.service is not None or self.kind is not None

    @property
    def plain(self) -> bool:
        """Tell whether this is a count of people helped (not failed, succeeded, households…)."""
        return not self.anchor and self.unit in ("", "people")


@dataclass(slots=True)
class _State:
    """Everything collected while scanning the tokens."""

    els: list[_El] = field(default_factory=list)
    dates: list[tuple[int, str, tuple[int, ...]]] = field(default_factory=list)
    durations: list[tuple[str, int | None]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    qualified: list[_El] = field(default_factory=list)
    area_ends: list[int] = field(default_factory=list)
    loose_failures: list[tuple[int, str]] = field(default_factory=list)


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
        n = _int(f[j])  # '1 tiếng 30'; '2 giờ 3 người' is not 2 h 3 min
        if bare and 5 <= n <= 55 and n % 5 == 0 and not _phrase(f, j + 1, _UNITS, _UNIT_WORDS):
            return n, 1
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


def _phrase(f: list[str], i: int, table: dict[str, str] | dict[str, int], most: int) -> int:
    """Return how many tokens from i form the longest phrase of the table (0 if none)."""
    for size in range(min(most, len(f) - i), 0, -1):
        if " ".join(f[i : i + size]) in table:
            return size
    return 0


def reasons_at(f: list[str], i: int, found: list[str]) -> int:
    """Read failure-reason words (after 'vì', 'do', 'lỗi'…) from i; return the tokens used."""
    j = i
    while j < len(f):
        size = _phrase(f, j, REASON_WORDS, _REASON_MAX_WORDS)
        if size:
            found.append(REASON_WORDS[" ".join(f[j : j + size])])
            j += size
        elif f[j] in _REASON_FILLERS or f[j] == "va":
            k = j
            while k < len(f) and (f[k] in _REASON_FILLERS or f[k] == "va"):
                k += 1
            if not _phrase(f, k, REASON_WORDS, _REASON_MAX_WORDS):
                break
            j = k
        else:
            break
    return j - i


def _alias_size(f: list[str], i: int, cat: ServiceCatalogue) -> int:
    """Return how many tokens from i name a service or a session kind (0 if none)."""
    for size in range(min(max(cat.max_alias_words, _KIND_MAX_WORDS), len(f) - i), 0, -1):
        words = " ".join(f[i : i + size])
        if words in KIND_WORDS or cat.by_word(words) is not None:
            return size
    return 0


def _count_at(
    toks: list[tuple[str, str]], f: list[str], i: int, st: _State, cat: ServiceCatalogue
) -> int | None:
    """Read a count with its unit words ('2 người', '1 lỗi sim', '2 hộ'); None if no count."""
    attached = _ATTACHED_UNIT.match(f[i])
    m = _NUM.match(f[i])
    if attached is None and m is None:
        return None
    if attached is not None:
        value, unit = _int(attached[1]), _UNITS[attached[2]]
    else:
        assert m is not None
        value, unit = _int(m[1]), "people" if f[i] != m[1] else ""
    j = i + 1
    for _ in range(2):
        size = _phrase(f, j, _UNITS, _UNIT_WORDS)
        if size and _alias_size(f, j, cat) > size:  # '2 hộ tịch' names a service
            break
        word_unit = _UNITS[" ".join(f[j : j + size])] if size else ""
        if not size or unit not in ("", "people") or (word_unit == "people" and unit):
            break
        unit, j = word_unit, j + size
    el = _El(i, " ".join(t[0] for t in toks[i:j]), people=value, unit=unit)
    if unit == "failed":
        j += reasons_at(f, j, el.reasons)
        el.raw = " ".join(t[0] for t in toks[i:j])
    (st.els if el.plain else st.qualified).append(el)
    return j


def _scan(
    toks: list[tuple[str, str]], f: list[str], i: int, cat: ServiceCatalogue, st: _State
) -> int:
    """Classify the token(s) at position i into the state; return the next position."""
    orig = toks[i][0]
    if f[i].startswith("@"):
        used = _area_at(toks, i, st)
        st.area_ends.append(i + used)
        return i + used
    for size in (2, 1):
        words = " ".join(f[i : i + size])
        if i + size <= len(f) and words in _RELATIVE:
            st.dates.append((i, " ".join(t[0] for t in toks[i : i + size]), (_RELATIVE[words],)))
            return i + size
    if size := _phrase(f, i, WEEKDAYS, 2):
        weekday = WEEKDAYS[" ".join(f[i : i + size])]
        st.dates.append((i, " ".join(t[0] for t in toks[i : i + size]), (-1 - weekday,)))
        return i + size
    if f[i][:1].isalpha():
        kind_size = _phrase(f, i, KIND_WORDS, _KIND_MAX_WORDS)
        most = max(cat.max_alias_words, kind_size)
        for size in range(min(most, len(f) - i), 0, -1):
            if kind_size >= size:
                raw = " ".join(t[0] for t in toks[i : i + kind_size])
                st.els.append(_El(i, raw, kind=KIND_WORDS[" ".join(f[i : i + kind_size])]))
                return i + kind_size
            found = cat.by_word(" ".join(f[i : i + size]))
            if found is not None:
                raw = " ".join(t[0] for t in toks[i : i + size])
                st.els.append(_El(i, raw, service=found[0].key, assumed=found[1]))
                return i + size
        if size := _phrase(f, i, _FAILURE_TABLE, _UNIT_WORDS):
            reasons: list[str] = []
            size += reasons_at(f, i + size, reasons)
            st.loose_failures.append((i, " ".join(t[0] for t in toks[i : i + size])))
            return i + size
        if size := _phrase(f, i, _FILLER_TABLE, 2):
            return i + size
    if (dur := _duration_at(f, i)) is not None:
        st.durations.append((" ".join(t[0] for t in toks[i : i + dur[1]]), dur[0]))
        return i + dur[1]
    if (after := _count_at(toks, f, i, st, cat)) is not None:
        return after
    if m := _RATIO.match(f[i]):
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
        if not els[i].anchor:
            loose.append(els[i])
            i += 1
            continue
        count = els[i + 1] if i + 1 < len(els) and not els[i + 1].anchor else None
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


Pair = tuple[_El, _El | None]


def _group_of(pairs: list[Pair], el: _El) -> int:
    """Return the index of the pair a failed/succeeded count belongs to (the one before it)."""
    best = 0
    for index, (anchor, count) in enumerate(pairs):
        if max(anchor.pos, count.pos if count else -1) < el.pos:
            best = index
    return best


def _two_counts(pairs: list[Pair], loose: list[_El], assumed: list[Problem]) -> list[_El]:
    """Read 'vneid2 2 1' as 2 people, 1 succeeded (an assumption the card states)."""
    left = []
    for el in loose:
        before = [c for _, c in pairs if c is not None and c.pos < el.pos]
        count = before[-1] if before else None
        if (
            count is not None and count.succeeded is None and not el.date_like
            and el.unit == "" and count.unit == "" and el.pos == count.pos + 1
            and el.people <= count.people
        ):  # fmt: skip
            count.succeeded = el.people
            params: dict[str, str | int] = {"value": f"{count.raw} {el.raw}"}
            assumed.append(
                Problem("two_counts", params | {"people": count.people, "ok": el.people})
            )
        else:
            left.append(el)
    return left


def _item(
    anchor: _El, count: _El | None, extra: list[_El], problems: list[Problem]
) -> LogItem | None:
    """Turn one service's counts into an item, or record why they cannot be read."""
    key = anchor.service or ""
    failed = [e for e in extra if e.unit == "failed"]
    ok_words = [e for e in extra if e.unit == "succeeded"]
    reasons = tuple(dict.fromkeys(r for e in failed for r in e.reasons))
    n_failed = sum(e.people for e in failed) if failed else None
    n_ok = sum(e.people for e in ok_words) if ok_words else None
    if count is None:
        if n_failed is None or n_ok is None:
            problems.append(Problem("missing_count", {"service": key}))
            return None
        people = n_failed + n_ok
    else:
        people = count.people
    ok = count.succeeded if count is not None and count.succeeded is not None else n_ok
    if ok is None:
        ok = people - (n_failed or 0)
    elif n_failed is not None and ok + n_failed != people:
        problems.append(Problem("counts_disagree", {"service": key, "people": people}))
        return None
    if not 1 <= people <= MAX_PEOPLE or ok > MAX_PEOPLE:
        raw = count.raw if count is not None else str(people)
        problems.append(Problem("bad_count", {"service": key, "value": raw}))
        return None
    if ok > people or ok < 0:
        params: dict[str, str | int] = {"service": key, "succeeded": ok, "people": people}
        problems.append(Problem("succeeded_over_people", params))
        return None
    return LogItem(key, people, ok, reasons if ok < people else ())


def _items(
    pairs: list[Pair], qualified: list[_El], problems: list[Problem], cat: ServiceCatalogue
) -> tuple[LogItem, ...]:
    """Validate bound counts and merge them per service."""
    extras: dict[int, list[_El]] = {}
    for el in qualified:
        if el.unit in ("failed", "succeeded") and pairs:
            extras.setdefault(_group_of(pairs, el), []).append(el)
    totals: dict[str, LogItem] = {}
    for index, (anchor, count) in enumerate(pairs):
        if anchor.service is None:
            continue
        item = _item(anchor, count, extras.get(index, []), problems)
        if item is None:
            continue
        service = cat.get(item.service)
        known = tuple(r for r in item.reasons if service and service.reason(r))
        for reason in item.reasons:
            if reason not in known:
                problems.append(Problem("reason_not_listed", {"service": item.service}))
        item = LogItem(item.service, item.people, item.succeeded, known)
        before = totals.get(item.service)
        if before is not None:
            reasons = tuple(dict.fromkeys((*before.reasons, *item.reasons)))
            item = LogItem(
                item.service, before.people + item.people, before.succeeded + item.succeeded,
                reasons,
            )  # fmt: skip
        totals[item.service] = item
    return tuple(totals.values())


def _area_tail(st: _State, pos: int) -> bool:
    """Tell whether only words not understood stand between an '@area' and this position."""
    unknown = {p for p, _ in st.unknown}
    return any(end <= pos and all(p in unknown for p in range(end, pos)) for end in st.area_ends)


def _resolve_date(value: tuple[int, ...], today: date, max_back: int) -> date | None:
    """Turn a relative or day/month[/year] value into a date; None if impossible."""
    try:
        if len(value) == 1 and value[0] < 0:  # a weekday: the latest one up to today
            return today - timedelta(days=(today.weekday() - (-1 - value[0])) % 7)
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


def _kind(pairs: list[Pair], st: _State, problems: list[Problem]) -> tuple[str, int | None]:
    """Return the session kind and its attendee count ('tuyên truyền 35 người')."""
    kinds = [(anchor, count) for anchor, count in pairs if anchor.kind is not None]
    if not kinds:
        for el in st.qualified:
            if el.unit == "attendees":
                problems.append(Problem("attendees_without_kind", {"value": el.raw}))
        return "assist", None
    anchor, count = kinds[0]
    for other, _ in kinds[1:]:
        problems.append(Problem("multiple_kinds", {"value": other.raw, "chosen": anchor.raw}))
    given = [el.people for el in st.qualified if el.unit == "attendees"]
    if count is not None:
        given.insert(0, count.people)
    if not given:
        problems.append(Problem("missing_attendees", {"kind": anchor.kind or ""}))
        return anchor.kind or "assist", None
    if not 1 <= given[0] <= MAX_ATTENDEES or len(set(given)) > 1:
        problems.append(Problem("bad_attendees", {"value": count.raw if count else str(given[0])}))
        return anchor.kind or "assist", None
    return anchor.kind or "assist", given[0]


def _households(st: _State, problems: list[Problem]) -> int | None:
    """Return the households reached ('2 hộ'), if the line gives them."""
    given = [el for el in st.qualified if el.unit == "households"]
    if not given:
        return None
    if len({el.people for el in given}) > 1 or not 1 <= given[0].people <= MAX_PEOPLE:
        problems.append(Problem("bad_households", {"value": given[-1].raw}))
        return None
    return given[0].people


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
    problems: list[Problem] = []
    assumed: list[Problem] = []
    loose = _two_counts(pairs, loose, assumed)
    for el in loose:
        if _area_tail(st, el.pos):  # '@Tổ dân phố 12': the handler matches the whole name
            st.unknown.append((el.pos, el.raw))
        elif el.date_like:
            st.dates.append((el.pos, el.raw, (el.succeeded or 0, el.people)))
        else:
            problems.append(Problem("loose_number", {"value": el.raw}))
    for anchor, _ in pairs:
        if anchor.assumed and anchor.service:
            assumed.append(
                Problem("assumed_service", {"value": anchor.raw, "service": anchor.service})
            )
    kind, attendees = _kind(pairs, st, problems)
    if not pairs:
        problems.insert(0, Problem("no_service"))
    items = _items(pairs, st.qualified, problems, catalogue)
    for _, raw in st.loose_failures:
        problems.append(Problem("failure_without_count", {"value": raw}))
    households = _households(st, problems)
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
        kind=kind,
        attendees=attendees,
        households=households,
        assumptions=tuple(assumed),
    )

"""Moment.js display formats (`YYYY-MM-DD`, `gggg-[W]ww`, `YYYY/MM/YYYY-MM-DD`), the ones Obsidian's
daily notes, Periodic Notes and Templates write, turned into text for a date and time.

The format is cut into tokens as moment's own tokenizer cuts it (`FORMAT_TOKENS` mirrors its
regular expression, longest token first): `[...]` is literal text, a backslash makes the next
token literal, a supported token is replaced, a moment token vaultls does not support is refused
(`UnsupportedToken`, naming it: better no note than a note under a wrong name), and every other
character is itself. Names are moment's default English locale (`en`): weeks of `gggg ww w` start
on Sunday and week 1 is the one holding January 1 (moment's `dow: 0, doy: 6`); `GGGG WW W` are
ISO 8601 weeks.

Supported: `YYYY YY MMMM MMM MM M DD D Do dddd ddd d GGGG gggg WW W ww w Q` and, because
Templates' `{{time}}` is `HH:mm` by default, the clock tokens `HH H hh h mm m ss s A a`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

__all__ = ("UnsupportedToken", "format_moment", "check_format", "locale_week")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")  # moment's d: 0 = Sunday

# Moment's formatting-token expression (moment/src/lib/format/format.js), same alternatives in
# the same order: `[...]` literal, an optional backslash, then a token or any one character.
FORMAT_TOKENS = re.compile(
    r"(\[[^\[]*\])|(\\)?([Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}"
    r"|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(?:ggg?)?|GG(?:GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)",
    re.DOTALL,
)
# Single characters moment formats (the rest of `.` is literal text).
_SINGLE_CHAR_TOKENS = frozenset("MDdeEwWQYyaAhHkmsSxXzZN")


class UnsupportedToken(ValueError):
    """A moment token vaultls does not translate; the message names it and the format."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(
            f"the moment.js token `{token}` in the format `{fmt}` is not supported by vaultls "
            "(supported: YYYY YY MMMM MMM MM M DD D Do dddd ddd d GGGG gggg WW W ww w Q HH H hh h mm m ss s A a, "
            "and [literal text])"
        )
        self.token = token


def _ordinal(n: int) -> str:
    """Moment's English ordinal: 1st 2nd 3rd 4th … 11th 12th 13th … 21st."""
    if 10 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _year(y: int) -> str:
    return f"{y:04d}" if y <= 9999 else f"+{y}"


def _weekday(d: dt.datetime) -> int:
    return (d.weekday() + 1) % 7  # Python: Monday 0; moment: Sunday 0


def locale_week(day: dt.date) -> tuple[int, int]:
    """(week-year, week) in moment's `en` locale: weeks start on Sunday and week 1 is the week
    holding January 1, so the last days of December may be week 1 of the next year."""
    start = day - dt.timedelta(days=(day.weekday() + 1) % 7)  # the Sunday of its week
    year = (start + dt.timedelta(days=6)).year  # the week holds Jan 1 of the year its Saturday is in
    jan1 = dt.date(year, 1, 1)
    first = jan1 - dt.timedelta(days=(jan1.weekday() + 1) % 7)
    return year, (start - first).days // 7 + 1


def _hour12(d: dt.datetime) -> int:
    return d.hour % 12 or 12


TOKENS: dict[str, Callable[[dt.datetime], str]] = {
    "YYYY": lambda d: _year(d.year),
    "YY": lambda d: f"{d.year % 100:02d}",
    "MMMM": lambda d: MONTHS[d.month - 1],
    "MMM": lambda d: MONTHS[d.month - 1][:3],
    "MM": lambda d: f"{d.month:02d}",
    "M": lambda d: str(d.month),
    "DD": lambda d: f"{d.day:02d}",
    "D": lambda d: str(d.day),
    "Do": lambda d: _ordinal(d.day),
    "dddd": lambda d: WEEKDAYS[_weekday(d)],
    "ddd": lambda d: WEEKDAYS[_weekday(d)][:3],
    "d": lambda d: str(_weekday(d)),
    "GGGG": lambda d: _year(d.isocalendar()[0]),
    "WW": lambda d: f"{d.isocalendar()[1]:02d}",
    "W": lambda d: str(d.isocalendar()[1]),
    "gggg": lambda d: _year(locale_week(d.date())[0]),
    "ww": lambda d: f"{locale_week(d.date())[1]:02d}",
    "w": lambda d: str(locale_week(d.date())[1]),
    "Q": lambda d: str((d.month - 1) // 3 + 1),
    "HH": lambda d: f"{d.hour:02d}",
    "H": lambda d: str(d.hour),
    "hh": lambda d: f"{_hour12(d):02d}",
    "h": lambda d: str(_hour12(d)),
    "mm": lambda d: f"{d.minute:02d}",
    "m": lambda d: str(d.minute),
    "ss": lambda d: f"{d.second:02d}",
    "s": lambda d: str(d.second),
    "A": lambda d: "AM" if d.hour < 12 else "PM",
    "a": lambda d: "am" if d.hour < 12 else "pm",
}

# A compiled format: literal strings and token names, in order.
Part = tuple[bool, str]  # (is a token, token name or literal text)


@functools.lru_cache(maxsize=256)
def compile_format(fmt: str) -> tuple[Part, ...]:
    """The parts of `fmt`; raises `UnsupportedToken` for a moment token not in `TOKENS`."""
    parts: list[Part] = []
    for match in FORMAT_TOKENS.finditer(fmt):
        literal, escaped, token = match.group(1), match.group(2), match.group(3)
        if literal is not None:
            parts.append((False, literal[1:-1]))
        elif escaped:
            parts.append((False, token))
        elif token in TOKENS:
            parts.append((True, token))
        elif len(token) > 1 or token in _SINGLE_CHAR_TOKENS:
            raise UnsupportedToken(token, fmt)
        else:
            parts.append((False, token))
    return tuple(parts)


def check_format(fmt: str) -> None:
    """Raise `UnsupportedToken` when `fmt` holds a token vaultls cannot translate."""
    compile_format(fmt)


def format_moment(fmt: str, when: dt.date | dt.datetime) -> str:
    """`when` written in the moment.js format `fmt` (a date alone is its midnight)."""
    moment = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())
    return "".join(TOKENS[text](moment) if is_token else text for is_token, text in compile_format(fmt))

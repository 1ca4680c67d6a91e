"""Moment.js display formats (vault/moment.py): one test per supported token, checked against
what moment 2.x prints in its default `en` locale, literals, folders, and refused tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultls.vault.moment import UnsupportedToken, format_moment

# Tuesday 8 December 2026, 14:05:09 (ISO week 50; en locale week 50 of 2026; quarter 4)
WHEN = dt.datetime(2026, 12, 8, 14, 5, 9)
# Saturday 3 January 2026, 09:07:04 (single digits everywhere)
EARLY = dt.datetime(2026, 1, 3, 9, 7, 4)


def test_yyyy_is_the_four_digit_year():
    assert format_moment("YYYY", WHEN) == "2026"


def test_yyyy_pads_a_small_year_to_four_digits():
    assert format_moment("YYYY", dt.date(987, 5, 1)) == "0987"


def test_yy_is_the_two_digit_year():
    assert format_moment("YY", dt.date(2007, 5, 1)) == "07"


def test_mmmm_is_the_month_name():
    assert format_moment("MMMM", WHEN) == "December"


def test_mmm_is_the_short_month_name():
    assert format_moment("MMM", WHEN) == "Dec"


def test_mm_is_the_month_with_two_digits():
    assert format_moment("MM", EARLY) == "01"


def test_m_is_the_month_number():
    assert format_moment("M", EARLY) == "1"


def test_dd_is_the_day_of_month_with_two_digits():
    assert format_moment("DD", EARLY) == "03"


def test_d_upper_is_the_day_of_month():
    assert format_moment("D", EARLY) == "3"


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
    ],
)
def test_do_is_the_english_ordinal_day(day: int, shown: str):
    assert format_moment("Do", dt.date(2026, 12, day)) == shown


def test_dddd_is_the_weekday_name():
    assert format_moment("dddd", WHEN) == "Tuesday"


def test_ddd_is_the_short_weekday_name():
    assert format_moment("ddd", WHEN) == "Tue"


def test_d_lower_is_the_weekday_number_from_sunday_zero():
    assert [format_moment("d", dt.date(2026, 12, day)) for day in range(6, 13)] == ["0", "1", "2", "3", "4", "5", "6"]


def test_gggg_upper_is_the_iso_week_year():
    assert format_moment("GGGG", dt.date(2021, 1, 1)) == "2020"  # a Friday: ISO week 53 of 2020


def test_ww_upper_is_the_iso_week_with_two_digits():
    assert format_moment("WW", dt.date(2026, 1, 5)) == "02"


def test_w_upper_is_the_iso_week():
    assert format_moment("W", dt.date(2021, 1, 1)) == "53"


def test_gggg_lower_is_the_locale_week_year_whose_week_one_holds_january_first():
    # Sunday 28 December 2025 starts the week of Thursday 1 January 2026: week 1 of 2026
    assert format_moment("gggg", dt.date(2025, 12, 28)) == "2026"


def test_ww_lower_is_the_locale_week_starting_on_sunday_with_two_digits():
    assert format_moment("ww", dt.date(2026, 1, 3)) == "01"  # Saturday: still week 1
    assert format_moment("ww", dt.date(2026, 1, 4)) == "02"  # Sunday: week 2 starts


def test_w_lower_is_the_locale_week_where_iso_says_53():
    assert format_moment("w", dt.date(2021, 1, 1)) == "1"
    assert format_moment("w", dt.date(2020, 12, 26)) == "52"


def test_periodic_notes_weekly_default_uses_locale_weeks():
    assert format_moment("gggg-[W]ww", dt.date(2027, 1, 1)) == "2027-W01"


def test_q_is_the_quarter():
    assert [format_moment("Q", dt.date(2026, month, 1)) for month in (1, 3, 4, 7, 10, 12)] == [
        "1",
        "1",
        "2",
        "3",
        "4",
        "4",
    ]


def test_clock_tokens_for_template_times():
    assert format_moment("HH:mm:ss H h hh A a m s", EARLY) == "09:07:04 9 9 09 AM am 7 4"
    assert format_moment("h A", WHEN) == "2 PM"
    assert format_moment("h", dt.datetime(2026, 1, 1, 0, 0)) == "12"


def test_a_date_without_time_is_midnight():
    assert format_moment("HH:mm", dt.date(2026, 12, 8)) == "00:00"


def test_bracketed_text_is_literal():
    assert format_moment("[Week] W [of] YYYY", WHEN) == "Week 50 of 2026"


def test_a_backslash_makes_a_token_literal():
    assert format_moment(r"\Q Q", WHEN) == "Q 4"


def test_characters_that_are_no_token_are_themselves():
    assert format_moment("YYYY-MM-DD, dddd (Q)", WHEN) == "2026-12-08, Tuesday (4)"


def test_a_format_with_folders_keeps_its_slashes():
    assert format_moment("YYYY/MM/YYYY-MM-DD", WHEN) == "2026/12/2026-12-08"


@pytest.mark.parametrize(
    "token", ["DDDD", "DDD", "Mo", "dd", "e", "X", "x", "Z", "kk", "SSS", "YYYYY", "Wo", "Qo", "gg"]
)
def test_an_unsupported_token_is_refused_naming_it(token: str):
    with pytest.raises(UnsupportedToken) as caught:
        format_moment(f"YYYY-{token}", WHEN)
    assert caught.value.token == token
    assert f"`{token}`" in str(caught.value) and f"YYYY-{token}" in str(caught.value)


def test_an_unsupported_token_inside_brackets_is_literal_text():
    assert format_moment("[DDDD] YYYY", WHEN) == "DDDD 2026"

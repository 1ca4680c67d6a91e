"""`--orphans` and `--stats`: maintenance reports, off by default, text or JSON."""

from __future__ import annotations

import pytest

from tests.cli.ci_helpers import check

LINKED = {
    "Hub.md": "[[A]] [[B#Part]] ![[pic.png]] [[Gone]] [[gone]] [[Later]]\n",
    "A.md": "# A\n[[Hub]] [[Gone]]\n",
    "B.md": "# Part\n[[Hub]] [[#Part]] [[B]]\n",
    "Lonely.md": "[[Lonely]] [[#Top]]\n# Top\n",  # links only to itself
    "Sub/Deep.md": "[[Gone]] [[../../outside]]\n",
    "pic.png": b"\x89PNG",
}


def test_reports_are_off_by_default(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "# A\n"}))
    run = check(capsys)
    assert (run.code, run.out) == (0, "")


def test_orphans_are_the_notes_no_other_note_links_to(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    assert check(capsys, "--orphans", "--format", "json").json() == {"orphans": ["Lonely.md", "Sub/Deep.md"]}


def test_a_link_to_itself_does_not_save_a_note_from_being_an_orphan(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"Self.md": "# Top\n[[Self]] [[#Top]] [[Self#Top]]\n"}))
    assert check(capsys, "--orphans", "--format", "json").json() == {"orphans": ["Self.md"]}


def test_an_ambiguous_link_counts_for_the_note_it_resolves_to(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"Dup.md": "", "Old/Dup.md": "", "Index.md": "[[Dup]]\n"}))
    orphans = check(capsys, "--orphans", "--format", "json", "--fail-on", "never").json()["orphans"]
    assert orphans == ["Index.md", "Old/Dup.md"]


def test_orphans_in_text(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    run = check(capsys, "--orphans")
    assert run.out == "Orphans: 2 notes no other note links to\n  Lonely.md\n  Sub/Deep.md\n"


def test_stats_count_notes_attachments_and_links(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    stats = check(capsys, "--stats", "--format", "json").json()["stats"]
    assert {k: v for k, v in stats.items() if k != "dangling_names"} == {
        "notes": 5,
        "attachments": 1,
        "links": 15,
        "resolved_links": 9,
        "dangling_links": 6,
    }


def test_dangling_names_are_ranked_by_how_many_notes_link_them(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    names = check(capsys, "--stats", "--format", "json").json()["stats"]["dangling_names"]
    assert names == [
        {"name": "Gone", "notes": 3, "links": 4, "linked_from": ["A.md", "Hub.md", "Sub/Deep.md"]},
        {"name": "Later", "notes": 1, "links": 1, "linked_from": ["Hub.md"]},
    ]  # `../../outside` leaves the vault: a dangling link, but no note to write


def test_stats_in_text(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    assert check(capsys, "--stats").out == (
        "Stats:\n"
        "  notes         5\n"
        "  attachments   1\n"
        "  links        15\n"
        "    resolved    9\n"
        "    dangling    6\n"
        "Dangling names, by how many notes link them (2):\n"
        "  3 notes  Gone (4 links)\n"
        "  1 note   Later\n"
    )


def test_both_reports_in_one_json_object(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))
    assert set(check(capsys, "--orphans", "--stats", "--format", "json").json()) == {"orphans", "stats"}


def test_reports_exit_zero_although_the_vault_has_problems(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(LINKED))  # has dangling links: warnings
    assert check(capsys, "--stats").code == 0
    run = check(capsys, "--orphans", "--fail-on", "hint")
    assert run.code == 0
    assert "warning" not in run.err  # a report lists no problems, so it sums none up


def test_a_selection_reports_on_its_notes_with_links_from_the_whole_vault(make_vault, monkeypatch, capsys):
    # `.obsidian/` marks the vault, so that `Sub` is a folder of it rather than a vault of its own.
    monkeypatch.chdir(make_vault({**LINKED, ".obsidian/app.json": "{}"}))
    report = check(capsys, "--orphans", "--stats", "--format", "json", "A.md", "Sub").json()
    assert report["orphans"] == ["Sub/Deep.md"]  # A.md is linked from Hub.md, which is not selected
    assert report["stats"]["notes"] == 2
    assert report["stats"]["attachments"] == 0
    assert [d["name"] for d in report["stats"]["dangling_names"]] == ["Gone"]


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_reports_are_text_or_json_only(fmt, make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": ""}))
    run = check(capsys, "--orphans", "--format", fmt)
    assert run.code == 2
    assert "text or json" in run.err

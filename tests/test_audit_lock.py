"""scripts/audit_lock.py on a synthetic lock file and advisory snapshot: OSV ranges
(introduced/fixed/last_affected), listed versions, PEP 503 names, the ignore file and its expiry,
packages the snapshot does not cover; and scripts/advisories_refresh.py on a tiny advisory repo."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.append(str(SCRIPTS))  # the scripts import each other as plain modules, as when run

import advisories_refresh  # noqa: E402
import audit_lock  # noqa: E402

TODAY = date(2026, 12, 7)

LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "atiende"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "Django"
version = "5.2.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "typing_extensions"
version = "4.12.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "zope.interface"
version = "7.0"
source = { registry = "https://pypi.org/simple" }
"""


def advisory(id_, ranges=(), versions=(), aliases=()):
    return {"id": id_, "aliases": list(aliases), "summary": f"the {id_} flaw",
            "ranges": [{"type": "ECOSYSTEM", "events": events} for events in ranges],
            "versions": list(versions)}


def snapshot(packages, taken="2026-11-01"):
    base = {"django": [], "typing-extensions": [], "zope-interface": []}
    return {"source": {"repository": "test", "commit": "0" * 40, "date": taken},
            "packages": base | packages}


@pytest.fixture
def run(tmp_path, capsys):
    """Audits LOCK (or another lock) against the given snapshot and ignore file; returns
    (exit code, printed text)."""

    def run(packages, ignore="", lock=LOCK, taken="2026-11-01"):
        (tmp_path / "uv.lock").write_text(lock)
        (tmp_path / "advisories.json").write_text(json.dumps(snapshot(packages, taken)))
        (tmp_path / "ignore.toml").write_text(ignore)
        code = audit_lock.audit(tmp_path / "uv.lock", tmp_path / "advisories.json",
                                tmp_path / "ignore.toml", TODAY)
        return code, capsys.readouterr().out

    return run


# One Django advisory as the database writes them: two release series, events out of order.
TWO_SERIES = advisory("PYSEC-2026-1", aliases=["CVE-2026-1"], ranges=[
    [{"introduced": "5.2"}, {"fixed": "5.2.4"}, {"introduced": "5.1"}, {"fixed": "5.1.11"}]])


def test_a_version_inside_a_range_is_flagged_with_its_fix(run):
    code, out = run({"django": [TWO_SERIES]})
    assert code == 1
    assert "VULNERABLE django 5.2.3: PYSEC-2026-1 (CVE-2026-1), fixed in 5.2.4" in out
    assert "1 known vulnerabilities" in out


def test_the_fixed_version_and_versions_outside_every_range_are_not(run):
    for version in ("5.2.4", "5.2.10", "5.1.11", "5.0.9", "6.0"):
        code, out = run({"django": [TWO_SERIES]}, lock=LOCK.replace("5.2.3", version))
        assert (code, "VULNERABLE" in out) == (0, False), version
    code, out = run({"django": [TWO_SERIES]}, lock=LOCK.replace("5.2.3", "5.1.10"))
    assert code == 1 and "fixed in 5.1.11" in out


def test_introduced_zero_covers_everything_before_the_fix():
    opened = advisory("X", ranges=[[{"introduced": "0"}, {"fixed": "5.2.4"}]])
    assert audit_lock.affects(audit_lock.Version("1.0"), opened)
    assert not audit_lock.affects(audit_lock.Version("5.2.4"), opened)


def test_last_affected_includes_that_version_and_no_later(run):
    closed = advisory("PYSEC-2026-2", ranges=[[{"introduced": "5.2"}, {"last_affected": "5.2.3"}]])
    code, out = run({"django": [closed]})
    assert code == 1 and "PYSEC-2026-2" in out and "no fixed release known" in out
    code, out = run({"django": [closed]}, lock=LOCK.replace("5.2.3", "5.2.4"))
    assert code == 0


def test_an_explicitly_listed_version_is_flagged_without_a_range(run):
    listed = advisory("PYSEC-2026-3", versions=["5.2.2", "5.2.3"])
    code, out = run({"django": [listed]})
    assert code == 1 and "PYSEC-2026-3" in out
    code, out = run({"django": [listed]}, lock=LOCK.replace("5.2.3", "5.2.1"))
    assert code == 0


def test_names_are_compared_as_pep_503_spells_them(run):
    # The lock says Django, typing_extensions and zope.interface; the snapshot keys are normalised.
    code, out = run({
        "typing-extensions": [advisory("PYSEC-2026-4", versions=["4.12.0"])],
        "zope-interface": [advisory("PYSEC-2026-5", ranges=[[{"introduced": "0"}, {"fixed": "7.1"}]])],
    })
    assert code == 1
    assert "typing-extensions 4.12.0: PYSEC-2026-4" in out
    assert "zope-interface 7.0: PYSEC-2026-5" in out
    assert audit_lock.normalize("Typing__Extensions") == "typing-extensions"


def test_the_project_itself_is_not_audited(run):
    code, out = run({}, lock=LOCK.replace('name = "atiende"', 'name = "django-otp"'))
    assert code == 0 and "3 locked packages" in out


def test_a_package_the_snapshot_does_not_cover_fails(run):
    lock = LOCK + '\n[[package]]\nname = "newcomer"\nversion = "1.0"\nsource = { registry = "x" }\n'
    code, out = run({}, lock=lock)
    assert code == 1 and "NOT AUDITED newcomer" in out and "advisories_refresh.py" in out


IGNORE = """\
[[ignore]]
id = "{id}"
reason = "we never call the affected function"
until = {until}
"""


def test_an_ignore_by_id_or_alias_silences_the_finding_until_its_date(run):
    for name in ("PYSEC-2026-1", "CVE-2026-1"):
        code, out = run({"django": [TWO_SERIES]}, IGNORE.format(id=name, until="2026-12-31"))
        assert code == 0, out
        assert "ignored django 5.2.3: PYSEC-2026-1 until 2026-12-31: we never call" in out


def test_an_expired_ignore_fails(run):
    code, out = run({"django": [TWO_SERIES]}, IGNORE.format(id="PYSEC-2026-1", until="2026-12-06"))
    assert code == 1
    assert "EXPIRED IGNORE PYSEC-2026-1" in out and "VULNERABLE django 5.2.3" in out


def test_an_ignore_without_a_reason_is_refused(run):
    with pytest.raises(SystemExit, match="needs id, reason and until"):
        run({}, IGNORE.format(id="PYSEC-2026-1", until="2027-01-01").replace(
            '"we never call the affected function"', '" "'))


def test_an_old_snapshot_warns_without_failing(run):
    code, out = run({}, taken="2026-09-07")  # 91 days before TODAY
    assert code == 0 and "warning: the snapshot is 91 days old" in out
    code, out = run({}, taken="2026-09-08")
    assert code == 0 and "warning" not in out


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t.invalid",
                    *args], check=True, capture_output=True)


def test_refresh_keeps_the_locked_packages_and_only_what_the_audit_reads(tmp_path):
    repo = tmp_path / "advisory-database"
    (repo / "vulns" / "Django").mkdir(parents=True)
    (repo / "vulns" / "other").mkdir()
    (repo / "vulns" / "Django" / "PYSEC-2026-1.yaml").write_text("""\
id: PYSEC-2026-1
aliases: [CVE-2026-1]
details: "First line.\\nSecond line."
affected:
- package: {ecosystem: PyPI, name: Django}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "5.2"}, {fixed: 5.2.4}]
  - type: GIT
    repo: https://example.invalid/django
    events: [{introduced: abc123}]
  versions: ["5.2", 5.2.1, 5.2.3, 5.1.9]
references: [{type: WEB, url: https://example.invalid}]
""")
    (repo / "vulns" / "Django" / "PYSEC-2026-2.yaml").write_text(
        "id: PYSEC-2026-2\nwithdrawn: '2026-01-01T00:00:00Z'\naffected: []\n")
    (repo / "vulns" / "other" / "PYSEC-2026-3.yaml").write_text("id: PYSEC-2026-3\naffected: []\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "advisories")
    (tmp_path / "uv.lock").write_text(LOCK)

    advisories_refresh.main([str(repo), "--lock", str(tmp_path / "uv.lock"),
                             "--output", str(tmp_path / "out.json")])

    written = json.loads((tmp_path / "out.json").read_text())
    assert sorted(written["packages"]) == ["django", "typing-extensions", "zope-interface"]
    assert written["packages"]["django"] == [{
        "id": "PYSEC-2026-1", "aliases": ["CVE-2026-1"], "summary": "First line.",
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "5.2"}, {"fixed": "5.2.4"}]}],
        "versions": ["5.1.9"],  # the others are inside the range
    }]
    assert len(written["source"]["commit"]) == 40

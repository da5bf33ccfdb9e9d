"""Index generations (issue 17): a rebuild killed halfway leaves a half-built folder, as
large as the index; the next process to open the index removes it, not the next swap. A
separate site, real processes, a real SIGKILL."""

import signal
import time

from articles.search.whoosh.generations import IndexLocation

from .conftest import CORPUS

HUFFPOST_LINES = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"


def test_a_killed_rebuild_leaves_nothing_behind_once_the_index_is_opened(site, shared):
    """SIGKILL mid-build leaves its half-built folder: the next process to open the index
    removes it; the next rebuild keeps the generation live before it for slow readers."""
    run, start, tmp_path = site
    records = tmp_path / "records.jsonl"
    lines = HUFFPOST_LINES.read_text(encoding="utf-8").splitlines()[:150]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run("manage.py", "import_articles", str(records))
    assert imported.returncode == 0, imported.stderr
    root = tmp_path / "data" / "whoosh"
    location = IndexLocation(root)
    live_before = location.current_name()
    there = {p.name for p in root.glob("gen-*")}

    rebuild = start("manage.py", "rebuild_search_index")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and rebuild.poll() is None:
        if any(p.is_dir() and p.name not in there for p in root.glob("gen-*")):
            rebuild.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    rebuild.wait(30)
    assert rebuild.returncode == -signal.SIGKILL, "the rebuild ended before it was killed"
    assert location.current_name() == live_before
    (killed,) = [p for p in root.glob("gen-*") if p.is_dir() and p.name not in there]

    checked = run("manage.py", "check_index")

    assert "The index matches the database." in checked.stdout, checked.stdout + checked.stderr
    assert not killed.exists()
    assert {p.name for p in root.glob("gen-*")} == there
    again = run("manage.py", "rebuild_search_index")
    assert again.returncode == 0, again.stderr
    assert {p.name for p in root.glob("gen-*")} == {live_before, location.current_name()}

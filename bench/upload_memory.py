"""Memory of one upload: peak RSS over the process's baseline while a .zip is processed.

Each case runs in a fresh process set up like a gunicorn worker (Django, a migrated data
folder, the spaCy pipeline loaded by a first small extraction); then an editor's upload is
stored and processed as the admin does it (articles.ingest.uploads.create_batch and
process_batch), or with ``--via cli`` imported as ``manage.py import_articles`` does it. The
peak is the kernel's high-water mark (VmHWM, reset before the upload) minus the resident
size just before it.

    .venv/bin/python bench/upload_memory.py                  # both cases
    .venv/bin/python bench/upload_memory.py --case hostile   # 24 entries of 19 MB
    .venv/bin/python bench/upload_memory.py --case hostile --entries 8 --via cli

- hostile: a zip of about 1 MB whose 24 entries unpack to 19 MB of text each (under the
  20 MB file limit, 456 MB in all, under the 500 MB archive limit); every entry is refused.
- realistic: 300 BBC News articles and 200 HuffPost records (one JSON Lines entry).
- many: a zip of 1,000,000 empty entries (about 90 MB), over the 20,000-entry limit.
- records: a zip of three JSON Lines entries of one 18 MB record each.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
PYTHON = REPO / ".venv" / "bin" / "python"
MB = 1024 * 1024


def hostile_zip(path: Path, entries: int, entry_mb: int) -> None:
    paragraph = (CORPUS / "bbc_news" / "politics" / "001.txt").read_bytes()
    body = (paragraph * (entry_mb * MB // len(paragraph) + 1))[: entry_mb * MB - 1024]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(entries):
            archive.writestr(f"long/{n:02d}.txt", b"Headline %d\n\n" % n + body)


def many_entries_zip(path: Path, entries: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for n in range(entries):
            archive.writestr(f"{n}.txt", b"")


def long_records_zip(path: Path, records: int = 3, record_mb: int = 18) -> None:
    paragraph = (CORPUS / "bbc_news" / "politics" / "001.txt").read_text(encoding="utf-8")
    text = (paragraph * (record_mb * MB // len(paragraph) + 1))[: record_mb * MB]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(records):
            record = json.dumps({"headline": f"Record {n}", "text": text})
            archive.writestr(f"records/{n}.jsonl", record + "\n")


def realistic_zip(path: Path) -> None:
    bbc = sorted((CORPUS / "bbc_news").glob("*/*.txt"))[::7][:300]
    huffpost = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
    lines = huffpost.read_text(encoding="utf-8").splitlines()[:200]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in bbc:
            archive.write(file, f"bbc/{file.parent.name}/{file.name}")
        archive.writestr("huffpost.jsonl", "\n".join(lines) + "\n")


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(zip_path: str, via: str) -> None:
    """Runs in the fresh process: set up like a worker, then one upload (or CLI import)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import CommandError, call_command

    from articles.extraction.types import RawDocument
    from articles.ingest import extract_with_settings, uploads
    from articles.models import Article, UploadBatch

    call_command("migrate", verbosity=0)
    warm = RawDocument(origin="warm.txt", format="text", text="Warm up\n\nTroops in Iraq.")
    list(extract_with_settings([warm]))  # loads the spaCy pipeline, as a worker has it
    if via == "upload":  # the request's file, in memory as Django hands it over
        data = Path(zip_path).read_bytes()
        upload = SimpleUploadedFile(Path(zip_path).name, data, content_type="application/zip")
    baseline = status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    started = time.perf_counter()
    if via == "cli":
        out, err = io.StringIO(), io.StringIO()
        with contextlib.suppress(CommandError):  # "nothing could be imported"
            call_command("import_articles", zip_path, stdout=out, stderr=err)
        failures = [line for line in err.getvalue().splitlines() if line.startswith("failed:")]
        created = Article.objects.count()
        reasons = sorted({line.split(": ", 2)[-1][:90] for line in failures})
    else:
        batch = uploads.create_batch([upload])
        uploads.process_batch(batch.pk)
        batch = UploadBatch.objects.get(pk=batch.pk)
        created, failures = batch.created_count, range(batch.failed_count)
        reasons = sorted({r.reason[:90] for r in batch.results.filter(outcome="failed")})
    elapsed = time.perf_counter() - started
    peak = status_kb("VmHWM")
    print(
        json.dumps(
            {
                "baseline_mb": baseline / 1024,
                "peak_over_mb": (peak - baseline) / 1024,
                "seconds": elapsed,
                "created": created,
                "failed": len(failures),
                "reasons": reasons,
            }
        )
    )


def run_case(name: str, zip_path: Path, via: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="newsroom-bench-upload-")
    env = {
        **os.environ,
        "NEWSROOM_DATA_DIR": data_dir,
        "DATABASE_URL": "",
        "SEARCH_URL": "",
        "NEWSROOM_INDEX_DRAINER": "0",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [str(PYTHON), __file__, "--child", str(zip_path), "--via", via],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode:
        raise RuntimeError(f"{name}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cases = ["hostile", "realistic", "both", "many", "records"]
    parser.add_argument("--case", choices=cases, default="both")
    parser.add_argument("--empty-entries", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=24)
    parser.add_argument("--entry-mb", type=int, default=19)
    parser.add_argument("--via", choices=["upload", "cli"], default="upload")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.via)
        return
    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-zips-"))
    cases = []
    if args.case in ("hostile", "both"):
        path = folder / "hostile.zip"
        hostile_zip(path, args.entries, args.entry_mb)
        cases.append(("hostile", path))
    if args.case in ("realistic", "both"):
        path = folder / "realistic.zip"
        realistic_zip(path)
        cases.append(("realistic", path))
    if args.case == "many":
        path = folder / "many.zip"
        many_entries_zip(path, args.empty_entries)
        cases.append(("many", path))
    if args.case == "records":
        path = folder / "records.zip"
        long_records_zip(path)
        cases.append(("records", path))
    for name, path in cases:
        if name == "many":
            unpacked, entries = 0, args.empty_entries
        else:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
                entries = len(archive.infolist())
        result = run_case(name, path, args.via)
        print(
            f"{name:10s} {args.via:6s} zip {path.stat().st_size / MB:5.1f} MB, {entries} entries, "
            f"{unpacked / MB:6.1f} MB unpacked: peak {result['peak_over_mb']:6.1f} MB over a "
            f"baseline of {result['baseline_mb']:.0f} MB, {result['seconds']:6.1f} s, "
            f"{result['created']} created, {result['failed']} failed"
        )
        for reason in result["reasons"][:3]:
            print(f"{'':12s}refused: {reason}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

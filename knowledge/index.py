"""The FAISS index of the curated entries: chunking, embedding, build, readiness check.

    Chunk                 one searchable piece of an entry, as stored in chunks.jsonl
    chunk_entry()         split an entry into chunks (one for a short body)
    load_encoder()        the sentence encoder (knowledge/encoders.py), loaded once per process
    embed()               normalised embeddings, so inner product = cosine
    build()               validate, chunk, embed, write the index dir atomically
    check_index()         the manifest of a ready index, or IndexNotReady
    read_index()          the FAISS index and chunks of a ready index
    read_crosslingual()   the cross-lingual vectors of its English chunks

    Errors
    ├── ContentInvalid    entries failed validation: nothing is built
    └── IndexNotReady     missing, stale or built with another model: run the build

Index directory: `faiss.index` (IndexFlatIP, every chunk), `crosslingual.index` (the English
chunks by the cross-lingual encoder), `chunks.jsonl`, `manifest.json`.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from tqdm import tqdm

from knowledge.encoders import Encoder, load_encoder, prepare_encoder
from knowledge.entries import REQUIRED_LANGUAGES, Entry, Problem, content_hash, load_entries
from knowledge.settings import get_settings

# Bump when the files of the index directory change shape: older indexes are then stale.
FORMAT_VERSION = 2
INDEX_FILE = "faiss.index"
# Vectors of the English chunks by the cross-lingual encoder, in chunk order: a question in a
# translated language (de, it, es, nl) is matched against these.
CROSSLINGUAL_FILE = "crosslingual.index"
CHUNKS_FILE = "chunks.jsonl"
MANIFEST_FILE = "manifest.json"
# A chunk is at most one short answer long (answers are capped at 120 words too).
MAX_CHUNK_WORDS = 120
# The language every entry exists in, searched for questions in translated languages.
PIVOT_LANGUAGE = REQUIRED_LANGUAGES[0]
# Small batches keep the progress bar moving and memory flat on 2 cores.
EMBED_BATCH_SIZE = 32
# What to tell whoever meets an index that is not ready.
BUILD_HINT = "run `python -m knowledge build`"
# Sentence ends: after . ! ? or … followed by white space.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class ContentInvalid(RuntimeError):
    """The entries failed validation, so no index is built."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the entries; run `python -m knowledge validate`")


class IndexNotReady(RuntimeError):
    """The index is missing, stale or built with another model than configured."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"knowledge index not ready: {reason}; {BUILD_HINT}")


@dataclass(frozen=True)
class Chunk:
    """One searchable piece of an entry, with what an answer needs to cite it."""

    chunk_id: str
    entry_id: str
    language: str
    disease: str | None
    condition: str | None
    topic: str
    title: str
    text: str
    url: str
    sources: list[str]
    reviewed: str

    @property
    def document(self) -> str:
        """The text that is embedded and searched: the title gives the chunk its context."""
        return f"{self.title}\n{self.text}"


@dataclass(frozen=True)
class BuildResult:
    """What a build did: `built` is False when the index was already up to date."""

    built: bool
    index_dir: Path
    chunks: int
    seconds: float


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order."""
    return [sentence for sentence in SENTENCE_END.split(text.strip()) if sentence]


def _pack(pieces: list[str], separator: str) -> list[str]:
    """Join consecutive pieces while they fit in MAX_CHUNK_WORDS."""
    packed: list[str] = []
    current: list[str] = []
    for piece in pieces:
        words = sum(len(part.split()) for part in current) + len(piece.split())
        if current and words > MAX_CHUNK_WORDS:
            packed.append(separator.join(current))
            current = []
        current.append(piece)
    if current:
        packed.append(separator.join(current))
    return packed


def chunk_entry(entry: Entry) -> list[Chunk]:
    """Split an entry's body on paragraphs (then sentences) into chunks of ≤ ~120 words."""
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", entry.body)]
    pieces: list[str] = []
    for paragraph in filter(None, paragraphs):
        if len(paragraph.split()) > MAX_CHUNK_WORDS:
            pieces += _pack(split_sentences(paragraph), " ")
        else:
            pieces.append(paragraph)
    return [
        Chunk(
            chunk_id=f"{entry.id}.{entry.language}#{number}",
            entry_id=entry.id,
            language=entry.language,
            disease=entry.disease,
            condition=entry.condition,
            topic=entry.topic,
            title=entry.title,
            text=text,
            url=entry.sources[0],
            sources=list(entry.sources),
            reviewed=entry.reviewed.isoformat(),
        )
        for number, text in enumerate(_pack(pieces, "\n\n"))
    ]


def embed(
    encoder: Encoder,
    texts: list[str],
    on_batch: Callable[[int], Any] | None = None,
    queries: bool = False,
) -> np.ndarray:
    """Normalised float32 embeddings of `texts` (passages, or questions), one row each."""
    rows = [np.zeros((0, encoder.dimension), dtype="float32")]
    encode = encoder.queries if queries else encoder.passages
    for start in range(0, len(texts), EMBED_BATCH_SIZE):
        batch = texts[start : start + EMBED_BATCH_SIZE]
        rows.append(encode(batch))
        if on_batch is not None:
            on_batch(len(batch))
    return np.ascontiguousarray(np.vstack(rows))


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of an index directory, or None when absent or unreadable."""
    try:
        return json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _stale_reason(
    manifest: dict[str, Any] | None, index_dir: Path, content_dir: Path, model: str, crosslingual: str
) -> str | None:
    """Why the index cannot serve the current content with `model` and the `crosslingual`
    model, or None if it can."""
    if manifest is None:
        return f"no index in {index_dir}"
    if not all((index_dir / name).is_file() for name in (INDEX_FILE, CHUNKS_FILE, CROSSLINGUAL_FILE)):
        return f"index files missing in {index_dir}"
    if manifest.get("format_version") != FORMAT_VERSION:
        return f"index format {manifest.get('format_version')} is not {FORMAT_VERSION}"
    if manifest.get("model") != model:
        return f"index built with model {manifest.get('model')!r}, configured model is {model!r}"
    if manifest.get("crosslingual_model") != crosslingual:
        return (
            f"index built with cross-lingual model {manifest.get('crosslingual_model')!r}, "
            f"configured model is {crosslingual!r}"
        )
    if manifest.get("content_hash") != content_hash(content_dir):
        return f"entries under {content_dir} changed since the index was built"
    return None


def check_index(
    index_dir: Path | None = None,
    content_dir: Path | None = None,
    model: str | None = None,
    crosslingual: str | None = None,
) -> dict[str, Any]:
    """The manifest of an index that is ready for the current content and models."""
    settings = get_settings()
    index_dir = index_dir or settings.index_dir
    manifest = read_manifest(index_dir)
    reason = _stale_reason(
        manifest,
        index_dir,
        content_dir or settings.content_dir,
        model or settings.embedding_model,
        crosslingual or settings.crosslingual_model,
    )
    if reason:
        raise IndexNotReady(reason)
    return manifest


def read_index(index_dir: Path) -> tuple[faiss.Index, list[Chunk]]:
    """The FAISS index and its chunks, in the same order."""
    index = faiss.read_index(str(index_dir / INDEX_FILE))
    with (index_dir / CHUNKS_FILE).open(encoding="utf-8") as lines:
        chunks = [Chunk(**json.loads(line)) for line in lines if line.strip()]
    if index.ntotal != len(chunks):
        raise IndexNotReady(f"{index.ntotal} vectors for {len(chunks)} chunks in {index_dir}")
    return index, chunks


def pivot_rows(chunks: list[Chunk]) -> list[int]:
    """The positions of the English chunks, the ones the cross-lingual vectors cover."""
    return [row for row, chunk in enumerate(chunks) if chunk.language == PIVOT_LANGUAGE]


def read_crosslingual(index_dir: Path, chunks: list[Chunk]) -> np.ndarray:
    """The cross-lingual vectors of the English chunks, one row each, in chunk order."""
    index = faiss.read_index(str(index_dir / CROSSLINGUAL_FILE))
    expected = len(pivot_rows(chunks))
    if index.ntotal != expected:
        raise IndexNotReady(f"{index.ntotal} cross-lingual vectors for {expected} English chunks")
    return index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "float32")


def _flat(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index


def _write(
    directory: Path, index: faiss.Index, cross: faiss.Index, chunks: list[Chunk], manifest: dict[str, Any]
) -> None:
    faiss.write_index(cross, str(directory / CROSSLINGUAL_FILE))
    faiss.write_index(index, str(directory / INDEX_FILE))
    with (directory / CHUNKS_FILE).open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _swap_in(staging: Path, index_dir: Path) -> None:
    """Replace `index_dir` by the fully written `staging` directory."""
    retired = None
    if index_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.old-", dir=index_dir.parent))
        index_dir.rename(retired / index_dir.name)
    staging.rename(index_dir)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def build(
    content_dir: Path | None = None,
    index_dir: Path | None = None,
    model: str | None = None,
    force: bool = False,
    progress: bool = True,
    crosslingual: str | None = None,
) -> BuildResult:
    """Validate the entries and (re)build the index, unless it is up to date and not forced."""
    started = time.perf_counter()
    settings = get_settings()
    content_dir = content_dir or settings.content_dir
    index_dir = index_dir or settings.index_dir
    model = model or settings.embedding_model
    crosslingual = crosslingual or settings.crosslingual_model
    prepare_encoder(model)  # the ONNX export, once (same vectors: the index stays valid)
    fingerprint = content_hash(content_dir)
    manifest = read_manifest(index_dir)
    if not force and _stale_reason(manifest, index_dir, content_dir, model, crosslingual) is None:
        # Same bytes as at the last build, which validated them: nothing to do.
        return BuildResult(False, index_dir, manifest["chunks"], time.perf_counter() - started)
    entries, problems = load_entries(content_dir)
    if problems:
        raise ContentInvalid(problems)

    chunks = [chunk for entry in entries for chunk in chunk_entry(entry)]
    pivot = [chunks[row].document for row in pivot_rows(chunks)]
    with tqdm(total=len(chunks) + len(pivot), desc="embedding", unit="chunk", disable=not progress) as bar:
        bar.set_postfix_str("loading model")
        encoder = load_encoder(model)
        bar.set_postfix_str("")
        vectors = embed(encoder, [chunk.document for chunk in chunks], on_batch=bar.update)
        cross_vectors = embed(load_encoder(crosslingual), pivot, on_batch=bar.update)
    index = _flat(vectors)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": model,
        "crosslingual_model": crosslingual,
        "dimension": int(vectors.shape[1]),
        "content_hash": fingerprint,
        "entries": len(entries),
        "chunks": len(chunks),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.new-", dir=index_dir.parent))
    try:
        _write(staging, index, _flat(cross_vectors), chunks, manifest)
        _swap_in(staging, index_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(True, index_dir, len(chunks), time.perf_counter() - started)

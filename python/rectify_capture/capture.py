"""Recording router logits of a PyTorch MoE model into a capture folder.

:class:`RouterCapture` hooks the router modules (``register_forward_hook``), copies their logits
to the CPU while a sampled step is open, and writes one ``.npy`` + JSON sidecar per
(layer, step, rank) when the step closes, in the layout of docs/capture-format.md, so that
``rectify run --trace DIR`` can replay real routing decisions.

Design choices, and why:

* Hooks only *read* the router output (``detach()`` then a CPU copy) and return ``None``, so
  the model's outputs and gradients are exactly those of the unhooked model, with or without
  autograd.
* Nothing is recorded outside ``with cap.step(n):`` or in steps that are not sampled
  (``n % every != 0``): a hook then costs one attribute check, so ``every`` bounds the overhead.
  ``layers`` bounds it further by not hooking the other routers at all.
* Files are written when the step closes (not per forward call), so micro-batches of one step
  become one file per layer (rows in call order) and no file is ever rewritten mid-step.
* Each write is atomic (temporary dot file, fsync, rename; sidecar last), so a concurrent
  ``rectify --follow DIR`` never sees a partial file.
* ``stats`` accumulates the seconds spent in hooks and in writing, to quote the overhead.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

import numpy as np
import torch
from torch import nn

from . import _dist
from ._atomic import CaptureWriteError, write_json_atomic, write_npy_atomic
from ._detect import experts_of, parent_module, select_modules, top_k_of
from ._format import DTYPES, TOKEN_ORDERS, layer_dir_name, make_sidecar, shard_stem

_TORCH_DTYPES = {"float32": torch.float32, "float16": torch.float16}


class _Layer:
    """One hooked router and the rows it produced in the open step."""

    __slots__ = ("index", "name", "module", "experts", "top_k", "chunks", "handle")

    def __init__(self, index, name, module, experts, top_k):
        self.index = index
        self.name = name
        self.module = module
        self.experts = experts
        self.top_k = top_k
        self.chunks = []
        self.handle = None


class RouterCapture:
    """Captures the router logits of ``model`` into ``out_dir`` (docs/capture-format.md).

    Args:
        model: the ``torch.nn.Module`` to observe.
        out_dir: the capture folder; created on :meth:`attach`.
        modules: qualified names of the router modules to hook, or
        pattern: a regular expression searched (``re.search``) in qualified module names, or
            neither: auto-detect Hugging Face MoE routers (:func:`find_moe_routers`).
        top_k: experts per token. By default taken from the router or its MoE block
            (``top_k``/``num_experts_per_tok``) or from ``model.config`` (``num_experts_per_tok``/
            ``top_k``); ``ValueError`` if none says.
        every: record steps whose number is a multiple of ``every``.
        layers: keep only these routers, by layer index (position among all selected routers,
            in model order) or qualified name. A kept router keeps its index, so ``layer-003``
            is the same router whatever the filter.
        dtype: ``"float32"`` or ``"float16"``: the stored precision.
        token_order: how rows are flattened from ``[batch, sequence]``. ``"batch-major"`` and
            ``"flat"`` flatten the leading dimensions in C order; ``"sequence-major"`` swaps the
            first two dimensions of a 3-D output first. A 2-D router output (models that flatten
            tokens before the router) is taken as is and ``token_order`` only labels it.
        session, rank, world_size: override the session id and the ``torch.distributed``
            rank/world size (for launchers that do not use ``torch.distributed``).

    With ``torch.distributed`` initialised, the first :meth:`attach` is collective (rank 0
    draws the session and broadcasts it), so every rank must attach.

    File names carry the step and rank but not the session: a step captured twice (the same
    step number again, or a restarted job writing into the same folder) replaces the earlier
    shard of that rank. Give a restarted job a fresh folder if the old steps must be kept.
    NaN/Inf logits are written as produced (they are the model's behaviour); ``rectify``
    rejects them when replaying.

    Use as ``with cap:`` (attach/detach) and ``with cap.step(n):`` around each training step.
    """

    def __init__(self, model: nn.Module, out_dir, modules=None, pattern=None, top_k=None,
                 every=1, layers=None, dtype="float32", token_order="batch-major", *,
                 session=None, rank=None, world_size=None):
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, not {type(model).__name__}")
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every must be an integer >= 1, not {every!r}")
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        if token_order not in TOKEN_ORDERS:
            raise ValueError(f"token_order must be one of {', '.join(TOKEN_ORDERS)}, not {token_order!r}")
        if top_k is not None and (not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1):
            raise ValueError(f"top_k must be an integer >= 1, not {top_k!r}")
        if session is not None and (not isinstance(session, str) or not session):
            raise ValueError("session must be a non-empty string")
        if (rank is None) != (world_size is None):
            raise ValueError("pass rank and world_size together")
        if rank is not None and not (isinstance(rank, int) and isinstance(world_size, int) and 0 <= rank < world_size):
            raise ValueError(f"need 0 <= rank < world_size, got rank={rank!r}, world_size={world_size!r}")

        self.model = model
        self.out_dir = os.fspath(out_dir)
        self.every = every
        self.dtype = dtype
        self.token_order = token_order
        self._torch_dtype = _TORCH_DTYPES[dtype]
        self._session = session
        self._rank_override = None if rank is None else (rank, world_size)
        self.rank = 0
        self.world_size = 1

        selected = select_modules(model, modules=modules, pattern=pattern)
        keep = self._layer_filter(layers, selected)
        self._layers = []
        for index, (name, module) in enumerate(selected):
            if index not in keep:
                continue
            block = parent_module(model, name)
            experts = experts_of(module, block)
            k = top_k if top_k is not None else top_k_of(model, module, block)
            if k is None:
                raise ValueError(
                    f"top_k is unknown for router {name!r}: pass top_k=..., or give the model a "
                    "config.num_experts_per_tok / config.top_k or the router/block a top_k attribute")
            if experts is not None and k > experts:
                raise ValueError(f"top_k {k} exceeds the {experts} experts of router {name!r}")
            self._layers.append(_Layer(index, name, module, experts, k))

        self._attached = False
        self._recording = False      # inside a sampled step
        self._in_step = False
        self._current_step = None
        self._lock = threading.Lock()  # hooks may fire from autograd/other threads
        self._stats = {
            "steps_captured": 0,    # sampled steps that wrote at least one file
            "steps_skipped": 0,     # steps not sampled by `every`
            "files_written": 0,     # .npy and .json files
            "bytes_written": 0,
            "hook_calls": 0,        # router calls recorded
            "hook_seconds": 0.0,    # time inside hooks while recording
            "write_seconds": 0.0,   # time writing files
        }

    # ----------------------------------------------------------------- selection

    @staticmethod
    def _layer_filter(layers, selected):
        if layers is None:
            return set(range(len(selected)))
        if isinstance(layers, (int, str)):
            layers = [layers]
        names = {name: i for i, (name, _) in enumerate(selected)}
        keep = set()
        for item in layers:
            if isinstance(item, bool):
                raise ValueError(f"layers: {item!r} is neither a layer index nor a module name")
            if isinstance(item, int):
                if not 0 <= item < len(selected):
                    raise ValueError(f"layers: index {item} is out of range; {len(selected)} routers were selected")
                keep.add(item)
            elif isinstance(item, str):
                if item not in names:
                    raise ValueError(f"layers: {item!r} is not a selected router; selected: {', '.join(names)}")
                keep.add(names[item])
            else:
                raise ValueError(f"layers: {item!r} is neither a layer index nor a module name")
        if not keep:
            raise ValueError("layers= keeps no router")
        return keep

    @property
    def layers(self) -> list[tuple[int, str]]:
        """``[(layer index, qualified name)]`` of the hooked routers."""
        return [(layer.index, layer.name) for layer in self._layers]

    @property
    def session(self) -> str | None:
        """The session id (set on the first :meth:`attach` unless given)."""
        return self._session

    @property
    def attached(self) -> bool:
        return self._attached

    @property
    def stats(self) -> dict:
        """A copy of the counters: ``steps_captured``, ``steps_skipped``, ``files_written``,
        ``bytes_written``, ``hook_calls``, ``hook_seconds``, ``write_seconds``."""
        with self._lock:
            return dict(self._stats)

    # ----------------------------------------------------------------- hooks

    def attach(self) -> "RouterCapture":
        """Registers the forward hooks and creates ``out_dir``. Idempotent. The first call is
        collective under ``torch.distributed`` (session broadcast)."""
        if self._attached:
            return self
        if self._rank_override is not None:
            self.rank, self.world_size = self._rank_override
        else:
            self.rank, self.world_size = _dist.rank_and_world()
        if self._session is None:
            self._session = _dist.shared_session() if self._rank_override is None else _dist.new_session()
        os.makedirs(self.out_dir, exist_ok=True)
        for layer in self._layers:
            layer.handle = layer.module.register_forward_hook(self._make_hook(layer))
        self._attached = True
        return self

    def detach(self) -> None:
        """Removes the hooks. Idempotent. Data of an open step is kept and written when it closes."""
        for layer in self._layers:
            if layer.handle is not None:
                layer.handle.remove()
                layer.handle = None
        self._attached = False

    def __enter__(self):
        return self.attach()

    def __exit__(self, *exc):
        self.detach()
        return False

    def __del__(self):
        try:
            self.detach()
        except Exception:
            pass

    def _make_hook(self, layer: _Layer):
        def hook(module, inputs, output):
            if not self._recording:
                return None
            started = time.perf_counter()
            tensor = self._logits_tensor(layer, output)
            rows = self._rows(tensor, layer)
            with self._lock:
                if self._recording:
                    layer.chunks.append(rows)
                    self._stats["hook_calls"] += 1
                self._stats["hook_seconds"] += time.perf_counter() - started
            return None
        return hook

    def _logits_tensor(self, layer: _Layer, output) -> torch.Tensor:
        """The logits in a router output: the tensor itself, or the first tensor of a tuple/list
        whose last dimension is the number of experts (HF routers return
        ``(router_logits, scores, indices)``)."""
        if isinstance(output, torch.Tensor):
            candidates = [output]
        elif isinstance(output, (tuple, list)):
            candidates = [item for item in output if isinstance(item, torch.Tensor)]
        else:
            raise TypeError(f"router {layer.name!r} returned {type(output).__name__}; expected a tensor or a tuple of tensors")
        for tensor in candidates:
            if tensor.dim() >= 2 and (layer.experts is None or tensor.shape[-1] == layer.experts):
                if layer.experts is None:
                    if layer.top_k > tensor.shape[-1]:
                        raise ValueError(f"top_k {layer.top_k} exceeds the {tensor.shape[-1]} experts of router {layer.name!r}")
                    layer.experts = int(tensor.shape[-1])
                return tensor
        shapes = ", ".join(str(tuple(t.shape)) for t in candidates) or "no tensors"
        want = f"last dimension {layer.experts}" if layer.experts is not None else "at least 2 dimensions"
        raise ValueError(f"router {layer.name!r}: no output tensor with {want} (got {shapes})")

    def _rows(self, tensor: torch.Tensor, layer: _Layer) -> np.ndarray:
        """``[tokens, experts]`` CPU copy in the stored dtype, flattened per ``token_order``."""
        tensor = tensor.detach()
        if self.token_order == "sequence-major" and tensor.dim() >= 3:
            tensor = tensor.transpose(0, 1)
        tensor = tensor.reshape(-1, tensor.shape[-1])
        # copy=True: the model may later modify its tensor in place; we keep what it produced.
        return tensor.to(device="cpu", dtype=self._torch_dtype, copy=True).numpy()

    # ----------------------------------------------------------------- steps

    @contextlib.contextmanager
    def step(self, step: int):
        """Context of training step ``step``: router calls inside it are recorded if
        ``step % every == 0``, and written (one file per layer, atomically) on leaving it.
        If the body raises, the step's data are discarded and nothing is written."""
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise ValueError(f"step must be an integer >= 0, not {step!r}")
        if self._in_step:
            raise RuntimeError(f"step {step} opened inside step {self._current_step}; steps do not nest")
        sampled = step % self.every == 0
        self._in_step = True
        self._current_step = step
        for layer in self._layers:
            layer.chunks = []
        self._recording = sampled
        ok = False
        try:
            yield sampled
            ok = True
        finally:
            self._recording = False
            self._in_step = False
            self._current_step = None
            if not sampled:
                with self._lock:
                    self._stats["steps_skipped"] += 1
            chunks = [(layer, layer.chunks) for layer in self._layers]
            for layer in self._layers:
                layer.chunks = []
        if ok and sampled:
            self._write_step(step, chunks)

    def _write_step(self, step: int, chunks) -> None:
        started = time.perf_counter()
        files = 0
        size = 0
        try:
            for layer, parts in chunks:
                if not parts:
                    continue  # the router did not run in this step: no shard
                rows = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)
                if rows.shape[0] == 0:
                    continue
                folder = os.path.join(self.out_dir, layer_dir_name(layer.index))
                try:
                    os.makedirs(folder, exist_ok=True)
                except OSError as error:
                    raise CaptureWriteError(folder, f"cannot create the layer folder: {error}") from error
                stem = shard_stem(step, self.rank)
                npy_name = stem + ".npy"
                size += write_npy_atomic(os.path.join(folder, npy_name), rows.astype(rows.dtype.newbyteorder("<"), copy=False))
                files += 1
                sidecar = make_sidecar(
                    session=self._session, step=step, layer=layer.index, layer_name=layer.name,
                    rank=self.rank, world_size=self.world_size, tokens=rows.shape[0],
                    experts=rows.shape[1], top_k=layer.top_k, dtype=self.dtype,
                    token_order=self.token_order, file=npy_name, written_at=time.time())
                size += write_json_atomic(os.path.join(folder, stem + ".json"), sidecar)
                files += 1
        finally:
            with self._lock:
                self._stats["files_written"] += files
                self._stats["bytes_written"] += size
                self._stats["write_seconds"] += time.perf_counter() - started
                if files:
                    self._stats["steps_captured"] += 1

"""Reading capture folders back, with the checks the Swift reader (``rectify --trace DIR``) makes.

:func:`read_capture` is what tests and users call to get a layer's logits as one array
``[steps, tokens, experts]``, ranks merged GPU-major. :func:`scan_layer` is the lower level the
``inspect`` CLI uses: it validates every shard without loading logits and can collect problems
instead of raising, so one bad file does not hide the rest of a report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

from ._format import LAYER_DIR_RE, NPY_DTYPES, CaptureFormatError, check_sidecar

#: Keys that must agree between the shards of one step (docs/capture-format.md, "Merging ranks").
MERGE_KEYS = ("session", "step", "worldSize", "experts", "topK", "tokens")


@dataclass
class Shard:
    """One validated (sidecar, .npy) pair."""
    sidecar_path: str
    npy_path: str
    meta: dict
    npy_bytes: int


@dataclass
class Step:
    """The shards of one (session, step) of a layer; ``complete`` when all ranks are present."""
    session: str
    step: int
    world_size: int
    shards: dict = field(default_factory=dict)  # rank -> Shard

    @property
    def complete(self) -> bool:
        return len(self.shards) == self.world_size

    @property
    def written_at(self) -> float:
        return max(shard.meta["writtenAt"] for shard in self.shards.values())


def list_layers(capture_dir) -> list[tuple[int, str]]:
    """``[(layer number, folder path)]`` of the ``layer-NNN`` folders, by number."""
    capture_dir = os.fspath(capture_dir)
    if not os.path.isdir(capture_dir):
        raise CaptureFormatError(f"{capture_dir}: not a directory")
    found = []
    for name in os.listdir(capture_dir):
        match = LAYER_DIR_RE.match(name)
        path = os.path.join(capture_dir, name)
        if match and os.path.isdir(path):
            found.append((int(match.group(1)), path))
    found.sort()
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise CaptureFormatError(f"{capture_dir}: two folders for layer {dup}")
    return found


def _npy_header(path: str):
    """``(shape, fortran_order, dtype)`` from a .npy header without reading the data."""
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(handle)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    return header


def read_shard(sidecar_path: str, layer_number: int | None = None) -> Shard:
    """Parses and validates one sidecar and the header of the .npy it names.

    Raises :class:`CaptureFormatError` (a ``ValueError``) naming the file and the key."""
    try:
        with open(sidecar_path, "rb") as handle:
            meta = json.loads(handle.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CaptureFormatError(f"{sidecar_path}: unreadable sidecar: {error}") from error
    check_sidecar(meta, sidecar_path)
    if layer_number is not None and meta["layer"] != layer_number:
        raise CaptureFormatError(
            f"{sidecar_path}: key 'layer' is {meta['layer']}, but the folder is layer {layer_number}")
    npy_path = os.path.join(os.path.dirname(sidecar_path), meta["file"])
    if not os.path.isfile(npy_path):
        raise CaptureFormatError(f"{sidecar_path}: key 'file' names {meta['file']!r}, which does not exist")
    try:
        shape, fortran, dtype = _npy_header(npy_path)
    except (OSError, ValueError) as error:
        raise CaptureFormatError(f"{npy_path}: not a readable .npy file: {error}") from error
    expected_shape = (meta["tokens"], meta["experts"])
    if tuple(shape) != expected_shape:
        raise CaptureFormatError(
            f"{npy_path}: shape {tuple(shape)} does not match keys 'tokens' x 'experts' "
            f"{expected_shape} of {sidecar_path}")
    if dtype.str != NPY_DTYPES[meta["dtype"]]:
        raise CaptureFormatError(
            f"{npy_path}: dtype {dtype.str} does not match key 'dtype' {meta['dtype']!r} "
            f"(expects {NPY_DTYPES[meta['dtype']]}) of {sidecar_path}")
    if fortran and shape[0] > 1 and shape[1] > 1:
        raise CaptureFormatError(f"{npy_path}: Fortran order; the format requires C order")
    return Shard(sidecar_path, npy_path, meta, os.path.getsize(npy_path))


def scan_layer(folder: str, layer_number: int | None = None, errors: list | None = None) -> list[Step]:
    """Validates every sidecar of a layer folder and groups the shards into steps.

    Steps are returned ordered by step number, then by their latest ``writtenAt``. With
    ``errors`` given, bad files are appended to it (as :class:`CaptureFormatError`) and skipped;
    otherwise the first one raises. Dot files are temporary and ignored.
    """
    steps: dict = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith(".json"):
            continue
        path = os.path.join(folder, name)
        try:
            shard = read_shard(path, layer_number)
            meta = shard.meta
            key = (meta["session"], meta["step"])
            group = steps.get(key)
            if group is None:
                group = steps[key] = Step(meta["session"], meta["step"], meta["worldSize"])
            if meta["rank"] in group.shards:
                other = group.shards[meta["rank"]].sidecar_path
                raise CaptureFormatError(
                    f"{path}: key 'rank' {meta['rank']} of step {meta['step']} (session {meta['session']}) "
                    f"is also claimed by {other}")
            if group.shards:
                first = next(iter(group.shards.values()))
                for merge_key in MERGE_KEYS:
                    if meta[merge_key] != first.meta[merge_key]:
                        raise CaptureFormatError(
                            f"{path}: key '{merge_key}' is {meta[merge_key]!r}, but {first.sidecar_path} "
                            f"of the same step has {first.meta[merge_key]!r}")
            group.shards[meta["rank"]] = shard
        except CaptureFormatError as error:
            if errors is None:
                raise
            errors.append(error)
    return sorted(steps.values(), key=lambda s: (s.step, s.written_at, s.session))


def _choose_layer(capture_dir, layer):
    layers = list_layers(capture_dir)
    if not layers:
        raise CaptureFormatError(f"{capture_dir}: no layer-NNN folders; not a capture")
    if layer is None:
        return layers[0]
    if isinstance(layer, int) and not isinstance(layer, bool):
        for number, path in layers:
            if number == layer:
                return number, path
        raise CaptureFormatError(f"{capture_dir}: no layer {layer}; layers: {', '.join(str(n) for n, _ in layers)}")
    if isinstance(layer, str):
        names = []
        for number, path in layers:
            for name in sorted(os.listdir(path)):
                if name.endswith(".json") and not name.startswith("."):
                    try:
                        with open(os.path.join(path, name), "rb") as handle:
                            layer_name = json.load(handle).get("layerName")
                    except (OSError, ValueError, AttributeError):
                        continue
                    names.append(layer_name)
                    if layer_name == layer:
                        return number, path
                    break
        raise CaptureFormatError(f"{capture_dir}: no layer named {layer!r}; names: {', '.join(map(str, names))}")
    raise TypeError(f"layer must be an index, a layer name or None, not {type(layer).__name__}")


def read_capture(capture_dir, layer=None, *, session=None, allow_nonfinite=False):
    """Reads the complete steps of one layer of a capture.

    Args:
        capture_dir: the capture folder.
        layer: the layer index, its ``layerName``, or None for the lowest layer (as
            ``rectify run --trace DIR`` without ``--layer``).
        session: keep only this session's steps (default: all sessions).
        allow_nonfinite: accept NaN/Inf logits. The writer records whatever the model produced,
            but ``rectify`` rejects non-finite logits at replay, so by default this raises too.

    Returns:
        ``(steps, logits, meta)``: the step numbers of the complete steps (ordered by step, then
        by latest ``writtenAt``), an array ``[steps, worldSize * tokens, experts]`` with each
        step's ranks concatenated in rank order (GPU-major), and a dict with ``layer``,
        ``layerName``, ``experts``, ``topK``, ``worldSize``, ``tokensPerRank``, ``tokens``,
        ``dtype``, ``tokenOrder``, ``sessions`` (per returned step) and ``incompleteSteps``
        (``[(session, step, ranks present)]``).

    Raises:
        ValueError (:class:`CaptureFormatError`) naming the file and key of the first problem,
        or when the layer has no complete step or its steps differ in shape.
    """
    capture_dir = os.fspath(capture_dir)
    number, folder = _choose_layer(capture_dir, layer)
    groups = scan_layer(folder, number)
    if session is not None:
        groups = [g for g in groups if g.session == session]
    complete = [g for g in groups if g.complete]
    incomplete = [(g.session, g.step, sorted(g.shards)) for g in groups if not g.complete]
    if not complete:
        raise CaptureFormatError(f"{folder}: no complete step (every rank's sidecar with the same session and step)")

    reference = complete[0].shards[0]
    shape_keys = ("worldSize", "tokens", "experts", "topK", "tokenOrder", "layerName")
    for group in complete:
        for shard in group.shards.values():
            for key in shape_keys:
                if shard.meta[key] != reference.meta[key]:
                    raise CaptureFormatError(
                        f"{shard.sidecar_path}: key '{key}' is {shard.meta[key]!r}, but {reference.sidecar_path} "
                        f"has {reference.meta[key]!r}; steps of one layer must agree to be stacked")

    dtypes = {shard.meta["dtype"] for group in complete for shard in group.shards.values()}
    out_dtype = np.float16 if dtypes == {"float16"} else np.float32
    world = reference.meta["worldSize"]
    tokens = reference.meta["tokens"]
    experts = reference.meta["experts"]
    logits = np.empty((len(complete), world * tokens, experts), dtype=out_dtype)
    for i, group in enumerate(complete):
        for rank in range(world):
            shard = group.shards[rank]
            data = np.load(shard.npy_path, allow_pickle=False)
            if not allow_nonfinite:
                bad = np.argwhere(~np.isfinite(data))
                if bad.size:
                    token, expert = (int(v) for v in bad[0])
                    value = data[token, expert]
                    what = "NaN" if np.isnan(value) else ("-Inf" if value < 0 else "+Inf")
                    raise CaptureFormatError(
                        f"{shard.npy_path}: token {token}, expert {expert}: logit is {what}; "
                        "finite values required (rectify rejects them at replay)")
            logits[i, rank * tokens:(rank + 1) * tokens] = data
    meta = {
        "layer": number,
        "layerName": reference.meta["layerName"],
        "experts": experts,
        "topK": reference.meta["topK"],
        "worldSize": world,
        "tokensPerRank": tokens,
        "tokens": world * tokens,
        "dtype": "float16" if out_dtype == np.float16 else "float32",
        "tokenOrder": reference.meta["tokenOrder"],
        "sessions": [g.session for g in complete],
        "incompleteSteps": incomplete,
    }
    return [g.step for g in complete], logits, meta

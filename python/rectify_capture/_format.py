"""Names, constants and sidecar checks of capture format version 1 (docs/capture-format.md).

Kept in one module so the writer and the reader cannot drift apart: the writer builds sidecars
with :func:`make_sidecar` and the reader checks them with :func:`check_sidecar`, and both use the
same file-name helpers. The reader is deliberately as strict as the Swift reader of
``rectify run --trace DIR``, so a capture that passes :func:`rectify_capture.read_capture` also
replays there (except for non-finite logits, which only the replay rejects by default; see
``read_capture(allow_nonfinite=...)``).
"""

from __future__ import annotations

import math
import os
import re

FORMAT = "rectify-capture"
VERSION = 1
DTYPES = ("float32", "float16")
#: numpy dtype string of each sidecar ``dtype`` (the .npy is little-endian).
NPY_DTYPES = {"float32": "<f4", "float16": "<f2"}
TOKEN_ORDERS = ("batch-major", "sequence-major", "flat")

LAYER_DIR_RE = re.compile(r"^layer-(\d{3,})$")

#: Every key a version-1 sidecar must carry, in the order the writer emits them.
SIDECAR_KEYS = (
    "format", "version", "session", "step", "layer", "layerName", "rank", "worldSize",
    "tokens", "experts", "topK", "dtype", "tokenOrder", "file", "writtenAt",
)


def layer_dir_name(layer: int) -> str:
    """``layer-000``: the folder of router ``layer`` (3+ digits)."""
    return f"layer-{layer:03d}"


def shard_stem(step: int, rank: int) -> str:
    """``step-00000010.rank-00001``: the shared stem of a shard's .npy and sidecar."""
    return f"step-{step:08d}.rank-{rank:05d}"


class CaptureFormatError(ValueError):
    """A capture file breaks the format contract. The message starts with the file's path and
    names the offending key, so users can find and fix (or delete) the file."""


def _is_int(value) -> bool:
    # JSON true/false load as bool, which is an int subclass in Python: not an integer here.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def check_sidecar(meta, path: str) -> dict:
    """Validates a parsed sidecar against version 1 and returns it.

    Raises :class:`CaptureFormatError` naming ``path`` and the first bad key. Unknown keys are
    allowed (later versions may add some), as the contract says.
    """
    if not isinstance(meta, dict):
        raise CaptureFormatError(f"{path}: sidecar is not a JSON object")
    for key in SIDECAR_KEYS:
        if key not in meta:
            raise CaptureFormatError(f"{path}: missing key '{key}'")

    def bad(key, allowed):
        return CaptureFormatError(f"{path}: key '{key}' is {meta[key]!r}; expected {allowed}")

    if meta["format"] != FORMAT:
        raise bad("format", f"'{FORMAT}'")
    if not _is_int(meta["version"]) or meta["version"] != VERSION:
        raise bad("version", str(VERSION))
    if not isinstance(meta["session"], str):
        raise bad("session", "a string")
    for key in ("step", "layer"):
        if not _is_int(meta[key]) or meta[key] < 0:
            raise bad(key, "an integer >= 0")
    if not isinstance(meta["layerName"], str):
        raise bad("layerName", "a string")
    if not _is_int(meta["worldSize"]) or meta["worldSize"] < 1:
        raise bad("worldSize", "an integer >= 1")
    if not _is_int(meta["rank"]) or not 0 <= meta["rank"] < meta["worldSize"]:
        raise bad("rank", f"an integer from 0 to worldSize - 1 ({meta['worldSize'] - 1})")
    for key in ("tokens", "experts"):
        if not _is_int(meta[key]) or meta[key] < 1:
            raise bad(key, "an integer >= 1")
    if not _is_int(meta["topK"]) or not 1 <= meta["topK"] <= meta["experts"]:
        raise bad("topK", f"an integer from 1 to experts ({meta['experts']})")
    if meta["dtype"] not in DTYPES:
        raise bad("dtype", " or ".join(f"'{d}'" for d in DTYPES))
    if meta["tokenOrder"] not in TOKEN_ORDERS:
        raise bad("tokenOrder", ", ".join(f"'{t}'" for t in TOKEN_ORDERS))
    name = meta["file"]
    # A bare name: "relative to the sidecar's folder" is read as "in the sidecar's folder", as
    # the Swift reader does, so a sidecar can never point outside its layer folder.
    if (not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name
            or name != os.path.basename(name)):
        raise bad("file", "a file name in the sidecar's folder")
    if not _is_number(meta["writtenAt"]):
        raise bad("writtenAt", "a finite number (Unix seconds)")
    return meta


def make_sidecar(*, session, step, layer, layer_name, rank, world_size, tokens, experts,
                 top_k, dtype, token_order, file, written_at) -> dict:
    """The sidecar dict for one shard, keys in the documented order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": session,
        "step": int(step),
        "layer": int(layer),
        "layerName": layer_name,
        "rank": int(rank),
        "worldSize": int(world_size),
        "tokens": int(tokens),
        "experts": int(experts),
        "topK": int(top_k),
        "dtype": dtype,
        "tokenOrder": token_order,
        "file": file,
        "writtenAt": float(written_at),
    }

"""Atomic file writes, as docs/capture-format.md ("Writing atomically") requires.

A reader (``rectify --follow DIR``) may list the folder at any moment, so a file must never be
visible under its final name before it is complete. Each file is written to a temporary name
starting with ``.`` in the same folder (readers ignore dot files; same folder so the rename is a
same-filesystem atomic ``rename(2)``), flushed and ``fsync``ed, then ``os.replace``d over its final
name. On any failure the temporary file is removed and :class:`CaptureWriteError` names the final
path and the reason; the final name is then either absent or still holds its previous, complete
content.
"""

from __future__ import annotations

import json
import os
import uuid

import numpy as np


class CaptureWriteError(OSError):
    """Writing a capture file failed. ``path`` is the final file name that was not written."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: could not write capture file: {reason}")
        self.path = path
        self.reason = reason


def _fsync_dir(folder: str) -> None:
    """Makes the rename itself durable where the platform allows it (POSIX); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomic(path: str, write) -> int:
    """Calls ``write(file)`` on a fresh temporary file beside ``path``, then renames it over
    ``path``. Returns the bytes written."""
    folder, name = os.path.split(path)
    folder = folder or "."
    temp = os.path.join(folder, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "xb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            size = handle.tell()
        os.replace(temp, path)
    except BaseException as error:  # also KeyboardInterrupt: never leave the temp file behind
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        except OSError:
            pass
        if isinstance(error, Exception):
            reason = f"{type(error).__name__}: {error}"
            raise CaptureWriteError(path, reason) from error
        raise
    _fsync_dir(folder)
    return size


def write_npy_atomic(path: str, array: np.ndarray) -> int:
    """Writes ``array`` as a .npy file (``np.lib.format.write_array``) atomically."""
    array = np.ascontiguousarray(array)
    return _write_atomic(path, lambda handle: np.lib.format.write_array(handle, array, allow_pickle=False))


def write_json_atomic(path: str, obj) -> int:
    """Writes ``obj`` as UTF-8 JSON (two-space indent, trailing newline) atomically."""
    data = (json.dumps(obj, indent=2, allow_nan=False) + "\n").encode("utf-8")
    return _write_atomic(path, lambda handle: handle.write(data))

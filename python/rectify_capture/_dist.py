"""Rank, world size and the shared session id.

Every rank of a job must write the same ``session`` so readers can tell the shards of one job
from those of a restarted one (docs/capture-format.md, "Merging ranks"). Rank 0 draws the id and
``broadcast_object_list`` sends it to the others, which makes :meth:`RouterCapture.attach` a
collective call when ``torch.distributed`` is initialised: every rank must attach.
"""

from __future__ import annotations

import uuid


def new_session() -> str:
    """A fresh random session id: 16 hex digits."""
    return uuid.uuid4().hex[:16]


def _dist():
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover - torch builds without distributed
        return None
    if not dist.is_available() or not dist.is_initialized():
        return None
    return dist


def rank_and_world() -> tuple[int, int]:
    """``(rank, world size)`` from ``torch.distributed``, or ``(0, 1)`` when it is not in use."""
    dist = _dist()
    if dist is None:
        return 0, 1
    return dist.get_rank(), dist.get_world_size()


def shared_session() -> str:
    """A session id identical on all ranks: drawn by rank 0 and broadcast (collective), or a
    local one without ``torch.distributed``."""
    dist = _dist()
    if dist is None:
        return new_session()
    box = [new_session() if dist.get_rank() == 0 else None]
    dist.broadcast_object_list(box, src=0)
    return str(box[0])

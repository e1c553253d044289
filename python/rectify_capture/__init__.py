"""Capture the router logits of a PyTorch Mixture-of-Experts model for ``rectify --trace DIR``.

Rectify studies what capacity limits and rectification do to real routing decisions; this
package records those decisions (the router logits, per layer and step and rank) from a running
model in the folder format of docs/capture-format.md, which the Swift ``rectify`` replays::

    from rectify_capture import RouterCapture
    with RouterCapture(model, "capture/", every=10) as cap:
        for step, batch in enumerate(loader):
            with cap.step(step):
                loss = model(**batch).loss
            loss.backward(); optimizer.step(); optimizer.zero_grad()
    print(cap.stats)

Depends on numpy and torch only (reading needs numpy alone); Hugging Face models are recognised by class names, so
``transformers`` need not be importable. ``python -m rectify_capture inspect DIR`` summarises a
capture.
"""

from ._atomic import CaptureWriteError
from ._format import FORMAT, VERSION, CaptureFormatError
from .reader import list_layers, read_capture, scan_layer

# The reader and the CLI need numpy only; torch (slow to import, absent on many analysis
# machines) is imported on first use of the capture side.
_LAZY = {"RouterCapture": ".capture", "find_moe_routers": "._detect"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))

__all__ = [
    "RouterCapture",
    "find_moe_routers",
    "read_capture",
    "scan_layer",
    "list_layers",
    "CaptureFormatError",
    "CaptureWriteError",
    "FORMAT",
    "VERSION",
]
__version__ = "0.1.0"

"""``python -m rectify_capture inspect DIR``: what a capture folder holds, and what is wrong with it.

Meant for the moment before ``rectify run --trace DIR``: it lists each layer's router name,
complete and incomplete steps, ranks, shapes, dtypes, sessions and sizes, and every file that
breaks the format (with the reason), without loading the logits.

Exit status: 0 when every file is valid, 1 when some file is not (listed), 2 on usage errors or
when DIR is not a capture.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ._format import CaptureFormatError
from .reader import list_layers, scan_layer


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _ranges(values) -> str:
    """``0-4, 10, 20-30`` style summary of sorted integers."""
    values = sorted(values)
    if not values:
        return "-"
    parts, start, prev = [], values[0], values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    if len(parts) > 8:
        parts = parts[:4] + ["..."] + parts[-3:]
    return ", ".join(parts)


def inspect_capture(capture_dir: str) -> dict:
    """A JSON-able summary of the capture (used by the CLI)."""
    report = {"dir": capture_dir, "layers": [], "errors": []}
    for number, folder in list_layers(capture_dir):
        errors: list = []
        steps = scan_layer(folder, number, errors)
        report["errors"] += [str(e) for e in errors]
        shards = [s for step in steps for s in step.shards.values()]
        complete = [s for s in steps if s.complete]
        metas = [s.meta for s in shards]

        def values(key):
            return sorted({m[key] for m in metas}, key=str)

        report["layers"].append({
            "layer": number,
            "folder": os.path.basename(folder),
            "layerNames": values("layerName"),
            "completeSteps": [s.step for s in complete],
            "incompleteSteps": [{"session": s.session, "step": s.step, "ranks": sorted(s.shards),
                                 "worldSize": s.world_size} for s in steps if not s.complete],
            "worldSizes": values("worldSize"),
            "ranks": values("rank"),
            "tokensPerRank": values("tokens"),
            "experts": values("experts"),
            "topK": values("topK"),
            "dtypes": values("dtype"),
            "tokenOrders": values("tokenOrder"),
            "sessions": values("session"),
            "shards": len(shards),
            "npyBytes": sum(s.npy_bytes for s in shards),
            "invalidFiles": len(errors),
        })
    return report


def _print_report(report: dict, out) -> None:
    layers = report["layers"]
    print(f"capture {report['dir']}: {len(layers)} layer{'s' * (len(layers) != 1)}", file=out)
    total = 0
    for layer in layers:
        total += layer["npyBytes"]
        names = ", ".join(layer["layerNames"]) or "?"
        print(f"\n{layer['folder']}  {names}", file=out)
        joined = lambda key: ", ".join(map(str, layer[key])) or "-"
        complete = layer["completeSteps"]
        print(f"  complete steps   {len(complete)}  ({_ranges(complete)})", file=out)
        if layer["incompleteSteps"]:
            parts = [f"{s['step']} (ranks {_ranges(s['ranks'])} of {s['worldSize']})" for s in layer["incompleteSteps"][:5]]
            more = len(layer["incompleteSteps"]) - len(parts)
            print(f"  incomplete steps {len(layer['incompleteSteps'])}: {', '.join(parts)}{f', +{more} more' if more > 0 else ''}", file=out)
        print(f"  ranks            {_ranges(layer['ranks'])}  (world size {joined('worldSizes')})", file=out)
        tokens = layer["tokensPerRank"]
        world = layer["worldSizes"]
        shape = f"[{joined('tokensPerRank')}, {joined('experts')}] per rank"
        if len(tokens) == 1 and len(world) == 1:
            shape += f", [{tokens[0] * world[0]}, {joined('experts')}] per step"
        print(f"  shape            {shape}", file=out)
        print(f"  top-k            {joined('topK')}", file=out)
        print(f"  dtype            {joined('dtypes')}, token order {joined('tokenOrders')}", file=out)
        print(f"  sessions         {joined('sessions')}", file=out)
        print(f"  size             {layer['shards']} shards, {_size(layer['npyBytes'])}", file=out)
        if layer["invalidFiles"]:
            print(f"  invalid files    {layer['invalidFiles']}", file=out)
    print(f"\ntotal {_size(total)} of logits", file=out)
    if report["errors"]:
        print(f"\n{len(report['errors'])} invalid file(s):", file=out)
        for error in report["errors"]:
            print(f"  {error}", file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rectify_capture",
        description="Tools for rectify capture folders (router logits recorded by rectify_capture.RouterCapture; "
                    "format: docs/capture-format.md).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    inspect = commands.add_parser(
        "inspect", help="summarise a capture folder and list invalid files",
        description="Print each layer's router name, complete/incomplete steps, ranks, shapes, dtypes, sessions "
                    "and sizes, and every file that breaks the format. Exit status: 0 all valid, 1 invalid files "
                    "found, 2 not a capture.")
    inspect.add_argument("dir", metavar="DIR", help="the capture folder (holds layer-NNN folders)")
    inspect.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        report = inspect_capture(args.dir)
    except CaptureFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not report["layers"]:
        print(f"error: {args.dir}: no layer-NNN folders; not a capture", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report, sys.stdout)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

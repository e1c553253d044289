#!/usr/bin/env python3
"""Does rectification help a real (tiny) MoE language model? The paper's claim at small scale.

(a) ``train``: trains the TinyMoE LM of train_tinymoe.py with ``rectify_moe.RectifyMoE`` as
    every MoE layer (4 simulated GPUs, capacity factor 1.0): by default top-1 under vanilla, ir,
    fr, ir+fr and top-2 under vanilla and ir+fr (``--configs``), with the spec's ``topk`` or the
    Switch-style ``softmax`` gate normalisation (``--gate``), for several seeds; each run's
    held-out bits/byte is measured under the routing it was trained with. One process runs jobs
    one after the other; jobs are claimed through files, so two processes started side by side
    share the list.
(b) ``sweep``: evaluates a dropless top-2 checkpoint of train_tinymoe.py under every mode at
    capacity factors 0.5 ... 2.0, top-1 and top-2, plus its own dropless value, as the sweep
    ``--name`` (the preset's file name) with the preset's ``--about`` sentence.
``check-trace`` recomputes a checkpoint's layer-0 router logits on the capture batches and
compares them with a shipped capture (default: train_tinymoe.py's step-45 young.pt against
Presets/traces/tinymoe-young). ``report`` gathers everything into
python/demo/results/quality.json and one Presets/quality/<name>.json per sweep.
``--smoke`` runs the whole pipeline on a tiny model in seconds (for CI), into a scratch folder.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "python"))

import train_tinymoe as tt  # noqa: E402
from rectify_moe import MODES, RectifyMoE  # noqa: E402

GROUPS = 4
TRAIN_CONFIGS = [(1, "vanilla"), (1, "ir"), (1, "fr"), (1, "ir+fr"), (2, "vanilla"), (2, "ir+fr")]
GATES = ("topk", "softmax")
SWEEP_CFS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0]
SMOKE_MODEL = ["--d-model", "32", "--layers", "1", "--heads", "2", "--experts", "8", "--expert-hidden", "32",
               "--context", "32", "--batch", "8", "--warmup", "1"]


def model_args(extra: list[str]) -> argparse.Namespace:
    """train_tinymoe.py's own defaults, with overrides: the runs differ only in routing."""
    return tt.build_parser().parse_args(extra)


def moe_factory(top_k: int, cf: float, mode: str, gate: str = "topk"):
    """Builds RectifyMoE layers with the demo's expert shape, so checkpoints load either way;
    mode "dropless" is the demo's own MoE (no capacity), the reference the sweep starts from."""
    if mode == "dropless":
        return None

    def make(cfg: tt.ModelConfig) -> RectifyMoE:
        return RectifyMoE(cfg.d_model, ffn=cfg.expert_hidden, num_experts=cfg.experts, top_k=top_k,
                          capacity_factor=cf, mode=mode, drop_policy="score", num_groups=GROUPS, gate=gate)
    return make


def set_routing(model: tt.TinyMoE, top_k: int, cf: float, mode: str) -> None:
    for blk in model.blocks:
        blk.moe.top_k, blk.moe.capacity_factor, blk.moe.mode = top_k, cf, mode


def eval_batches(corpus: tt.Corpus, count: int, batch: int, context: int) -> list[torch.Tensor]:
    """The same held-out batches for every run and seed (seed 0's draw), so runs compare paired."""
    return tt.heldout_eval_batches(corpus, 0, count, batch, context)


class RoutingTally:
    """Sums every MoE layer's step figures while it is active: how much each point dropped,
    recovered and filled, over all layers and evaluation batches."""

    KEYS = ("requested", "kept", "dropped", "recovered", "irTokens", "filled", "slots", "residualPadding",
            "coveredTokens", "tokens")

    def __init__(self, model: tt.TinyMoE):
        self.model, self.sums, self.hooks = model, dict.fromkeys(self.KEYS, 0), []

    def __enter__(self):
        def add(module, _inputs, _output):
            for k in self.KEYS:
                self.sums[k] += module.last_figures[k]
        self.hooks = [blk.moe.register_forward_hook(add) for blk in self.model.blocks]
        return self

    def __exit__(self, *exc):
        for h in self.hooks:
            h.remove()

    def rates(self) -> dict:
        s = self.sums
        return {"dropRate": round(s["dropped"] / s["requested"], 4),
                "unrecoveredRate": round((s["dropped"] - s["recovered"]) / s["requested"], 4),
                "paddingRate": round(s["residualPadding"] / s["slots"], 4),
                "uncoveredTokens": round(1 - s["coveredTokens"] / s["tokens"], 4)}


def claim(path: Path) -> bool:
    """Creates ``path`` exclusively: the one process that succeeds runs the job."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def run_name(top_k: int, mode: str, seed: int, gate: str = "topk", steps: int = 100) -> str:
    """The first runs (topk gate, 100 steps) keep their names; other gates and lengths are named."""
    tag = ("" if gate == "topk" else f"-{gate}") + ("" if steps == 100 else f"-{steps}steps")
    return f"top{top_k}-{mode.replace('+', '')}-cf1{tag}-seed{seed}"


def train_one(corpus, evals, out: Path, top_k: int, mode: str, seed: int, steps: int, extra: list[str],
              gate: str = "topk") -> dict:
    args = model_args(extra + ["--seed", str(seed), "--steps", str(steps), "--top-k", str(top_k),
                               "--eval-every", str(10 ** 9), "--eval-batches", "2"])
    work = out / "runs" / run_name(top_k, mode, seed, gate, steps)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    make = moe_factory(top_k, 1.0, mode, gate)
    summary = tt.train(args, corpus, work, make_moe=make)
    model = tt.TinyMoE(tt.ModelConfig(**torch.load(work / "trained.pt", weights_only=False)["config"]), make)
    model.load_state_dict(torch.load(work / "trained.pt", weights_only=False)["state"])
    bpb = tt.bits_per_byte(model, evals)
    minutes = (time.perf_counter() - t0) / 60
    return {"scheme": mode, "topK": top_k, "capacityFactor": 1.0, "gate": gate, "seed": seed, "steps": steps,
            "bitsPerByte": bpb, "minutes": minutes, "trainSeconds": summary["wallSeconds"],
            "trainEvalBitsPerByte": summary["bitsPerByte"]["trained"]}


def cmd_train(a, corpus, evals, extra) -> None:
    """Runs every unclaimed (seed, config) job, seeds first so that whole seeds finish first;
    ``--dropless-first`` starts with the dropless top-2 run of the first seed (the sweep's model)."""
    runs = a.out / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    jobs = [(seed, top_k, mode) for seed in a.seeds for top_k, mode in a.configs]
    if a.dropless_first:
        jobs.insert(0, (a.seeds[0], 2, "dropless"))
    done = 0
    for seed, top_k, mode in jobs:
        name = run_name(top_k, mode, seed, a.gate, a.steps)
        if done == a.jobs or not claim(runs / f"{name}.claim"):
            continue
        done += 1
        print(f"[{time.strftime('%H:%M:%S')}] train {name} ({a.steps} steps)", flush=True)
        res = train_one(corpus, evals, a.out, top_k, mode, seed, a.steps, extra, a.gate)
        (runs / f"{name}.json").write_text(json.dumps(res, indent=2))
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {res['bitsPerByte']:.4f} bits/byte, "
              f"{res['minutes']:.1f} min", flush=True)


def cmd_sweep(a, corpus, evals) -> dict:
    """Every (top-k, cf, mode) point on one checkpoint, plus the checkpoint's dropless value."""
    ck = torch.load(a.checkpoint, weights_only=False)
    cfg = tt.ModelConfig(**ck["config"])
    dense = tt.TinyMoE(cfg)
    dense.load_state_dict(ck["state"])
    t0 = time.perf_counter()
    dropless = tt.bits_per_byte(dense, evals)
    model = tt.TinyMoE(cfg, moe_factory(cfg.top_k, 1.0, "vanilla"))
    model.load_state_dict(ck["state"])
    points = []
    for top_k in (1, 2):
        for cf in SWEEP_CFS:
            for mode in MODES:
                set_routing(model, top_k, cf, mode)
                with RoutingTally(model) as tally:
                    value = tt.bits_per_byte(model, evals)
                points.append({"topK": top_k, "capacityFactor": cf, "dropPolicy": "score", "mode": mode,
                               "value": value, "routing": tally.rates()})
                print(f"  top-{top_k} cf {cf} {mode}: {value:.4f} {tally.rates()}", flush=True)
    res = {"name": a.name, "about": a.about, "checkpoint": str(a.checkpoint), "checkpointStep": ck.get("step"),
           "checkpointSeed": ck.get("seed"), "checkpointHeldoutBitsPerByte": ck.get("heldoutBitsPerByte"),
           "dropless": dropless, "points": points, "minutes": (time.perf_counter() - t0) / 60,
           "evalBatches": len(evals), "evalBytes": int(sum(x[:, 1:].numel() for x in evals))}
    (a.out / f"sweep-{a.name}.json").write_text(json.dumps(res, indent=2))
    print(f"sweep: dropless {dropless:.4f} bits/byte, {len(points)} points in {res['minutes']:.1f} min", flush=True)
    return res


def cmd_balance(a, evals) -> None:
    """Each trained top-1 run's router balance: the share of assignments vanilla top-1 routing at
    cf 1.0 drops (all layers, the first 4 held-out batches), stored as ``routerDropRateCf1``."""
    for path in sorted((a.out / "runs").glob("top1-*.json")):
        ck_path = a.out / "runs" / path.stem / "trained.pt"
        if not ck_path.exists():
            continue
        ck = torch.load(ck_path, weights_only=False)
        model = tt.TinyMoE(tt.ModelConfig(**ck["config"]), moe_factory(1, 1.0, "vanilla"))
        model.load_state_dict(ck["state"])
        with RoutingTally(model) as tally:
            tt.bits_per_byte(model, evals[:4])
        run = json.loads(path.read_text())
        run["routerDropRateCf1"] = tally.rates()["dropRate"]
        path.write_text(json.dumps(run, indent=2))
        print(f"{path.stem}: vanilla top-1 cf 1.0 drops {run['routerDropRateCf1']:.4f}", flush=True)


def layer0_logits(model: tt.TinyMoE, batches: list[torch.Tensor]) -> np.ndarray:
    """The first router's logits for each batch, batch-major tokens, like the capture hook."""
    seen = []
    hook = model.blocks[0].moe.gate.register_forward_hook(lambda m, i, o: seen.append(o.detach().numpy()))
    with torch.no_grad():
        for x in batches:
            model(x)
    hook.remove()
    return np.stack(seen)


def cmd_check_trace(a) -> dict:
    """Recomputes the capture of train_tinymoe.py (rank r's shard and batches) and compares."""
    model, ck = tt.load_model(a.checkpoint)
    targs = model_args([])
    corpus = tt.build_corpus(targs.heldout_every)
    trace = tt.load_trace(a.trace)[0]["steps"]          # list of [ranks, tokens, experts] float16
    world = trace[0].shape[0]
    worst, equal, total = 0.0, 0, 0
    for rank in range(world):
        shard, _ = tt.rank_shard(corpus, rank, world)
        rng = np.random.default_rng(targs.seed * 1000 + 17 + rank)
        batches = [tt.sample_windows(shard, rng, targs.capture_batch, model.cfg.context)[:, :-1]
                   for _ in range(len(trace))]
        got = layer0_logits(model, batches).reshape(len(trace), -1, model.cfg.experts).astype(np.float16)
        want = np.stack([step[rank] for step in trace])
        worst = max(worst, float(np.abs(got.astype(np.float32) - want.astype(np.float32)).max()))
        equal += int((got == want).sum())
        total += got.size
    res = {"checkpoint": str(a.checkpoint), "trace": str(a.trace), "steps": len(trace), "ranks": world,
           "valuesEqual": equal, "values": total, "identical": equal == total, "maxAbsDifference": worst}
    print(f"layer-0 logits vs {a.trace}: {equal}/{total} float16 values equal, max |diff| {worst:g}", flush=True)
    (a.out / "trace-check.json").write_text(json.dumps(res, indent=2))
    return res


def spread(values: list[float]) -> dict:
    v = np.array(values, dtype=float)
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max()), "n": len(v)}


GATE_NOTES = {
    "topk": "Spec default gate normalisation (weights renormalised over the chosen experts). Not a fair "
            "training comparison for top-1: a kept or IR-recovered top-1 token has weight exp(a)/exp(a) = 1, "
            "so the top-1 router gets no gradient from the language-model loss (only from the 0.01 balancing "
            "loss); only FR's filled tokens (weight below 1) give it one.",
    "softmax": "Switch-style gate normalisation (weight = the softmax probability of the expert over all "
               "experts), so the top-1 router learns from the language-model loss under every mode.",
}


def load_runs(out: Path) -> list[dict]:
    runs = [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*.json"))]
    for r in runs:
        r.setdefault("gate", "topk")   # the first runs were all topk-gate runs
    return runs


def summarize(runs: list[dict]) -> list[dict]:
    summary = []
    for gate in GATES:
        for steps in sorted({r["steps"] for r in runs}):
            for top_k, mode in TRAIN_CONFIGS:
                sel = [r for r in runs if (r["gate"], r["steps"], r["topK"], r["scheme"]) == (gate, steps, top_k, mode)]
                if sel:
                    summary.append({"scheme": mode, "topK": top_k, "capacityFactor": 1.0, "gate": gate, "steps": steps,
                                    **spread([r["bitsPerByte"] for r in sel]),
                                    "seeds": sorted(r["seed"] for r in sel)})
                    if all("routerDropRateCf1" in r for r in sel):
                        summary[-1]["routerDropRateCf1Mean"] = float(np.mean([r["routerDropRateCf1"] for r in sel]))
    return summary


def default_about(sweep: dict) -> str:
    return (f"Held-out bits/byte ({sweep['evalBytes']} bytes) of the TinyMoE byte-level LM of train_tinymoe.py "
            f"(top-2, trained dropless for {sweep['checkpointStep']} steps, seed {sweep['checkpointSeed']}, "
            f"checkpoint {Path(sweep['checkpoint']).name}) with every MoE layer routed by rectify_moe.RectifyMoE "
            f"on {GROUPS} simulated GPUs at each point, measured by python/demo/quality.py.")


def cmd_report(a) -> dict:
    """Writes the results file and one preset file per sweep (the schema the Swift side reads)."""
    runs = load_runs(a.out)
    sweeps = {}
    for path in sorted(a.out.glob("sweep-*.json")):
        sw = json.loads(path.read_text())
        sweeps[sw["name"]] = sw
    check_path = a.out / "trace-check.json"
    summary = summarize(runs)
    result = {
        "about": "TinyMoE byte-level LM (python/demo/train_tinymoe.py model) with rectify_moe.RectifyMoE layers, "
                 f"{GROUPS} simulated GPUs, score drop policy; held-out bits/byte; made by python/demo/quality.py",
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version(), "torchThreads": 1,
                    "gpu": None, "note": a.machine_note},
        "torch": torch.__version__, "numpy": np.__version__, "groups": GROUPS,
        "gateNotes": {g: GATE_NOTES[g] for g in GATES if any(r["gate"] == g for r in runs)},
        "runs": runs, "summary": summary, "sweeps": sweeps,
        "traceCheck": json.loads(check_path.read_text()) if check_path.exists() else None,
    }
    results_path = a.results or a.out / "quality.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(result, indent=2) + "\n")
    presets_dir = a.presets_dir or a.out
    presets_dir.mkdir(parents=True, exist_ok=True)
    for name, sweep in sweeps.items():
        preset = {
            "about": sweep.get("about") or default_about(sweep),
            "metric": "bitsPerByte", "lowerIsBetter": True, "dropless": round(sweep["dropless"], 4),
            "points": [{"topK": p["topK"], "capacityFactor": p["capacityFactor"], "dropPolicy": p["dropPolicy"],
                        "mode": p["mode"], "value": round(p["value"], 4)} for p in sweep["points"]],
        }
        (presets_dir / f"{name}.json").write_text(json.dumps(preset, indent=2) + "\n")
        print(f"wrote {presets_dir / (name + '.json')}", flush=True)
    print(f"wrote {results_path}", flush=True)
    print_tables(summary, runs, sweeps)
    return result


def print_tables(summary: list[dict], runs: list[dict], sweeps: dict) -> None:
    """Markdown tables for the README: training per gate and scheme, and each sweep against vanilla."""
    base = {(s["gate"], s["steps"], s["topK"]): s["mean"] for s in summary if s["scheme"] == "vanilla"}
    print("| gate | steps | routing in training | seeds | bits/byte mean | std | min - max | vs vanilla (same gate, steps, k) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in summary:
        key = (s["gate"], s["steps"], s["topK"])
        rel = (s["mean"] / base[key] - 1) * 100 if key in base else float("nan")
        print(f"| {s['gate']} | {s['steps']} | top-{s['topK']} {s['scheme']} | {s['n']} | {s['mean']:.4f} | {s['std']:.4f} | "
              f"{s['min']:.4f} - {s['max']:.4f} | {rel:+.2f} % |")
    for gate, steps in sorted({(r["gate"], r["steps"]) for r in runs}):
        cfgs = [(k, m) for k, m in TRAIN_CONFIGS if any((r["gate"], r["steps"], r["topK"], r["scheme"]) ==
                                                         (gate, steps, k, m) for r in runs)]
        seeds = sorted({r["seed"] for r in runs if (r["gate"], r["steps"]) == (gate, steps)})
        print(f"\n{gate} gate, {steps} steps:\n| seed | " + " | ".join(f"top-{k} {m}" for k, m in cfgs) + " |")
        print("| --- |" + " --- |" * len(cfgs))
        for seed in seeds:
            cells = []
            for k, m in cfgs:
                v = [r["bitsPerByte"] for r in runs
                     if (r["gate"], r["steps"], r["seed"], r["topK"], r["scheme"]) == (gate, steps, seed, k, m)]
                cells.append(f"{v[0]:.4f}" if v else "-")
            print(f"| {seed} | " + " | ".join(cells) + " |")
    for name, sweep in sweeps.items():
        print(f"\nsweep {name} (dropless {sweep['dropless']:.4f}):")
        print("| top-k | cf | vanilla | ir | fr | ir+fr | vanilla drop rate | ir+fr uncovered | ir+fr padding |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for k in (1, 2):
            for cf in SWEEP_CFS:
                pts = {p["mode"]: p for p in sweep["points"] if p["topK"] == k and p["capacityFactor"] == cf}
                van = pts["vanilla"]["value"]
                cells = [f"{van:.4f}"] + [f"{pts[m]['value']:.4f} ({(pts[m]['value'] / van - 1) * 100:+.2f} %)"
                                         for m in ("ir", "fr", "ir+fr")]
                r_v, r_b = pts["vanilla"].get("routing", {}), pts["ir+fr"].get("routing", {})
                print(f"| {k} | {cf} | " + " | ".join(cells) + f" | {r_v.get('dropRate', float('nan')):.3f} | "
                      f"{r_b.get('uncoveredTokens', float('nan')):.3f} | {r_b.get('paddingRate', float('nan')):.3f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs="?", choices=["train", "sweep", "check-trace", "balance", "report", "all"], default="all")
    ap.add_argument("--smoke", action="store_true", help="tiny model, few steps, into --out (CI-sized)")
    ap.add_argument("--out", type=Path, default=None,
                    help="scratch folder (default /tmp/quality-py/quality; a new temporary folder with --smoke)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--gate", choices=GATES, default="topk",
                    help="gate normalisation in training (spec section 6; softmax gives top-1 routers a gradient)")
    ap.add_argument("--configs", default=",".join(f"{k}:{m}" for k, m in TRAIN_CONFIGS),
                    help="top-k:mode pairs to train, comma-separated")
    ap.add_argument("--steps", type=int, default=100, help="training steps per run (train_tinymoe.py: 1500)")
    ap.add_argument("--warmup", type=int, default=10, help="warm-up steps (train_tinymoe.py: 50 of 1500)")
    ap.add_argument("--eval-batches", type=int, default=16, help="held-out batches of 16 x 128 bytes")
    ap.add_argument("--jobs", type=int, default=-1, help="stop after this many runs (-1: no limit)")
    ap.add_argument("--dropless-first", action="store_true", help="train the sweep's dropless model first")
    ap.add_argument("--sweep-batches", type=int, default=8, help="the first N of those batches for the sweep")
    ap.add_argument("--checkpoint", type=Path, default=Path("/tmp/rectify-tinymoe/young.pt"),
                    help="dropless top-2 checkpoint for sweep / check-trace (train_tinymoe.py's step-45 young.pt)")
    ap.add_argument("--trace", type=Path, default=REPO / "Presets" / "traces" / "tinymoe-young")
    ap.add_argument("--name", default="tinymoe-young",
                    help="the sweep's name: the preset is Presets/quality/<name>.json")
    ap.add_argument("--about", default=None, help="the preset's one-sentence about (default: built from the checkpoint)")
    ap.add_argument("--results", type=Path, default=None,
                    help="results JSON (default python/demo/results/quality.json; in --out with --smoke)")
    ap.add_argument("--presets-dir", type=Path, default=None,
                    help="where the sweeps' presets go (default Presets/quality; --out with --smoke)")
    ap.add_argument("--machine-note", default="")
    a = ap.parse_args(argv)
    a.seeds = [int(s) for s in a.seeds.split(",")]
    a.configs = [(int(c.split(":")[0]), c.split(":")[1]) for c in a.configs.split(",")]
    if a.out is None:
        a.out = Path(tempfile.mkdtemp(prefix="rectify-quality-smoke-")) if a.smoke else Path("/tmp/quality-py/quality")
    if not a.smoke:   # only a real run may replace the shipped files
        a.results = a.results or HERE / "results" / "quality.json"
        a.presets_dir = a.presets_dir or REPO / "Presets" / "quality"
    torch.set_num_threads(1)
    a.out.mkdir(parents=True, exist_ok=True)
    extra = SMOKE_MODEL if a.smoke else ["--warmup", str(a.warmup)]
    margs = model_args(extra)
    corpus = tt.build_corpus(margs.heldout_every)
    evals = eval_batches(corpus, 1 if a.smoke else a.eval_batches, margs.batch, margs.context)
    if a.smoke:
        # A dropless checkpoint of the tiny model stands in for train_tinymoe.py's.
        a.steps, a.seeds = 3, [0]
        dense_dir = a.out / "dropless"
        dense_dir.mkdir(exist_ok=True)
        tt.train(model_args(extra + ["--steps", "3", "--eval-every", "1000", "--eval-batches", "1"]), corpus, dense_dir)
        a.checkpoint = dense_dir / "trained.pt"
        a.name = "tinymoe-smoke"
    if a.command in ("train", "all"):
        cmd_train(a, corpus, evals, extra)
        if a.smoke:   # the softmax gate too, top-1 only, as in the shipped runs
            a.gate, a.configs = "softmax", TRAIN_CONFIGS[:4]
            cmd_train(a, corpus, evals, extra)
    if a.command in ("sweep", "all"):
        cmd_sweep(a, corpus, evals[:a.sweep_batches])
    if a.command == "check-trace":
        cmd_check_trace(a)
    if a.command == "balance":
        cmd_balance(a, evals)
    if a.command in ("report", "all"):
        cmd_report(a)


if __name__ == "__main__":
    main()

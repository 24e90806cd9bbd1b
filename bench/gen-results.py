#!/usr/bin/env python3
"""Writes a results corpus for the benchmark (issue 18): the own job's project with N
partners, and results/events.csv holding M events through the links refkit issues to
them, in refkit's own format.

    python3 bench/gen-results.py --partners 1000 --events 1000000 --out /tmp/results-1000
    python3 bench/gen-results.py --partners 24 --events 5000 --out /tmp/r --refkit PATH

The project is bench.py's own-job project (`write_own_project`: the peer corpus's
stories, the repository's theme, pitch copy and banners, a generated registry). The
links come from refkit itself: the registry's partners fall into a few shapes (market,
stage, tier, channels), every partner of a shape gets the same channels and assets, so
one build of a partner per shape (`refkit build --partners id=...`, into a temporary
folder) gives every issued (channel, asset); `--links` takes a full build's links.csv
instead. The events follow scripts/demo-results.py (the same funnel, plan prices,
conversion and decision times per market; weights per link), spread over 2026-06-01 to
2026-11-30 in proportion to the weekday, partners drawing traffic by stage and tier.
Exactly M rows; rows are in date order, and one visitor's rows in funnel order.

At the end site.yaml names the file under `results:` (RESULTS_ENTRY), so only a refkit
that reads results builds the project. Deterministic (`--seed`); standard library only.
"""

import argparse
import bisect
import csv
import datetime
import importlib.util
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (bench.py beside this file)


def _load_demo():
    spec = importlib.util.spec_from_file_location(
        "demo_results", os.path.join(bench.REPO, "scripts", "demo-results.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _load_demo()

# What site.yaml gains once the events are written.
RESULTS_ENTRY = "results:\n  - file: results/events.csv\n    format: refkit\n"


def shape(partner):
    return (partner["market"], partner["stage"], partner["tier"], tuple(partner["channels"]))


def issued_links(root, partners, refkit, links_csv=None):
    """Every partner's issued (channel, asset) pairs: from links_csv when given, else
    from one build of a partner per shape."""
    if links_csv is None:
        first = {}
        for p in partners:
            first.setdefault(shape(p), p["id"])
        with tempfile.TemporaryDirectory(prefix="refkit-gen-results-") as out:
            build = subprocess.run([refkit, "build", "--root", root, "--out", os.path.join(out, "public"),
                                    "--manifest", os.path.join(out, "manifest"),
                                    "--partners", "id=" + ",".join(sorted(first.values()))],
                                   capture_output=True, text=True, env=dict(os.environ, REFKIT_SECRET="bench"))
            if build.returncode != 0:
                raise SystemExit(f"{refkit} could not build {root} to learn its links:\n{build.stderr}")
            by_id = demo.read_links(os.path.join(out, "manifest", "links.csv"))
        by_shape = {s: by_id.get(pid, set()) for s, pid in first.items()}
        return {p["id"]: by_shape[shape(p)] for p in partners}
    return demo.read_links(links_csv)


def write_events(path, partners, issued, events, seed):
    """Exactly `events` rows. Each day gets its share of the total (weekdays more); a
    day's visitors are drawn until the events written so far, later ones of those
    visitors included, reach that day's running total."""
    rng = random.Random(seed)
    days = [demo.FIRST + datetime.timedelta(days=i) for i in range((demo.LAST - demo.FIRST).days + 1)]
    day_weight = [1.0 if d.weekday() < 5 else 0.45 for d in days]
    total_weight = sum(day_weight)
    cum_partner, acc = [], 0.0
    for p in partners:
        acc += demo.STAGE[p["stage"]] * demo.TIER[p["tier"]]
        cum_partner.append(acc)
    links = {}
    for p in partners:
        pairs, weights = demo.sources(p, issued)
        links[p["id"]] = (pairs, list(_cumulate(weights)))
    due = {m: rng.random() for m in demo.MARKETS}
    delays = {m: demo.Delays(rng, demo.MARKETS[m]["median_days"]) for m in demo.MARKETS}
    buckets = [[] for _ in days]
    written, visitor, share = 0, 0, 0.0
    for i, day in enumerate(days):
        share += day_weight[i]
        target = events if i == len(days) - 1 else round(events * share / total_weight)
        while written < target:
            p = partners[bisect.bisect_left(cum_partner, rng.random() * acc)]
            pairs, cum = links[p["id"]]
            channel, asset = pairs[bisect.bisect_left(cum, rng.random() * cum[-1])]
            market = demo.MARKETS[p["market"]]
            delay = None
            due[p["market"]] += market["convert"]
            if due[p["market"]] >= 1.0:
                due[p["market"]] -= 1.0
                delay = delays[p["market"]].next()
            visitor += 1
            rows = demo.visit(rng, p["code"], channel, asset, f"V{visitor:07d}", day, market, delay)
            rows = rows[: target - written] if i == len(days) - 1 else rows
            for r in rows:
                buckets[(r[0] - demo.FIRST).days].append(
                    f"{r[0].isoformat()},{r[1]},{r[2]},{r[3]},{r[4]},{r[5]},{r[6]},{r[7]}\n")
            written += len(rows)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("date,code,channel,asset,event,customer,amount,currency\n")
        for bucket in buckets:
            f.writelines(bucket)
    return written, visitor


def _cumulate(weights):
    acc = 0.0
    for w in weights:
        acc += w
        yield acc


def generate(out, partners, events, stories=20, banners=1, refkit=None, links_csv=None, seed=demo.SEED):
    """Writes the project and its events into out (new or empty); returns the number
    of events and visitors."""
    if os.path.isdir(out) and os.listdir(out):
        raise SystemExit(f"{out} is not empty: give a new folder")
    refkit = refkit or bench.REFKIT
    if links_csv is None and not os.access(refkit, os.X_OK):
        raise SystemExit(f"no refkit binary at {refkit}: pass --refkit PATH or --links links.csv")
    bench.write_own_project(out, partners, stories, banners)
    registry = demo.read_registry(os.path.join(out, "content", "partners.yaml"))
    issued = issued_links(out, registry, refkit, links_csv)
    written, visitors = write_events(os.path.join(out, "results", "events.csv"), registry, issued, events, seed)
    with open(os.path.join(out, "site.yaml"), "a", encoding="utf-8") as f:
        f.write(RESULTS_ENTRY)
    return written, visitors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partners", type=int, default=1000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--out", required=True, help="a new or empty folder for the project")
    ap.add_argument("--stories", type=int, default=20, help="stories per language (default 20)")
    ap.add_argument("--banners", type=int, default=1, help="banner templates (default 1)")
    ap.add_argument("--refkit", help=f"the refkit binary that issues the links (default {bench.REFKIT})")
    ap.add_argument("--links", help="a full build's links.csv, instead of building a partner per shape")
    ap.add_argument("--seed", type=int, default=demo.SEED)
    args = ap.parse_args()
    written, visitors = generate(args.out, args.partners, args.events, args.stories, args.banners,
                                 args.refkit, args.links, args.seed)
    path = os.path.join(args.out, "results", "events.csv")
    with open(path, encoding="utf-8", newline="") as f:
        kinds = {}
        for row in csv.DictReader(f):
            kinds[row["event"]] = kinds.get(row["event"], 0) + 1
    print(f"wrote {args.out}: {args.partners} partners, {written} events of {visitors} visitors "
          f"({', '.join(f'{k} {kinds.get(k, 0)}' for k in demo.ORDER)}), "
          f"{os.path.getsize(path) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()

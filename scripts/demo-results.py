#!/usr/bin/env python3
"""Writes the demo's results: six months of events a tracking side could export for
Polar Ledger's partners, in refkit's own CSV format (issue 18).

    REFKIT_SECRET=demo refkit build --out public --manifest manifest   # issues the links
    python3 scripts/demo-results.py [manifest/links.csv] [--out results/events.csv]

The registry (content/partners.yaml: market, code, stage, tier, channels, start) says
who sends traffic and how much; links.csv says through which links: every event
carries the channel (utm_medium) and asset (utm_content) of a link refkit issued to
that partner, mostly pitch copy, cadence posts, short links, QR codes and the
microsite's hero. The file covers 2026-06-01 to 2026-11-30:

- clicks on every channel of every partner from its start; ambassadors and large
  partners send more, pilots and small ones less; weekdays more than weekends;
- a visitor may click again, sign up (a trial), become a paying customer and pay
  monthly (US plan 49 USD, Russian plan 2,990 RUB) until it churns; a few payments are
  refunded, and that customer leaves;
- the Russian market converts about 23% better (clicks to customers) and decides about
  40% more slowly (first click to first payment: median about 12 days in the US, 17 in
  Russia).

Every event of a visitor carries its visitor id and the link of its first click. The
output is deterministic (a fixed seed, no clock): the same inputs give the same bytes.
Prints a summary per market. Python 3 standard library only.
"""

import argparse
import csv
import datetime
import math
import os
import random
import statistics
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20260601
FIRST = datetime.date(2026, 6, 1)
LAST = datetime.date(2026, 11, 30)
COHORT_END = datetime.date(2026, 10, 31)

# Per market: the monthly plan, the chance a visitor becomes a paying customer, the
# chance one who does not still opens a trial, the median days from the first click
# to the first payment, and the monthly churn of paying customers.
MARKETS = {
    "us": {"currency": "USD", "price": "49.00", "convert": 0.045, "trial": 0.06, "median_days": 12.0, "churn": 0.04},
    "ru": {"currency": "RUB", "price": "2990.00", "convert": 0.045 * 1.23, "trial": 0.07, "median_days": 17.0, "churn": 0.03},
}
# Clicks per day of an active, medium partner, and the factors of the others.
BASE_CLICKS = 2.4
STAGE = {"pilot": 0.5, "active": 1.0, "ambassador": 2.0}
TIER = {"small": 0.6, "medium": 1.0, "large": 1.6}
REFUND_RATE = 0.03
# Every event kind in the order refkit's funnel has them, to sort one day's events.
ORDER = {"click": 0, "signup": 1, "customer": 2, "payment": 3, "refund": 4}


def read_registry(path):
    """The partners of content/partners.yaml: a small reader for its flat shape (a
    list of mappings with scalar and `[a, b]` values; nested blocks are skipped)."""
    partners, current = [], None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split(" #", 1)[0].rstrip()
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            text = line.strip()
            if text.startswith("- ") and indent == 2:
                current = {}
                partners.append(current)
                text = text[2:]
            elif current is None or indent != 4:
                continue
            key, _, value = text.partition(":")
            value = value.strip().strip('"')
            if value.startswith("["):
                value = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
            current[key.strip()] = value
    return partners


def read_links(path):
    """(channel, asset) pairs refkit issued to each partner, from links.csv."""
    issued = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            issued.setdefault(row["partner"], set()).add((row["channel"], row["asset"]))
    return issued


def weight(channel, asset, channels):
    """How much of a partner's traffic a link brings: the partner's own posts on its
    channels most, the microsite's hero next, forwarded shares and kit stories least."""
    if asset.startswith("share-"):
        return 0.04
    if channel in channels:
        return 0.7 if asset == "short-link" else 1.0
    return {
        ("microsite", "landing-hero"): 1.5,
        ("microsite", "landing-footer"): 0.2,
        ("qr", "qr"): 0.3,
        ("link", "short-link"): 0.4,
    }.get((channel, asset), 0.1)


def sources(partner, issued):
    """The partner's links and their weights; every registry channel has one."""
    channels = partner["channels"]
    pairs = sorted(issued.get(partner["id"], ()))
    if not pairs:
        raise SystemExit(f"links.csv has no link for partner {partner['id']}: build the demo first")
    for channel in channels:
        if not any(c == channel and not a.startswith("share-") for c, a in pairs):
            raise SystemExit(f"links.csv has no link of {partner['id']} on its channel {channel}")
    return pairs, [weight(c, a, channels) for c, a in pairs]


def poisson(rng, mean):
    """Knuth's method; the means here are small."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def lognormal_days(rng, median, sigma=0.5):
    return max(1, round(median * math.exp(rng.gauss(0.0, sigma))))


class Delays:
    """Days from the first click to the first payment, log-normal around a market's
    median. The quantiles walk a golden-ratio sequence instead of independent draws,
    so a hundred customers already show the median the demo is meant to show."""

    GOLDEN = (math.sqrt(5) - 1) / 2

    def __init__(self, rng, median, sigma=0.5):
        self.u, self.median, self.sigma = rng.random(), median, sigma

    def next(self):
        self.u = (self.u + self.GOLDEN) % 1.0
        z = statistics.NormalDist().inv_cdf(min(max(self.u, 1e-6), 1 - 1e-6))
        return max(1, round(self.median * math.exp(self.sigma * z)))


def simulate(partners, issued, rng):
    """The events, as (date, code, channel, asset, event, customer, amount, currency)."""
    rows, visitor = [], 0
    # Which visitors become customers: every 1/convert-th of a market's visitors, from
    # a random offset. The visitors themselves are random, and a coin per visitor would
    # let a hundred customers stray by 10% from the rate the demo is meant to show.
    due = {m: rng.random() for m in MARKETS}
    delays = {m: Delays(rng, MARKETS[m]["median_days"]) for m in MARKETS}
    for partner in partners:
        market = MARKETS[partner["market"]]
        pairs, weights = sources(partner, issued)
        start = max(FIRST, datetime.date.fromisoformat(partner.get("start") or FIRST.isoformat()))
        rate = BASE_CLICKS * STAGE[partner["stage"]] * TIER[partner["tier"]]
        day = start
        while day <= LAST:
            ramp = min(1.0, 0.3 + (day - start).days / 21)  # a partner finds its audience
            weekday = 1.0 if day.weekday() < 5 else 0.45
            for _ in range(poisson(rng, rate * ramp * weekday)):
                visitor += 1
                channel, asset = rng.choices(pairs, weights)[0]
                due[partner["market"]] += market["convert"]
                delay = None
                if due[partner["market"]] >= 1.0:
                    due[partner["market"]] -= 1.0
                    delay = delays[partner["market"]].next()
                rows += visit(rng, partner["code"], channel, asset, f"V{visitor:06d}", day, market, delay)
            day += datetime.timedelta(days=1)
    return rows


def visit(rng, code, channel, asset, vid, day, market, delay):
    """One visitor's events from its first click on; delay is None for a visitor who
    never pays, else the days until its first payment."""
    def event(d, kind, amount="", currency=""):
        return (d, code, channel, asset, kind, vid, amount, currency) if d <= LAST else None

    out = [event(day, "click")]
    if rng.random() < 0.15:  # came back through the same link
        out.append(event(day + datetime.timedelta(days=rng.randint(1, 10)), "click"))
    if delay is not None:
        pay = day + datetime.timedelta(days=delay)
        trial = day + datetime.timedelta(days=rng.randint(0, max(0, (pay - day).days // 3)))
        out.append(event(trial, "signup"))
        out.append(event(pay, "customer"))
        month = 0
        while True:
            paid = add_months(pay, month)
            if paid > LAST:
                break
            out.append(event(paid, "payment", market["price"], market["currency"]))
            if rng.random() < REFUND_RATE:
                out.append(event(paid + datetime.timedelta(days=rng.randint(1, 7)), "refund", market["price"], market["currency"]))
                break
            if rng.random() < market["churn"]:
                break
            month += 1
    elif rng.random() < market["trial"]:
        out.append(event(day + datetime.timedelta(days=lognormal_days(rng, 2.0, 0.8)), "signup"))
    return [e for e in out if e is not None]


def add_months(day, n):
    """The same day of the month n months later (the month's last day when shorter)."""
    y, m = divmod(day.month - 1 + n, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def summary(partners, rows):
    """Per market: the rows, the funnel, and the shape the demo is meant to show, both
    over the whole file and over the visitors who first clicked by COHORT_END (a month
    before the end: the file's last weeks cut off decisions still under way, more of
    them in the slower market)."""
    market_of = {p["code"]: p["market"] for p in partners}
    print(f"{'':<6} {'':>5} {'':>6} {'':>7} {'':>9} {'':>8} {'':>7} {'':>15} | {'whole file':^27} | "
          f"{'first click by ' + str(COHORT_END):^27}")
    print(f"{'market':<6} {'rows':>5} {'clicks':>6} {'signups':>7} {'customers':>9} {'payments':>8} {'refunds':>7} "
          f"{'net revenue':>15} | {'click->customer':>15} {'median days':>11} | {'click->customer':>15} {'median days':>11}")
    rates = {}
    for market in sorted(MARKETS):
        mine = [r for r in rows if market_of[r[1]] == market]
        count = {k: sum(1 for r in mine if r[4] == k) for k in ORDER}
        first_click, first_pay = {}, {}
        for r in mine:
            if r[4] == "click":
                first_click.setdefault(r[5], r[0])
            elif r[4] == "payment":
                first_pay.setdefault(r[5], r[0])
        days = {v: (first_pay[v] - first_click[v]).days for v in first_pay}
        cohort = [v for v in days if first_click[v] <= COHORT_END]
        cohort_clicks = sum(1 for r in mine if r[4] == "click" and first_click[r[5]] <= COHORT_END)
        rate, cohort_rate = count["customer"] / count["click"], len(cohort) / cohort_clicks
        rates[market] = (rate, cohort_rate)
        net = sum(float(r[6]) * (1 if r[4] == "payment" else -1) for r in mine if r[4] in ("payment", "refund"))
        print(f"{market:<6} {len(mine):>5} {count['click']:>6} {count['signup']:>7} {count['customer']:>9} "
              f"{count['payment']:>8} {count['refund']:>7} {net:>11,.0f} {MARKETS[market]['currency']} | "
              f"{100 * rate:>14.2f}% {statistics.median(days.values()):>11.1f} | "
              f"{100 * cohort_rate:>14.2f}% {statistics.median(days[v] for v in cohort):>11.1f}")
    print(f"total  {len(rows):>5} rows; ru/us click->customer {rates['ru'][0] / rates['us'][0]:.2f} "
          f"(cohort {rates['ru'][1] / rates['us'][1]:.2f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("links", nargs="?", default=os.path.join(REPO, "manifest", "links.csv"),
                    help="links.csv of a build of the demo (default: manifest/links.csv)")
    ap.add_argument("--partners", default=os.path.join(REPO, "content", "partners.yaml"))
    ap.add_argument("--out", default=os.path.join(REPO, "results", "events.csv"))
    args = ap.parse_args()
    if not os.path.exists(args.links):
        sys.exit(f"{args.links}: no such file; build the demo first (REFKIT_SECRET=demo refkit build "
                 "--manifest manifest) or pass the path of its links.csv")
    partners = read_registry(args.partners)
    rows = simulate(partners, read_links(args.links), random.Random(SEED))
    rows.sort(key=lambda r: (r[0], ORDER[r[4]], r[1], r[5]))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "code", "channel", "asset", "event", "customer", "amount", "currency"])
        for r in rows:
            w.writerow([r[0].isoformat(), *r[1:]])
    print(f"wrote {os.path.relpath(args.out)}: {len(rows)} events of {len(partners)} partners, "
          f"{FIRST} to {LAST}")
    summary(partners, rows)


if __name__ == "__main__":
    main()

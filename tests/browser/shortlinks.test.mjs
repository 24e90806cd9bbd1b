// Short links in real headless Chromium: every partner's /r/<code>/ and each
// channel's and the QR code's short link lead to the full tracked link with every
// UTM parameter intact, with scripts on and off, and a code typed in capitals finds
// its page through the 404 page.
//
// The demo is built with `refkit build` and served by a plain static file server
// (the kind of host the output is for: no redirect rules). The landing pages live on
// the brand's domain, which the test answers itself, so nothing leaves the machine.
//
// Run from the repository root after `cargo build`:
//   node --test tests/browser/
// REFKIT_BIN overrides the binary (default target/debug/refkit); CHROMIUM the browser.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = path.resolve(repoRoot, process.env.REFKIT_BIN || "target/debug/refkit");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const BASE = "https://partners.polarledger.example/";
const PATIENCE = 15_000;

/** Serves `root` as a static host does: folders as index.html, 404.html for the rest. */
function serveStatic(root) {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        response.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = path.join(file, "index.html");
    }
    const found = fs.existsSync(file) && fs.statSync(file).isFile();
    const body = fs.readFileSync(found ? file : path.join(root, "404.html"));
    const type = file.endsWith(".html") || !found ? "text/html; charset=utf-8" : "application/octet-stream";
    response.writeHead(found ? 200 : 404, { "content-type": type }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Rows of a CSV file without quoted commas (links.csv has none), as objects. */
function readCsv(file) {
  const [header, ...rows] = fs.readFileSync(file, "utf8").trim().split(/\r?\n/);
  const names = header.split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [names[i], v])));
}

describe("short links", () => {
  let out;
  let server;
  let origin;
  let browser;
  let shortLinks;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "refkit-short-"));
    execFileSync(
      binary,
      ["build", "--root", repoRoot, "--out", path.join(out, "public"), "--manifest", path.join(out, "manifest")],
      { env: { ...process.env, REFKIT_SECRET: "browser-test" }, stdio: "pipe" },
    );
    shortLinks = readCsv(path.join(out, "manifest", "links.csv")).filter((r) => r.short_url);
    server = await serveStatic(path.join(out, "public"));
    origin = `http://127.0.0.1:${server.address().port}/`;
    browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  /** A browser context whose requests to the brand's landing pages get a stub page. */
  async function context(options = {}) {
    const ctx = await browser.newContext(options);
    await ctx.route("https://polarledger.example/**", (route) =>
      route.fulfill({ status: 200, contentType: "text/html", body: "<title>Landing</title><p>Landing</p>" }),
    );
    return ctx;
  }

  /** Opens `start` and waits until the page is `expected`; returns where it ended. */
  async function follow(ctx, start, expected) {
    const page = await ctx.newPage();
    try {
      await page.goto(start);
      await page.waitForURL(expected, { timeout: PATIENCE });
      return new URL(page.url());
    } finally {
      await page.close();
    }
  }

  /** Every parameter of `expected` is in `reached`, with its value. */
  function assertSameLink(reached, expected, label) {
    const want = new URL(expected);
    assert.equal(`${reached.origin}${reached.pathname}`, `${want.origin}${want.pathname}`, label);
    assert.deepEqual(
      [...reached.searchParams.entries()].sort(),
      [...want.searchParams.entries()].sort(),
      label,
    );
    for (const key of ["ref", "utm_source", "utm_medium", "utm_campaign", "utm_content"]) {
      assert.ok(reached.searchParams.get(key), `${label}: ${key} is missing`);
    }
  }

  test("every short link leads to its full tracked link", async () => {
    const partners = new Set(shortLinks.map((r) => r.partner));
    assert.ok(partners.size >= 6, `short links of ${partners.size} partners`);
    assert.ok(shortLinks.some((r) => r.channel === "telegram"), "a Telegram short link");
    const ctx = await context();
    try {
      for (const row of shortLinks) {
        assert.ok(row.short_url.startsWith(BASE), row.short_url);
        const start = origin + row.short_url.slice(BASE.length);
        const reached = await follow(ctx, start, row.url);
        assertSameLink(reached, row.url, row.short_url);
        assert.equal(reached.searchParams.get("utm_medium"), row.channel, row.short_url);
      }
    } finally {
      await ctx.close();
    }
  });

  test("without JavaScript the meta refresh still leads there", async () => {
    const ctx = await context({ javaScriptEnabled: false });
    try {
      const rows = shortLinks.filter((r) => r.partner === "severny-uchet");
      assert.ok(rows.length >= 3, `severny-uchet has ${rows.length} short links`);
      for (const row of rows) {
        const reached = await follow(ctx, origin + row.short_url.slice(BASE.length), row.url);
        assertSameLink(reached, row.url, `${row.short_url} without scripts`);
      }
    } finally {
      await ctx.close();
    }
  });

  test("a code typed in capitals finds its page through the 404 page", async () => {
    const row = shortLinks.find((r) => r.partner === "harbor-accounting" && r.channel === "email");
    assert.ok(row, "harbor-accounting has an e-mail short link");
    const upper = row.short_url.slice(BASE.length).replace(/r\/([a-z0-9]+)\//, (_, code) => `r/${code.toUpperCase()}/`);
    assert.notEqual(upper, row.short_url.slice(BASE.length));
    const ctx = await context();
    try {
      const reached = await follow(ctx, origin + upper, row.url);
      assertSameLink(reached, row.url, upper);
    } finally {
      await ctx.close();
    }
  });
});

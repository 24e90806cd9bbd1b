// The browser editor (`refkit serve --cms`) in real headless Chromium: a story made
// in English and Russian through the editor's form is saved as a refkit pair, checks
// and builds onto the right partners' pages, and an edit of the English body leaves
// the Russian file stale. Decap CMS comes from tests/browser/node_modules (installed
// by scripts/install-browser-test-deps.sh): the page's pinned CDN address is answered
// from there, and its integrity hash must match; every other address off the preview
// server is refused, so nothing is fetched from the internet.
//
// Run from the repository root after `cargo build`:
//   node --test tests/browser/
// REFKIT_SCREENSHOTS=<folder> also saves the editor at phone and desktop widths.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { binary, browserPath, copyDemo, env, startServer, stopServer } from "./serve-helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const decap = path.join(here, "node_modules", "decap-cms");
const decapVersion = JSON.parse(fs.readFileSync(path.join(decap, "package.json"), "utf8")).version;
const PATIENCE = 20_000;
const SLUG = "northwind-books-triples-its-referrals";

function refkit(...args) {
  return spawnSync(binary, args, { env, encoding: "utf8" });
}

async function until(what, check) {
  const deadline = Date.now() + PATIENCE;
  while (Date.now() < deadline) {
    if (check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${PATIENCE} ms waiting for ${what}`);
}

/** Publishes the open entry (the "Publish" menu's "Publish now"). */
async function publish(page) {
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText("Publish now").click();
}

describe("the browser editor (refkit serve --cms) in Chromium", () => {
  let project;
  let server;
  let origin;
  let browser;
  let context;
  let page;
  const refusedAddresses = [];
  const file = (lang) => path.join(project, "content", "stories", `${SLUG}.${lang}.md`);

  before(async () => {
    project = copyDemo();
    server = startServer(project, ["--cms"]);
    origin = await server.url;
    browser = await chromium.launch({ executablePath: browserPath });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Registered first, so matched last: anything that is not the preview server.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) {
        return route.continue();
      }
      refusedAddresses.push(url);
      return route.abort();
    });
    // The editor's pinned address, answered from the npm package.
    await context.route(`https://unpkg.com/decap-cms@${decapVersion}/**`, (route) => {
      const rel = new URL(route.request().url()).pathname.split(`/decap-cms@${decapVersion}/`)[1];
      return route.fulfill({
        path: path.join(decap, ...rel.split("/")),
        contentType: "application/javascript",
        headers: { "access-control-allow-origin": "*" },
      });
    });
    page = await context.newPage();
    await page.goto(`${origin}/admin/`);
    await page.getByRole("button", { name: "Login" }).click();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      await stopServer(server.child);
    }
    if (project) {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  test("a new story written in English and Russian is saved as a pair that checks and builds", async () => {
    await page.goto(`${origin}/admin/#/collections/stories/new`);
    const nth = (selector, i) => page.locator(selector).nth(i);
    await nth('input[id^="title-field"]', 0).fill("Northwind Books triples its referrals");
    await nth('textarea[id^="summary-field"]', 0).fill(
      "A bookkeeping firm in Ohio tripled its referrals in one quarter.",
    );
    await nth('input[id^="date-field"]', 0).fill("2026-11-20");
    await nth('input[id^="markets-field"]', 0).fill("us");
    await page.keyboard.press("Enter");
    await nth('[contenteditable="true"]', 0).click();
    await page.keyboard.type("Northwind Books sent its first referral in June.");
    await nth('input[id^="title-field"]', 1).fill("Northwind Books утроила число рекомендаций");
    await nth('textarea[id^="summary-field"]', 1).fill(
      "Бухгалтерская фирма из Огайо за квартал утроила число рекомендаций.",
    );
    await nth('[contenteditable="true"]', 1).click();
    await page.keyboard.type("Первую рекомендацию Northwind Books отправила в июне.");
    await publish(page);
    await until("both files", () => fs.existsSync(file("en")) && fs.existsSync(file("ru")));

    const en = fs.readFileSync(file("en"), "utf8");
    const ru = fs.readFileSync(file("ru"), "utf8");
    assert.match(en, /^title: Northwind Books triples its referrals$/m);
    assert.match(en, /^date: 2026-11-20$/m);
    assert.match(ru, /^title: Northwind Books утроила число рекомендаций$/m);
    assert.match(ru, /^date: 2026-11-20$/m, "the shared date is written in both languages");
    assert.match(ru, /^ {2}- us$/m, "the shared markets are written in both languages");
    assert.match(ru, /^source_hash: [0-9a-f]{16}$/m, "a pair made together is recorded as translated");
    assert.doesNotMatch(en, /source_hash/);

    const check = refkit("check", "--root", project);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.doesNotMatch(check.stdout + check.stderr, new RegExp(`${SLUG}.*(stale|does not record)`));

    const out = path.join(project, "public");
    const build = refkit("build", "--root", project, "--out", out, "--manifest", path.join(project, "manifest"));
    assert.equal(build.status, 0, build.stderr);
    for (const lang of ["en", "ru"]) {
      const page = path.join(out, "p", "maya-chen", lang, "stories", SLUG, "index.html");
      assert.ok(fs.existsSync(page), `a US partner's ${lang} microsite shows the story`);
      assert.ok(
        !fs.existsSync(path.join(out, "p", "severny-uchet", lang, "stories", SLUG, "index.html")),
        `a Russian-market partner's ${lang} microsite does not (markets: [us])`,
      );
    }
    const ruPage = fs.readFileSync(path.join(out, "p", "maya-chen", "ru", "stories", SLUG, "index.html"), "utf8");
    assert.match(ruPage, /Первую рекомендацию Northwind Books отправила в\u00a0июне/);
  });

  test("an edit of the English body through the editor makes the Russian file stale", async () => {
    const before = fs.readFileSync(file("ru"), "utf8");
    await page.goto(`${origin}/admin/#/collections/stories/entries/${SLUG}`);
    const body = page.locator('[contenteditable="true"]').first();
    await body.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" By September it had sent forty.");
    await publish(page);
    await until("the new English body", () => fs.readFileSync(file("en"), "utf8").includes("forty"));
    await until("the Russian file saved too", () => fs.existsSync(file("ru")));

    const ru = fs.readFileSync(file("ru"), "utf8");
    assert.equal(
      ru.match(/^source_hash: .*$/m)?.[0],
      before.match(/^source_hash: .*$/m)?.[0],
      "saving keeps the version the translation was made from",
    );
    const check = refkit("check", "--root", project);
    const said = check.stdout + check.stderr;
    assert.match(said, new RegExp(`content/stories/${SLUG}\\.ru\\.md`));
    assert.match(said, /the translation is stale/);
  });

  test("the local backend refuses writes outside content/ and saves from other origins", async () => {
    const site = fs.readFileSync(path.join(project, "site.yaml"), "utf8");
    const attempt = await page.evaluate(async () => {
      const response = await fetch("/__refkit/cms/api/v1", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          action: "persistEntry",
          params: { dataFiles: [{ path: "content/../site.yaml", raw: "pwned" }], assets: [] },
        }),
      });
      return { status: response.status, body: await response.json() };
    });
    assert.equal(attempt.status, 422);
    assert.match(attempt.body.error, /not a path under content\//);
    const foreign = await fetch(`${origin}/__refkit/cms/api/v1`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://evil.example" },
      body: JSON.stringify({
        action: "persistEntry",
        params: { dataFiles: [{ path: "content/stories/x.en.md", raw: "pwned" }], assets: [] },
      }),
    });
    assert.equal(foreign.status, 403);
    const rebound = await fetch(`${origin}/__refkit/cms/api/v1`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Host: "evil.example", Origin: "http://evil.example" },
      body: JSON.stringify({ action: "info" }),
    });
    assert.equal(rebound.status, 403);
    assert.equal(fs.readFileSync(path.join(project, "site.yaml"), "utf8"), site);
    assert.ok(!fs.existsSync(path.join(project, "content", "stories", "x.en.md")));
    assert.deepEqual(refusedAddresses.filter((u) => !u.startsWith("data:")), []);
  });

  test("the preview is styled by the theme's stylesheet", async () => {
    const folder = process.env.REFKIT_SCREENSHOTS;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${origin}/admin/#/collections/stories/entries/${SLUG}`);
    await page.locator('input[id^="title-field"]').first().waitFor();
    // The preview pane is an iframe; the editor shows it beside the English form.
    await page.locator('button[title="Toggle preview"], button[aria-label="Toggle preview"]').first().click();
    const frame = page.frameLocator("iframe").first();
    await frame.locator("h1").first().waitFor();
    const styles = await frame
      .locator('link[rel="stylesheet"]')
      .evaluateAll((links) => links.map((l) => l.getAttribute("href")));
    assert.ok(styles.includes("/assets/harbor.css"), `preview stylesheets: ${styles}`);
    // Decap's editor needs about 800 px; on a phone it scrolls sideways (measured, not
    // asserted: it is the editor's own layout).
    for (const [name, width] of [["desktop", 1280], ["phone", 390]]) {
      await page.setViewportSize({ width, height: 900 });
      if (folder) {
        fs.mkdirSync(folder, { recursive: true });
        await page.screenshot({ path: path.join(folder, `cms-${name}.png`) });
      }
    }
  });
});

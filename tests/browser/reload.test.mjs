// refkit serve in real headless Chromium: a saved story reloads the open page by
// itself, the side-by-side badge opens both languages, and a broken file shows the
// error overlay over the last good page.
//
// Run from the repository root after `cargo build`:
//   node --test tests/browser/
// REFKIT_BIN overrides the binary (default target/debug/refkit); CHROMIUM the browser
// (default /usr/bin/chromium). scripts/install-browser-test-deps.sh installs both
// Chromium and playwright-core.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { binary, browserPath, copyDemo, startServer, stopServer } from "./serve-helpers.mjs";

const PATIENCE = 15_000;

/**
 * Polls `check` (run in the page) until it returns true. Reloads destroy the page's
 * context mid-evaluation; those attempts count as "not yet".
 */
async function waitInPage(page, what, check, arg) {
  const deadline = Date.now() + PATIENCE;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await page.evaluate(check, arg)) {
        return;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${PATIENCE} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

describe("refkit serve in Chromium", () => {
  let project;
  let server;
  let browser;
  let page;
  let base;
  let storyFile;
  let storyPath;
  let original;

  before(async () => {
    assert.ok(
      fs.existsSync(binary),
      `${binary} does not exist: run \`cargo build\` first or set REFKIT_BIN`,
    );
    assert.ok(
      fs.existsSync(browserPath),
      `${browserPath} does not exist: run scripts/install-browser-test-deps.sh`,
    );
    project = copyDemo();
    const stories = fs
      .readdirSync(path.join(project, "content", "stories"))
      .filter((name) => name.endsWith(".en.md"))
      .sort();
    assert.ok(stories.length > 0, "the demo has English stories");
    const slug = stories[0].slice(0, -".en.md".length);
    storyFile = path.join(project, "content", "stories", stories[0]);
    storyPath = `/en/stories/${slug}/`;
    original = fs.readFileSync(storyFile, "utf8");

    server = startServer(project);
    base = await server.url;
    browser = await chromium.launch({
      executablePath: browserPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      await stopServer(server.child);
    }
    if (project) {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  test("a saved story reloads the open page by itself", async () => {
    const response = await page.goto(base + storyPath);
    assert.equal(response.status(), 200);
    await page.evaluate(() => {
      window.__marker = 1;
    });
    const text = `Saved at ${Date.now()} for the live-reload test.`;
    fs.writeFileSync(storyFile, `${original.trimEnd()}\n\n${text}\n`);
    await waitInPage(
      page,
      "the new text in a page that reloaded by itself",
      (expected) =>
        document.body !== null &&
        document.body.innerText.includes(expected) &&
        window.__marker === undefined,
      text,
    );
    assert.equal(new URL(page.url()).pathname, storyPath);
  });

  test("the badge opens both languages side by side", async () => {
    await page.goto(base + storyPath);
    const badge = page.locator("#refkit-badge");
    await badge.waitFor({ state: "visible", timeout: PATIENCE });
    assert.match(await badge.innerText(), /EN\s*\|\s*RU/);
    await page.click("#refkit-compare");
    await page.waitForURL(/\/__refkit\/compare\?path=/, { timeout: PATIENCE });
    const frames = page.locator("iframe[data-refkit-pane]");
    assert.equal(await frames.count(), 2);
    assert.equal(await frames.nth(0).getAttribute("src"), storyPath);
    assert.match(await frames.nth(1).getAttribute("src"), /^\/ru\/stories\//);
    const ruFrame = page.frameLocator("iframe[data-refkit-pane] >> nth=1");
    await ruFrame.locator("html[lang=ru]").waitFor({ state: "attached", timeout: PATIENCE });
    assert.equal(await page.locator("#refkit-badge").count(), 0, "no badge on the view itself");
  });

  test("a broken file shows the error overlay over the last good page", async () => {
    await page.goto(base + storyPath);
    const good = await page.locator("h1").first().innerText();
    await page.evaluate(() => {
      window.__marker = 2;
    });
    const broken = original.replace(/^title:.*$/m, "title: [unclosed");
    assert.notEqual(broken, original, "the story has a title line to break");
    fs.writeFileSync(storyFile, broken);

    const overlay = page.locator("#refkit-error");
    await overlay.waitFor({ state: "visible", timeout: PATIENCE });
    const message = await overlay.innerText();
    assert.ok(
      message.includes(`content/stories/${path.basename(storyFile)}:2:`),
      `the overlay names the file and line:\n${message}`,
    );
    // The page did not reload: the last good page stays under the overlay.
    assert.equal(await page.evaluate(() => window.__marker), 2);
    assert.equal(await page.locator("h1").first().innerText(), good);

    // A tab opened while the build is broken shows the overlay too.
    const other = await browser.newPage();
    await other.goto(base + storyPath);
    await other.locator("#refkit-error").waitFor({ state: "visible", timeout: PATIENCE });
    await other.close();

    // Fixing the file hides the overlay and reloads the page.
    fs.writeFileSync(storyFile, original);
    await waitInPage(
      page,
      "the overlay to go after the fix",
      () => window.__marker === undefined && document.getElementById("refkit-error") === null,
    );
  });
});

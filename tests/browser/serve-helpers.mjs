// What the browser tests share: where refkit and Chromium are, a copy of the demo
// project, and `refkit serve` started on a free port and stopped again. Not a test
// file itself (node --test runs only *.test.mjs here).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const binary = path.resolve(repoRoot, process.env.REFKIT_BIN || "target/debug/refkit");
export const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
/** The environment refkit runs with: a fixed kit secret, so nothing warns. */
export const env = { ...process.env, REFKIT_SECRET: "browser-test" };

/** Copies the repository's demo project (sources only) into a fresh temp folder. */
export function copyDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refkit-browser-"));
  for (const name of ["site.yaml", "content", "templates", "themes", "locales", "static", "results"]) {
    const from = path.join(repoRoot, name);
    if (fs.existsSync(from)) {
      fs.cpSync(from, path.join(dir, name), { recursive: true });
    }
  }
  return dir;
}

/**
 * Starts `refkit serve --port 0` (with `extra` arguments, e.g. `--cms`) and returns
 * the child, a promise of its URL once it prints it, and its stderr so far.
 */
export function startServer(root, extra = []) {
  const child = spawn(binary, ["serve", ...extra, "--root", root, "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () => reject(new Error(`refkit serve printed no URL in 60 s; stderr:\n${stderr}`)),
      60_000,
    );
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /^Serving (http:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`refkit serve exited (${code ?? signal}); stderr:\n${stderr}`));
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return { child, url, stderr: () => stderr };
}

/** Stops the server: SIGTERM (like Ctrl-C), SIGKILL if it does not go. */
export async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

// Drives a Playground's real web UI with playwright-core + Debian chromium (flags from real-clients.md).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { OUT_DIR } = require('./util');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * A fresh headless Chromium that may only talk to loopback → { page, close() }. close() must always be called
 * (withPage does it for you; a scenario spanning several checks calls it in its last check).
 */
async function launchBrowser() {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (tests/run.sh installs Debian's chromium)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await ctx.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    // Strictly loopback: the UI tries to load fonts from a CDN; abort every non-loopback request.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.abort());
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs fn(page) in a fresh headless Chromium that may only talk to loopback; always closes the browser. */
async function withPage(fn) {
  const { page, close } = await launchBrowser();
  try {
    return await fn(page);
  } catch (e) {
    await screenshot(page, 'FAIL-ui').catch(() => {});
    throw e;
  } finally {
    await close();
  }
}

/** Opens the Playground UI (this sends installationUpdate + conversationUpdate again) and returns the message box. */
async function openPlayground(page, url) {
  await page.goto(url + '/', { waitUntil: 'domcontentloaded' });
  const box = page.locator('[data-lexical-editor="true"][role="textbox"]').first(); // Lexical contenteditable, not <input>
  await box.waitFor({ timeout: 30000 });
  return box;
}

/** Types text into the Lexical editor and presses Enter. */
async function typeMessage(page, text) {
  const box = page.locator('[data-lexical-editor="true"][role="textbox"]').first();
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Saves out/<name>.png; returns the path. */
async function screenshot(page, name) {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, name + '.png');
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

module.exports = { launchBrowser, withPage, openPlayground, typeMessage, screenshot, CHROMIUM };

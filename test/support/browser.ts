// Debian's chromium, headless, driven by playwright-core (npm test installs chromium with apt-get when it is
// missing). Screenshots go to test-output/screenshots, which is not committed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.AGORA_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join('test-output', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  // No background traffic: this machine's network is closed, and those connections only slow the start.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens the console in a fresh browser context (its own cookies) and signs in with the credential. */
export async function signedIn(browser: Browser, marketUrl: string, credential: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${marketUrl}/console`);
  await page.getByLabel('API key, host token or operator key').fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('role').waitFor();
  return page;
}

import type { Page } from 'playwright-core';

/** Waits until the bridge view is connected to the conference. */
export function bridgeConnected(page: Page): Promise<void> {
  return page
    .locator('[data-testid="bridge"][data-status="connected"]')
    .waitFor({ timeout: 30_000 });
}

/**
 * Joins the bridge as an operator does on a browser that remembers no devices: confirms the
 * device check shown before joining, then waits until connected.
 */
export async function joinBridge(page: Page): Promise<void> {
  await page.getByTestId('bridge-join').click({ timeout: 15_000 });
  await bridgeConnected(page);
}

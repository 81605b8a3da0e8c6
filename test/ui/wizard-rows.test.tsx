// A terminal only 24 rows high (80x24): every screen fits it. The header (where we are, and the
// SANDBOX marker) stays on the top line and the keys on the bottom; what does not fit in between
// scrolls with ↑/↓ and PgUp/PgDn, behind a "↓ N more lines" indicator, and starts at the top again on
// the next screen.
import { afterEach, describe, expect, it } from 'vitest';
import { initialView, keyOutcome, scrollKeyOf, scrollOffsetOn, viewReducer, type ViewAction } from '../../src/ui/wizard-keys.js';
import { screenOf } from '../../src/ui/wizard-screens.js';
import { keys, press, type, waitForFrame, type InkHarness } from './ink-helpers.js';
import { cleanupWizards, renderWizard, trainingScenarios } from './wizard-harness.js';

afterEach(cleanupWizards);

const rows = 24;
const pageDown = '\u001b[6~';
const pageUp = '\u001b[5~';

/** The frame fits the terminal, with the header on its first line; returns its lines. */
function fits(frame: string, step?: string): string[] {
  const lines = frame.split('\n');
  expect(lines.length, frame).toBeLessThan(rows);
  expect(lines[0], frame).toMatch(/^kms-doctor · /);
  expect(lines[0], frame).toContain(' SANDBOX ');
  expect(lines[0], frame).toContain('no-iam-delegation');
  if (step) expect(lines[0], frame).toContain(step);
  return lines;
}

/** The last line with something on it (a short screen leaves the rows below it empty). */
const footer = (frame: string) => frame.split('\n').filter((line) => line.trim() !== '').at(-1) ?? '';

/** Step `step` with its data read: its conclusion shows. */
const stepShown = (step: number) => new RegExp(`step ${step}/8[\\s\\S]*\\n[✔✘•] `);

const more = (frame: string) => Number(/↓ (\d+) more lines? \(↑\/↓ to scroll\)/.exec(frame)?.[1] ?? 0);

async function scrollToEnd(harness: InkHarness, key: string, seen: Set<string>): Promise<string> {
  let frame = harness.lastFrame();
  for (let guard = 0; more(frame) > 0 && guard < 200; guard += 1) {
    await press(harness, key);
    frame = harness.lastFrame();
    fits(frame, 'step 8/8');
    for (const line of frame.split('\n')) seen.add(line.trimEnd());
  }
  return frame;
}

describe('scrolling is view state, reduced from keys', () => {
  const noKey = { return: false, escape: false, leftArrow: false, ctrl: false };
  const at = (value: Parameters<typeof screenOf>[0]) => ({ screen: screenOf(value), view: initialView, written: false });
  it('↑/↓ and PgUp/PgDn scroll a screen; ↑/↓ stay with a menu; the offset stays within what does not fit, and is 0 on another screen', () => {
    const review = scrollKeyOf(screenOf({ remedy: 'review' }));
    expect(keyOutcome('', { ...noKey, downArrow: true }, at({ remedy: 'review' }))).toEqual({ view: { type: 'scroll', screen: review, by: 1 } });
    expect(keyOutcome('', { ...noKey, pageUp: true }, at({ remedy: 'review' }))).toEqual({ view: { type: 'scroll', screen: review, by: 'page-up' } });
    expect(keyOutcome('', { ...noKey, downArrow: true }, at({ whatFailed: 'scenario' }))).toBeUndefined();
    const apply = (...actions: ViewAction[]) => actions.reduce(viewReducer, initialView);
    const measured = { type: 'scroll-room', screen: review, room: 5, page: 10 } as const;
    expect(apply(measured, { type: 'scroll', screen: review, by: 3 }).scroll.offset).toBe(3);
    expect(apply(measured, { type: 'scroll', screen: review, by: 'page-down' }).scroll.offset).toBe(5);
    expect(apply(measured, { type: 'scroll', screen: review, by: -1 }).scroll.offset).toBe(0);
    const scrolled = apply(measured, { type: 'scroll', screen: review, by: 2 });
    expect(scrollOffsetOn(scrolled.scroll, 'verdict.denied.review')).toBe(0);
    expect(viewReducer(scrolled, measured)).toBe(scrolled);
  });
});

describe('at 80x24', () => {
  it('keeps the header and SANDBOX marker on every step, and scrolls the fix review through its whole diff', async () => {
    const { harness } = renderWizard({ columns: 80, rows });
    await waitForFrame(harness, 'Training scenarios');
    for (let i = 0; i < trainingScenarios.indexOf('no-iam-delegation'); i += 1) await press(harness, keys.down);
    await waitForFrame(harness, '❯ no-iam-delegation');
    await press(harness, keys.enter);
    // The story first, its header and keys on screen too.
    const intro = await waitForFrame(harness, 'Enter start the diagnosis');
    fits(intro);
    expect(footer(intro)).toContain('Enter start the diagnosis');
    await press(harness, keys.enter);
    const identify = await waitForFrame(harness, stepShown(1));
    fits(identify, 'step 1/8');
    expect(footer(identify)).toContain('Enter continue');
    for (let step = 2; step <= 6; step += 1) {
      await press(harness, keys.enter);
      const frame = await waitForFrame(harness, stepShown(step));
      fits(frame, `step ${step}/8`);
      expect(footer(frame)).toContain('Enter continue');
    }
    await press(harness, keys.enter);
    fits(await waitForFrame(harness, 'Enter plan the fix'), 'step 7/8');

    await press(harness, keys.enter);
    const review = await waitForFrame(harness, 'nothing is written until you confirm');
    fits(review, 'step 8/8');
    expect(footer(review)).toContain('Enter confirm');
    // The fix review does not fit: its end is below, behind the indicator.
    const hidden = more(review);
    expect(hidden, review).toBeGreaterThan(0);
    expect(review).not.toContain('Rollback:');
    const seen = new Set(review.split('\n').map((line) => line.trimEnd()));

    // ↓ one line at a time to the end: the whole diff and the backup and rollback lines show.
    await press(harness, keys.down);
    const oneDown = harness.lastFrame();
    expect(more(oneDown)).toBe(hidden - 1);
    const end = await scrollToEnd(harness, keys.down, seen);
    expect(end).toMatch(/↑ \d+ lines above/);
    expect(end).toContain('Rollback:');
    expect([...seen].some((line) => /^\+ +"AWS": "arn:aws:iam::111122223333:role\/AppRole"/.test(line))).toBe(true);
    expect([...seen].some((line) => line.startsWith('Backup: the current value is saved under'))).toBe(true);
    // The diff's every line was on screen at some point.
    const diffLines = [...seen].filter((line) => /^[+-]|^@@/.test(line));
    expect(diffLines.some((line) => line.startsWith('@@'))).toBe(true);
    // Past the end, ↓ does nothing; ↑ comes straight back.
    await press(harness, keys.down);
    expect(harness.lastFrame()).toBe(end);
    await press(harness, keys.up);
    expect(more(harness.lastFrame())).toBe(1);

    // PgUp back to the top, PgDn a page at a time.
    for (let guard = 0; !harness.lastFrame().includes('Step 1:') && guard < 20; guard += 1) await press(harness, pageUp);
    expect(more(harness.lastFrame())).toBe(hidden);
    await press(harness, pageDown);
    expect(more(harness.lastFrame())).toBeLessThan(hidden - 1);
    fits(harness.lastFrame(), 'step 8/8');

    // Another screen starts at the top: back to the verdict, and into the review again.
    await press(harness, keys.escape);
    fits(await waitForFrame(harness, 'Enter plan the fix'), 'step 7/8');
    await press(harness, keys.enter);
    const again = await waitForFrame(harness, 'nothing is written until you confirm');
    expect(more(again)).toBe(hidden);

    await press(harness, keys.enter);
    fits(await waitForFrame(harness, 'Type yes to apply'), 'step 8/8');
    await type(harness, 'yes');
    const finished = await waitForFrame(harness, /Fixed and verified|still denied|Not applied|propagating|stopped/, { timeoutMs: 30_000 });
    fits(finished, 'step 8/8');
    expect(finished).toContain('✔ Fixed and verified');
    expect(footer(finished)).toContain('Enter back to the scenarios');
  });
});

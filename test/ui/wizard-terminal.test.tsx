// Terminal manners and the pure parts of the UI: keys to events, screens of states, 80 columns and
// resizing, NO_COLOR, and the refusal to run without a terminal.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldReducer } from '../../src/ui/components/text-field.js';
import { wrapDiffLine } from '../../src/ui/components/diff-block.js';
import { shortenMiddle } from '../../src/ui/text-layout.js';
import { themeFor } from '../../src/ui/theme.js';
import { initialView, keyOutcome } from '../../src/ui/wizard-keys.js';
import { screenOf } from '../../src/ui/wizard-screens.js';
import { colourWanted, runWizardCommand } from '../../src/commands/wizard-command.js';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

const noKey = { return: false, escape: false, leftArrow: false, ctrl: false };
const at = (value: Parameters<typeof screenOf>[0], written = false) => ({ screen: screenOf(value), view: initialView, written });

describe('keys become machine events', () => {
  it('maps Enter, Esc, ←, r, q and ? by screen', () => {
    expect(keyOutcome('', { ...noKey, return: true }, at({ keyPolicy: 'review' }))).toEqual({ event: { type: 'CONTINUE' } });
    expect(keyOutcome('', { ...noKey, escape: true }, at({ keyPolicy: 'review' }))).toEqual({ event: { type: 'BACK' } });
    expect(keyOutcome('', { ...noKey, leftArrow: true }, at('keyState'))).toEqual({ event: { type: 'BACK' } });
    expect(keyOutcome('r', noKey, at('failed'))).toEqual({ event: { type: 'RETRY' } });
    expect(keyOutcome('', { ...noKey, return: true }, at('failed'))).toEqual({ event: { type: 'CONTINUE' } });
    expect(keyOutcome('', { ...noKey, return: true }, at({ remedy: { finished: 'stillDenied' } }))).toEqual({ event: { type: 'RESTART' } });
    expect(keyOutcome('', { ...noKey, return: true }, at({ remedy: { finished: 'verified' } }))).toEqual({ event: { type: 'CONTINUE' } });
    expect(keyOutcome('?', noKey, at('keyState'))).toEqual({ view: { type: 'toggle-help' } });
    expect(keyOutcome('q', noKey, at('keyState'))).toEqual({ exit: true });
    expect(keyOutcome('q', noKey, at({ remedy: { finished: 'verified' } }, true))).toEqual({ view: { type: 'ask-quit' } });
    expect(keyOutcome('q', noKey, at({ remedy: 'applying' }, true))).toEqual({ view: { type: 'hold-quit' } });
  });

  it('leaves text fields their keys: only Esc and Ctrl-C are the wizard’s there', () => {
    const key = at({ whatFailed: 'key' });
    expect(key.screen.mode).toBe('text');
    expect(keyOutcome('q', noKey, key)).toBeUndefined();
    expect(keyOutcome('?', noKey, key)).toBeUndefined();
    expect(keyOutcome('', { ...noKey, leftArrow: true }, key)).toBeUndefined();
    expect(keyOutcome('', { ...noKey, return: true }, key)).toBeUndefined();
    expect(keyOutcome('', { ...noKey, escape: true }, key)).toEqual({ event: { type: 'BACK' } });
    expect(keyOutcome('c', { ...noKey, ctrl: true }, key)).toEqual({ exit: true });
    expect(screenOf({ remedy: 'confirm' }).mode).toBe('text');
  });

  it('leaves a list its keys while a filter is typed: q, g, ?, Esc and ← are the filter’s, Ctrl-C still quits', () => {
    const list = at({ whatFailed: 'operation' });
    expect(list.screen.mode).toBe('list');
    expect(keyOutcome('q', noKey, list)).toEqual({ exit: true });
    expect(keyOutcome('g', noKey, list)).toEqual({ view: { type: 'toggle-glossary' } });
    const filtering = { ...list, listFiltering: true };
    expect(keyOutcome('q', noKey, filtering)).toBeUndefined();
    expect(keyOutcome('g', noKey, filtering)).toBeUndefined();
    expect(keyOutcome('?', noKey, filtering)).toBeUndefined();
    expect(keyOutcome('', { ...noKey, escape: true }, filtering)).toBeUndefined();
    expect(keyOutcome('', { ...noKey, leftArrow: true }, filtering)).toBeUndefined();
    expect(keyOutcome('c', { ...noKey, ctrl: true }, filtering)).toEqual({ exit: true });
  });

  it('edits a field with a reducer: insert, move, delete', () => {
    let field = { value: '', cursor: 0 };
    field = fieldReducer(field, { type: 'insert', text: 'alias/x' });
    field = fieldReducer(field, { type: 'move', by: -1 });
    field = fieldReducer(field, { type: 'delete-back' });
    expect(field).toEqual({ value: 'aliasx', cursor: 5 });
  });
});

describe('80 columns, resizing, colour', () => {
  it('shortens in the middle and wraps diff lines behind their marker', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';
    expect(shortenMiddle(arn, 30)).toBe('arn:aws:kms:us-…c-2b9723f0d7df');
    expect(shortenMiddle(arn, 30)).toHaveLength(30);
    expect(shortenMiddle('short', 30)).toBe('short');
    const pieces = wrapDiffLine(`+      "Resource": "${arn}"`, 'added', 40);
    expect(pieces.every((p) => p.length <= 40 && p.startsWith('+'))).toBe(true);
    expect(pieces.join('').replace(/\+ ↳ /g, '')).toContain(arn);
  });

  it('keeps every line within 80 columns, and within 60 after a resize', async () => {
    const { harness } = renderWizard({ columns: 80 });
    await openScenario(harness, 'no-iam-delegation');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    const widest = (frame: string) => Math.max(...frame.split('\n').map((line) => [...line].length));
    expect(harness.stdout.frames.filter((frame) => widest(frame) > 80)).toEqual([]);
    harness.resize(60);
    const narrow = await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, 'd');
    await press(harness, 'd');
    expect(widest(harness.lastFrame())).toBeLessThanOrEqual(60);
    expect(narrow).toContain('Step 1:');
  });

  it('respects NO_COLOR, and colours only terminals', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    expect(colourWanted(tty, {})).toBe(true);
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
    expect(themeFor(false).colourOf('bad')).toBeUndefined();
    expect(themeFor(true).colourOf('bad')).toBe('red');
  });
});

describe('without a terminal', () => {
  it('exits 2 with a one-line hint to use check or fix, before touching raw mode', async () => {
    const streams = (stdinTTY: boolean, stdoutTTY: boolean) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: stdinTTY }) as unknown as NodeJS.ReadStream;
      let err = '';
      const stderr = { write: (text: string) => ((err += text), true) } as unknown as NodeJS.WriteStream;
      const stdout = { isTTY: stdoutTTY, write: () => true } as unknown as NodeJS.WriteStream;
      return { streams: { stdin, stdout, stderr, env: {} }, err: () => err };
    };
    for (const [stdinTTY, stdoutTTY] of [[false, true], [true, false], [false, false]] as const) {
      const { streams: s, err } = streams(stdinTTY, stdoutTTY);
      expect(await runWizardCommand([], s)).toBe(2);
      expect(err().trim().split('\n')).toHaveLength(1);
      expect(err()).toContain('kms-doctor check');
      expect(err()).toContain('kms-doctor fix');
    }
  });
});

// Terminal edges: a terminal that reports 0x0 is laid out as 80x24; lists move with j/k as with ↓/↑;
// the text field has the readline keys (Home/End, Ctrl-A/E, Ctrl-U, Ctrl-W). Rendered by Ink with keys
// sent as a terminal sends them.
import { afterEach, describe, expect, it } from 'vitest';
import { ChoiceList } from '../../src/ui/components/choice-list.js';
import { TextField } from '../../src/ui/components/text-field.js';
import { withFallbackSize } from '../../src/ui/use-terminal-width.js';
import { cleanupInk, keys, press, renderInk, waitForFrame, waitForFrameWithout } from './ink-helpers.js';

afterEach(() => cleanupInk());

describe('terminal edges', () => {
  it('treats a terminal that reports 0 columns and rows as 80x24, until it reports a size', () => {
    const stream = withFallbackSize({ columns: 0, rows: 0 });
    expect([stream.columns, stream.rows]).toEqual([80, 24]);
    stream.columns = 120;
    stream.rows = 40;
    expect([stream.columns, stream.rows]).toEqual([120, 40]);
    const sized = withFallbackSize({ columns: 100, rows: 30 });
    expect([sized.columns, sized.rows]).toEqual([100, 30]);
  });

  it('moves through a list with j and k', async () => {
    let chosen: string | undefined;
    const choices = ['first', 'second', 'third'].map((value) => ({ value, label: value }));
    const harness = renderInk(<ChoiceList choices={choices} onChoose={(value) => (chosen = value)} />);
    await waitForFrame(harness, '❯ first');
    await press(harness, 'j', 'j', 'k');
    await waitForFrame(harness, '❯ second');
    await press(harness, keys.enter);
    expect(chosen).toBe('second');
  });

  it('edits a text field with Home/End, Ctrl-A/E, Ctrl-U and Ctrl-W', async () => {
    let submitted: string | undefined;
    const harness = renderInk(<TextField onSubmit={(value) => (submitted = value)} />);
    await press(harness, 'alias/orders data');
    await press(harness, '\u0017'); // Ctrl-W: the word before the cursor
    await press(harness, '\u0001', 'x', '\u0005', '-key'); // Ctrl-A, type, Ctrl-E, type
    await press(harness, keys.enter);
    expect(submitted).toBe('xalias/orders -key');

    submitted = undefined;
    await press(harness, '\u001b[H', '#', '\u001b[F', '!'); // Home, End
    await press(harness, keys.enter);
    expect(submitted).toBe('#xalias/orders -key!');

    await press(harness, '\u0015', 'alias/new'); // Ctrl-U clears what is before the cursor
    await press(harness, keys.enter);
    expect(submitted).toBe('alias/new');
  });

  it('chooses the nth item shown with the number keys, counted from the top of a scrolled list', async () => {
    let chosen: string | undefined;
    const choices = Array.from({ length: 20 }, (_, index) => ({ value: `item-${index + 1}`, label: `item-${index + 1}` }));
    const harness = renderInk(<ChoiceList choices={choices} limit={5} onChoose={(value) => (chosen = value)} />);
    await waitForFrame(harness, '❯ item-1');
    await press(harness, '3');
    expect(chosen).toBe('item-3');
    chosen = undefined;
    await press(harness, '9'); // only five rows are shown: nothing to choose
    expect(chosen).toBeUndefined();
    await press(harness, keys.down, keys.down, keys.down, keys.down, keys.down); // focus item-6, rows item-4..item-8
    await waitForFrame(harness, '❯ item-6');
    await press(harness, '1');
    expect(chosen).toBe('item-4');
  });

  it('filters a list as letters are typed: Backspace edits the filter, Esc clears it, j and k are text while filtering', async () => {
    let chosen: string | undefined;
    const labels = ['S3 read: s3:GetObject', 'S3 write: s3:PutObject', 'KMS: Decrypt', 'KMS: Encrypt', 'KMS: ReEncrypt', 'KMS: GenerateDataKey', 'KMS: GetKeyPolicy'];
    const harness = renderInk(<ChoiceList choices={labels.map((label) => ({ value: label, label }))} limit={5} onChoose={(value) => (chosen = value)} />);
    await waitForFrame(harness, '❯ S3 read');
    await press(harness, 'E', 'n', 'c');
    const filtered = await waitForFrame(harness, 'Filter: Enc');
    expect(filtered).toContain('2 of 7');
    expect(filtered).toContain('❯ KMS: Encrypt');
    expect(filtered).toContain('KMS: ReEncrypt');
    expect(filtered).not.toContain('Decrypt');
    await press(harness, keys.down, keys.enter);
    expect(chosen).toBe('KMS: ReEncrypt');
    await press(harness, keys.backspace); // "En": GenerateDataKey matches too
    const edited = await waitForFrame(harness, '3 of 7');
    expect(edited).toContain('GenerateDataKey');
    await press(harness, keys.escape);
    const cleared = await waitForFrameWithout(harness, 'Filter:');
    expect(cleared).toContain('❯ S3 read');
    await press(harness, 'j'); // no filter: j moves
    await waitForFrame(harness, '❯ S3 write');
    await press(harness, '/', 'k', 'j'); // '/' starts a filter: j and k are its text
    await waitForFrame(harness, 'nothing matches');
    await press(harness, keys.backspace, 'm', 's', '3'); // digits are text while filtering
    await waitForFrame(harness, 'Filter: kms3');
    await press(harness, keys.backspace);
    const kms = await waitForFrame(harness, '5 of 7');
    expect(kms).toContain('❯ KMS: Decrypt');
    await press(harness, keys.enter);
    expect(chosen).toBe('KMS: Decrypt');
  });

  it('takes a name pasted into a list as its filter', async () => {
    let chosen: string | undefined;
    const labels = ['KMS: Decrypt', 'KMS: Encrypt', 'KMS: GenerateDataKey'];
    const harness = renderInk(<ChoiceList choices={labels.map((label) => ({ value: label, label }))} onChoose={(value) => (chosen = value)} />, { bracketedPaste: true });
    await waitForFrame(harness, '❯ KMS: Decrypt');
    await press(harness, '\u001b[200~GenerateDataKey\r\n\u001b[201~');
    const filtered = await waitForFrame(harness, 'Filter: GenerateDataKey');
    expect(filtered).toContain('❯ KMS: GenerateDataKey');
    expect(chosen).toBeUndefined();
    await press(harness, keys.enter);
    expect(chosen).toBe('KMS: GenerateDataKey');
  });

  it('deletes forward with Delete and backwards with Backspace', async () => {
    let submitted: string | undefined;
    const harness = renderInk(<TextField onSubmit={(value) => (submitted = value)} />);
    await press(harness, 'alias/orders');
    await press(harness, '\u001b[H', '\u001b[3~', '\u001b[3~'); // Home, Delete twice
    await press(harness, keys.enter);
    expect(submitted).toBe('ias/orders');
    await press(harness, '\u001b[F', keys.backspace, '\u001b[3~'); // End, Backspace, Delete at the end does nothing
    await press(harness, keys.enter);
    expect(submitted).toBe('ias/order');
  });

  it('keeps a bracketed paste in the field, newlines as spaces, even split across reads', async () => {
    let submitted: string | undefined;
    const harness = renderInk(<TextField onSubmit={(value) => (submitted = value)} />, { bracketedPaste: true });
    // Three reads: a newline at the end of the first, a lone Enter in the second.
    await press(harness, '\u001b[200~first line\n', '\r', 'second\nline\u001b[201~');
    await waitForFrame(harness, 'first line  second line');
    expect(submitted).toBeUndefined();
    await press(harness, keys.enter);
    expect(submitted).toBe('first line  second line');
  });

  it('keeps a paste whose start marker is cut across two reads, with an ESC inside it, as text', async () => {
    let submitted: string | undefined;
    const harness = renderInk(<TextField onSubmit={(value) => (submitted = value)} />, { bracketedPaste: true });
    await press(harness, 'x', '\u001b[20', '0~pasted\r\nwith \u001b[1m an ESC\r\n\u001b[201~');
    await waitForFrame(harness, 'xpasted with [1m an ESC');
    expect(harness.lastFrame()).not.toContain('0~');
    expect(submitted).toBeUndefined();
    await press(harness, keys.escape, keys.enter); // a real Esc after the paste is still a key (the field ignores it)
    expect(submitted).toBe('xpasted with [1m an ESC ');
  });
});

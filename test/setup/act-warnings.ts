// A React `act(...)` warning fails the test that caused it (as Gemini CLI's test setup does): it means a
// state update happened outside what the test waited for, so what the test saw may not be the final frame.
import { afterEach, beforeEach } from 'vitest';

const actWarning = /not wrapped in act\(|wrap(ped)? .*in act\(|act\(\.\.\.\)/;
const originalError = console.error;
let warnings: string[] = [];

beforeEach(() => {
  warnings = [];
  console.error = (...args: unknown[]) => {
    const text = args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' ');
    if (actWarning.test(text)) warnings.push(text);
    originalError(...args);
  };
});

afterEach(() => {
  console.error = originalError;
  if (warnings.length > 0) throw new Error(`React act() warning, which fails the test:\n${warnings[0]}`);
});

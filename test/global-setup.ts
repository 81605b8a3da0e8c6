// Once per test run, before any test file: the bundle the CLI tests spawn (test/helpers/bundle.ts).
import { ensureBundle } from './helpers/bundle.js';

export default function setup(): void {
  ensureBundle();
}

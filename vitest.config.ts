import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Ink prints only the last frame under CI, and colours leak into frames: pin both.
    // No test may reach the instance metadata service (169.254.169.254): only loopback is ours to use.
    env: { CI: 'false', FORCE_COLOR: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
    // The CLI tests spawn the bundle, built once here (not tsx per run); act() warnings fail a test.
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup/act-warnings.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start sandboxes and the aws CLI (a Python process): two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Longest files first (last run's durations, or an estimate from the processes a new file starts), so
    // both workers end together. See test/README.md for how a test keeps the suite fast.
    sequence: { sequencer: LongestFirst },
  },
});

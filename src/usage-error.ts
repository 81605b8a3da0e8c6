// A mistake in how kms-doctor was called: printed as one line, exit code 2, no stack trace.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

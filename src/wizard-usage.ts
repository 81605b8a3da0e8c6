// The wizard's usage text (kept apart from the wizard so `kms-doctor help` does not load Ink).
export const wizardUsage = `Usage: kms-doctor [--key KEY] [--operation OP] [--principal ARN] [--error TEXT] [--encryption-context JSON]
                  [--context KEY=VALUE]... [--profile P] [--key-profile P] [--org-profile P] [--region R] [--endpoint-url URL]
                  [--transcript FILE]

The interactive wizard (in a terminal): walks the diagnosis step by step with live data, shows the fix as a
diff, and applies it after you type yes. The flags pre-fill its answers; --context and --org-profile are
check's (a condition-key value kms-doctor cannot read; the organization's management account). With no AWS credentials on the
machine it offers the training scenarios, on an embedded sandbox. Keys: Enter continue, Esc/← back,
? help, q quit. In scripts and pipes, use kms-doctor check or kms-doctor fix instead. --transcript FILE
writes the last diagnosis on screen when you quit (steps, data, verdict, diff, what was applied, the
verification) as Markdown for a ticket into FILE, a new 0600 file.`;

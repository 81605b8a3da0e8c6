// An error the sandbox returns to a client, in AWS's vocabulary. Each protocol renders it its own way:
// KMS as {"__type", "message"} JSON, IAM and STS as <ErrorResponse> XML.

export class AwsError extends Error {
  constructor(
    /** AWS error code, e.g. AccessDeniedException, NoSuchEntity. */
    readonly code: string,
    message: string,
    /** HTTP status AWS uses for this error. */
    readonly status = 400,
    /** Query-protocol fault type: Sender (client) or Receiver (server). */
    readonly faultType: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** KMS: a required or malformed parameter (HTTP 400, ValidationException). */
export const validationError = (message: string): AwsError => new AwsError('ValidationException', message);

/** IAM/STS: a parameter that is present but wrong. */
export const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message);

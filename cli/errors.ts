// Bad usage of a command: exit status 2 with the usage text.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the operator can act on, said in one line (no stack): exit 2 for bad input, 1 at run time. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

// Bad usage of a command: exit status 2 with the usage text.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad arguments: print the message and the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

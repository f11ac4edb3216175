/**
 * A mistake in how the service is set up or started (a folder that is a file, a busy port, a
 * second processor on one DATA_DIR): the CLI prints `recpipe: <message>; <remedy>` on one line,
 * no stack, and exits 2 like bad configuration.
 */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
  constructor(
    message: string,
    /** What the operator should do, in words ("stop it or use another DATA_DIR"). */
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The one line the CLI prints. */
  get line(): string {
    return `recpipe: ${this.message}; ${this.remedy}`;
  }
}

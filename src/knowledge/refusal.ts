/**
 * Why an import was refused, as one line a person can act on. Every refusal leaves nothing written.
 */
export class ImportRefusal extends Error {
  /**
   * @param reason one line, e.g. `the server answered 404 Not Found`
   * @param options.transient true when trying again later may work (a timeout, a 5xx): a feed
   *   poller retries such an item, while a permanent refusal (no article text, a private address)
   *   is not retried
   * @param options.duplicate true when the same URL or text is already a briefing: a feed counts
   *   such an item as already imported, not as refused
   */
  constructor(
    reason: string,
    readonly options: { transient?: boolean; duplicate?: boolean } = {},
  ) {
    super(reason.replace(/\s*\n\s*/g, ' '));
    this.name = 'ImportRefusal';
  }

  get transient(): boolean {
    return this.options.transient === true;
  }

  get duplicate(): boolean {
    return this.options.duplicate === true;
  }
}

/** True for an {@link ImportRefusal}. */
export function isImportRefusal(error: unknown): error is ImportRefusal {
  return error instanceof ImportRefusal;
}

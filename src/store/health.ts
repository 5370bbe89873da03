/**
 * How the store fails: every call is given a deadline, and a failure (an error or a missed
 * deadline) gives the caller a safe fallback instead of an exception. One warning is logged when
 * an outage starts and one info line when it ends, not a line per call.
 */

/** The few logger methods the store uses (a pino `Logger` has them). */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** A store call that did not finish within its deadline (a hung Redis, a locked SQLite file). */
export class StoreTimeoutError extends Error {
  constructor(op: string, ms: number) {
    super(`store call ${op} took longer than ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** After a warning, another outage within this time is logged at debug level only (flapping). */
const REWARN_AFTER_MS = 60_000;

/** Tracks whether the store works and turns failures into fallbacks. */
export class StoreHealth {
  #healthy = true;
  #down = false;
  #downSince = 0;
  #warned = false;
  #lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: StoreLogger,
    /** The store as shown in logs (credentials masked). */
    private readonly description: string,
    /** The default deadline of one call, in milliseconds. */
    readonly timeoutMs: number,
  ) {}

  /** Whether the last call (or connection event) succeeded. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Records a failure; the first of an outage is logged as a warning. */
  failed(op: string, error: unknown): void {
    this.#healthy = false;
    if (this.#down) return;
    this.#down = true;
    this.#downSince = Date.now();
    const detail = {
      store: this.description,
      op,
      err: error instanceof Error ? error : new Error(String(error)),
    };
    // A store that keeps failing and recovering (a full disk: reads work, writes fail) would
    // otherwise warn on every flip.
    this.#warned = this.#downSince - this.#lastWarnAt >= REWARN_AFTER_MS;
    if (this.#warned) {
      this.#lastWarnAt = this.#downSince;
      this.logger.warn(
        detail,
        'store unavailable: using default settings, no cooldowns or flood limits, and dropping writes until it recovers',
      );
    } else {
      this.logger.debug(detail, 'store unavailable again');
    }
  }

  /** Records a success; the first after an outage is logged as an info line. */
  succeeded(): void {
    this.#healthy = true;
    if (!this.#down) return;
    this.#down = false;
    const detail = { store: this.description, downForMs: Date.now() - this.#downSince };
    if (this.#warned) this.logger.info(detail, 'store recovered');
    else this.logger.debug(detail, 'store recovered');
  }

  /**
   * Runs one store call with a deadline. On an error or a missed deadline it records the failure
   * and resolves to `fallback`; it never rejects. A call that misses its deadline still runs on
   * (a promise cannot be cancelled), and its late result is ignored.
   */
  async guard<T>(op: string, run: () => Promise<T>, fallback: T, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(op, timeoutMs)), timeoutMs);
    });
    // Through a promise, so that a synchronous throw becomes a fallback too.
    const call = Promise.resolve().then(run);
    // The call may fail after the deadline already won: nobody awaits it then.
    call.catch(() => undefined);
    try {
      const result = await Promise.race([call, deadline]);
      this.succeeded();
      return result;
    } catch (error) {
      this.failed(op, error);
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }
}

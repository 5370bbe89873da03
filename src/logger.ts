/**
 * The logger: pino, one JSON object per line. Token-like fields are redacted by path, and, as a
 * last line of defence, every configured secret is replaced in the finished line, so a token
 * cannot leak even inside an error message or a stack trace (discord.js errors can carry
 * request details).
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** What replaces a redacted value or a secret found in a log line. */
export const REDACTED = '[redacted]';

/** Field paths whose values are never logged (pino `redact`). */
export const REDACT_PATHS = [
  'token',
  'authorization',
  'Authorization',
  'password',
  'discordToken',
  '*.token',
  '*.authorization',
  '*.Authorization',
  '*.discordToken',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'config.discordToken',
];

/** Query parameters whose values are credentials, in URLs people import from (`?token=…`, signed links). */
const SECRET_PARAMS =
  /^(.*(token|key|secret|sig|signature|password|passwd|auth|session|credential).*|ex|is|hm|x-amz-.*)$/i;

/**
 * A URL as it may be logged: without user name and password, and with the values of query
 * parameters that hold credentials (`token`, `api_key`, `sig`, Discord's signed `ex`/`is`/`hm`…)
 * replaced by `[redacted]`. Anything that is not a URL is cut to 200 characters.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.slice(0, 200);
  }
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) url.searchParams.set(key, REDACTED);
  }
  return url.href;
}

/** Secrets shorter than this are not searched for in lines: replacing "abc" everywhere would garble logs. */
const MIN_SECRET_LENGTH = 8;

/** A place log lines go: pino calls `write` with one finished JSON line at a time. */
export interface LogDestination {
  write(line: string): unknown;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Values (the bot token) replaced by `[redacted]` wherever they appear in a line. */
  secrets?: readonly (string | undefined)[];
  /** Where lines go (default: stdout, synchronously, so nothing is lost on exit). */
  destination?: LogDestination | 'stdout' | 'stderr';
}

/**
 * Replaces every occurrence of each secret in `text` (also in its JSON-escaped form) with
 * `[redacted]`. Secrets shorter than 8 characters are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/**
 * Creates the application logger.
 *
 * @example
 * const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken] });
 * logger.info({ guildId }, 'answered');
 */
export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? 'stdout';
  const sink: LogDestination =
    typeof target === 'string' ? pino.destination({ dest: target === 'stderr' ? 2 : 1, sync: true }) : target;
  const secrets = (options.secrets ?? []).filter(
    (s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH,
  );
  const destination: LogDestination =
    secrets.length === 0 ? sink : { write: (line: string) => sink.write(redactSecrets(line, secrets)) };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

/**
 * Keeps the process alive through stray errors (a rejected promise nobody awaited, a throw from a
 * timer or an event handler), with enough context in the log to find them: one bad handler must
 * not take the bot down for every server.
 */
export function logStrayErrors(logger: Logger, proc: NodeJS.Process = process): void {
  proc.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  proc.on('uncaughtException', (error, origin) => logger.error({ err: error, origin }, 'uncaught exception'));
}

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** A script that installs the handler, then throws from a timer and leaves a promise rejected. */
const SCRIPT = `
import { createLogger, logStrayErrors } from './src/logger.ts';
const logger = createLogger({ level: 'info', secrets: ['secret-token-value-123'] });
logStrayErrors(logger);
setTimeout(() => { throw new Error('thrown from a timer with secret-token-value-123'); }, 10);
void Promise.reject(new Error('rejected and never awaited'));
setTimeout(() => { console.log(JSON.stringify({ msg: 'still running' })); process.exit(0); }, 200);
`;

describe('logStrayErrors', () => {
  it('logs an uncaught exception and an unhandled rejection with context, and the process keeps running', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) => JSON.parse(l) as { msg: string; err?: { message?: string; stack?: string }; origin?: string },
      );
    const rejection = lines.find((l) => l.msg === 'unhandled promise rejection');
    const exception = lines.find((l) => l.msg === 'uncaught exception');
    expect(rejection?.err?.message).toBe('rejected and never awaited');
    expect(rejection?.err?.stack).toContain('Error: rejected and never awaited');
    expect(exception?.origin).toBe('uncaughtException');
    expect(exception?.err?.message).toContain('thrown from a timer');
    expect(run.stdout).not.toContain('secret-token-value-123');
    expect(lines.at(-1)?.msg).toBe('still running');
  });
});

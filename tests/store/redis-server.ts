/**
 * Test helper: a throwaway redis-server on a free loopback port, which a test may kill, pause
 * and restart to see the store fail and recover. Falls back to REDIS_URL (a server the test
 * cannot control) when no redis-server binary is found.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary: REDIS_SERVER_BIN, else `redis-server` on the PATH, else none. */
export function redisServerBinary(): string | undefined {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  return found !== '' ? found : undefined;
}

/** How the Redis tests can run here: their own server, a given one, or not at all. */
export type RedisAvailability =
  { mode: 'own'; bin: string } | { mode: 'url'; url: string } | { mode: 'none' };

export function redisAvailability(): RedisAvailability {
  const bin = redisServerBinary();
  if (bin !== undefined) return { mode: 'own', bin };
  const url = process.env.REDIS_URL;
  if (url) return { mode: 'url', url };
  return { mode: 'none' };
}

/** A free TCP port on 127.0.0.1 (free when asked; the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a Redis server answers PING on the port. */
export async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

/** Polls `check` every 25 ms until it is true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A redis-server this test owns. */
export interface OwnRedis {
  url: string;
  port: number;
  /** Starts it (again) unless running: the data written before a kill is back (append-only file, fsync always). */
  start(): Promise<void>;
  /** SIGKILL: a crash, not a shutdown. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that accepts connections but never answers. */
  pause(): void;
  resume(): void;
  /** Kills it and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * Starts a redis-server on a free loopback port (or `options.port`), with its data in a temporary
 * folder; with `started: false` it is only prepared, for a test of a store opened before Redis is up.
 */
export async function startOwnRedis(
  bin: string,
  options: { port?: number; started?: boolean } = {},
): Promise<OwnRedis> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'store-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  const server: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) return;
      child = spawn(bin, args, { stdio: 'ignore' });
      await waitFor(() => pings(port), 10_000, `redis-server on port ${port}`);
    },
    async kill() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGCONT');
      c.kill('SIGKILL');
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async dispose() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // A worker that dies mid-test must not leave a server behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  if (options.started !== false) await server.start();
  return server;
}

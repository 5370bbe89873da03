/**
 * The self-hosting files, end to end.
 *
 * Always: the shapes of `docker-compose.yml`, `Dockerfile` and `.dockerignore` (there is no Docker
 * engine in CI to run them, so their key fields are checked as data).
 *
 * With `RUN_CONTAINER_TESTS=1` (`npm run test:container`): builds the image with
 * `container-smoke --build-only` (podman, a local stand-in for the node base image), runs it with the
 * same hardening as the compose file against the fake Discord on the host network, asks /ask, checks
 * /healthz, /metrics and the image's HEALTHCHECK, the user and PID 1, then stops it with SIGTERM and
 * expects exit code 0 well within the 10 s grace.
 *
 * Environment: `CONTAINER_SMOKE` (path of the build script, default ../shared/tools/container-smoke beside the checkout),
 * `CONTAINER_IMAGE` (skip the build and run this image instead), `CONTAINER_SMOKE_CACHE` (as the script).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { parse } from 'yaml';
import { FakeDiscord } from './fake-discord.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

// ───────────────────────────── static checks: always ─────────────────────────────

interface ComposeService {
  build?: unknown;
  image?: string;
  env_file?: string | string[];
  restart?: string;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string> | string[];
  read_only?: boolean;
  cap_drop?: string[];
  depends_on?: unknown;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
  const bot = compose.services['bot']!;
  const redis = compose.services['redis']!;

  it('runs the bot from .env, restarting unless stopped', () => {
    expect(bot.build).toBe('.');
    expect(bot.env_file).toBe('.env');
    expect(bot.restart).toBe('unless-stopped');
    expect(bot.profiles).toBeUndefined();
  });

  it('mounts the briefings read-only and the store on the named volume bot-data', () => {
    expect(bot.volumes).toContain('./knowledge:/app/knowledge:ro');
    expect(bot.volumes).toContain('bot-data:/data');
    expect(compose.volumes).toHaveProperty('bot-data');
  });

  it('publishes the health port to nobody, or to this machine only', () => {
    for (const port of bot.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('runs the bot with a read-only root and no capabilities', () => {
    expect(bot.read_only).toBe(true);
    expect(bot.cap_drop).toEqual(['ALL']);
  });

  it('has Redis only under the redis profile, with its own volume, and no hard dependency on it', () => {
    expect(redis.image).toMatch(/^redis:7-(alpine|bookworm)$/);
    expect(redis.profiles).toEqual(['redis']);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    // A depends_on on a service whose profile is off makes `docker compose up` fail.
    expect(bot.depends_on).toBeUndefined();
    // STORE_URL comes from .env, so the compose file never points the bot at a Redis that is not running.
    expect(JSON.stringify(bot.environment ?? {})).not.toContain('STORE_URL');
  });
});

describe('docker-compose.scale.yml', () => {
  // Compose reads `<<: *bot` merge keys; so does the yaml package with `merge: true`.
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.scale.yml'), 'utf8'), {
    merge: true,
  }) as ComposeFile;
  const hosts = ['bot-a', 'bot-b'].map((name) => compose.services[name]!);
  const env = (service: ComposeService) => service.environment as Record<string, string>;

  it('gives two bot services the same SHARD_COUNT and shard lists that cover it, each id once', () => {
    const total = Number(env(hosts[0]!).SHARD_COUNT);
    expect(hosts.map((h) => Number(env(h).SHARD_COUNT))).toEqual([total, total]);
    const ids = hosts.flatMap((h) =>
      env(h)
        .SHARDS!.split(',')
        .flatMap((part) => {
          const [from, to = from] = part.split('-').map(Number) as [number, number?];
          return Array.from({ length: to - from + 1 }, (_, i) => from + i);
        }),
    );
    expect(ids.sort()).toEqual([...Array(total).keys()]);
  });

  it('points both at one Redis (overridable for a second machine), each with its own data volume', () => {
    for (const host of hosts) {
      expect(env(host).STORE_URL).toBe('${STORE_URL:-redis://redis:6379}');
      expect(host.env_file).toBe('.env');
      expect(host.volumes).toContain('./knowledge:/app/knowledge:ro');
      expect(host.read_only).toBe(true);
      expect(host.cap_drop).toEqual(['ALL']);
    }
    const dataVolumes = hosts.map((h) => h.volumes!.find((v) => v.endsWith(':/data')));
    expect(new Set(dataVolumes).size).toBe(2);
    for (const volume of dataVolumes) expect(compose.volumes).toHaveProperty(volume!.split(':')[0]!);
    expect(compose.services['redis']!.image).toMatch(/^redis:7-(alpine|bookworm)$/);
    expect(compose.services['redis']!.profiles).toBeUndefined();
  });

  it('passes the configuration check that the bot itself runs', async () => {
    const { parseConfig } = await import('../../src/config.js');
    for (const host of hosts) {
      const plan = parseConfig({ ...env(host), STORE_URL: 'redis://redis:6379' }).shards;
      expect(plan?.ids?.length).toBe(2);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  it('builds in one stage and runs in a fresh node:22-bookworm-slim', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual(['FROM node:22-bookworm-slim AS build', 'FROM node:22-bookworm-slim AS runtime']);
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('runs node dist/main.js under tini as the node user, with the store and briefings where compose expects them', () => {
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime).toContain('CMD ["node", "dist/main.js"]');
    expect(runtime).toContain('VOLUME ["/data"]');
    const env = runtime.filter((l) => l.startsWith('ENV ')).join(' ');
    for (const setting of [
      'NODE_ENV=production',
      'KNOWLEDGE_DIR=/app/knowledge',
      'DATA_DIR=/data',
      'HEALTH_PORT=8080',
    ]) {
      expect(env).toContain(setting);
    }
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK '))).toContain('/healthz');
  });

  it('copies only what runs into the runtime stage', () => {
    const copies = runtime.filter((l) => l.startsWith('COPY ')).map((l) => l.split(/\s+/).at(-2));
    // lexicon/ holds the chat language and the distilled word vectors the engine reads at run time.
    expect(copies.sort()).toEqual([
      '/app/dist',
      '/app/lexicon',
      '/app/node_modules',
      '/app/package.json',
      'knowledge',
    ]);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  it.each(['node_modules', '.env', 'data', 'tests', 'dist', 'bench', '.git', 'coverage'])(
    'keeps %s out of the context',
    (entry) => {
      expect(ignored).toContain(entry);
    },
  );
});

// ───────────────────────────── the real image: RUN_CONTAINER_TESTS=1 ─────────────────────────────

// The build script lives beside the checkout, in shared/tools (as on the development and CI machines).
const SMOKE = process.env['CONTAINER_SMOKE'] ?? join(ROOT, '../shared/tools/container-smoke');
const CACHE = process.env['CONTAINER_SMOKE_CACHE'] ?? '/var/tmp/container-smoke';
const BUILT_TAG = 'localhost/container-smoke-project:latest';
const TOKEN = 'fake-token-for-container-tests';
/** `podman stop --time`: the grace before SIGKILL, and the bound the bot must exit within. */
const STOP_GRACE_S = 10;

/** podman as container-smoke runs it (runc, and its containers.conf without default ulimits). */
async function podman(args: string[], timeoutMs = 60_000): Promise<string> {
  const env = { ...process.env, CONTAINERS_CONF: join(CACHE, 'containers.conf') };
  const { stdout } = await run('podman', ['--runtime', 'runc', ...args], {
    env,
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  return stdout.trim();
}

/** A TCP port free on the host right now (the container shares the host's network). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with `what` and the container's log. */
async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  logs: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}.\ncontainer log:\n${(await logs()).slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.runIf(process.env['RUN_CONTAINER_TESTS'] === '1')('the container image', () => {
  const name = `briefings-test-${randomBytes(4).toString('hex')}`;
  const volume = `${name}-data`;
  const image = process.env['CONTAINER_IMAGE'] ?? BUILT_TAG;
  const started = performance.now();
  const timings: Record<string, number> = {};
  let fake: FakeDiscord;
  let healthPort: number;
  const logs = (): Promise<string> =>
    podman(['logs', name]).catch((error: unknown) => `(no log: ${String(error)})`);

  beforeAll(async () => {
    if (!process.env['CONTAINER_IMAGE']) {
      if (!existsSync(SMOKE))
        throw new Error(`${SMOKE} not found: set CONTAINER_SMOKE, or CONTAINER_IMAGE to a built image`);
      const t0 = performance.now();
      await run(SMOKE, ['--build-only', ROOT], { timeout: 30 * 60_000, maxBuffer: 256 << 20 }).catch(
        (error: unknown) => {
          const e = error as { stderr?: string; stdout?: string };
          throw new Error(
            `container-smoke --build-only failed:\n${(e.stdout ?? '').slice(-4000)}\n${(e.stderr ?? '').slice(-4000)}`,
          );
        },
      );
      timings['build'] = performance.now() - t0;
    }
    fake = await FakeDiscord.start({ token: TOKEN });
    healthPort = await freePort();
    const t0 = performance.now();
    // The same hardening as docker-compose.yml: read-only root, /tmp in memory, no capabilities.
    // prettier-ignore
    await podman([
      'run', '--detach', '--name', name, '--network=host', '--ulimit', 'host',
      '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '--volume', `${volume}:/data`,
      '--env', `DISCORD_TOKEN=${TOKEN}`, '--env', `DISCORD_API_URL=${fake.apiUrl}`,
      '--env', `DISCORD_GUILD_ID=${fake.guilds[0]!.id}`, '--env', `HEALTH_PORT=${healthPort}`,
      image,
    ]);
    await until(
      async () => ((await logs()).includes('"msg":"bot ready"') ? true : undefined),
      60_000,
      '"bot ready"',
      logs,
    );
    timings['start'] = performance.now() - t0;
  }, 35 * 60_000);

  afterAll(async () => {
    await podman(['rm', '--force', '--time', '0', name]).catch(() => undefined);
    await podman(['volume', 'rm', '--force', volume]).catch(() => undefined);
    await fake?.stop();
    const total = performance.now() - started;
    const parts = Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`);
    console.log(`container test: ${parts.join(', ')}, total ${(total / 1000).toFixed(1)} s`);
  }, 60_000);

  it('answers /ask with the quoted passage', async () => {
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'ask',
      options: { question: 'Who is Pranay Vaddi?' },
    });
    const reply = await fake.waitForReply(sent, { timeoutMs: 15_000 });
    const last = reply.edits.at(-1) ?? reply.followUps.at(-1);
    const body = (last ? last.body : reply.data) as { embeds?: APIEmbed[] };
    expect(body.embeds?.[0]?.description).toMatch(/^> .*Pranay Vaddi/s);
  });

  it('is healthy: /healthz says ok and the image HEALTHCHECK passes', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', gateway: true, indexLoaded: true });
    // Runs the Dockerfile's HEALTHCHECK command inside the container; exit status 0 means healthy.
    expect(await podman(['healthcheck', 'run', name])).not.toMatch(/unhealthy/);
  });

  it('counts the question in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(text).toMatch(/^briefings_questions_total\{outcome="answered"\} [1-9]/m);
    expect(text).toMatch(/^briefings_gateway_up 1$/m);
    expect(text).toMatch(/^briefings_passages_loaded [1-9]/m);
  });

  it('runs as uid 1000 under tini, keeps its SQLite store in /data, and can write nowhere else', async () => {
    expect(await podman(['exec', name, 'id', '-u'])).toBe('1000');
    expect(await podman(['exec', name, 'cat', '/proc/1/comm'])).toBe('tini');
    expect((await podman(['exec', name, 'ls', '/data'])).split('\n')).toContain('state.sqlite');
    await podman(['exec', name, 'touch', '/data/.write-test']);
    await expect(podman(['exec', name, 'touch', '/app/.write-test'])).rejects.toThrow();
  });

  it(`stops on SIGTERM with exit code 0 within ${STOP_GRACE_S} s`, async () => {
    const t0 = performance.now();
    await podman(['stop', '--time', String(STOP_GRACE_S), name], (STOP_GRACE_S + 20) * 1000);
    const seconds = (performance.now() - t0) / 1000;
    timings['stop'] = seconds * 1000;
    expect(await podman(['inspect', '--format', '{{.State.ExitCode}}', name])).toBe('0');
    // Well under the grace: the bot exited on SIGTERM, it was not killed at the deadline.
    expect(seconds).toBeLessThan(STOP_GRACE_S - 2);
    expect(await logs()).toContain('"msg":"shutting down"');
  }, 40_000);
});

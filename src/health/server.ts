/**
 * An optional HTTP server for orchestration and monitoring: `GET /healthz` for liveness checks
 * (Docker's HEALTHCHECK, Kubernetes probes, uptime monitors) and `GET /metrics` for Prometheus.
 * It is off unless a port is configured (`HEALTH_PORT`), and serves nothing else.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

/** One gateway shard, as `/healthz` reports it. */
export interface ShardHealth {
  id: number;
  /** e.g. discord.js's `Status[shard.status]`: `Ready`, `Connecting`, `Disconnected`… */
  status: string;
  /** Heartbeat round trip in milliseconds (discord.js reports -1 before the first heartbeat). */
  ping?: number;
}

/** What the bot reports about itself; the server asks for it on every request. */
export interface HealthStatus {
  /** The Discord gateway connection is up. */
  gateway: boolean;
  /** The briefings are loaded and searchable. */
  indexLoaded: boolean;
  shards?: readonly ShardHealth[];
}

/** Options for {@link startHealthServer}. */
export interface HealthServerOptions {
  /** TCP port; 0 picks a free one (see {@link HealthServer.port}). */
  port: number;
  /** Address to bind. Default `127.0.0.1`; the container image sets `0.0.0.0` (HEALTH_HOST). */
  host?: string;
  /** Called on every `/healthz` and `/metrics` request; must be cheap and synchronous. */
  status: () => HealthStatus;
  /** Served at `/metrics`; without it `/metrics` is 404. */
  metrics?: Metrics;
}

/** A listening health server. */
export interface HealthServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** The `/healthz` response body. */
export interface HealthBody extends HealthStatus {
  status: 'ok' | 'unavailable';
  uptimeSeconds: number;
}

/** A probe or scrape that takes longer than this is not worth waiting for. */
const REQUEST_TIMEOUT_MS = 5000;

/**
 * Starts the health and metrics server and resolves once it listens.
 *
 * - `GET /healthz` → 200 `{"status":"ok",…}` while the gateway is connected and the index is
 *   loaded, 503 `{"status":"unavailable",…}` otherwise (also when `status()` throws).
 * - `GET /metrics` → the Prometheus text exposition of `metrics`.
 * - `HEAD` works like `GET`; anything else → 404.
 *
 * @throws (rejects) when the port cannot be bound, e.g. `EADDRINUSE`
 * @example
 * const health = await startHealthServer({ port: 8080, host: '0.0.0.0', metrics, status: () => ({ gateway: true, indexLoaded: true }) });
 * await health.close();
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? '127.0.0.1';
  const started = Date.now();
  const server = createServer((req, res) => {
    handle(req, res, options, started).catch(() => {
      // Headers may already be out; ending is all that is left to do.
      if (!res.headersSent) send(res, req, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.end();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await listen(server, options.port, host);

  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (Prometheus keeps one open) would otherwise hold close() up.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: HealthServerOptions,
  started: number,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const readable = req.method === 'GET' || req.method === 'HEAD';
  if (readable && path === '/healthz') {
    const body = healthBody(options.status, started);
    send(
      res,
      req,
      body.status === 'ok' ? 200 : 503,
      'application/json; charset=utf-8',
      `${JSON.stringify(body)}\n`,
    );
    return;
  }
  if (readable && path === '/metrics' && options.metrics) {
    const metrics = options.metrics;
    // The gauge follows the same source as /healthz, so the two never disagree at scrape time.
    const gateway = safeStatus(options.status)?.gateway;
    if (gateway !== undefined) metrics.setGateway(gateway);
    send(res, req, 200, metrics.contentType, await metrics.render());
    return;
  }
  send(res, req, 404, 'text/plain; charset=utf-8', 'not found\n');
}

/** The `/healthz` body; a throwing status provider counts as unhealthy, not as a server error. */
function healthBody(status: () => HealthStatus, started: number, now = Date.now()): HealthBody {
  const s = safeStatus(status);
  const uptimeSeconds = Math.round((now - started) / 1000);
  if (!s) return { status: 'unavailable', gateway: false, indexLoaded: false, uptimeSeconds };
  const healthy = s.gateway && s.indexLoaded;
  const body: HealthBody = {
    status: healthy ? 'ok' : 'unavailable',
    gateway: s.gateway,
    indexLoaded: s.indexLoaded,
    uptimeSeconds,
  };
  if (s.shards) body.shards = s.shards;
  return body;
}

function safeStatus(status: () => HealthStatus): HealthStatus | undefined {
  try {
    return status();
  } catch {
    return undefined;
  }
}

function send(
  res: ServerResponse,
  req: IncomingMessage,
  code: number,
  contentType: string,
  body: string,
): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

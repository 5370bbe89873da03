import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/health/metrics.js';
import { startHealthServer } from '../../src/health/server.js';
import type { HealthServer, HealthStatus } from '../../src/health/server.js';

const open: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(status: () => HealthStatus, metrics?: Metrics): Promise<HealthServer> {
  const server = await startHealthServer({ port: 0, status, ...(metrics ? { metrics } : {}) });
  open.push(server);
  return server;
}

describe('startHealthServer', () => {
  it('answers /healthz with 200 while the gateway is up and the index loaded', async () => {
    const shards = [{ id: 0, status: 'Ready', ping: 42 }];
    const server = await start(() => ({ gateway: true, indexLoaded: true, shards }));
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', gateway: true, indexLoaded: true, shards });
    expect(body['uptimeSeconds']).toBeTypeOf('number');
  });

  it.each([
    { gateway: false, indexLoaded: true },
    { gateway: true, indexLoaded: false },
    { gateway: false, indexLoaded: false },
  ])('answers /healthz with 503 for %o', async (status) => {
    const server = await start(() => status);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', ...status });
  });

  it('follows the status as it changes, and ignores a query string', async () => {
    let gateway = false;
    const server = await start(() => ({ gateway, indexLoaded: true }));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    gateway = true;
    expect((await fetch(`${server.url}/healthz?probe=1`)).status).toBe(200);
  });

  it('reports 503, not 500, when the status provider throws', async () => {
    const server = await start(() => {
      throw new Error('not yet');
    });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', gateway: false, indexLoaded: false });
  });

  it('answers HEAD like GET, without a body', async () => {
    const server = await start(() => ({ gateway: true, indexLoaded: true }));
    const res = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('serves the metrics in Prometheus format, with the gateway gauge taken from the status', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.observeAnswer('answered', 0.01);
    metrics.setPassages(12);
    let gateway = true;
    const server = await start(() => ({ gateway, indexLoaded: true }), metrics);
    let res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    let text = await res.text();
    expect(text).toContain('briefings_questions_total{outcome="answered"} 1');
    expect(text).toContain('briefings_passages_loaded 12');
    expect(text).toContain('briefings_gateway_up 1');
    gateway = false;
    res = await fetch(`${server.url}/metrics`);
    text = await res.text();
    expect(text).toContain('briefings_gateway_up 0');
  });

  it('answers 404 for other paths and methods, and for /metrics without metrics', async () => {
    const server = await start(() => ({ gateway: true, indexLoaded: true }));
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz/extra`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(
        startHealthServer({ port, status: () => ({ gateway: true, indexLoaded: true }) }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      blocker.close();
    }
  });

  it('closes promptly despite an idle keep-alive connection, and close() can be called twice', async () => {
    const server = await startHealthServer({ port: 0, status: () => ({ gateway: true, indexLoaded: true }) });
    await (await fetch(`${server.url}/healthz`)).text(); // fetch keeps the connection alive
    const t0 = performance.now();
    await Promise.all([server.close(), server.close()]);
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

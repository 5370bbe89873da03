import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FEED_TYPES,
  FETCH_TIMEOUT_MS,
  MAX_FETCH_BYTES,
  MAX_REDIRECTS,
  PAGE_TYPES,
  blockedAddressReason,
  decodeText,
  safeFetch,
} from '../../src/knowledge/fetch.js';
import type { Resolver, SafeFetchOptions } from '../../src/knowledge/fetch.js';
import { ImportRefusal } from '../../src/knowledge/refusal.js';
import { fixture, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});

/** Made-up host names, as a resolver would answer for them; `lookups` counts every question. */
const lookups: string[] = [];
const resolver: Resolver = async (host) => {
  lookups.push(host);
  const table: Record<string, string[]> = {
    'news.test': ['127.0.0.1'],
    'intranet.test': ['10.20.30.40'],
    'split.test': ['93.184.216.34', '192.168.1.10'],
    'metadata.test': ['169.254.169.254'],
    'v6.test': ['fd00::1'],
  };
  const found = table[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** The loopback server is allowed as IMPORT_ALLOW_HOSTS allows it; `news.test` names it. */
const allowed: SafeFetchOptions = { accept: PAGE_TYPES, allowHosts: ['127.0.0.1', 'news.test'], resolve: resolver };

async function refusal(promise: Promise<unknown>): Promise<ImportRefusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportRefusal);
  expect((error as Error).message).not.toContain('\n');
  return error as ImportRefusal;
}

describe('safeFetch: what it fetches', () => {
  it('fetches a page on an allowed host: body, content type, charset and final URL', async () => {
    const page = await safeFetch(`${server.base}/pressreleases/salmon-habitat`, allowed);
    expect(page.contentType).toBe('text/html');
    expect(page.charset).toBe('utf-8');
    expect(page.body.equals(fixture('press-release.html'))).toBe(true);
    expect(page.finalUrl).toBe(`${server.base}/pressreleases/salmon-habitat`);
  });

  it('decompresses gzip', async () => {
    const page = await safeFetch(`${server.base}/gzip/pressreleases/salmon-habitat`, allowed);
    expect(page.body.equals(fixture('press-release.html'))).toBe(true);
  });

  it(`follows up to ${MAX_REDIRECTS} redirects and reports where it ended`, async () => {
    const page = await safeFetch(`${server.base}/chain/${MAX_REDIRECTS}`, allowed);
    expect(page.finalUrl).toBe(`${server.base}/pressreleases/salmon-habitat`);
    expect(page.requestedUrl).toBe(`${server.base}/chain/${MAX_REDIRECTS}`);
  });

  it('connects to the address it checked: one lookup per host, none again before connecting', async () => {
    lookups.length = 0;
    const page = await safeFetch(`http://news.test:${server.port}/pressreleases/salmon-habitat`, allowed);
    expect(page.body.length).toBeGreaterThan(1000);
    // news.test exists only in the test resolver: the connection can only have gone to its answer.
    expect(lookups).toEqual(['news.test']);
  });
});

describe('safeFetch: what it refuses', () => {
  it.each([
    ['file:///etc/passwd', /only http and https URLs can be imported, not file:/],
    ['ftp://example.org/a', /only http and https/],
    ['javascript:alert(1)', /only http and https/],
    ['http://user:secret@example.org/', /user name or password/],
    ['not a url', /is not a URL/],
  ])('%s', async (url, reason) => {
    expect((await refusal(safeFetch(url, { accept: PAGE_TYPES }))).message).toMatch(reason);
  });

  it.each([
    ['http://[::1]/', /::1 is a loopback address; refused \(unless IMPORT_ALLOW_HOSTS lists the host\)$/],
    ['http://127.0.0.1:9/', /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/', /is a loopback address/],
    ['http://0.0.0.0/', /unspecified address/],
    ['http://10.0.0.8/', /private address/],
    ['http://192.168.0.1/admin', /private address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fd12:3456::1]/', /unique-local/],
    ['http://224.0.0.1/', /multicast/],
    ['http://100.100.100.200/', /carrier-grade NAT/],
  ])('the address %s, without the allow list', async (url, reason) => {
    expect((await refusal(safeFetch(url, { accept: PAGE_TYPES, resolve: resolver }))).message).toMatch(reason);
  });

  it('a host name that resolves to a private address (any one of its addresses)', async () => {
    const opts = { accept: PAGE_TYPES, resolve: resolver };
    expect((await refusal(safeFetch('http://intranet.test/wiki', opts))).message).toBe(
      'intranet.test resolves to 10.20.30.40, a private address; refused (unless IMPORT_ALLOW_HOSTS lists the host)',
    );
    expect((await refusal(safeFetch('http://split.test/', opts))).message).toMatch(/192\.168\.1\.10, a private address/);
    expect((await refusal(safeFetch('http://metadata.test/', opts))).message).toMatch(/link-local/);
    expect((await refusal(safeFetch('http://v6.test/', opts))).message).toMatch(/unique-local/);
  });

  it('localhost, through the system resolver', async () => {
    expect((await refusal(safeFetch(`http://localhost:${server.port}/`, { accept: PAGE_TYPES }))).message).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
  });

  it('a redirect to 127.0.0.1 or to the metadata address, without asking it', async () => {
    const before = server.requests.length;
    // news.test (allowed) redirects to 127.0.0.1, which is not on this allow list.
    const opts = { accept: PAGE_TYPES, allowHosts: ['news.test'], resolve: resolver };
    expect((await refusal(safeFetch(`http://news.test:${server.port}/redirect-to-loopback`, opts))).message).toMatch(
      /^127\.0\.0\.1 is a loopback address; refused/,
    );
    expect((await refusal(safeFetch(`${server.base}/redirect-to-metadata`, allowed))).message).toMatch(
      /^169\.254\.169\.254 is a link-local address; refused/,
    );
    expect(server.requests.slice(before)).toEqual(['/redirect-to-loopback', '/redirect-to-metadata']);
  });

  it('a redirect loop, and more than 5 redirects', async () => {
    expect((await refusal(safeFetch(`${server.base}/loop/a`, allowed))).message).toBe('more than 5 redirects; refused');
    expect((await refusal(safeFetch(`${server.base}/chain/${MAX_REDIRECTS + 1}`, allowed))).message).toBe(
      'more than 5 redirects; refused',
    );
  });

  it('a 404, naming the status (permanent), and a 503 as worth retrying', async () => {
    const missing = await refusal(safeFetch(`${server.base}/no/such/page`, allowed));
    expect(missing.message).toBe('127.0.0.1 answered 404 Not Found');
    expect(missing.transient).toBe(false);
    server.override('/busy', (_req, res) => res.writeHead(503).end());
    const busy = await refusal(safeFetch(`${server.base}/busy`, allowed));
    expect(busy.message).toBe('127.0.0.1 answered 503 Service Unavailable');
    expect(busy.transient).toBe(true);
  });

  it('a JSON response, and a feed where a page is wanted (and the other way round)', async () => {
    expect((await refusal(safeFetch(`${server.base}/json`, allowed))).message).toBe(
      '127.0.0.1 sent application/json, not a web page or text',
    );
    expect((await refusal(safeFetch(`${server.base}/feeds/atom.xml`, allowed))).message).toMatch(
      /sent application\/atom\+xml, not a web page or text/,
    );
    const feeds = { ...allowed, accept: FEED_TYPES };
    expect((await refusal(safeFetch(`${server.base}/pressreleases/salmon-habitat`, feeds))).message).toBe(
      '127.0.0.1 sent text/html, not an RSS or Atom feed',
    );
  });

  it('a 6 MB page: stops reading past 5 MB, whether or not the size was declared', async () => {
    expect(MAX_FETCH_BYTES).toBe(5 * 1024 * 1024);
    expect((await refusal(safeFetch(`${server.base}/huge`, allowed))).message).toBe(
      'the response is larger than 5 MB; refused',
    );
    expect((await refusal(safeFetch(`${server.base}/huge-declared`, allowed))).message).toBe(
      'the response is larger than 5 MB; refused',
    );
  });

  it('a gzip bomb: the limit counts the bytes after decompression', async () => {
    expect((await refusal(safeFetch(`${server.base}/gzip-bomb`, allowed))).message).toBe(
      'the response is larger than 5 MB; refused',
    );
  });

  it('a slow page, at the deadline (15 s by default; shortened here)', async () => {
    expect(FETCH_TIMEOUT_MS).toBe(15_000);
    const started = Date.now();
    const slow = await refusal(safeFetch(`${server.base}/slow`, { ...allowed, timeoutMs: 600 }));
    expect(slow.message).toBe('127.0.0.1 took longer than 0.6 s to answer');
    expect(slow.transient).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a host that does not exist', async () => {
    expect((await refusal(safeFetch('http://nowhere.test/', { accept: PAGE_TYPES, resolve: resolver }))).message).toBe(
      'the host name nowhere.test was not found',
    );
  });
});

describe('blockedAddressReason', () => {
  it('lets public unicast addresses through, and only those', () => {
    expect(blockedAddressReason('93.184.216.34')).toBeUndefined();
    expect(blockedAddressReason('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    expect(blockedAddressReason('::ffff:10.0.0.1')).toBe('a private address');
    expect(blockedAddressReason('2002:7f00:1::')).toMatch(/special-purpose address \(6to4\)/);
  });
});

describe('decodeText', () => {
  it('reads the charset from a meta tag when the server gives none (windows-1252, as browsers do)', () => {
    const text = decodeText(fixture('windows-1252.html'), undefined, true);
    expect(text).toContain('Zürich and São Paulo');
    expect(text).toContain('€18 million');
    expect(text).toContain('“The Limmat was once too dirty');
    expect(text).not.toMatch(/[\u0080-\u009f]/);
  });

  it('prefers a BOM and the server’s charset, reads an XML declaration, and falls back to UTF-8', () => {
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]), 'windows-1252', true)).toBe('hé');
    expect(decodeText(Buffer.from('caf\xe9', 'latin1'), 'iso-8859-1', false)).toBe('café');
    expect(decodeText(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', 'latin1'), undefined, false)).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>',
    );
    expect(decodeText(Buffer.from('<meta charset="nonsense">é'), undefined, true)).toBe('<meta charset="nonsense">é');
  });
});

/**
 * A web server on loopback serving the import fixtures (tests/fixtures/import) as a publisher's
 * site would, plus the misbehaving responses the importer must refuse: 404, a 6 MB page, a slow
 * page, redirect loops, redirects to loopback and metadata addresses, JSON, a gzip bomb.
 * Every request's path is recorded, so a test can show that a refused address was never asked.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

/** Pages by path: [fixture file, content type]. */
const PAGES: Record<string, [string, string]> = {
  '/pressreleases/salmon-habitat': ['press-release.html', 'text/html; charset=utf-8'],
  '/business/2024/feb/09/halden-dock-strike-ends': ['news-article.html', 'text/html; charset=UTF-8'],
  '/varden/water.html': ['no-metadata.html', 'text/html'],
  '/communiques/zurich-sao-paulo.htm': ['windows-1252.html', 'text/html'],
  '/council/security-audit': ['hostile.html', 'text/html; charset=utf-8'],
  '/news/ferry-link-resumes': ['feed-item-ferry.html', 'text/html; charset=utf-8'],
  '/news/new-library-opens': ['feed-item-library.html', 'text/html; charset=utf-8'],
  '/news/svinesund-inspection': ['feed-item-bridge.html', 'text/html; charset=utf-8'],
};

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  /** Paths requested, in order. */
  requests: string[];
  /** Replaces (or adds) what a path answers. */
  override(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
}

const SIX_MB = 6 * 1024 * 1024;

export async function startFixtureServer(): Promise<FixtureServer> {
  const requests: string[] = [];
  const overrides = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const open = new Set<ServerResponse>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(url.pathname);
    open.add(res);
    res.on('close', () => open.delete(res));
    const custom = overrides.get(url.pathname);
    if (custom) return custom(req, res);
    const page = PAGES[url.pathname];
    if (page) {
      res.writeHead(200, { 'content-type': page[1] });
      res.end(fixture(page[0]));
      return;
    }
    switch (url.pathname) {
      case '/feeds/rss.xml':
      case '/feeds/atom.xml': {
        const atom = url.pathname.endsWith('atom.xml');
        const xml = fixture(atom ? 'atom.xml' : 'rss.xml')
          .toString('utf8')
          .replaceAll('{{BASE}}', base);
        res.writeHead(200, { 'content-type': atom ? 'application/atom+xml' : 'application/rss+xml; charset=utf-8' });
        res.end(xml);
        return;
      }
      case '/gzip/pressreleases/salmon-habitat':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
        res.end(gzipSync(fixture('press-release.html')));
        return;
      case '/notes.txt':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(
          'Harbour board minutes, 3 June\n\nThe harbour board agreed on Monday to dredge the inner basin to a depth of nine metres before the autumn storms.\n\nThe work will cost 12 million kroner and close the guest marina for three weeks in August.\n',
        );
        return;
      case '/huge': {
        // 6 MB of a real-looking page, without a Content-Length: only reading tells the size.
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.from(`<p>${'Padding text of an enormous page. '.repeat(1900)}</p>\n`);
        let sent = 0;
        const write = (): void => {
          while (sent < SIX_MB) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', write);
              return;
            }
          }
          res.end();
        };
        res.write('<html><body>');
        write();
        return;
      }
      case '/huge-declared':
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(SIX_MB) });
        res.end('<html>');
        return;
      case '/gzip-bomb':
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
        res.end(gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)));
        return;
      case '/slow': {
        // Headers at once, then a byte every 200 ms, forever.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><body><p>');
        const timer = setInterval(() => res.write('.'), 200);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/loop/a':
        res.writeHead(302, { location: '/loop/b' }).end();
        return;
      case '/loop/b':
        res.writeHead(301, { location: `${base}/loop/a` }).end();
        return;
      case '/redirect-to-loopback':
        res.writeHead(302, { location: `http://127.0.0.1:${url.port}/pressreleases/salmon-habitat` }).end();
        return;
      case '/redirect-to-metadata':
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end();
        return;
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ title: 'Not a page', body: 'Some JSON' }));
        return;
      case '/navigation-only':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          '<html><head><title>Site map</title></head><body><nav><a href="/">Home</a> <a href="/a">About</a></nav><footer>© 2024</footer></body></html>',
        );
        return;
    }
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (chain) {
      const n = Number(chain[1]);
      res.writeHead(302, { location: n > 1 ? `/chain/${n - 1}` : '/pressreleases/salmon-habitat' }).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body><h1>Not found</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    base,
    port,
    requests,
    override: (path, handler) => overrides.set(path, handler),
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

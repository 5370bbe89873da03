/**
 * Fetching what a user names, treating every URL as hostile: http(s) only; every address a host
 * name resolves to, and every redirect, checked against private, loopback, link-local,
 * unique-local, multicast and metadata ranges (unless the host is on the allow list); the
 * connection made to the address that was checked, with no second DNS lookup in between; a
 * deadline, a size limit enforced while reading, and an allow list of content types.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import iconv from 'iconv-lite';
import ipaddr from 'ipaddr.js';
import { ImportRefusal } from './refusal.js';

/** The longest a fetch may take, redirects included. */
export const FETCH_TIMEOUT_MS = 15_000;
/** The most bytes read from one response (after decompression); reading stops past it. */
export const MAX_FETCH_BYTES = 5 * 1024 * 1024;
/** The most redirects followed. */
export const MAX_REDIRECTS = 5;

/** Content types of pages and plain text. */
export const PAGE_TYPES = ['text/html', 'application/xhtml+xml', 'text/plain', 'text/markdown'] as const;
/** Content types of RSS and Atom feeds (servers label them in all these ways). */
export const FEED_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
] as const;

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the system resolver by default; tests pass their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  /** Content types accepted (lowercase, without parameters). */
  accept: readonly string[];
  /**
   * Host names (or IP addresses) allowed to resolve to private and loopback addresses:
   * IMPORT_ALLOW_HOSTS, e.g. an intranet server, or the tests' loopback server.
   */
  allowHosts?: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** Sent as the `Accept` header. */
  acceptHeader?: string;
}

/** A response that passed every check. */
export interface FetchedDocument {
  /** The URL asked for. */
  requestedUrl: string;
  /** The URL the content came from, after redirects. */
  finalUrl: string;
  /** The content type without parameters, lowercase, e.g. `text/html`. */
  contentType: string;
  /** The `charset` parameter of the content type, when the server gave one. */
  charset?: string;
  body: Buffer;
}

const systemResolver: Resolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A host name as compared with the allow list: lowercase, no IPv6 brackets, no trailing dot. */
export function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Why an address must not be fetched, or undefined when it is a public unicast address. Uses
 * ipaddr.js's ranges: anything but `unicast` (private, loopback, link-local — which holds the
 * 169.254.169.254 metadata address —, unique-local, multicast, carrier-grade NAT, reserved,
 * 6to4/Teredo tunnels…) is refused; an IPv4-mapped IPv6 address is judged as the IPv4 one.
 */
export function blockedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private address',
    linkLocal: 'a link-local address',
    uniqueLocal: 'a unique-local address',
    multicast: 'a multicast address',
    unspecified: 'an unspecified address',
    broadcast: 'a broadcast address',
    carrierGradeNat: 'a carrier-grade NAT address',
    reserved: 'a reserved address',
  };
  return names[range] ?? `a special-purpose address (${range})`;
}

/** Checks the scheme and credentials of a URL; returns it parsed. */
function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ImportRefusal(`"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ImportRefusal(`only http and https URLs can be imported, not ${url.protocol.replace(/:$/, '')}:`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ImportRefusal('URLs with a user name or password are not imported');
  }
  return url;
}

/**
 * The addresses to connect to for `url`'s host, every one checked. An IP literal is checked as
 * it is; a host name is resolved once, and all its addresses must be public unless the host is
 * on the allow list.
 */
async function checkedAddresses(
  url: URL,
  allowHosts: ReadonlySet<string>,
  resolve: Resolver,
): Promise<ResolvedAddress[] | undefined> {
  const host = normaliseHost(url.hostname);
  const allowed = allowHosts.has(host);
  const allowHint = 'unless IMPORT_ALLOW_HOSTS lists the host';
  if (ipaddr.isValid(host)) {
    const reason = blockedAddressReason(host);
    if (reason && !allowed) throw new ImportRefusal(`${host} is ${reason}; refused (${allowHint})`);
    // An IP literal: Node connects to it without a lookup.
    return undefined;
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportRefusal(
      code === 'ENOTFOUND' || code === 'ENODATA'
        ? `the host name ${host} was not found`
        : `could not look up ${host}: ${code ?? String(error)}`,
      { transient: code !== 'ENOTFOUND' },
    );
  }
  if (addresses.length === 0) throw new ImportRefusal(`the host name ${host} has no address`);
  if (!allowed) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) throw new ImportRefusal(`${host} resolves to ${address}, ${reason}; refused (${allowHint})`);
    }
  }
  return addresses;
}

/** A lookup that answers with the addresses already checked, so the connection goes to one of them. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined;
    const usable = family ? addresses.filter((a) => a.family === family) : [...addresses];
    if (usable.length === 0) {
      const error = Object.assign(new Error(`no checked address for ${hostname}`), { code: 'ENOTFOUND' });
      callback(error, '', 4);
      return;
    }
    if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/** `text/html; charset=UTF-8` → `{ type: 'text/html', charset: 'utf-8' }`. */
export function parseContentType(header: string | undefined): { type: string; charset?: string } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  return { type: type.trim().toLowerCase(), ...(charset ? { charset: charset.toLowerCase() } : {}) };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function networkRefusal(error: unknown, host: string, timeoutMs: number, timedOut: boolean): ImportRefusal {
  if (error instanceof ImportRefusal) return error;
  if (timedOut) return new ImportRefusal(`${host} took longer than ${timeoutMs / 1000} s to answer`, { transient: true });
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return new ImportRefusal(`${host} refused the connection`, { transient: true });
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new ImportRefusal(`${host} closed the connection`, { transient: true });
  if (code === 'ENOTFOUND') return new ImportRefusal(`the host name ${host} was not found`);
  if (/CERT|SSL|TLS/.test(code)) return new ImportRefusal(`the secure connection to ${host} failed (${code})`);
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code.startsWith('ERR_BROTLI'))
    return new ImportRefusal(`${host} sent a badly compressed response`);
  return new ImportRefusal(`could not fetch from ${host}: ${code || (error as Error).message}`, { transient: true });
}

/**
 * Fetches `rawUrl` with every safety check, following at most {@link MAX_REDIRECTS} redirects.
 *
 * @throws ImportRefusal with a one-line reason: a scheme other than http(s), an address that is
 *   not public (and the host not allowed), too many redirects, an error status, a content type not
 *   in `accept`, a body over the size limit, or no answer within the deadline
 *
 * @example
 * const page = await safeFetch('https://example.org/news/1', { accept: PAGE_TYPES });
 * page.contentType; // 'text/html'
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions): Promise<FetchedDocument> {
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_FETCH_BYTES;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const resolve = options.resolve ?? systemResolver;
  const allowHosts = new Set((options.allowHosts ?? []).map(normaliseHost));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  timer.unref();
  let url = checkUrl(rawUrl);
  try {
    for (let redirects = 0; ; redirects++) {
      const host = normaliseHost(url.hostname);
      let response: IncomingMessage;
      try {
        const addresses = await checkedAddresses(url, allowHosts, resolve);
        if (timedOut) throw new Error('timed out');
        response = await request(url, addresses, controller.signal, options.acceptHeader);
      } catch (error) {
        throw networkRefusal(error, host, timeoutMs, timedOut);
      }
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && response.headers.location) {
        response.resume();
        if (redirects >= maxRedirects) throw new ImportRefusal(`more than ${maxRedirects} redirects; refused`);
        let next: URL;
        try {
          next = new URL(response.headers.location, url);
        } catch {
          throw new ImportRefusal(`${host} redirected to something that is not a URL`);
        }
        url = checkUrl(next.href);
        continue;
      }
      if (status < 200 || status > 299) {
        response.resume();
        const text = http.STATUS_CODES[status] ?? '';
        throw new ImportRefusal(`${host} answered ${status}${text ? ` ${text}` : ''}`, {
          transient: status >= 500 || status === 429 || status === 408,
        });
      }
      const { type, charset } = parseContentType(response.headers['content-type']);
      if (!options.accept.includes(type)) {
        response.resume();
        throw new ImportRefusal(
          `${host} sent ${type || 'content without a type'}, not ${describeAccepted(options.accept)}`,
        );
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.destroy();
        throw new ImportRefusal(`the response is larger than ${formatBytes(maxBytes)}; refused`);
      }
      let body: Buffer;
      try {
        body = await readLimited(decoded(response), maxBytes);
      } catch (error) {
        response.destroy();
        throw networkRefusal(error, host, timeoutMs, timedOut);
      }
      return { requestedUrl: rawUrl, finalUrl: url.href, contentType: type, ...(charset ? { charset } : {}), body };
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function describeAccepted(accept: readonly string[]): string {
  const page = accept.includes('text/html');
  const feed = accept.some((t) => t.includes('xml') && t !== 'application/xhtml+xml');
  if (page && feed) return 'a web page, text or a feed';
  if (feed) return 'an RSS or Atom feed';
  return 'a web page or text';
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;
}

function request(
  url: URL,
  addresses: ResolvedAddress[] | undefined,
  signal: AbortSignal,
  acceptHeader: string | undefined,
): Promise<IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolvePromise, reject) => {
    const req = transport.request(
      url,
      {
        method: 'GET',
        signal,
        // A connection per fetch, to the address just checked: nothing pooled outlives it.
        agent: false,
        headers: {
          'user-agent': 'Mozilla/5.0 (compatible; briefings-bot; +import)',
          accept: acceptHeader ?? 'text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
        },
        ...(addresses ? { lookup: pinnedLookup(addresses) } : {}),
      },
      resolvePromise,
    );
    req.on('error', reject);
    req.end();
  });
}

/** The response body, decompressed as its Content-Encoding says. */
function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/** Reads a stream to its end, refusing (and stopping) once it passes `maxBytes`. */
function readLimited(stream: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(new ImportRefusal(`the response is larger than ${formatBytes(maxBytes)}; refused`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolvePromise(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('close', () => {
      if (!stream.readableEnded) reject(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }));
    });
  });
}

/**
 * Text from bytes: a BOM, then the server's charset, then an XML declaration's encoding or (in
 * HTML) a `<meta charset>` or http-equiv Content-Type in the first 1024 bytes, then UTF-8. Labels are read as browsers read
 * them (the WHATWG Encoding names: `iso-8859-1` and `latin1` mean windows-1252); an unknown label
 * falls back to UTF-8. Decoding is iconv-lite's: Node 20's own TextDecoder decodes windows-1252 as
 * ISO-8859-1, which turns curly quotes, dashes and € into invisible control characters.
 */
export function decodeText(body: Buffer, charset: string | undefined, html: boolean): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return iconv.decode(body, 'utf-8');
  if (body[0] === 0xff && body[1] === 0xfe) return iconv.decode(body, 'utf-16le');
  if (body[0] === 0xfe && body[1] === 0xff) return iconv.decode(body, 'utf-16be');
  let label = charset;
  if (!label) {
    const head = body.subarray(0, 1024).toString('latin1');
    label =
      /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']/i.exec(head)?.[1] ??
      (html ? /<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head)?.[1] : undefined);
  }
  let encoding = 'utf-8';
  try {
    // TextDecoder knows the WHATWG label table; it only names the encoding here.
    if (label) encoding = new TextDecoder(label).encoding;
  } catch {
    encoding = 'utf-8';
  }
  // A page that says it is UTF-16 in ASCII-compatible bytes is not (the HTML standard reads it as UTF-8).
  if (/^utf-16/.test(encoding) || !iconv.encodingExists(encoding)) encoding = 'utf-8';
  return iconv.decode(body, encoding);
}

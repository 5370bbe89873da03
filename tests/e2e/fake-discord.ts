/**
 * A local stand-in for Discord, for end-to-end tests that run the real discord.js v14 client.
 *
 * One node `http` server on 127.0.0.1 (ephemeral port) serves both the REST API under `/api/v10/...` and the
 * gateway (the `ws` package, on the same port). Point a client at it with
 * `new Client({ rest: { api: fake.apiUrl } })`: discord.js asks `GET /gateway/bot` for the gateway URL, so nothing
 * else needs configuring.
 *
 * What it models, and why, follows what discord.js itself expects (read from `@discordjs/ws`, `@discordjs/rest` and
 * `discord.js/src` in node_modules):
 * - Gateway: JSON encoding, no compression (discord.js only asks for zlib-stream when `zlib-sync` is installed),
 *   HELLO → IDENTIFY → READY (+ GUILD_CREATE per guild of that shard), heartbeat ACKs, RESUME → RESUMED, op 9 for a
 *   dead session, one connection per shard. READY lists only the shard's own guilds, because discord.js waits
 *   (15 s by default) for a GUILD_CREATE for every guild READY lists. Any number of clients (several bot processes
 *   standing for several hosts) may connect, each with its own shards; events go to the shard that owns the guild.
 *   Every IDENTIFY is kept with its time and bucket (`identifyLog`, `identifyViolations`), to check Discord's limit
 *   of one IDENTIFY per 5 s per bucket (`shard_id % max_concurrency`) across all of them.
 * - REST: realistic message objects, interaction callbacks acknowledged once, the message limits Discord enforces
 *   (2000 characters, embed and component limits) answered with Discord's own error codes, 204 responses without a
 *   content-type (discord.js parses any `application/json` body as JSON, even an empty one).
 * - Fault injection: failing or rate-limiting the next N calls to a route, delaying them, dropping the gateway.
 *
 * Everything the bot does is recorded (`requests`, `gatewayLog`) and can be awaited (`waitFor`, `waitForReply`,
 * `waitForGateway`), so tests never sleep.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  EmbedType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from 'discord.js';
import type {
  ApplicationFlags,
  GuildMemberFlags,
  RoleFlags,
  APIApplication,
  APIApplicationCommand,
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIApplicationCommandOption,
  APIApplicationCommandAutocompleteInteraction,
  APIAttachment,
  APIChatInputApplicationCommandInteraction,
  APIDMChannel,
  APIEmbed,
  APIGatewayBotInfo,
  APIGuildMember,
  APIInteraction,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
  APIMessageReference,
  APIMessageTopLevelComponent,
  APIRole,
  APITextChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayReadyDispatchData,
  RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord.js';

// ───────────────────────────────────────────── ids ─────────────────────────────────────────────

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastSnowflakeTime = 0n;
let snowflakeIncrement = 0n;

/** Returns a new snowflake id (unique within this process), shaped like Discord's: ms since 2015 << 22. */
export function snowflake(at: number = Date.now()): string {
  let time = BigInt(at) - DISCORD_EPOCH;
  if (time <= lastSnowflakeTime) {
    time = lastSnowflakeTime;
    snowflakeIncrement += 1n;
    if (snowflakeIncrement > 0xfffn) {
      time += 1n;
      snowflakeIncrement = 0n;
    }
  } else {
    snowflakeIncrement = 0n;
  }
  lastSnowflakeTime = time;
  return ((time << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** The shard Discord routes a guild's events to: `(guild_id >> 22) % shard_count`. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Returns a new guild id that Discord would route to `shardId` of `shardCount` shards. */
export function guildIdForShard(shardId: number, shardCount: number): string {
  const id = BigInt(snowflake());
  const count = BigInt(shardCount);
  const time = id >> 22n;
  const shift = (BigInt(shardId) - (time % count) + count) % count;
  // Moving the timestamp forward keeps the low bits (and so uniqueness) while changing the shard.
  return (((time + shift) << 22n) | (id & 0x3fffffn)).toString();
}

// ───────────────────────────────────────────── public types ─────────────────────────────────────────────

/** A text channel to create in a fake guild. */
export interface FakeChannelOptions {
  id?: string;
  name?: string;
  topic?: string;
}

/** A guild the fake bot is a member of; it is announced in READY and GUILD_CREATE. */
export interface FakeGuildOptions {
  id?: string;
  name?: string;
  /** Text channels; default one channel named `general`. */
  channels?: FakeChannelOptions[];
}

/** Options for {@link FakeDiscord.start}. All optional. */
export interface FakeDiscordOptions {
  /** The bot's own user; id defaults to a fresh snowflake, username to `fake-bot`. */
  botUser?: { id?: string; username?: string };
  /** Application id; defaults to the bot user id, as for every modern Discord application. */
  applicationId?: string;
  /** When set, REST `Authorization: Bot <token>` and gateway IDENTIFY/RESUME must carry this token (401 / close 4004). */
  token?: string;
  /** Guilds; default one guild with one text channel. */
  guilds?: FakeGuildOptions[];
  /** `shards` returned by `GET /gateway/bot` (what discord.js uses with `shards: 'auto'`). Default 1. */
  recommendedShards?: number;
  /**
   * `session_start_limit.max_concurrency`. discord.js waits 5 s between two IDENTIFYs of shards in the same
   * bucket (`shard_id % max_concurrency`), so the default 16 keeps multi-shard logins fast. Default 16.
   */
  maxConcurrency?: number;
  /** HELLO heartbeat interval in ms. Default 41250, as Discord. */
  heartbeatIntervalMs?: number;
  /** Default timeout of every wait in ms. Default 5000. */
  defaultTimeoutMs?: number;
  /** Dispatch MESSAGE_CREATE for the bot's own channel messages, as Discord does. Default true. */
  echoBotMessages?: boolean;
}

/** A file part of a multipart request. */
export interface RecordedFile {
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly data: Buffer;
}

/** One REST request the fake answered. The token itself is never enumerable, so it never lands in a diff or log. */
export interface RecordedRequest {
  /** Position in {@link FakeDiscord.requests} (0-based). */
  readonly seq: number;
  /** `Date.now()` when the request arrived. */
  readonly time: number;
  readonly method: string;
  /** Path below `/api/v10`, e.g. `/channels/123/messages` (the full path for requests outside it). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, or `payload_json` of a multipart body; `undefined` when there was none. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
  /** The route pattern that answered, e.g. `POST /channels/:channel/messages`; undefined for unknown routes. */
  readonly route: string | undefined;
  /** `Bot`, `Bearer` or null: the scheme of the Authorization header (the header is kept non-enumerable). */
  readonly authScheme: string | null;
  /** Status code sent back. */
  readonly status: number;
  /** JSON body sent back (undefined for 204). */
  readonly response: unknown;
  /** True when an injected fault (failNext/rateLimitNext/...) answered instead of the normal handler. */
  readonly fault: boolean;
}

/** One gateway frame or connection event, as seen by the fake. IDENTIFY/RESUME tokens are removed. */
export interface GatewayRecord {
  readonly seq: number;
  readonly time: number;
  /** Connection number (1-based, one per WebSocket the client opened). */
  readonly connection: number;
  /** `connect`/`close` are socket events; `receive` is client → fake; `send` is fake → client. */
  readonly kind: 'connect' | 'close' | 'receive' | 'send';
  /** Opcode, or null for socket events. */
  readonly op: number | null;
  /** `IDENTIFY`, `RESUME`, `HEARTBEAT`, ... for opcodes; the event name (`READY`, ...) for dispatches. */
  readonly name: string;
  /** `[shard_id, shard_count]` of the connection's session, once it has one. */
  readonly shard: readonly [number, number] | undefined;
  /** Payload `d` (token removed), close reason, or connection path and query. */
  readonly data: unknown;
  /** Close code, for `close`. */
  readonly code?: number;
}

/** One IDENTIFY the fake received: which shard, when, and its rate-limit bucket. */
export interface IdentifyRecord {
  /** Position in {@link FakeDiscord.gatewayLog}. */
  readonly seq: number;
  /** `Date.now()` when the frame arrived. */
  readonly time: number;
  readonly connection: number;
  readonly shardId: number;
  readonly shardCount: number;
  /** `shard_id % max_concurrency`: IDENTIFYs of one bucket must be 5 s apart, whichever process sends them. */
  readonly bucket: number;
}

/** Two IDENTIFYs of one bucket closer together than Discord allows. */
export interface IdentifyViolation {
  readonly bucket: number;
  readonly first: IdentifyRecord;
  readonly second: IdentifyRecord;
  readonly gapMs: number;
}

/** A JSON body and status an injected fault answers with. */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Path pattern below /api/v10 (`/channels/:id/messages`, `*` matches anything) or a RegExp on the path. */
  route: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests to fail. Default 1. */
  times?: number;
}

/** A handle on an injected fault. */
export interface FaultHandle {
  /** How many matching requests were answered by this fault so far. */
  readonly hits: number;
  /** How many more matching requests it will answer. */
  readonly remaining: number;
  /** Stops the fault from answering any more requests. */
  cancel(): void;
}

/** A command option value; types follow the registered command, else string/boolean/integer/number by JS type. */
export type OptionValue = string | number | boolean;

/** Where an interaction or message happens. */
export interface Where {
  /** Guild; defaults to the first configured guild (ignored for DMs). */
  guildId?: string;
  /** Channel; defaults to the guild's first channel, or the user's DM channel. */
  channelId?: string;
  /** The acting user; defaults to {@link FakeDiscord.user}. Unknown ids get a user created for them. */
  userId?: string;
  /** In a DM with the bot rather than a guild channel. */
  dm?: boolean;
  /** The member's permissions in the channel (guild only). Default: all permissions. */
  permissions?: bigint | string;
  /** How long to wait for the gateway connection of the owning shard. Default: the fake's default timeout. */
  timeoutMs?: number;
}

/** A chat-input (slash) command use. */
export interface CommandSpec extends Where {
  kind: 'command';
  name: string;
  /** Option values by name, or raw option objects. */
  options?: Record<string, OptionValue> | APIApplicationCommandInteractionDataOption[];
  subcommand?: string;
  subcommandGroup?: string;
}

/** An autocomplete request while the user types option `focused`. */
export interface AutocompleteSpec extends Where {
  kind: 'autocomplete';
  name: string;
  options?: Record<string, OptionValue>;
  /** The option being typed; its value is sent as a string, as Discord does. */
  focused: string;
  subcommand?: string;
  subcommandGroup?: string;
}

/** A button click. */
export interface ButtonSpec extends Where {
  kind: 'button';
  customId: string;
  /** The message carrying the button: an id of a message the fake knows; default a fresh bot message. */
  messageId?: string;
}

/** A message to target with a message context-menu command. */
export interface TargetMessageSpec {
  content: string;
  authorId?: string;
  embeds?: APIEmbed[];
}

/** A message context-menu command ("Apps → name" on a message). */
export interface MessageCommandSpec extends Where {
  kind: 'messageCommand';
  name: string;
  /** The target: the id of a message the fake knows, or a message to create. */
  target: string | TargetMessageSpec;
}

/** Anything {@link FakeDiscord.sendInteraction} can send. */
export type InteractionSpec = CommandSpec | AutocompleteSpec | ButtonSpec | MessageCommandSpec;

/** An interaction the fake dispatched. */
export interface SentInteraction {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly type: InteractionType;
  readonly guildId: string | undefined;
  readonly channelId: string;
  readonly userId: string;
  /** The shard it was dispatched on. */
  readonly shardId: number;
  /** The exact INTERACTION_CREATE payload. */
  readonly payload: APIInteraction;
}

/** What the bot answered to an interaction, so far. */
export interface InteractionReply {
  readonly interaction: SentInteraction;
  /** The `POST /interactions/:id/:token/callback` request. */
  readonly callback: RecordedRequest;
  /** Callback type: 4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  readonly type: InteractionResponseType;
  /** Callback `data`, if any. */
  readonly data: Record<string, unknown> | undefined;
  /** Successful `PATCH .../messages/@original` requests, in order. */
  readonly edits: readonly RecordedRequest[];
  /** Successful follow-up `POST /webhooks/:app/:token` requests, in order. */
  readonly followUps: readonly RecordedRequest[];
  /** The original response message as the user now sees it (undefined for autocomplete/modal, or once deleted). */
  readonly original: APIMessage | undefined;
}

/** Options for {@link FakeDiscord.waitForReply}. */
export interface WaitForReplyOptions {
  timeoutMs?: number;
  /**
   * When the reply counts as complete. Default: the callback arrived, and for a deferred callback (5/6) also an
   * `@original` edit or a follow-up.
   */
  until?: (reply: InteractionReply) => boolean;
}

/** A user message to dispatch as MESSAGE_CREATE. */
export interface MessageSpec {
  content: string;
  /** Guild; defaults to the first guild. Ignored for DMs. */
  guildId?: string;
  /** Channel; defaults to the guild's first channel, or the author's DM channel. */
  channelId?: string;
  /** Author; defaults to {@link FakeDiscord.user}. */
  authorId?: string;
  /** User ids mentioned; including the bot's id puts `<@BOTID>` in the content if it is not there. */
  mentions?: string[];
  /** Shorthand for mentioning the bot. */
  mentionBot?: boolean;
  /** A DM to the bot (no guild_id, `channel_type: 1`). */
  dm?: boolean;
  /** Make it a reply to this message id. */
  replyTo?: string;
  timeoutMs?: number;
}

/** A MESSAGE_CREATE the fake produced. */
export interface SentMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly authorId: string;
  /** False when the session lacks the GuildMessages/DirectMessages intent, so Discord would not deliver it. */
  readonly delivered: boolean;
  readonly shardId: number;
  readonly payload: GatewayMessageCreateDispatchData;
}

/** A predicate matching requests to a route pattern, e.g. `route('POST', '/channels/:id/messages')`. */
export function route(method: string, pattern: string | RegExp): (request: RecordedRequest) => boolean {
  const regex = compilePattern(pattern);
  const upper = method.toUpperCase();
  return (request) => request.method === upper && regex.test(request.path);
}

// ───────────────────────────────────────────── internals ─────────────────────────────────────────────

const API_PREFIX = '/api/v10';
const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);
const DEFAULT_HEARTBEAT_MS = 41_250;
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Discord error codes the fake answers with. */
const ErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownApplicationCommand: 10063,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  CannotSendEmptyMessage: 50006,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
  InteractionAlreadyAcknowledged: 40060,
} as const;

const OPCODE_NAMES: Record<number, string> = {
  [GatewayOpcodes.Dispatch]: 'DISPATCH',
  [GatewayOpcodes.Heartbeat]: 'HEARTBEAT',
  [GatewayOpcodes.Identify]: 'IDENTIFY',
  [GatewayOpcodes.PresenceUpdate]: 'PRESENCE_UPDATE',
  [GatewayOpcodes.VoiceStateUpdate]: 'VOICE_STATE_UPDATE',
  [GatewayOpcodes.Resume]: 'RESUME',
  [GatewayOpcodes.Reconnect]: 'RECONNECT',
  [GatewayOpcodes.RequestGuildMembers]: 'REQUEST_GUILD_MEMBERS',
  [GatewayOpcodes.InvalidSession]: 'INVALID_SESSION',
  [GatewayOpcodes.Hello]: 'HELLO',
  [GatewayOpcodes.HeartbeatAck]: 'HEARTBEAT_ACK',
};

type Json = Record<string, unknown>;

interface HttpReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
}

interface RouteEntry {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  /** Whether the route needs `Authorization: Bot <token>` (interaction and webhook routes authenticate by token). */
  auth: boolean;
  handler: (context: RouteContext) => HttpReply;
}

interface Fault {
  method: string | undefined;
  regex: RegExp;
  remaining: number;
  hits: number;
  reply?: HttpReply;
  delayMs?: number;
  /** Requests held until `count` of them have arrived (see holdTogether). */
  barrier?: { count: number; release: Array<() => void>; timeoutMs: number };
}

interface GatewaySession {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  invalidated: boolean;
  connection: GatewayConnection | undefined;
  identifiedAt: number;
}

interface GatewayConnection {
  id: number;
  socket: WebSocket;
  session: GatewaySession | undefined;
  /** READY or RESUMED was sent: dispatches may flow. */
  live: boolean;
  closed: boolean;
}

interface InteractionState {
  sent: SentInteraction;
  acknowledged: boolean;
  callbackType: InteractionResponseType | undefined;
  originalId: string | undefined;
  followUpIds: string[];
  /** For component interactions: the message the component sits on (the `@original` of type 6/7 responses). */
  componentMessageId: string | undefined;
}

interface Waiter {
  check: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface ChannelRecord {
  channel: APITextChannel | APIDMChannel;
  guildId: string | undefined;
}

class HttpError extends Error {
  constructor(readonly reply: HttpReply) {
    super(`HTTP ${reply.status}`);
  }
}

function fail(status: number, code: number, message: string, errors?: Json): never {
  throw new HttpError({ status, body: errors ? { message, code, errors } : { message, code } });
}

function invalidForm(errors: Json): never {
  fail(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', errors);
}

function fieldError(code: string, message: string): Json {
  return { _errors: [{ code, message }] };
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compilePattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '([^/]+)';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeRequest(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const body = request.body === undefined ? '' : ` ${truncate(JSON.stringify(request.body), 160)}`;
  const files = request.files.length > 0 ? ` +${request.files.length} file(s)` : '';
  return `#${request.seq} ${request.method} ${request.path}${query ? `?${query}` : ''} → ${request.status}${request.fault ? ' (injected)' : ''}${body}${files}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Reads an http request body fully. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON or multipart/form-data body (discord.js sends multipart, with `payload_json`, when files are attached). */
async function parseBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedFile[]; invalid: boolean }> {
  if (raw.length === 0) return { body: undefined, files: [], invalid: false };
  const type = contentType ?? '';
  try {
    if (type.startsWith('multipart/form-data')) {
      // The fetch Response class ships a spec-compliant multipart parser; no dependency needed.
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      let body: unknown;
      const fields: Json = {};
      const files: RecordedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value);
          else fields[field] = value;
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({ field, name: value.name, contentType: value.type, size: data.length, data });
        }
      }
      if (body === undefined && Object.keys(fields).length > 0) body = fields;
      return { body, files, invalid: false };
    }
    if (type.startsWith('application/json'))
      return { body: JSON.parse(raw.toString('utf8')), files: [], invalid: false };
    return { body: raw.toString('utf8'), files: [], invalid: false };
  } catch {
    return { body: raw.toString('utf8'), files: [], invalid: true };
  }
}

/** Checks a message body against Discord's limits; returns Discord-style `errors` or undefined. */
function messageLimitErrors(body: Json): Json | undefined {
  const errors: Json = {};
  if (typeof body.content === 'string' && body.content.length > 2000) {
    errors.content = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if (Array.isArray(body.embeds)) {
    if (body.embeds.length > 10)
      errors.embeds = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    let total = 0;
    body.embeds.forEach((embed: unknown, index) => {
      if (!isRecord(embed)) return;
      const embedErrors: Json = {};
      const limit = (value: unknown, max: number, key: string): void => {
        if (typeof value !== 'string') return;
        total += value.length;
        if (value.length > max)
          embedErrors[key] = fieldError('BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
      };
      limit(embed.title, 256, 'title');
      limit(embed.description, 4096, 'description');
      if (isRecord(embed.footer)) limit(embed.footer.text, 2048, 'footer.text');
      if (isRecord(embed.author)) limit(embed.author.name, 256, 'author.name');
      if (Array.isArray(embed.fields)) {
        if (embed.fields.length > 25)
          embedErrors.fields = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
        embed.fields.forEach((field: unknown, fieldIndex) => {
          if (!isRecord(field)) return;
          limit(field.name, 256, `fields.${fieldIndex}.name`);
          limit(field.value, 1024, `fields.${fieldIndex}.value`);
        });
      }
      if (Object.keys(embedErrors).length > 0) errors[`embeds.${index}`] = embedErrors;
    });
    if (total > 6000)
      errors.embeds = fieldError('MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
  const componentsV2 = typeof body.flags === 'number' && (body.flags & MessageFlags.IsComponentsV2) !== 0;
  if (Array.isArray(body.components) && !componentsV2) {
    if (body.components.length > 5)
      errors.components = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    const customIds = new Set<string>();
    body.components.forEach((row: unknown, rowIndex) => {
      if (!isRecord(row) || !Array.isArray(row.components)) return;
      if (row.components.length > 5) {
        errors[`components.${rowIndex}.components`] = fieldError(
          'BASE_TYPE_MAX_LENGTH',
          'Must be 5 or fewer in length.',
        );
      }
      row.components.forEach((component: unknown, index) => {
        if (!isRecord(component)) return;
        const at = `components.${rowIndex}.components.${index}`;
        if (typeof component.custom_id === 'string') {
          if (component.custom_id.length > 100) {
            errors[`${at}.custom_id`] = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
          }
          if (customIds.has(component.custom_id)) {
            errors[`${at}.custom_id`] = fieldError(
              'COMPONENT_CUSTOM_ID_DUPLICATED',
              'Component custom id cannot be duplicated',
            );
          }
          customIds.add(component.custom_id);
        }
        if (component.type === ComponentType.Button) {
          if (typeof component.label === 'string' && component.label.length > 80) {
            errors[`${at}.label`] = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 80 or fewer in length.');
          }
          const isLink = component.style === ButtonStyle.Link;
          if (isLink && typeof component.url !== 'string')
            errors[`${at}.url`] = fieldError('BASE_TYPE_REQUIRED', 'This field is required');
          if (!isLink && component.style !== ButtonStyle.Premium && typeof component.custom_id !== 'string') {
            errors[`${at}.custom_id`] = fieldError('BASE_TYPE_REQUIRED', 'This field is required');
          }
        }
      });
    });
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** True when a message body carries nothing Discord would display. */
function isEmptyMessage(body: Json, fileCount: number): boolean {
  const hasContent = typeof body.content === 'string' && body.content.trim().length > 0;
  const hasArray = (key: string): boolean => Array.isArray(body[key]) && (body[key] as unknown[]).length > 0;
  return (
    !hasContent &&
    !hasArray('embeds') &&
    !hasArray('components') &&
    !hasArray('sticker_ids') &&
    !body.poll &&
    fileCount === 0
  );
}

// ───────────────────────────────────────────── the fake ─────────────────────────────────────────────

/**
 * A fake Discord (REST + gateway) on 127.0.0.1 for driving the real discord.js client in tests.
 *
 * Start with {@link FakeDiscord.start}, point the client's `rest.api` at {@link FakeDiscord.apiUrl}, stop with
 * {@link FakeDiscord.stop} after destroying the clients.
 */
export class FakeDiscord {
  /** The bot's user, as returned by `GET /users/@me` and READY. */
  readonly botUser: APIUser;
  /** The application id (the bot user id unless configured). */
  readonly applicationId: string;
  /** A human user who acts by default in interactions and messages. */
  readonly user: APIUser;
  /** Ids of the configured guilds, in order, with their channel ids. */
  readonly guilds: readonly {
    readonly id: string;
    readonly name: string;
    readonly channelIds: readonly string[];
  }[];
  /** Every REST request answered, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** The requests answered with 404 "Unknown route". */
  readonly unknownRoutes: RecordedRequest[] = [];
  /** Every gateway frame and socket event. */
  readonly gatewayLog: GatewayRecord[] = [];

  readonly #options: Required<
    Pick<
      FakeDiscordOptions,
      'recommendedShards' | 'maxConcurrency' | 'heartbeatIntervalMs' | 'defaultTimeoutMs' | 'echoBotMessages'
    >
  > & {
    token: string | undefined;
  };
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #port = 0;
  #stopped = false;

  readonly #routes: RouteEntry[] = [];
  readonly #faults: Fault[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #timers = new Set<NodeJS.Timeout>();

  readonly #users = new Map<string, APIUser>();
  readonly #guildData = new Map<string, GatewayGuildCreateDispatchData>();
  readonly #channels = new Map<string, ChannelRecord>();
  readonly #dmChannelByUser = new Map<string, string>();
  readonly #messages = new Map<string, APIMessage>();
  readonly #globalCommands: APIApplicationCommand[] = [];
  readonly #guildCommands = new Map<string, APIApplicationCommand[]>();
  /** Stable ids for commands sent without having been registered. */
  readonly #adHocCommandIds = new Map<string, string>();
  readonly #interactions = new Map<string, InteractionState>();
  /** Files a user uploaded as command options, by attachment id, served under `/attachments/`. */
  readonly #uploads = new Map<string, { attachment: APIAttachment; data: Buffer }>();

  readonly #connections = new Set<GatewayConnection>();
  readonly #sessions = new Map<string, GatewaySession>();
  #connectionCount = 0;

  private constructor(options: FakeDiscordOptions) {
    this.#options = {
      recommendedShards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 5000,
      echoBotMessages: options.echoBotMessages ?? true,
      token: options.token,
    };
    this.botUser = {
      id: options.botUser?.id ?? snowflake(),
      username: options.botUser?.username ?? 'fake-bot',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      verified: true,
      mfa_enabled: false,
    };
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.#users.set(this.botUser.id, this.botUser);
    this.user = this.createUser({ username: 'tester' });

    const guildOptions = options.guilds ?? [{}];
    this.guilds = guildOptions.map((guild, index) => this.#createGuild(guild, index));

    this.#http = createServer((request, response) => void this.#onHttp(request, response));
    this.#wss = new WebSocketServer({ server: this.#http });
    this.#wss.on('connection', (socket, request) => this.#onGatewayConnection(socket, request));
    this.#registerRoutes();
  }

  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      fake.#http.once('error', reject);
      fake.#http.listen(0, '127.0.0.1', () => {
        fake.#http.off('error', reject);
        resolve();
      });
    });
    fake.#port = (fake.#http.address() as AddressInfo).port;
    return fake;
  }

  /** The port both REST and the gateway listen on. */
  get port(): number {
    return this.#port;
  }

  /** The value for discord.js `rest.api`: `http://127.0.0.1:PORT/api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  /** The gateway URL returned by `GET /gateway/bot`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** The URL READY gives as `resume_gateway_url`; distinct from {@link gatewayUrl} so tests can tell them apart. */
  get resumeGatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/resume`;
  }

  /** IDENTIFY frames received (token removed), in order. */
  get identifies(): GatewayRecord[] {
    return this.gatewayLog.filter((record) => record.kind === 'receive' && record.name === 'IDENTIFY');
  }

  /**
   * Every IDENTIFY received, in order, from any number of bot processes: its shard, arrival time and bucket
   * (`shard_id % max_concurrency`, with this fake's `maxConcurrency`).
   */
  identifyLog(): IdentifyRecord[] {
    return this.identifies.flatMap((record) => {
      const shard = isRecord(record.data) ? record.data.shard : undefined;
      const [shardId, shardCount] = Array.isArray(shard) ? (shard as unknown[]) : [0, 1];
      if (typeof shardId !== 'number' || typeof shardCount !== 'number') return [];
      return [
        {
          seq: record.seq,
          time: record.time,
          connection: record.connection,
          shardId,
          shardCount,
          bucket: shardId % this.#options.maxConcurrency,
        },
      ];
    });
  }

  /**
   * The IDENTIFYs of one bucket that came less than `windowMs` (Discord's 5 s) after the previous one of that bucket:
   * empty when every process sharing this bot kept Discord's identify limit.
   */
  identifyViolations(windowMs = 5000): IdentifyViolation[] {
    const last = new Map<number, IdentifyRecord>();
    const violations: IdentifyViolation[] = [];
    for (const record of this.identifyLog()) {
      const previous = last.get(record.bucket);
      if (previous && record.time - previous.time < windowMs) {
        violations.push({
          bucket: record.bucket,
          first: previous,
          second: record,
          gapMs: record.time - previous.time,
        });
      }
      last.set(record.bucket, record);
    }
    return violations;
  }

  /** The `max_concurrency` that `GET /gateway/bot` reports. */
  get maxConcurrency(): number {
    return this.#options.maxConcurrency;
  }

  /** RESUME frames received (token removed), in order. */
  get resumes(): GatewayRecord[] {
    return this.gatewayLog.filter((record) => record.kind === 'receive' && record.name === 'RESUME');
  }

  /** Registered global commands (or a guild's, with `guildId`), as stored. */
  commands(guildId?: string): APIApplicationCommand[] {
    return clone(guildId === undefined ? this.#globalCommands : (this.#guildCommands.get(guildId) ?? []));
  }

  /** A message the fake knows (posted by the bot or dispatched by a helper), as stored now. */
  message(id: string): APIMessage | undefined {
    const message = this.#messages.get(id);
    return message ? clone(message) : undefined;
  }

  /** Shard ids that currently have a live (READY or RESUMED) gateway connection. */
  liveShards(): number[] {
    return [...this.#sessions.values()]
      .filter((session) => session.connection?.live === true)
      .map((session) => session.shard[0])
      .sort((a, b) => a - b);
  }

  /** Creates (or returns) a user the fake knows, e.g. as an interaction user or message author. */
  createUser(user: { id?: string; username?: string; bot?: boolean } = {}): APIUser {
    const id = user.id ?? snowflake();
    const existing = this.#users.get(id);
    if (existing) return existing;
    const created: APIUser = {
      id,
      username: user.username ?? `user${id.slice(-4)}`,
      discriminator: '0',
      global_name: user.username ?? null,
      avatar: null,
      ...(user.bot ? { bot: true } : {}),
    };
    this.#users.set(id, created);
    return created;
  }

  // ─────────────────────────────── waiting ───────────────────────────────

  /**
   * Resolves with the first recorded request matching `predicate`, past or future; rejects after `timeoutMs` with
   * an error listing what was received.
   */
  waitFor(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs: number = this.#options.defaultTimeoutMs,
    description = 'a matching request',
  ): Promise<RecordedRequest> {
    return this.#waitUntil(
      () => this.requests.find(predicate),
      timeoutMs,
      () => `Timed out after ${timeoutMs}ms waiting for ${description}.\n${this.describeRequests()}`,
    );
  }

  /** Resolves with the first gateway record matching `predicate`, past or future. */
  waitForGateway(
    predicate: (record: GatewayRecord) => boolean,
    timeoutMs: number = this.#options.defaultTimeoutMs,
    description = 'a matching gateway frame',
  ): Promise<GatewayRecord> {
    return this.#waitUntil(
      () => this.gatewayLog.find(predicate),
      timeoutMs,
      () => `Timed out after ${timeoutMs}ms waiting for ${description}.\n${this.describeGateway()}`,
    );
  }

  /** Resolves once `shardId` has a live gateway connection (READY or RESUMED sent). */
  async waitForShard(shardId = 0, timeoutMs: number = this.#options.defaultTimeoutMs): Promise<void> {
    await this.#waitUntil(
      () =>
        [...this.#sessions.values()].some((s) => s.shard[0] === shardId && s.connection?.live)
          ? true
          : undefined,
      timeoutMs,
      () =>
        `Timed out after ${timeoutMs}ms waiting for shard ${shardId} to be connected.\n${this.describeGateway()}`,
    );
  }

  /**
   * Resolves with the bot's answer to `interaction`: the callback, plus (by default, for deferred callbacks) the
   * first `@original` edit or follow-up. See {@link WaitForReplyOptions.until}.
   */
  waitForReply(interaction: SentInteraction, options: WaitForReplyOptions = {}): Promise<InteractionReply> {
    const timeoutMs = options.timeoutMs ?? this.#options.defaultTimeoutMs;
    const until =
      options.until ??
      ((reply: InteractionReply) =>
        (reply.type !== InteractionResponseType.DeferredChannelMessageWithSource &&
          reply.type !== InteractionResponseType.DeferredMessageUpdate) ||
        reply.edits.length + reply.followUps.length > 0);
    return this.#waitUntil(
      () => {
        const reply = this.interactionReply(interaction);
        return reply && until(reply) ? reply : undefined;
      },
      timeoutMs,
      () => {
        const reply = this.interactionReply(interaction);
        const state = reply
          ? `callback type ${reply.type}, ${reply.edits.length} edit(s), ${reply.followUps.length} follow-up(s)`
          : 'no callback';
        return `Timed out after ${timeoutMs}ms waiting for the reply to interaction ${interaction.id} (${state}).\n${this.describeRequests()}`;
      },
    );
  }

  /** The bot's answer to `interaction` so far, or undefined before its callback. */
  interactionReply(interaction: SentInteraction): InteractionReply | undefined {
    const ok = (request: RecordedRequest): boolean => !request.fault && request.status < 400;
    const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
    const callback = this.requests.find((r) => ok(r) && r.method === 'POST' && r.path === callbackPath);
    if (!callback) return undefined;
    const webhook = `/webhooks/${interaction.applicationId}/${interaction.token}`;
    const edits = this.requests.filter(
      (r) => ok(r) && r.method === 'PATCH' && r.path === `${webhook}/messages/@original`,
    );
    const followUps = this.requests.filter((r) => ok(r) && r.method === 'POST' && r.path === webhook);
    const body = isRecord(callback.body) ? callback.body : {};
    const state = this.#interactions.get(interaction.token);
    const originalId = state?.originalId;
    return {
      interaction,
      callback,
      type: body.type as InteractionResponseType,
      data: isRecord(body.data) ? body.data : undefined,
      edits,
      followUps,
      original: originalId ? this.message(originalId) : undefined,
    };
  }

  /** A readable list of the requests received (never the token), for error messages. */
  describeRequests(last = 40): string {
    const lines = this.requests.slice(-last).map(describeRequest);
    const unknown = this.unknownRoutes.map((request) => `${request.method} ${request.path}`);
    return [
      `Received ${this.requests.length} request(s)${this.requests.length > last ? ` (last ${last} shown)` : ''}:`,
      ...(lines.length > 0 ? lines.map((line) => `  ${line}`) : ['  (none)']),
      ...(unknown.length > 0 ? [`Unknown routes: ${unknown.join(', ')}`] : []),
    ].join('\n');
  }

  /** A readable list of the gateway frames (never the token), for error messages. */
  describeGateway(last = 40): string {
    const lines = this.gatewayLog.slice(-last).map((record) => {
      const shard = record.shard ? ` shard ${record.shard[0]}/${record.shard[1]}` : '';
      const code = record.code === undefined ? '' : ` code ${record.code}`;
      return `  #${record.seq} conn ${record.connection}${shard} ${record.kind} ${record.name}${code}`;
    });
    return [
      `Gateway log (${this.gatewayLog.length} record(s)):`,
      ...(lines.length > 0 ? lines : ['  (none)']),
    ].join('\n');
  }

  // ─────────────────────────────── fault injection ───────────────────────────────

  /** Answers the next `times` requests matching `method`/`route` with `status` and `body` instead of the real handler. */
  failNext(spec: FaultSpec): FaultHandle {
    return this.#addFault(spec.method, spec.route, spec.times ?? 1, {
      status: spec.status,
      body: spec.body ?? { message: `Injected ${spec.status}`, code: 0 },
      headers: spec.headers,
    });
  }

  /**
   * Answers the next `times` matching requests with 429, a `retry-after` header (seconds) and
   * `{ message, retry_after, global }`, as Discord does. discord.js waits `retryAfterSeconds` and retries.
   */
  rateLimitNext(spec: {
    method?: string;
    route: string | RegExp;
    retryAfterSeconds?: number;
    global?: boolean;
    times?: number;
  }): FaultHandle {
    const retryAfter = spec.retryAfterSeconds ?? 0.2;
    const global = spec.global ?? false;
    return this.#addFault(spec.method, spec.route, spec.times ?? 1, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
      headers: {
        'retry-after': String(retryAfter),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global ? { 'x-ratelimit-global': 'true' } : {}),
      },
    });
  }

  /** Answers the next `times` interaction callbacks (or `route`) with 404 `{ code: 10062, message: 'Unknown interaction' }`. */
  unknownInteractionNext(spec: { route?: string | RegExp; times?: number } = {}): FaultHandle {
    return this.#addFault('POST', spec.route ?? '/interactions/:id/:token/callback', spec.times ?? 1, {
      status: 404,
      body: { message: 'Unknown interaction', code: ErrorCode.UnknownInteraction },
    });
  }

  /**
   * Holds the next `count` matching requests until all of them have arrived, then answers them normally, together
   * (or after `timeoutMs`, default 60 s, whichever comes first). Several bot processes reaching Discord at the same
   * instant: e.g. `GET /gateway/bot` held for two hosts makes them connect, and want to IDENTIFY, at once.
   */
  holdTogether(spec: {
    method?: string;
    route: string | RegExp;
    count: number;
    timeoutMs?: number;
  }): FaultHandle {
    const handle = this.#addFault(spec.method, spec.route, spec.count);
    const fault = this.#faults.at(-1)!;
    fault.barrier = { count: spec.count, release: [], timeoutMs: spec.timeoutMs ?? 60_000 };
    return handle;
  }

  /** Holds the next `times` matching requests for `delayMs` before answering them normally. */
  delayNext(spec: { method?: string; route: string | RegExp; delayMs: number; times?: number }): FaultHandle {
    return this.#addFault(spec.method, spec.route, spec.times ?? 1, undefined, spec.delayMs);
  }

  /**
   * Closes the gateway socket(s) — all, or only `options.shardId`'s. Without `code` the TCP connection is destroyed
   * (the client sees 1006 and resumes); with a code a close frame is sent (4000-class codes make discord.js resume,
   * 1000 makes it re-identify). `invalidateSession` makes the RESUME fail with op 9 so the client must re-identify
   * (note: discord.js spaces IDENTIFYs of one shard 5 s apart). Resolves once the sockets are closed.
   */
  async dropGateway(
    code?: number,
    options: { shardId?: number; invalidateSession?: boolean } = {},
  ): Promise<void> {
    const targets = [...this.#connections].filter(
      (connection) =>
        !connection.closed &&
        (options.shardId === undefined || connection.session?.shard[0] === options.shardId),
    );
    await Promise.all(
      targets.map(
        (connection) =>
          new Promise<void>((resolve) => {
            connection.live = false;
            const session = connection.session;
            if (session) {
              if (options.invalidateSession) session.invalidated = true;
              if (session.connection === connection) session.connection = undefined;
            }
            connection.socket.once('close', () => resolve());
            if (code === undefined) connection.socket.terminate();
            else connection.socket.close(code, 'FakeDiscord dropGateway');
          }),
      ),
    );
  }

  /** Sends op 7 RECONNECT on the live connection(s), as Discord does before maintenance; the client resumes. */
  requestReconnect(options: { shardId?: number } = {}): void {
    for (const connection of this.#connections) {
      if (connection.closed || !connection.live) continue;
      if (options.shardId !== undefined && connection.session?.shard[0] !== options.shardId) continue;
      this.#send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  // ─────────────────────────────── uploads ───────────────────────────────

  /**
   * A file a user uploads to pass as an attachment option (`options: { file: attachment.id }`).
   * Like Discord's CDN, it is served over HTTP (here on loopback, under `/attachments/`), with a
   * signed-looking query (`ex`, `is`, `hm`) that the bot must not log.
   */
  uploadAttachment(file: { name: string; data: Buffer | string; contentType?: string }): APIAttachment {
    const id = snowflake();
    const data = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
    const signature = `ex=${Date.now().toString(16)}&is=${Date.now().toString(16)}&hm=${randomBytes(16).toString('hex')}`;
    const url = `http://127.0.0.1:${this.#port}/attachments/uploads/${id}/${encodeURIComponent(file.name)}?${signature}`;
    const attachment: APIAttachment = {
      id,
      filename: file.name,
      size: data.length,
      url,
      proxy_url: url,
      ...(file.contentType ? { content_type: file.contentType } : {}),
    };
    this.#uploads.set(id, { attachment, data });
    return clone(attachment);
  }

  // ─────────────────────────────── dispatch helpers ───────────────────────────────

  /**
   * Dispatches an INTERACTION_CREATE (command, autocomplete, button or message command) on the shard that owns the
   * guild (shard 0 for DMs), waiting for that shard to be connected first.
   */
  async sendInteraction(spec: InteractionSpec): Promise<SentInteraction> {
    const place = this.#resolvePlace(spec);
    const user = this.createUser({ id: spec.userId ?? this.user.id });
    const id = snowflake();
    const token = `fake-interaction-token.${id}.${randomBytes(12).toString('hex')}`;
    const permissions = (
      spec.permissions === undefined ? ALL_PERMISSIONS : BigInt(spec.permissions)
    ).toString();

    const base = {
      id,
      application_id: this.applicationId,
      token,
      version: 1 as const,
      app_permissions: ALL_PERMISSIONS.toString(),
      locale: Locale.EnglishUS,
      entitlements: [],
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
      channel: clone(place.channel),
      channel_id: place.channel.id,
      ...(place.guildId
        ? {
            guild_id: place.guildId,
            guild: { id: place.guildId, locale: Locale.EnglishUS, features: [] },
            guild_locale: Locale.EnglishUS,
            member: this.#interactionMember(user, permissions),
            context: InteractionContextType.Guild,
            authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: place.guildId },
          }
        : {
            user: clone(user),
            context: InteractionContextType.BotDM,
            authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
          }),
    };

    let payload: APIInteraction;
    let componentMessageId: string | undefined;
    switch (spec.kind) {
      case 'command': {
        const command = this.#commandFor(spec.name, ApplicationCommandType.ChatInput, place.guildId);
        const options = this.#commandOptions(command.options, spec);
        const attachments = this.#resolvedAttachments(options.options ?? []);
        const chatInput: APIChatInputApplicationCommandInteraction = {
          ...base,
          type: InteractionType.ApplicationCommand,
          data: {
            id: command.id,
            name: spec.name,
            type: ApplicationCommandType.ChatInput,
            ...(command.guild_id ? { guild_id: command.guild_id } : {}),
            ...options,
            ...(attachments ? { resolved: { attachments } } : {}),
          },
        };
        payload = chatInput;
        break;
      }
      case 'autocomplete': {
        const command = this.#commandFor(spec.name, ApplicationCommandType.ChatInput, place.guildId);
        const options = this.#commandOptions(command.options, spec, spec.focused).options ?? [];
        const autocomplete: APIApplicationCommandAutocompleteInteraction = {
          ...base,
          type: InteractionType.ApplicationCommandAutocomplete,
          data: {
            id: command.id,
            name: spec.name,
            type: ApplicationCommandType.ChatInput,
            ...(command.guild_id ? { guild_id: command.guild_id } : {}),
            options,
          },
        };
        payload = autocomplete;
        break;
      }
      case 'button': {
        const message = spec.messageId ? this.#messages.get(spec.messageId) : undefined;
        if (spec.messageId && !message)
          throw new Error(`FakeDiscord: unknown message ${spec.messageId} for the button`);
        const carrier =
          message ??
          this.#storeMessage(place.channel.id, this.botUser, {
            content: 'Message with a button',
            components: [
              {
                type: ComponentType.ActionRow,
                components: [
                  {
                    type: ComponentType.Button,
                    style: ButtonStyle.Primary,
                    custom_id: spec.customId,
                    label: 'Button',
                  },
                ],
              },
            ],
          });
        componentMessageId = carrier.id;
        const button: APIMessageComponentButtonInteraction = {
          ...base,
          type: InteractionType.MessageComponent,
          message: clone(carrier),
          data: { custom_id: spec.customId, component_type: ComponentType.Button },
        };
        payload = button;
        break;
      }
      case 'messageCommand': {
        const command = this.#commandFor(spec.name, ApplicationCommandType.Message, place.guildId);
        let target: APIMessage;
        if (typeof spec.target === 'string') {
          const known = this.#messages.get(spec.target);
          if (!known) throw new Error(`FakeDiscord: unknown target message ${spec.target}`);
          target = known;
        } else {
          const author = this.createUser({ id: spec.target.authorId ?? this.user.id });
          target = this.#storeMessage(place.channel.id, author, {
            content: spec.target.content,
            embeds: spec.target.embeds ?? [],
          });
        }
        const messageCommand: APIMessageApplicationCommandInteraction = {
          ...base,
          type: InteractionType.ApplicationCommand,
          data: {
            id: command.id,
            name: spec.name,
            type: ApplicationCommandType.Message,
            ...(command.guild_id ? { guild_id: command.guild_id } : {}),
            target_id: target.id,
            resolved: { messages: { [target.id]: clone(target) } },
          },
        };
        payload = messageCommand;
        break;
      }
    }

    const shardId = await this.#dispatch(
      GatewayDispatchEvents.InteractionCreate,
      payload,
      place.guildId,
      spec.timeoutMs,
    );
    const sent: SentInteraction = {
      id,
      token,
      applicationId: this.applicationId,
      type: payload.type,
      guildId: place.guildId,
      channelId: place.channel.id,
      userId: user.id,
      shardId,
      payload,
    };
    this.#interactions.set(token, {
      sent,
      acknowledged: false,
      callbackType: undefined,
      originalId: undefined,
      followUpIds: [],
      componentMessageId,
    });
    return sent;
  }

  /**
   * Dispatches a MESSAGE_CREATE from a user, in a guild channel or (with `dm`) a DM. Without the privileged
   * MessageContent intent, guild messages that do not mention the bot arrive with empty content, as on Discord.
   */
  async sendMessage(spec: MessageSpec): Promise<SentMessage> {
    const author = this.createUser({ id: spec.authorId ?? this.user.id });
    const place = this.#resolvePlace({ ...spec, userId: author.id });
    const mentionIds = [
      ...new Set([...(spec.mentions ?? []), ...(spec.mentionBot ? [this.botUser.id] : [])]),
    ];
    let content = spec.content;
    if (
      mentionIds.includes(this.botUser.id) &&
      !content.includes(`<@${this.botUser.id}>`) &&
      !content.includes(`<@!${this.botUser.id}>`)
    ) {
      content = `<@${this.botUser.id}> ${content}`;
    }
    const reference = spec.replyTo ? this.#messages.get(spec.replyTo) : undefined;
    if (spec.replyTo && !reference)
      throw new Error(`FakeDiscord: unknown message ${spec.replyTo} to reply to`);
    const stored = this.#storeMessage(place.channel.id, author, {
      content,
      mentions: mentionIds.map((id) => clone(this.createUser({ id }))),
      ...(reference
        ? {
            type: MessageType.Reply,
            message_reference: {
              message_id: reference.id,
              channel_id: reference.channel_id,
              ...(place.guildId ? { guild_id: place.guildId } : {}),
            },
            referenced_message: clone(reference),
          }
        : {}),
    });
    const { shardId, delivered, payload } = await this.#dispatchMessage(
      stored,
      place.guildId,
      spec.timeoutMs,
    );
    return {
      id: stored.id,
      channelId: stored.channel_id,
      guildId: place.guildId,
      authorId: author.id,
      delivered,
      shardId,
      payload,
    };
  }

  /** Stops the servers: rejects pending waits, closes every socket. Destroy the clients first. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('FakeDiscord stopped'));
    }
    this.#waiters.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const connection of this.#connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  // ─────────────────────────────── state helpers ───────────────────────────────

  #createGuild(options: FakeGuildOptions, index: number): { id: string; name: string; channelIds: string[] } {
    const id = options.id ?? snowflake();
    const name = options.name ?? (index === 0 ? 'Fake Guild' : `Fake Guild ${index + 1}`);
    const now = new Date().toISOString();
    const everyone: APIRole = {
      id,
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      position: 0,
      permissions: (
        PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.ReadMessageHistory |
        PermissionFlagsBits.UseApplicationCommands
      ).toString(),
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags, // flag enums have no zero member; Discord sends 0 for "none"
    };
    const botRole: APIRole = {
      ...everyone,
      id: snowflake(),
      name: this.botUser.username,
      position: 1,
      permissions: ALL_PERMISSIONS.toString(),
      managed: true,
      tags: { bot_id: this.botUser.id },
    };
    const channels: APITextChannel[] = (options.channels ?? [{ name: 'general' }]).map(
      (channel, position) => ({
        id: channel.id ?? snowflake(),
        type: ChannelType.GuildText,
        guild_id: id,
        name: channel.name ?? `channel-${position + 1}`,
        topic: channel.topic ?? null,
        position,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      }),
    );
    for (const channel of channels) this.#channels.set(channel.id, { channel, guildId: id });
    const botMember: APIGuildMember = {
      user: clone(this.botUser),
      roles: [botRole.id],
      joined_at: now,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    };
    const guild: GatewayGuildCreateDispatchData = {
      id,
      name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.user.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [everyone, botRole],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: channels[0]?.id ?? null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      max_members: 500_000,
      joined_at: now,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      // Discord always includes the bot's own member, so guild.members.me exists.
      members: [botMember],
      channels,
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
    this.#guildData.set(id, guild);
    return { id, name, channelIds: channels.map((channel) => channel.id) };
  }

  #dmChannel(userId: string): APIDMChannel {
    const existingId = this.#dmChannelByUser.get(userId);
    const existing = existingId ? this.#channels.get(existingId) : undefined;
    if (existing) return existing.channel as APIDMChannel;
    const channel: APIDMChannel = {
      id: snowflake(),
      type: ChannelType.DM,
      name: null,
      last_message_id: null,
      recipients: [clone(this.createUser({ id: userId }))],
    };
    this.#channels.set(channel.id, { channel, guildId: undefined });
    this.#dmChannelByUser.set(userId, channel.id);
    return channel;
  }

  /** Works out the guild and channel an interaction or message happens in. */
  #resolvePlace(where: Where): { guildId: string | undefined; channel: APITextChannel | APIDMChannel } {
    const userId = where.userId ?? this.user.id;
    if (where.channelId) {
      const known = this.#channels.get(where.channelId);
      if (!known)
        throw new Error(`FakeDiscord: unknown channel ${where.channelId}; configure it in options.guilds`);
      if (where.dm && known.guildId)
        throw new Error(`FakeDiscord: channel ${where.channelId} is a guild channel, not a DM`);
      return { guildId: known.guildId, channel: known.channel };
    }
    if (where.dm) return { guildId: undefined, channel: this.#dmChannel(userId) };
    const guildId = where.guildId ?? this.guilds[0]?.id;
    const guild = guildId ? this.guilds.find((g) => g.id === guildId) : undefined;
    const channelId = guild?.channelIds[0];
    const channel = channelId ? this.#channels.get(channelId) : undefined;
    if (!guild || !channel)
      throw new Error(`FakeDiscord: unknown guild ${guildId ?? '(none configured)'} or it has no channel`);
    return { guildId: guild.id, channel: channel.channel };
  }

  #interactionMember(user: APIUser, permissions: string): APIInteractionGuildMember {
    return {
      user: clone(user),
      roles: [],
      joined_at: new Date(Date.now() - 86_400_000).toISOString(),
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
      permissions,
    };
  }

  /** The registered command of that name (guild first, then global), or an ad-hoc one with a stable id. */
  #commandFor(
    name: string,
    type: ApplicationCommandType,
    guildId: string | undefined,
  ): APIApplicationCommand {
    const registered =
      (guildId
        ? this.#guildCommands.get(guildId)?.find((c) => c.name === name && c.type === type)
        : undefined) ?? this.#globalCommands.find((c) => c.name === name && c.type === type);
    if (registered) return registered;
    const key = `${type}:${name}`;
    let id = this.#adHocCommandIds.get(key);
    if (!id) {
      id = snowflake();
      this.#adHocCommandIds.set(key, id);
    }
    return {
      id,
      type,
      application_id: this.applicationId,
      name,
      description: '',
      default_member_permissions: null,
      version: id,
    };
  }

  /** Builds `data.options` from values, typed per the registered command's option definitions when known. */
  /** `resolved.attachments` for the attachment options among `options` (sub-commands included). */
  #resolvedAttachments(
    options: APIApplicationCommandInteractionDataOption[],
  ): Record<string, APIAttachment> | undefined {
    const found: Record<string, APIAttachment> = {};
    const visit = (list: APIApplicationCommandInteractionDataOption[]): void => {
      for (const option of list) {
        if ('options' in option && Array.isArray(option.options))
          visit(option.options as APIApplicationCommandInteractionDataOption[]);
        if (option.type === ApplicationCommandOptionType.Attachment && typeof option.value === 'string') {
          const upload = this.#uploads.get(option.value);
          if (upload) found[option.value] = clone(upload.attachment);
        }
      }
    };
    visit(options);
    return Object.keys(found).length > 0 ? found : undefined;
  }

  #commandOptions(
    definitions: APIApplicationCommandOption[] | undefined,
    spec: {
      name: string;
      options?: Record<string, OptionValue> | APIApplicationCommandInteractionDataOption[];
      subcommand?: string;
      subcommandGroup?: string;
    },
    focused?: string,
  ): { options?: APIApplicationCommandInteractionDataOption[] } {
    if (Array.isArray(spec.options)) return { options: clone(spec.options) };
    let defs = definitions;
    const findNested = (
      name: string,
      type: ApplicationCommandOptionType,
    ): APIApplicationCommandOption[] | undefined => {
      const found = defs?.find((option) => option.name === name && option.type === type);
      return found && 'options' in found
        ? (found.options as APIApplicationCommandOption[] | undefined)
        : undefined;
    };
    if (spec.subcommandGroup)
      defs = findNested(spec.subcommandGroup, ApplicationCommandOptionType.SubcommandGroup);
    if (spec.subcommand) defs = findNested(spec.subcommand, ApplicationCommandOptionType.Subcommand);
    if (focused !== undefined && !(spec.options && focused in spec.options)) {
      throw new Error(`FakeDiscord: focused option "${focused}" has no value in options`);
    }

    const basic: APIApplicationCommandInteractionDataBasicOption[] = Object.entries(spec.options ?? {}).map(
      ([name, value]) => {
        const definition = defs?.find((option) => option.name === name);
        const isFocused = name === focused;
        const type =
          definition?.type ??
          (typeof value === 'string'
            ? ApplicationCommandOptionType.String
            : typeof value === 'boolean'
              ? ApplicationCommandOptionType.Boolean
              : Number.isInteger(value)
                ? ApplicationCommandOptionType.Integer
                : ApplicationCommandOptionType.Number);
        const mismatch = (): never => {
          throw new Error(
            `FakeDiscord: option "${name}" of /${spec.name} is type ${type} but got ${JSON.stringify(value)}`,
          );
        };
        switch (type) {
          case ApplicationCommandOptionType.String:
            if (typeof value !== 'string') mismatch();
            return { name, type, value: String(value), ...(isFocused ? { focused: true } : {}) };
          case ApplicationCommandOptionType.Boolean:
            if (typeof value !== 'boolean') mismatch();
            return { name, type, value: Boolean(value) };
          case ApplicationCommandOptionType.Integer:
          case ApplicationCommandOptionType.Number:
            // While typing, Discord sends the focused option's raw text, even for numbers.
            if (isFocused) return { name, type, value: String(value), focused: true };
            if (
              typeof value !== 'number' ||
              (type === ApplicationCommandOptionType.Integer && !Number.isInteger(value))
            )
              mismatch();
            return { name, type, value: Number(value) };
          case ApplicationCommandOptionType.Attachment:
            // The id of a file from uploadAttachment, as Discord sends it (the file is in `resolved`).
            if (typeof value !== 'string' || !this.#uploads.has(value)) mismatch();
            return { name, type, value: String(value) };
          default:
            throw new Error(
              `FakeDiscord: option type ${type} of "${name}" is not supported by name; pass raw options`,
            );
        }
      },
    );

    if (spec.subcommand) {
      const sub = {
        name: spec.subcommand,
        type: ApplicationCommandOptionType.Subcommand as const,
        options: basic,
      };
      if (spec.subcommandGroup) {
        return {
          options: [
            {
              name: spec.subcommandGroup,
              type: ApplicationCommandOptionType.SubcommandGroup,
              options: [sub],
            },
          ],
        };
      }
      return { options: [sub] };
    }
    return basic.length > 0 ? { options: basic } : {};
  }

  /** Stores a new message and returns it. */
  #storeMessage(channelId: string, author: APIUser, fields: Partial<APIMessage>): APIMessage {
    const message: APIMessage = {
      id: snowflake(),
      channel_id: channelId,
      type: MessageType.Default,
      author: clone(author),
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0 as MessageFlags,
      ...fields,
    };
    this.#messages.set(message.id, message);
    const record = this.#channels.get(channelId);
    if (record) record.channel.last_message_id = message.id;
    return message;
  }

  /** Copies the display fields Discord accepts from a create/edit body onto a message. */
  #applyMessageBody(message: APIMessage, body: Json, files: RecordedFile[], edit: boolean): void {
    if (typeof body.content === 'string') message.content = body.content;
    // Discord fills `type: 'rich'` in embeds it returns.
    if (Array.isArray(body.embeds))
      message.embeds = body.embeds
        .filter(isRecord)
        .map((embed) => ({ type: EmbedType.Rich, ...embed }) as APIEmbed);
    if (Array.isArray(body.components))
      message.components = clone(body.components) as APIMessageTopLevelComponent[];
    if (typeof body.flags === 'number') {
      // Only a few flags can be set by a sender; Loading is cleared once the deferred response is edited.
      const settable =
        MessageFlags.Ephemeral |
        MessageFlags.SuppressEmbeds |
        MessageFlags.SuppressNotifications |
        MessageFlags.IsComponentsV2;
      const keep = edit ? (message.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.IsComponentsV2) : 0;
      message.flags = keep | (body.flags & settable);
    }
    if (typeof body.tts === 'boolean') message.tts = body.tts;
    const uploaded: APIAttachment[] = files.map((file) => {
      const id = snowflake();
      const url = `http://127.0.0.1:${this.#port}/attachments/${message.channel_id}/${id}/${encodeURIComponent(file.name)}`;
      return {
        id,
        filename: file.name,
        size: file.size,
        url,
        proxy_url: url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
      };
    });
    if (edit) {
      if (Array.isArray(body.attachments)) {
        const keepIds = new Set(body.attachments.filter(isRecord).map((a) => String(a.id)));
        message.attachments = message.attachments.filter((a) => keepIds.has(a.id));
      }
      message.attachments.push(...uploaded);
      message.edited_timestamp = new Date().toISOString();
    } else {
      message.attachments = uploaded;
    }
    if (message.flags !== undefined && (message.flags & MessageFlags.Loading) !== 0 && edit) {
      message.flags &= ~MessageFlags.Loading;
    }
  }

  // ─────────────────────────────── REST ───────────────────────────────

  #route(
    method: string,
    pattern: string,
    auth: boolean,
    handler: (context: RouteContext) => HttpReply,
  ): void {
    const keys = pattern
      .split('/')
      .filter((segment) => segment.startsWith(':'))
      .map((segment) => segment.slice(1));
    this.#routes.push({ method, pattern, regex: compilePattern(pattern), keys, auth, handler });
  }

  #registerRoutes(): void {
    const json = (body: unknown, status = 200): HttpReply => ({ status, body });
    const noContent: HttpReply = { status: 204 };

    this.#route('GET', '/gateway', false, () => json({ url: this.gatewayUrl }));
    this.#route('GET', '/gateway/bot', true, () => {
      const info: APIGatewayBotInfo = {
        url: this.gatewayUrl,
        shards: this.#options.recommendedShards,
        session_start_limit: {
          total: 1000,
          remaining: 1000,
          reset_after: 86_400_000,
          max_concurrency: this.#options.maxConcurrency,
        },
      };
      return json(info);
    });
    this.#route('GET', '/users/@me', true, () => json(this.botUser));
    this.#route('GET', '/users/:user', true, ({ params }) => json(this.#requireUser(params.user)));
    this.#route('POST', '/users/@me/channels', true, ({ body }) => {
      const recipient = isRecord(body) ? body.recipient_id : undefined;
      if (typeof recipient !== 'string')
        invalidForm({ recipient_id: fieldError('BASE_TYPE_REQUIRED', 'This field is required') });
      this.#requireUser(recipient);
      return json(this.#dmChannel(recipient));
    });
    this.#route('GET', '/applications/@me', true, () => json(this.#application()));
    this.#route('GET', '/oauth2/applications/@me', true, () => json(this.#application()));

    // Application commands, global and per guild.
    const commandList = (params: Record<string, string>): APIApplicationCommand[] => {
      if (params.app !== this.applicationId) fail(403, ErrorCode.MissingAccess, 'Missing Access');
      if (params.guild === undefined) return this.#globalCommands;
      if (!this.#guildData.has(params.guild)) fail(403, ErrorCode.MissingAccess, 'Missing Access');
      let list = this.#guildCommands.get(params.guild);
      if (!list) {
        list = [];
        this.#guildCommands.set(params.guild, list);
      }
      return list;
    };
    const findCommand = (list: APIApplicationCommand[], id: string | undefined): APIApplicationCommand => {
      const command = list.find((c) => c.id === id);
      if (!command) fail(404, ErrorCode.UnknownApplicationCommand, 'Unknown application command');
      return command;
    };
    for (const base of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
      this.#route('GET', base, true, ({ params }) => json(commandList(params)));
      this.#route('PUT', base, true, ({ params, body }) => {
        const list = commandList(params);
        if (!Array.isArray(body))
          invalidForm({
            _errors: [{ code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }],
          });
        // Discord keeps the id of a command re-registered with the same name and type.
        const next = body.map((raw: unknown, index) => this.#buildCommand(raw, index, params.guild, list));
        list.splice(0, list.length, ...next);
        return json(next);
      });
      this.#route('POST', base, true, ({ params, body }) => {
        const list = commandList(params);
        const command = this.#buildCommand(body, 0, params.guild, list);
        const at = list.findIndex((c) => c.id === command.id);
        if (at >= 0) list[at] = command;
        else list.push(command);
        return json(command, at >= 0 ? 200 : 201);
      });
      this.#route('GET', `${base}/:command`, true, ({ params }) =>
        json(findCommand(commandList(params), params.command)),
      );
      this.#route('PATCH', `${base}/:command`, true, ({ params, body }) => {
        const list = commandList(params);
        const existing = findCommand(list, params.command);
        const patched = this.#buildCommand(
          { ...existing, ...(isRecord(body) ? body : {}) },
          0,
          params.guild,
          list,
        );
        list[list.indexOf(existing)] = patched;
        return json(patched);
      });
      this.#route('DELETE', `${base}/:command`, true, ({ params }) => {
        const list = commandList(params);
        list.splice(list.indexOf(findCommand(list, params.command)), 1);
        return noContent;
      });
    }

    // Interactions: the callback, then the interaction webhook.
    this.#route('POST', '/interactions/:id/:token/callback', false, (context) =>
      this.#interactionCallback(context),
    );
    this.#route('POST', '/webhooks/:app/:token', false, ({ params, body, files, query }) => {
      const state = this.#requireWebhook(params);
      if (!state.acknowledged) fail(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
      const payload = this.#requireMessageBody(body, files, true);
      const original = state.originalId ? this.#messages.get(state.originalId) : undefined;
      let message: APIMessage;
      if (original && ((original.flags ?? 0) & MessageFlags.Loading) !== 0) {
        // After a deferred reply, Discord turns the first follow-up into the original response.
        this.#applyMessageBody(original, payload, files, true);
        message = original;
      } else {
        message = this.#storeMessage(
          state.sent.channelId,
          this.botUser,
          this.#interactionMessageFields(state),
        );
        this.#applyMessageBody(message, payload, files, false);
        state.followUpIds.push(message.id);
      }
      return query.wait === 'true' ? json(message) : noContent;
    });
    const webhookMessage = (
      params: Record<string, string>,
    ): { state: InteractionState; message: APIMessage } => {
      const state = this.#requireWebhook(params);
      const id = params.message === '@original' ? state.originalId : params.message;
      const owned = id !== undefined && (id === state.originalId || state.followUpIds.includes(id));
      const message = owned ? this.#messages.get(id) : undefined;
      if (!message) fail(404, ErrorCode.UnknownMessage, 'Unknown Message');
      return { state, message };
    };
    this.#route('GET', '/webhooks/:app/:token/messages/:message', false, ({ params }) =>
      json(webhookMessage(params).message),
    );
    this.#route('PATCH', '/webhooks/:app/:token/messages/:message', false, ({ params, body, files }) => {
      const { message } = webhookMessage(params);
      const payload = this.#requireMessageBody(body, files, false);
      this.#applyMessageBody(message, payload, files, true);
      return json(message);
    });
    this.#route('DELETE', '/webhooks/:app/:token/messages/:message', false, ({ params }) => {
      const { state, message } = webhookMessage(params);
      this.#messages.delete(message.id);
      if (state.originalId === message.id) state.originalId = undefined;
      return noContent;
    });

    // Channels and messages.
    this.#route('GET', '/channels/:channel', true, ({ params }) =>
      json(this.#requireChannel(params.channel).channel),
    );
    this.#route('POST', '/channels/:channel/typing', true, ({ params }) => {
      this.#requireChannel(params.channel);
      return noContent;
    });
    this.#route('GET', '/channels/:channel/messages', true, ({ params, query }) => {
      this.#requireChannel(params.channel);
      const limit = Math.min(Number(query.limit ?? 50) || 50, 100);
      const list = [...this.#messages.values()].filter((m) => m.channel_id === params.channel).reverse();
      return json(list.slice(0, limit));
    });
    this.#route('POST', '/channels/:channel/messages', true, ({ params, body, files }) => {
      const channel = this.#requireChannel(params.channel);
      const payload = this.#requireMessageBody(body, files, true);
      const fields: Partial<APIMessage> = {};
      if (isRecord(payload.message_reference)) {
        // discord.js builds this object; its fields are read defensively below.
        const reference = payload.message_reference as unknown as APIMessageReference & {
          fail_if_not_exists?: boolean;
        };
        const referenced = reference.message_id ? this.#messages.get(reference.message_id) : undefined;
        if (!referenced && reference.fail_if_not_exists !== false) {
          invalidForm({ message_reference: fieldError('REPLIES_UNKNOWN_MESSAGE', 'Unknown message') });
        }
        if (referenced) {
          fields.type = MessageType.Reply;
          fields.message_reference = {
            type: reference.type ?? 0,
            message_id: referenced.id,
            channel_id: referenced.channel_id,
            ...(channel.guildId ? { guild_id: channel.guildId } : {}),
          };
          fields.referenced_message = clone(referenced);
        }
      }
      const message = this.#storeMessage(params.channel ?? '', this.botUser, fields);
      this.#applyMessageBody(message, payload, files, false);
      if (this.#options.echoBotMessages)
        void this.#dispatchMessage(message, channel.guildId, 0).catch(() => undefined);
      return json(message);
    });
    const channelMessage = (params: Record<string, string>): APIMessage => {
      this.#requireChannel(params.channel);
      const message = params.message ? this.#messages.get(params.message) : undefined;
      if (!message || message.channel_id !== params.channel)
        fail(404, ErrorCode.UnknownMessage, 'Unknown Message');
      return message;
    };
    this.#route('GET', '/channels/:channel/messages/:message', true, ({ params }) =>
      json(channelMessage(params)),
    );
    this.#route('PATCH', '/channels/:channel/messages/:message', true, ({ params, body, files }) => {
      const message = channelMessage(params);
      this.#applyMessageBody(message, this.#requireMessageBody(body, files, false), files, true);
      return json(message);
    });
    this.#route('DELETE', '/channels/:channel/messages/:message', true, ({ params }) => {
      this.#messages.delete(channelMessage(params).id);
      return noContent;
    });
    for (const method of ['PUT', 'DELETE']) {
      this.#route(method, '/channels/:channel/messages/:message/reactions/:emoji/@me', true, ({ params }) => {
        channelMessage(params);
        return noContent;
      });
    }

    // Guilds.
    const guild = (id: string | undefined): GatewayGuildCreateDispatchData => {
      const data = id ? this.#guildData.get(id) : undefined;
      if (!data) fail(404, ErrorCode.UnknownGuild, 'Unknown Guild');
      return data;
    };
    this.#route('GET', '/guilds/:guild', true, ({ params }) => {
      const {
        channels: _c,
        members: _m,
        threads: _t,
        presences: _p,
        voice_states: _v,
        stage_instances: _s,
        guild_scheduled_events: _e,
        soundboard_sounds: _b,
        joined_at: _j,
        large: _l,
        member_count: _n,
        unavailable: _u,
        ...rest
      } = guild(params.guild);
      return json(rest);
    });
    this.#route('GET', '/guilds/:guild/channels', true, ({ params }) => json(guild(params.guild).channels));
    this.#route('GET', '/guilds/:guild/members/:user', true, ({ params }) => {
      const data = guild(params.guild);
      if (params.user === this.botUser.id) return json(data.members[0]);
      const user = params.user ? this.#users.get(params.user) : undefined;
      if (!user) fail(404, ErrorCode.UnknownMember, 'Unknown Member');
      const { permissions: _permissions, ...member } = this.#interactionMember(user, '0');
      return json(member);
    });
  }

  #application(): APIApplication {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: 'FakeDiscord application',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      bot: clone(this.botUser),
      owner: clone(this.user),
      verify_key: '0'.repeat(64),
      team: null,
      flags: 0 as ApplicationFlags,
      flags_new: '0',
    };
  }

  #requireUser(id: string | undefined): APIUser {
    const user = id ? this.#users.get(id) : undefined;
    if (!user) fail(404, ErrorCode.UnknownUser, 'Unknown User');
    return user;
  }

  #requireChannel(id: string | undefined): ChannelRecord {
    const channel = id ? this.#channels.get(id) : undefined;
    if (!channel) fail(404, ErrorCode.UnknownChannel, 'Unknown Channel');
    return channel;
  }

  #requireWebhook(params: Record<string, string>): InteractionState {
    const state = params.token ? this.#interactions.get(params.token) : undefined;
    if (!state || params.app !== this.applicationId) fail(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    return state;
  }

  /** Checks a message body: an object, within Discord's limits, and (when creating) not empty. */
  #requireMessageBody(body: unknown, files: RecordedFile[], create: boolean): Json {
    const payload = isRecord(body) ? body : {};
    const errors = messageLimitErrors(payload);
    if (errors) invalidForm(errors);
    if (create && isEmptyMessage(payload, files.length))
      fail(400, ErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
    return payload;
  }

  /** Turns a registered command body into a stored command. */
  #buildCommand(
    raw: unknown,
    index: number,
    guildId: string | undefined,
    existing: APIApplicationCommand[],
  ): APIApplicationCommand {
    if (!isRecord(raw))
      invalidForm({
        [index]: fieldError('MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType'),
      });
    const type =
      typeof raw.type === 'number' ? (raw.type as ApplicationCommandType) : ApplicationCommandType.ChatInput;
    const name = typeof raw.name === 'string' ? raw.name : '';
    const description = typeof raw.description === 'string' ? raw.description : '';
    const errors: Json = {};
    if (type === ApplicationCommandType.ChatInput) {
      if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(name) || name !== name.toLowerCase()) {
        errors.name = fieldError('APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (description.length < 1 || description.length > 100) {
        errors.description = fieldError('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
    } else if (name.length < 1 || name.length > 32) {
      errors.name = fieldError('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
    }
    if (Array.isArray(raw.options) && raw.options.length > 25)
      errors.options = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    if (Object.keys(errors).length > 0) invalidForm({ [index]: errors });
    const previous = existing.find((c) => c.name === name && c.type === type);
    const id = previous?.id ?? snowflake();
    return {
      id,
      type,
      application_id: this.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      name,
      name_localizations: isRecord(raw.name_localizations)
        ? (raw.name_localizations as APIApplicationCommand['name_localizations'])
        : null,
      description,
      description_localizations: isRecord(raw.description_localizations)
        ? (raw.description_localizations as APIApplicationCommand['description_localizations'])
        : null,
      // The options' shapes come from discord.js, which already validated them against the same API types.
      ...(Array.isArray(raw.options) ? { options: clone(raw.options) as APIApplicationCommandOption[] } : {}),
      default_member_permissions:
        typeof raw.default_member_permissions === 'string' ? raw.default_member_permissions : null,
      dm_permission: typeof raw.dm_permission === 'boolean' ? raw.dm_permission : true,
      nsfw: raw.nsfw === true,
      integration_types: Array.isArray(raw.integration_types)
        ? (raw.integration_types as ApplicationIntegrationType[])
        : [ApplicationIntegrationType.GuildInstall],
      contexts: Array.isArray(raw.contexts) ? (raw.contexts as InteractionContextType[]) : null,
      version: snowflake(),
    };
  }

  /** Fields of a message created in answer to an interaction. */
  #interactionMessageFields(state: InteractionState): Partial<APIMessage> {
    const payload = state.sent.payload;
    const type =
      payload.type === InteractionType.ApplicationCommand
        ? payload.data.type === ApplicationCommandType.ChatInput
          ? MessageType.ChatInputCommand
          : MessageType.ContextMenuCommand
        : MessageType.Default;
    return { type, webhook_id: this.applicationId, application_id: this.applicationId };
  }

  #interactionCallback({ params, query, body, files }: RouteContext): HttpReply {
    const state = params.token ? this.#interactions.get(params.token) : undefined;
    if (!state || state.sent.id !== params.id) fail(404, ErrorCode.UnknownInteraction, 'Unknown interaction');
    if (state.acknowledged)
      fail(400, ErrorCode.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.');
    const payload = isRecord(body) ? body : {};
    const type = payload.type;
    const data = isRecord(payload.data) ? payload.data : {};
    const kind = state.sent.type;
    const allowed: number[] =
      kind === InteractionType.ApplicationCommandAutocomplete
        ? [InteractionResponseType.ApplicationCommandAutocompleteResult]
        : kind === InteractionType.MessageComponent
          ? [
              InteractionResponseType.ChannelMessageWithSource,
              InteractionResponseType.DeferredChannelMessageWithSource,
              InteractionResponseType.DeferredMessageUpdate,
              InteractionResponseType.UpdateMessage,
              InteractionResponseType.Modal,
            ]
          : [
              InteractionResponseType.ChannelMessageWithSource,
              InteractionResponseType.DeferredChannelMessageWithSource,
              InteractionResponseType.Modal,
            ];
    if (typeof type !== 'number' || !allowed.includes(type)) {
      invalidForm({
        type: fieldError(
          'INTERACTION_RESPONSE_TYPE_INVALID',
          `Interaction response type ${String(type)} is invalid for interaction type ${kind}`,
        ),
      });
    }

    let message: APIMessage | undefined;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const content = this.#requireMessageBody(data, files, true);
        message = this.#storeMessage(
          state.sent.channelId,
          this.botUser,
          this.#interactionMessageFields(state),
        );
        this.#applyMessageBody(message, content, files, false);
        state.originalId = message.id;
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const ephemeral = typeof data.flags === 'number' ? data.flags & MessageFlags.Ephemeral : 0;
        message = this.#storeMessage(state.sent.channelId, this.botUser, {
          ...this.#interactionMessageFields(state),
          flags: MessageFlags.Loading | ephemeral,
        });
        state.originalId = message.id;
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        message = state.componentMessageId ? this.#messages.get(state.componentMessageId) : undefined;
        if (message && type === InteractionResponseType.UpdateMessage) {
          this.#applyMessageBody(message, this.#requireMessageBody(data, files, false), files, true);
        }
        state.originalId = message?.id;
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const choices = Array.isArray(data.choices) ? data.choices : [];
        const errors: Json = {};
        if (choices.length > 25)
          errors['data.choices'] = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
        choices.forEach((choice: unknown, index) => {
          if (
            !isRecord(choice) ||
            typeof choice.name !== 'string' ||
            choice.name.length < 1 ||
            choice.name.length > 100
          ) {
            errors[`data.choices.${index}.name`] = fieldError(
              'BASE_TYPE_BAD_LENGTH',
              'Must be between 1 and 100 in length.',
            );
          }
          if (isRecord(choice) && typeof choice.value === 'string' && choice.value.length > 100) {
            errors[`data.choices.${index}.value`] = fieldError(
              'BASE_TYPE_MAX_LENGTH',
              'Must be 100 or fewer in length.',
            );
          }
        });
        if (Object.keys(errors).length > 0) invalidForm(errors);
        break;
      }
      default:
        break;
    }
    state.acknowledged = true;
    state.callbackType = type;

    if (query.with_response !== 'true') return { status: 204 };
    const response: RESTPostAPIInteractionCallbackWithResponseResult = {
      interaction: {
        id: state.sent.id,
        type: kind,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
              response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
            }
          : {}),
      },
      resource: { type, ...(message ? { message: clone(message) } : {}) },
    };
    return { status: 200, body: response };
  }

  async #onHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const time = Date.now();
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const versioned = url.pathname.startsWith(`${API_PREFIX}/`);
    const rawPath = versioned ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    // discord.js percent-encodes segments (`%40original`); records and faults use the decoded form.
    const path = rawPath.split('/').map(safeDecode).join('/');
    const query = Object.fromEntries(url.searchParams);
    const authorization = request.headers.authorization;

    let parsed: Awaited<ReturnType<typeof parseBody>> = { body: undefined, files: [], invalid: false };
    let matched: RouteEntry | undefined;
    let params: Record<string, string> = {};
    let reply: HttpReply;
    let fault = false;
    const upload = /^\/attachments\/uploads\/(\d+)\//.exec(url.pathname);
    if (!versioned && method === 'GET' && upload) {
      // The CDN: an uploaded file, as its bytes, with its content type.
      const file = this.#uploads.get(upload[1]!);
      if (file) {
        response.writeHead(200, {
          'content-type': file.attachment.content_type ?? 'application/octet-stream',
          'content-length': file.data.length,
        });
        response.end(file.data);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      }
      return;
    }
    try {
      parsed = await parseBody(request.headers['content-type'], await readBody(request));
      if (versioned) {
        for (const entry of this.#routes) {
          if (entry.method !== method) continue;
          const match = entry.regex.exec(rawPath);
          if (!match) continue;
          matched = entry;
          params = Object.fromEntries(entry.keys.map((key, i) => [key, safeDecode(match[i + 1] ?? '')]));
          break;
        }
      }
      const injected = this.#takeFault(method, path);
      if (injected?.delayMs !== undefined) await this.#delay(injected.delayMs);
      if (injected?.barrier) await this.#awaitBarrier(injected.barrier);
      if (injected?.reply) {
        fault = true;
        reply = injected.reply;
      } else if (!matched) {
        reply = { status: 404, body: { message: 'Unknown route', code: ErrorCode.General } };
      } else if (matched.auth && !this.#authorized(authorization)) {
        reply = { status: 401, body: { message: '401: Unauthorized', code: ErrorCode.General } };
      } else if (parsed.invalid) {
        reply = {
          status: 400,
          body: { message: 'The request body contains invalid JSON.', code: ErrorCode.InvalidJson },
        };
      } else {
        reply = matched.handler({ params, query, body: parsed.body, files: parsed.files });
      }
    } catch (error) {
      reply =
        error instanceof HttpError
          ? error.reply
          : { status: 500, body: { message: `FakeDiscord error: ${String(error)}`, code: 0 } };
    }

    if (!this.#stopped && !response.destroyed) {
      if (reply.status === 204 || reply.body === undefined) {
        // No content-type on empty responses: discord.js JSON-parses any application/json body.
        response.writeHead(reply.status, reply.headers);
        response.end();
      } else {
        const text = JSON.stringify(reply.body);
        response.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...reply.headers,
        });
        response.end(text);
      }
    }

    const record: RecordedRequest = {
      seq: this.requests.length,
      time,
      method,
      path,
      query,
      body: parsed.body,
      files: parsed.files,
      route: matched ? `${matched.method} ${matched.pattern}` : undefined,
      authScheme: authorization?.split(' ')[0] ?? null,
      status: reply.status,
      response: reply.body === undefined ? undefined : clone(reply.body),
      fault,
    };
    // The header is kept for tests that need it, but non-enumerable so it never shows in diffs or logs.
    Object.defineProperty(record, 'authorization', { value: authorization, enumerable: false });
    this.requests.push(record);
    if (!matched && !fault) this.unknownRoutes.push(record);
    this.#notify();
  }

  #authorized(header: string | undefined): boolean {
    if (!header?.startsWith('Bot ')) return false;
    return this.#options.token === undefined || header === `Bot ${this.#options.token}`;
  }

  #addFault(
    method: string | undefined,
    pattern: string | RegExp,
    times: number,
    reply?: HttpReply,
    delayMs?: number,
  ): FaultHandle {
    const fault: Fault = {
      method: method?.toUpperCase(),
      regex: compilePattern(pattern),
      remaining: times,
      hits: 0,
      ...(reply ? { reply } : {}),
      ...(delayMs !== undefined ? { delayMs } : {}),
    };
    this.#faults.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      cancel: () => {
        fault.remaining = 0;
      },
    };
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && (f.method === undefined || f.method === method) && f.regex.test(path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }

  #awaitBarrier(barrier: NonNullable<Fault['barrier']>): Promise<void> {
    return new Promise((resolve) => {
      barrier.release.push(resolve);
      if (barrier.release.length >= barrier.count) {
        for (const release of barrier.release.splice(0)) release();
        return;
      }
      if (barrier.release.length === 1) {
        // Never held forever: a process that does not come lets the others through.
        void this.#delay(barrier.timeoutMs).then(() => {
          for (const release of barrier.release.splice(0)) release();
        });
      }
    });
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  // ─────────────────────────────── waiting internals ───────────────────────────────

  #waitUntil<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    if (this.#stopped) return Promise.reject(new Error('FakeDiscord stopped'));
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Re-checks every pending wait; called whenever a request or gateway record is added. */
  #notify(): void {
    for (const waiter of [...this.#waiters]) {
      let value: unknown;
      try {
        value = waiter.check();
      } catch (error) {
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (value === undefined) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(value);
    }
  }

  // ─────────────────────────────── gateway ───────────────────────────────

  #log(
    connection: GatewayConnection,
    kind: GatewayRecord['kind'],
    op: number | null,
    name: string,
    data: unknown,
    code?: number,
  ): void {
    const shard = connection.session?.shard;
    this.gatewayLog.push({
      seq: this.gatewayLog.length,
      time: Date.now(),
      connection: connection.id,
      kind,
      op,
      name,
      shard: shard ? [shard[0], shard[1]] : undefined,
      data,
      ...(code === undefined ? {} : { code }),
    });
    this.#notify();
  }

  #send(
    connection: GatewayConnection,
    frame: { op: number; d: unknown; s: number | null; t: string | null },
  ): void {
    if (connection.closed || connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify(frame));
    this.#log(connection, 'send', frame.op, frame.t ?? OPCODE_NAMES[frame.op] ?? `OP_${frame.op}`, frame.d);
  }

  #sendDispatch(connection: GatewayConnection, t: string, d: unknown): void {
    const session = connection.session;
    if (!session) return;
    session.seq += 1;
    this.#send(connection, { op: GatewayOpcodes.Dispatch, d, s: session.seq, t });
  }

  #onGatewayConnection(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
    const connection: GatewayConnection = {
      id: ++this.#connectionCount,
      socket,
      session: undefined,
      live: false,
      closed: false,
    };
    this.#connections.add(connection);
    const query = Object.fromEntries(url.searchParams);
    this.#log(connection, 'connect', null, 'CONNECT', { path: url.pathname, query });
    socket.on('error', () => undefined); // a reset socket must not crash the test process
    socket.on('close', (code, reason) => {
      connection.closed = true;
      connection.live = false;
      if (connection.session?.connection === connection) connection.session.connection = undefined;
      this.#connections.delete(connection);
      this.#log(connection, 'close', null, 'CLOSE', reason.toString(), code);
    });
    socket.on('message', (data, isBinary) => this.#onGatewayMessage(connection, data, isBinary));

    // The fake speaks plain JSON only; say so loudly instead of sending frames the client cannot read.
    if (query.v !== undefined && query.v !== '10')
      return this.#close(connection, 4012, 'FakeDiscord supports v=10 only');
    if ((query.encoding ?? 'json') !== 'json')
      return this.#close(connection, 4002, 'FakeDiscord supports encoding=json only');
    if (query.compress !== undefined)
      return this.#close(connection, 4002, 'FakeDiscord supports no transport compression');
    this.#send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.#options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  #close(connection: GatewayConnection, code: number, reason: string): void {
    connection.live = false;
    connection.socket.close(code, reason);
  }

  #onGatewayMessage(connection: GatewayConnection, data: RawData, isBinary: boolean): void {
    let frame: unknown;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(
        Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
      );
    } catch {
      this.#log(connection, 'receive', null, 'UNDECODABLE', null);
      return this.#close(connection, 4002, 'Error while decoding payload.');
    }
    if (!isRecord(frame) || typeof frame.op !== 'number')
      return this.#close(connection, 4002, 'Error while decoding payload.');
    const op = frame.op;
    const d = frame.d;
    const name = OPCODE_NAMES[op] ?? `OP_${op}`;
    const { token: _token, ...safe } = isRecord(d) ? d : { token: undefined };
    this.#log(connection, 'receive', op, name, isRecord(d) ? safe : d);

    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.#send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        return this.#identify(connection, d);
      case GatewayOpcodes.Resume:
        return this.#resume(connection, d);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!connection.session) return this.#close(connection, 4003, 'Not authenticated.');
        return; // recorded; nothing else to do
      default:
        return this.#close(connection, 4001, 'Unknown opcode.');
    }
  }

  #identify(connection: GatewayConnection, d: unknown): void {
    if (connection.session) return this.#close(connection, 4005, 'Already authenticated.');
    if (
      !isRecord(d) ||
      typeof d.token !== 'string' ||
      typeof d.intents !== 'number' ||
      !isRecord(d.properties)
    ) {
      return this.#close(connection, 4002, 'Error while decoding payload.');
    }
    if (this.#options.token !== undefined && d.token !== this.#options.token)
      return this.#close(connection, 4004, 'Authentication failed.');
    const requested = Array.isArray(d.shard) ? d.shard : [0, 1];
    const [shardId, shardCount] = requested;
    if (
      typeof shardId !== 'number' ||
      typeof shardCount !== 'number' ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      return this.#close(connection, 4010, 'Invalid shard.');
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard: [shardId, shardCount],
      intents: d.intents,
      seq: 0,
      invalidated: false,
      connection,
      identifiedAt: Date.now(),
    };
    this.#sessions.set(session.id, session);
    connection.session = session;

    const guilds = [...this.#guildData.values()].filter(
      (guild) => shardForGuild(guild.id, shardCount) === shardId,
    );
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: clone(this.botUser),
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.resumeGatewayUrl,
      shard: [shardId, shardCount],
      application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    this.#sendDispatch(connection, GatewayDispatchEvents.Ready, ready);
    for (const guild of guilds)
      this.#sendDispatch(connection, GatewayDispatchEvents.GuildCreate, clone(guild));
    connection.live = true;
    this.#notify();
  }

  #resume(connection: GatewayConnection, d: unknown): void {
    if (connection.session) return this.#close(connection, 4005, 'Already authenticated.');
    const session =
      isRecord(d) && typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    const tokenOk =
      isRecord(d) &&
      typeof d.token === 'string' &&
      (this.#options.token === undefined || d.token === this.#options.token);
    if (!session || session.invalidated || !tokenOk) {
      // d: false tells the client the session cannot be resumed; discord.js then reconnects and identifies.
      this.#send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== connection && !previous.closed) {
      previous.live = false;
      previous.socket.terminate();
    }
    session.connection = connection;
    connection.session = session;
    this.#sendDispatch(connection, GatewayDispatchEvents.Resumed, {});
    connection.live = true;
    this.#notify();
  }

  /** The live session that owns `guildId` (or shard 0 for DMs); the most recently identified one wins. */
  #ownerSession(guildId: string | undefined): GatewaySession | undefined {
    let best: GatewaySession | undefined;
    for (const session of this.#sessions.values()) {
      if (!session.connection?.live) continue;
      const [shardId, shardCount] = session.shard;
      const owner = guildId === undefined ? 0 : shardForGuild(guildId, shardCount);
      if (owner !== shardId) continue;
      if (!best || session.identifiedAt >= best.identifiedAt) best = session;
    }
    return best;
  }

  async #dispatch(t: string, d: unknown, guildId: string | undefined, timeoutMs?: number): Promise<number> {
    const wait = timeoutMs ?? this.#options.defaultTimeoutMs;
    const session = await this.#waitUntil(
      () => this.#ownerSession(guildId),
      wait,
      () =>
        `Timed out after ${wait}ms waiting for a live gateway connection for ${guildId ? `guild ${guildId}` : 'DMs (shard 0)'} to send ${t}.\n${this.describeGateway()}`,
    );
    if (session.connection) this.#sendDispatch(session.connection, t, d);
    return session.shard[0];
  }

  /** Dispatches a stored message as MESSAGE_CREATE, honouring intents as Discord does. */
  async #dispatchMessage(
    message: APIMessage,
    guildId: string | undefined,
    timeoutMs?: number,
  ): Promise<{ shardId: number; delivered: boolean; payload: GatewayMessageCreateDispatchData }> {
    const wait = timeoutMs ?? this.#options.defaultTimeoutMs;
    const session = await this.#waitUntil(
      () => this.#ownerSession(guildId),
      wait,
      () =>
        `Timed out after ${wait}ms waiting for a live gateway connection to send MESSAGE_CREATE.\n${this.describeGateway()}`,
    );
    const intents = session.intents;
    const needed = guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    const mentionsBot = message.mentions.some((user) => user.id === this.botUser.id);
    const seesContent =
      (intents & GatewayIntentBits.MessageContent) !== 0 ||
      !guildId ||
      mentionsBot ||
      message.author.id === this.botUser.id;
    const payload: GatewayMessageCreateDispatchData = {
      ...clone(message),
      ...(seesContent ? {} : { content: '', embeds: [], attachments: [], components: [] }),
      ...(guildId
        ? {
            guild_id: guildId,
            member: {
              roles: [],
              joined_at: new Date(Date.now() - 86_400_000).toISOString(),
              deaf: false,
              mute: false,
              flags: 0 as GuildMemberFlags,
            },
          }
        : { channel_type: ChannelType.DM }),
    };
    const delivered = (intents & needed) !== 0;
    if (delivered && session.connection)
      this.#sendDispatch(session.connection, GatewayDispatchEvents.MessageCreate, payload);
    return { shardId: session.shard[0], delivered, payload };
  }
}

/**
 * Proves the Discord stand-in works with the real discord.js client: every test drives a plain `Client` against
 * `FakeDiscord` over loopback and checks both what the client saw and what reached the fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  Partials,
} from 'discord.js';
import type { ClientEvents, ClientOptions } from 'discord.js';
import { FakeDiscord, guildIdForShard, route, shardForGuild } from './fake-discord.js';
import type { FakeDiscordOptions, RecordedRequest } from './fake-discord.js';

const TOKEN = 'fake-bot-token.for.tests';
const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
const EVENT_TIMEOUT_MS = 5000;

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  // Clients first: a client whose gateway vanishes keeps trying to reconnect.
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await fake?.stop();
  fake = undefined;
});

async function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await FakeDiscord.start(options);
  return fake;
}

function newClient(server: FakeDiscord, options: Partial<ClientOptions> = {}): Client {
  const client = new Client({
    intents: INTENTS,
    partials: [Partials.Channel],
    rest: { api: server.apiUrl },
    ...options,
  });
  clients.push(client);
  return client;
}

/** Resolves with the arguments of the next `event` that passes `filter`; rejects after a timeout. */
function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  filter: (...args: ClientEvents[K]) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[K]): void => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`No ${String(event)} event within ${timeoutMs}ms`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

async function login(client: Client): Promise<void> {
  const ready = nextEvent(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
}

async function startLoggedIn(
  options: FakeDiscordOptions = {},
): Promise<{ server: FakeDiscord; client: Client }> {
  const server = await startFake({ token: TOKEN, ...options });
  const client = newClient(server);
  await login(client);
  return { server, client };
}

function bodyOf(request: RecordedRequest): Record<string, unknown> {
  expect(request.body).toBeTypeOf('object');
  return request.body as Record<string, unknown>;
}

describe('FakeDiscord with the real discord.js Client', () => {
  it('logs in: READY and GUILD_CREATE reach `clientReady`, heartbeats are acknowledged, the token stays private', async () => {
    const server = await startFake({ token: TOKEN, heartbeatIntervalMs: 50 });
    const client = newClient(server);
    await login(client);

    expect(client.user?.id).toBe(server.botUser.id);
    expect(client.application?.id).toBe(server.applicationId);
    const [guildInfo] = server.guilds;
    const guild = client.guilds.cache.get(guildInfo?.id ?? '');
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(guildInfo?.channelIds[0] ?? '')?.type).toBe(ChannelType.GuildText);
    expect(guild?.members.me?.id).toBe(server.botUser.id);

    // The client asked REST for the gateway, authenticated, then connected with plain JSON.
    const gatewayBot = await server.waitFor(route('GET', '/gateway/bot'));
    expect(gatewayBot.authScheme).toBe('Bot');
    const connect = server.gatewayLog.find((record) => record.kind === 'connect');
    expect(connect?.data).toEqual({ path: '/', query: { v: '10', encoding: 'json' } });
    const [identify] = server.identifies;
    expect(identify?.data).toMatchObject({
      shard: [0, 1],
      compress: false,
      intents: 1 | (1 << 9) | (1 << 12),
    });

    // A heartbeat ACK is what discord.js measures ping with.
    await nextEvent(client, Events.Debug, (message) => message.includes('Heartbeat acknowledged'));
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);

    const everything =
      JSON.stringify({ requests: server.requests, gateway: server.gatewayLog }) +
      server.describeRequests() +
      server.describeGateway();
    expect(everything).not.toContain(TOKEN);
    expect(server.unknownRoutes).toEqual([]);
  });

  it('a wrong token is refused over REST (401) like Discord', async () => {
    const server = await startFake({ token: TOKEN });
    const client = newClient(server);
    await expect(client.login('not-the-token')).rejects.toThrow(/token/i);
    expect(server.requests.at(-1)?.status).toBe(401);
  });

  it('round-trips a command set through application.commands.set() and fetch()', async () => {
    const { server, client } = await startLoggedIn();
    const application = client.application;
    if (!application) throw new Error('no application');
    const definitions = [
      {
        name: 'ask',
        description: 'Ask about the briefings',
        options: [
          {
            name: 'question',
            description: 'Your question',
            type: ApplicationCommandOptionType.String,
            required: true,
          },
          { name: 'top', description: 'How many passages', type: ApplicationCommandOptionType.Integer },
        ],
      },
      { name: 'Quote this', type: ApplicationCommandType.Message },
    ] as const;

    const set = await application.commands.set([...definitions]);
    expect([...set.values()].map((command) => command.name).sort()).toEqual(['Quote this', 'ask']);
    const put = await server.waitFor(route('PUT', '/applications/:app/commands'));
    expect(put.path).toBe(`/applications/${server.applicationId}/commands`);
    expect(put.body).toMatchObject([
      { name: 'ask' },
      { name: 'Quote this', type: ApplicationCommandType.Message },
    ]);

    const fetched = await application.commands.fetch();
    expect(fetched.size).toBe(2);
    const ask = fetched.find((command) => command.name === 'ask');
    expect(ask?.id).toBe(set.find((command) => command.name === 'ask')?.id);
    expect(ask?.options.map((option) => [option.name, option.type])).toEqual([
      ['question', ApplicationCommandOptionType.String],
      ['top', ApplicationCommandOptionType.Integer],
    ]);

    // Re-registering keeps ids, as Discord does; an invalid name is refused with 50035.
    const again = await application.commands.set([...definitions]);
    expect(again.find((command) => command.name === 'ask')?.id).toBe(ask?.id);
    await expect(application.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toMatchObject({
      code: 50035,
    });
    expect(server.commands().map((command) => [command.name, command.type])).toEqual([
      ['ask', ApplicationCommandType.ChatInput],
      ['Quote this', ApplicationCommandType.Message],
    ]);
  });

  it('delivers a chat-input command and records interaction.reply({ content })', async () => {
    const { server, client } = await startLoggedIn();
    const [registered] =
      (await client.application?.commands
        .set([
          {
            name: 'ask',
            description: 'Ask',
            options: [
              {
                name: 'question',
                description: 'q',
                type: ApplicationCommandOptionType.String,
                required: true,
              },
              { name: 'top', description: 't', type: ApplicationCommandOptionType.Integer },
              { name: 'private', description: 'p', type: ApplicationCommandOptionType.Boolean },
            ],
          },
        ])
        .then((commands) => [...commands.values()])) ?? [];

    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand())
        throw new Error(`unexpected interaction type ${interaction.type}`);
      const text = `${interaction.options.getString('question', true)} top=${interaction.options.getInteger('top')} private=${interaction.options.getBoolean('private')}`;
      await interaction.reply({ content: text });
      return interaction;
    });
    const sent = await server.sendInteraction({
      kind: 'command',
      name: 'ask',
      options: { question: 'Who won?', top: 3, private: false },
    });
    const interaction = await handled;

    expect(interaction.id).toBe(sent.id);
    expect(interaction.commandId).toBe(registered?.id);
    expect(interaction.guildId).toBe(server.guilds[0]?.id);
    expect(interaction.channelId).toBe(server.guilds[0]?.channelIds[0]);
    expect(interaction.user.id).toBe(server.user.id);
    expect(interaction.memberPermissions?.has('Administrator')).toBe(true);

    const reply = await server.waitForReply(sent);
    expect(reply.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(reply.data?.content).toBe('Who won? top=3 private=false');
    expect(reply.callback.query).toEqual({ with_response: 'false' });
    expect(reply.callback.authScheme).toBeNull(); // interaction callbacks authenticate by token, not Bot auth
    expect(reply.original?.content).toBe('Who won? top=3 private=false');
    expect(reply.original?.author.id).toBe(server.botUser.id);

    // A second callback for the same interaction is refused (40060), as on Discord.
    await expect(interaction.followUp({ content: 'extra' })).resolves.toBeDefined();
    await expect(
      client.rest.post(`/interactions/${sent.id}/${sent.token}/callback`, {
        body: { type: 4, data: { content: 'again' } },
        auth: false,
      }),
    ).rejects.toMatchObject({ code: 40060 });
  });

  it('delivers an attachment option that discord.js resolves, and serves the file like the CDN', async () => {
    const { server, client } = await startLoggedIn();
    await client.application?.commands.set([
      {
        name: 'upload',
        description: 'Upload',
        options: [
          { name: 'file', description: 'f', type: ApplicationCommandOptionType.Attachment, required: true },
        ],
      },
    ]);
    const uploaded = server.uploadAttachment({
      name: 'notes.md',
      data: '# Notes\n\nText.',
      contentType: 'text/markdown',
    });
    const handled = nextEvent(client, Events.InteractionCreate).then(([interaction]) => {
      if (!interaction.isChatInputCommand())
        throw new Error(`unexpected interaction type ${interaction.type}`);
      return interaction.options.getAttachment('file', true);
    });
    await server.sendInteraction({ kind: 'command', name: 'upload', options: { file: uploaded.id } });
    const attachment = await handled;
    expect(attachment).toMatchObject({
      id: uploaded.id,
      name: 'notes.md',
      size: 14,
      contentType: 'text/markdown',
    });
    expect(attachment.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/attachments\/uploads\/\d+\/notes\.md\?ex=/);
    const response = await fetch(attachment.url);
    expect(response.headers.get('content-type')).toBe('text/markdown');
    expect(await response.text()).toBe('# Notes\n\nText.');
    expect((await fetch(attachment.url.replace(uploaded.id, '1'))).status).toBe(404);
  });

  it('records deferReply() then editReply() with the final payload', async () => {
    const { server, client } = await startLoggedIn();
    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const edited = await interaction.editReply({
        content: 'done',
        embeds: [{ title: 'Source', description: 'Briefing 1' }],
      });
      return edited;
    });
    const sent = await server.sendInteraction({ kind: 'command', name: 'slow' });
    const edited = await handled;

    const reply = await server.waitForReply(sent);
    expect(reply.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(reply.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.edits).toHaveLength(1);
    expect(bodyOf(reply.edits[0] as RecordedRequest)).toMatchObject({
      content: 'done',
      embeds: [{ title: 'Source', description: 'Briefing 1' }],
    });
    expect(reply.original?.content).toBe('done');
    expect((reply.original?.flags ?? 0) & MessageFlags.Loading).toBe(0);
    expect((reply.original?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(edited.id).toBe(reply.original?.id);
    expect(edited.embeds[0]?.title).toBe('Source');
  });

  it('delivers a button click on the bot reply and records interaction.update()', async () => {
    const { server, client } = await startLoggedIn();
    const firstReply = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      await interaction.reply({
        content: 'page 1',
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, customId: 'page:2', label: 'Next' },
            ],
          },
        ],
      });
    });
    const command = await server.sendInteraction({ kind: 'command', name: 'browse' });
    await firstReply;
    const original = (await server.waitForReply(command)).original;
    expect(original?.components).toHaveLength(1);

    const clicked = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isButton()) throw new Error('expected a button');
      await interaction.update({ content: `page 2 (from ${interaction.customId})`, components: [] });
      return interaction;
    });
    const click = await server.sendInteraction({
      kind: 'button',
      customId: 'page:2',
      messageId: original?.id,
    });
    const interaction = await clicked;
    expect(interaction.message.id).toBe(original?.id);
    expect(interaction.message.content).toBe('page 1');

    const reply = await server.waitForReply(click);
    expect(reply.type).toBe(InteractionResponseType.UpdateMessage);
    expect(reply.data).toMatchObject({ content: 'page 2 (from page:2)', components: [] });
    expect(server.message(original?.id ?? '')?.content).toBe('page 2 (from page:2)');
  });

  it('answers ?with_response=true with callback JSON, and parses multipart uploads with payload_json', async () => {
    const { server, client } = await startLoggedIn();
    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      return interaction.reply({ content: 'with response', withResponse: true });
    });
    const sent = await server.sendInteraction({ kind: 'command', name: 'ask' });
    const response = await handled;
    const reply = await server.waitForReply(sent);
    expect(reply.callback.query).toEqual({ with_response: 'true' });
    expect(reply.callback.status).toBe(200);
    expect(response.interaction.id).toBe(sent.id);
    expect(response.interaction.responseMessageId).toBe(reply.original?.id);
    expect(response.resource?.message?.content).toBe('with response');

    const channel = client.channels.cache.get(server.guilds[0]?.channelIds[0] ?? '');
    if (!channel?.isSendable()) throw new Error('channel not cached');
    const message = await channel.send({
      content: 'see attached',
      files: [{ attachment: Buffer.from('the full answer'), name: 'answer.md' }],
    });
    const upload = await server.waitFor(route('POST', '/channels/:id/messages'));
    expect(upload.body).toMatchObject({
      content: 'see attached',
      attachments: [{ id: '0' }],
    });
    expect(upload.files.map((file) => [file.field, file.name, file.data.toString('utf8')])).toEqual([
      ['files[0]', 'answer.md', 'the full answer'],
    ]);
    expect(message.attachments.first()?.name).toBe('answer.md');
    expect(message.attachments.first()?.size).toBe('the full answer'.length);
  });

  it('delivers autocomplete and message context-menu interactions that discord.js parses', async () => {
    const { server, client } = await startLoggedIn();
    await client.application?.commands.set([
      {
        name: 'ask',
        description: 'Ask',
        options: [
          {
            name: 'question',
            description: 'q',
            type: ApplicationCommandOptionType.String,
            autocomplete: true,
          },
        ],
      },
      { name: 'Quote this', type: ApplicationCommandType.Message },
    ]);

    const completed = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed} in 2024?`, value: `${typed} 2024` }]);
    });
    const auto = await server.sendInteraction({
      kind: 'autocomplete',
      name: 'ask',
      options: { question: 'inflation' },
      focused: 'question',
    });
    await completed;
    const choices = await server.waitForReply(auto);
    expect(choices.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(choices.data?.choices).toEqual([{ name: 'inflation in 2024?', value: 'inflation 2024' }]);

    const quoted = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isMessageContextMenuCommand()) throw new Error('expected a message command');
      await interaction.reply({
        content: `quoted: ${interaction.targetMessage.content}`,
        flags: MessageFlags.Ephemeral,
      });
      return interaction;
    });
    const menu = await server.sendInteraction({
      kind: 'messageCommand',
      name: 'Quote this',
      target: { content: 'The rate rose 0.25 points.' },
    });
    const interaction = await quoted;
    expect(interaction.targetId).toBe(interaction.targetMessage.id);
    expect((await server.waitForReply(menu)).data).toMatchObject({
      content: 'quoted: The rate rose 0.25 points.',
      flags: MessageFlags.Ephemeral,
    });
  });

  it('delivers a DM slash command with `user` and no guild', async () => {
    const { server, client } = await startLoggedIn();
    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      await interaction.reply({ content: `dm=${interaction.channel?.isDMBased()}` });
      return interaction;
    });
    const sent = await server.sendInteraction({ kind: 'command', name: 'help', dm: true });
    const interaction = await handled;
    expect(interaction.guildId).toBeNull();
    expect(interaction.member).toBeNull();
    expect(interaction.user.id).toBe(server.user.id);
    expect((await server.waitForReply(sent)).data?.content).toBe('dm=true');
  });

  it('delivers a DM as messageCreate on a DM channel; message.reply() posts a message_reference', async () => {
    const { server, client } = await startLoggedIn();
    // Registered first: Discord echoes the bot's own message, possibly before the REST response arrives.
    const echoed = nextEvent(
      client,
      Events.MessageCreate,
      (message) => message.author.id === server.botUser.id,
    );
    const handled = nextEvent(client, Events.MessageCreate, (message) => !message.author.bot).then(
      async ([message]) => {
        const reply = await message.reply('hello human');
        return { message, reply };
      },
    );
    const sent = await server.sendMessage({ dm: true, content: 'hello bot' });
    const { message, reply } = await handled;

    expect(sent.delivered).toBe(true);
    expect(message.id).toBe(sent.id);
    expect(message.channel.type).toBe(ChannelType.DM);
    expect(message.guildId).toBeNull();
    expect(message.content).toBe('hello bot');

    const posted = await server.waitFor(route('POST', '/channels/:id/messages'));
    expect(posted.path).toBe(`/channels/${sent.channelId}/messages`);
    expect(bodyOf(posted)).toMatchObject({
      content: 'hello human',
      message_reference: { message_id: sent.id },
    });
    expect(posted.response).toMatchObject({
      type: 19,
      channel_id: sent.channelId,
      author: { id: server.botUser.id },
      message_reference: { message_id: sent.id },
    });
    expect(reply.reference?.messageId).toBe(sent.id);
    const [echo] = await echoed;
    expect(echo.id).toBe(reply.id);
  });

  it('hides guild message content without the MessageContent intent unless the bot is mentioned', async () => {
    const { server, client } = await startLoggedIn();
    const plain = nextEvent(client, Events.MessageCreate);
    await server.sendMessage({ content: 'just chatting' });
    expect((await plain)[0].content).toBe('');

    const mention = nextEvent(client, Events.MessageCreate);
    const sent = await server.sendMessage({ content: 'what happened?', mentionBot: true });
    const [message] = await mention;
    expect(message.content).toBe(`<@${server.botUser.id}> what happened?`);
    expect(message.mentions.users.has(server.botUser.id)).toBe(true);
    expect(message.guildId).toBe(sent.guildId);
  });

  it('waits out a 429 with retry-after and sends the message exactly once', async () => {
    const { server, client } = await startLoggedIn();
    const channelId = server.guilds[0]?.channelIds[0] ?? '';
    const channel = client.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('channel not cached');
    const limited = server.rateLimitNext({
      method: 'POST',
      route: '/channels/:id/messages',
      retryAfterSeconds: 0.3,
    });

    const message = await channel.send('after the limit');

    const attempts = server.requests.filter(route('POST', '/channels/:id/messages'));
    expect(attempts.map((request) => request.status)).toEqual([429, 200]);
    expect(attempts[0]?.fault).toBe(true);
    expect(attempts[0]?.response).toEqual({
      message: 'You are being rate limited.',
      retry_after: 0.3,
      global: false,
    });
    expect((attempts[1]?.time ?? 0) - (attempts[0]?.time ?? 0)).toBeGreaterThanOrEqual(280);
    expect(message.id).toBe((attempts[1]?.response as { id: string }).id);
    expect(limited.hits).toBe(1);
    expect(limited.remaining).toBe(0);
  });

  it('retries a 500 and surfaces an injected 10062 Unknown interaction as DiscordAPIError', async () => {
    const { server, client } = await startLoggedIn();
    const channel = client.channels.cache.get(server.guilds[0]?.channelIds[0] ?? '');
    if (!channel?.isSendable()) throw new Error('channel not cached');
    server.failNext({ method: 'POST', route: '/channels/:id/messages', status: 500 });
    await channel.send('survives a 500');
    expect(server.requests.filter(route('POST', '/channels/:id/messages')).map((r) => r.status)).toEqual([
      500, 200,
    ]);

    server.unknownInteractionNext();
    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      return interaction.reply({ content: 'too late' }).then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    await server.sendInteraction({ kind: 'command', name: 'ask' });
    const error = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 10062, status: 404 });

    // Discord's message limits are enforced: 2001 characters is refused with 50035.
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({ code: 50035, status: 400 });
  });

  it('after dropGateway() the client resumes on resume_gateway_url and still receives interactions', async () => {
    const { server, client } = await startLoggedIn();
    const resumed = nextEvent(client, Events.ShardResume);
    await server.dropGateway();
    await resumed;

    const resume = await server.waitForGateway(
      (record) => record.kind === 'receive' && record.name === 'RESUME',
    );
    expect(resume.data).toMatchObject({ session_id: expect.any(String), seq: expect.any(Number) });
    const connects = server.gatewayLog.filter((record) => record.kind === 'connect');
    expect(connects.map((record) => (record.data as { path: string }).path)).toEqual(['/', '/resume']);
    expect(server.identifies).toHaveLength(1);

    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      await interaction.reply({ content: 'still here' });
    });
    const sent = await server.sendInteraction({ kind: 'command', name: 'ping' });
    await handled;
    expect((await server.waitForReply(sent)).data?.content).toBe('still here');
  });

  it('re-identifies when the session cannot be resumed (op 9)', async () => {
    const server = await startFake({ token: TOKEN });
    // discord.js spaces IDENTIFYs of a shard 5 s apart; a no-op throttler keeps this test fast.
    const client = newClient(server, {
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
    });
    await login(client);
    await server.dropGateway(4000, { invalidateSession: true });

    const identify = await server.waitForGateway(
      (record) => record.name === 'IDENTIFY' && record.seq > (server.identifies[0]?.seq ?? 0),
    );
    expect(identify.data).toMatchObject({ shard: [0, 1] });
    expect(
      server.gatewayLog.some((record) => record.kind === 'send' && record.name === 'INVALID_SESSION'),
    ).toBe(true);
    await server.waitForShard(0);

    const handled = nextEvent(client, Events.InteractionCreate).then(async ([interaction]) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
      await interaction.reply({ content: 'fresh session' });
    });
    const sent = await server.sendInteraction({ kind: 'command', name: 'ping' });
    await handled;
    expect((await server.waitForReply(sent)).data?.content).toBe('fresh session');
  });

  it('serves two shards: each client gets READY with its own guild and its own events', async () => {
    const guildA = guildIdForShard(0, 2);
    const guildB = guildIdForShard(1, 2);
    expect([shardForGuild(guildA, 2), shardForGuild(guildB, 2)]).toEqual([0, 1]);
    const server = await startFake({
      token: TOKEN,
      guilds: [
        { id: guildA, name: 'A' },
        { id: guildB, name: 'B' },
      ],
    });
    const shard0 = newClient(server, { shards: [0], shardCount: 2 });
    const shard1 = newClient(server, { shards: [1], shardCount: 2 });
    await Promise.all([login(shard0), login(shard1)]);

    expect(server.identifies.map((record) => (record.data as { shard: number[] }).shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...shard0.guilds.cache.keys()]).toEqual([guildA]);
    expect([...shard1.guilds.cache.keys()]).toEqual([guildB]);
    expect(server.liveShards()).toEqual([0, 1]);

    const onShard1 = nextEvent(shard1, Events.InteractionCreate);
    const sent = await server.sendInteraction({ kind: 'command', name: 'ping', guildId: guildB });
    const [interaction] = await onShard1;
    expect(sent.shardId).toBe(1);
    expect(interaction.guildId).toBe(guildB);
    // Only shard 1's socket carried it (the log shows every frame sent, so no waiting for a non-event).
    const carried = server.gatewayLog.filter(
      (record) => record.kind === 'send' && record.name === 'INTERACTION_CREATE',
    );
    expect(carried.map((record) => record.shard)).toEqual([[1, 2]]);

    const dm = nextEvent(shard0, Events.InteractionCreate);
    const sentDm = await server.sendInteraction({ kind: 'command', name: 'ping', dm: true });
    expect(sentDm.shardId).toBe(0);
    expect((await dm)[0].id).toBe(sentDm.id);
  });

  it('records each IDENTIFY with its shard, time and bucket, and finds two of one bucket within 5 s', async () => {
    // Two clients stand for two bot processes: each spaces only its own IDENTIFYs, so they collide.
    const guilds = [{ id: guildIdForShard(0, 2) }, { id: guildIdForShard(1, 2) }];
    const server = await startFake({ token: TOKEN, guilds, maxConcurrency: 1 });
    const [a, b] = [
      newClient(server, { shards: [0], shardCount: 2 }),
      newClient(server, { shards: [1], shardCount: 2 }),
    ];
    await Promise.all([login(a), login(b)]);
    expect(server.maxConcurrency).toBe(1);
    const log = server.identifyLog();
    expect(log.map((r) => [r.shardId, r.shardCount, r.bucket]).sort()).toEqual([
      [0, 2, 0],
      [1, 2, 0],
    ]);
    expect(new Set(log.map((r) => r.connection)).size).toBe(2);
    const violations = server.identifyViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ bucket: 0, first: log[0], second: log[1] });
    expect(violations[0]!.gapMs).toBe(log[1]!.time - log[0]!.time);
    expect(violations[0]!.gapMs).toBeLessThan(5000);
    // Within a smaller window they are far enough apart.
    expect(server.identifyViolations(0)).toEqual([]);
  });

  it('holds requests until all of them have arrived, then lets them through together', async () => {
    const guilds = [{ id: guildIdForShard(0, 2) }, { id: guildIdForShard(1, 2) }];
    const server = await startFake({ token: TOKEN, guilds });
    const held = server.holdTogether({ method: 'GET', route: '/gateway/bot', count: 2 });
    const a = newClient(server, { shards: [0], shardCount: 2 });
    const aReady = login(a).then(() => Date.now());
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.identifies).toEqual([]);
    const bStarted = Date.now();
    await login(newClient(server, { shards: [1], shardCount: 2 }));
    expect(await aReady).toBeGreaterThanOrEqual(bStarted);
    expect(held.hits).toBe(2);
    // Later requests are not held.
    await expect(a.rest.get('/gateway/bot')).resolves.toMatchObject({ shards: 1 });
  });

  it('counts shards of different buckets apart (max_concurrency 2)', async () => {
    const guilds = [{ id: guildIdForShard(0, 2) }, { id: guildIdForShard(1, 2) }];
    const server = await startFake({ token: TOKEN, guilds, maxConcurrency: 2 });
    const [a, b] = [
      newClient(server, { shards: [0], shardCount: 2 }),
      newClient(server, { shards: [1], shardCount: 2 }),
    ];
    await Promise.all([login(a), login(b)]);
    expect(
      server
        .identifyLog()
        .map((r) => r.bucket)
        .sort(),
    ).toEqual([0, 1]);
    expect(server.identifyViolations()).toEqual([]);
  });

  it('records unknown routes with a 404 and explains a timed-out wait', async () => {
    const { server, client } = await startLoggedIn();
    await expect(client.rest.get('/nowhere/at/all')).rejects.toMatchObject({ status: 404, code: 0 });
    expect(server.unknownRoutes.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /nowhere/at/all',
    ]);
    await expect(server.waitFor(route('DELETE', '/guilds/:id'), 50)).rejects.toThrow(
      /Timed out after 50ms[\s\S]*GET \/nowhere\/at\/all → 404/,
    );
  });
});

/**
 * Questions by message: a mention of the bot in a server channel (unless the server turned
 * mentions off), or any message in a DM. Answered as a reply to the question (a message
 * reference) that pings nobody.
 */
import type { Message, MessageReplyOptions } from 'discord.js';
import { renderNotice, toDiscordJs } from '../render/index.js';
import type { RenderedMessage } from '../render/index.js';
import { admitQuestion } from './admission.js';
import { answerInConversation, emptyQuestionNotice } from './answering.js';
import type { BotContext } from './context.js';

/** The question in a message: its text without mentions of the bot (`<@id>`, `<@!id>`), whitespace tidied. */
export function stripBotMention(content: string, botId: string): string {
  return content.split(`<@${botId}>`).join(' ').split(`<@!${botId}>`).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * Whether a message is a question for the bot: not from a bot (itself included), a webhook or
 * the system; in a DM, or in a server with the bot user itself mentioned (not @everyone or a role).
 */
export function isQuestionForBot(message: Message, botId: string): boolean {
  if (message.author.bot || message.webhookId !== null || message.system) return false;
  if (!message.inGuild()) return true;
  return message.mentions.users.has(botId);
}

/** Reply options for a rendered message: a reference to the question, and no ping, not even of its author. */
export function replyOptions(rendered: RenderedMessage): MessageReplyOptions {
  const { flags: _flags, ...rest } = toDiscordJs(rendered);
  // If the question was deleted meanwhile, answer without the reference rather than fail.
  return { ...rest, allowedMentions: { parse: [], repliedUser: false }, failIfNotExists: false };
}

/** Creates the `messageCreate` listener. It never rejects: failures are logged. */
export function createMessageHandler(ctx: BotContext): (message: Message) => Promise<void> {
  return async (message) => {
    const botId = message.client.user.id;
    if (!isQuestionForBot(message, botId)) return;
    const guildId = message.inGuild() ? message.guildId : null;
    const fields = {
      messageId: message.id,
      guildId,
      channelId: message.channelId,
      dm: guildId === null,
    };
    try {
      // Read per message, so a change by /settings applies at once (and on every shard).
      const settings = guildId === null ? undefined : await ctx.store.getSettings(guildId);
      if (settings && !settings.mentions) {
        ctx.logger.debug(fields, 'mention ignored: mentions are off in this server');
        return;
      }
      const asker = { guildId, userId: message.author.id };
      const admission = await admitQuestion(ctx, asker, settings);
      if (!admission.ok) {
        // A message cannot be private: a short reply that pings nobody.
        await message.reply(replyOptions(renderNotice(admission.notice)));
        return;
      }
      const question = stripBotMention(message.content, botId);
      // Typing is a courtesy: a failure to show it must not stop the answer.
      if ('sendTyping' in message.channel) {
        await message.channel
          .sendTyping()
          .catch((error: unknown) => ctx.logger.debug({ ...fields, err: error }, 'typing failed'));
      }
      const rendered =
        question === ''
          ? emptyQuestionNotice(ctx.examples)
          : (await answerInConversation(ctx, { ...asker, channelId: message.channelId }, question)).rendered;
      await message.reply(replyOptions(rendered));
      ctx.logger.debug(fields, 'message answered');
    } catch (error) {
      ctx.logger.error({ ...fields, err: error }, 'could not answer a message');
    }
  };
}

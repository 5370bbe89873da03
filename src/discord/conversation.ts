/**
 * Conversations for follow-up questions: the last question of each user in each channel (of a
 * server, or a DM) is remembered in the store for 10 minutes, and a question that leans on it
 * ("and who reported it?") is answered with it as weaker context.
 */
import { planFollowUp, isFollowUp } from '../answer/follow-up.js';
import type { FollowUpPlan } from '../answer/follow-up.js';
import type { Store } from '../store/index.js';

/** One user in one channel: a server channel (`guildId`), or a DM (`guildId` null). */
export interface Conversation {
  guildId: string | null;
  channelId: string;
  userId: string;
}

/** The store's scope for a conversation: the server id, or `dm`. */
function scope(conversation: Conversation): string {
  return conversation.guildId ?? 'dm';
}

/**
 * Plans `question` in its conversation: when it looks like a follow-up and the same user asked
 * something in the same channel within the last 10 minutes, that question becomes its context.
 * Only a question that looks like a follow-up costs a store read.
 */
export async function planQuestion(
  store: Pick<Store, 'previousQuestion'>,
  conversation: Conversation,
  question: string,
): Promise<FollowUpPlan> {
  const previous = isFollowUp(question)
    ? await store.previousQuestion(scope(conversation), conversation.channelId, conversation.userId)
    : undefined;
  return planFollowUp(question, previous);
}

/** Remembers what the next question of this conversation may lean on (see {@link FollowUpPlan.remember}). */
export async function rememberPlan(
  store: Pick<Store, 'rememberQuestion'>,
  conversation: Conversation,
  plan: FollowUpPlan,
): Promise<void> {
  // Chat ("thanks!") leaves the earlier question as the one a follow-up leans on.
  if (plan.remember === undefined) return;
  await store.rememberQuestion(
    scope(conversation),
    conversation.channelId,
    conversation.userId,
    plan.remember,
  );
}

/**
 * The renderer: turns answers, search results and briefing summaries into Discord message
 * payloads and terminal text. Pure functions, no I/O. Exports what the bot and the local chat
 * use; the rest is imported from the module that defines it.
 */
export { renderAnswer, questionTitle } from './answer.js';
export { renderSearch, SEARCH_PAGE_SIZE } from './search.js';
export {
  renderSourcesPage,
  renderBriefingChoices,
  renderBriefing,
  renderHelp,
  renderNotice,
  SOURCES_PAGE_SIZE,
} from './briefings.js';
export {
  renderImportAdded,
  renderImportPreview,
  renderRemoveConfirmation,
  renderRemoved,
} from './imports.js';
export { renderAnswerText, renderSearchText, renderSourcesText } from './terminal.js';
export { toDiscordJs } from './message.js';
export type { RenderedMessage, DiscordJsMessage } from './message.js';
export { LIMITS } from './limits.js';
export { sanitiseUserText, truncateSentences, truncateWords } from './text.js';

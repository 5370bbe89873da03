/**
 * The renderer: turns answers, search results and briefing summaries into Discord message
 * payloads and terminal text. Pure functions, no I/O; every entry point renders through here.
 */
export { renderAnswer, questionTitle } from './answer.js';
export type { RenderAnswerOptions } from './answer.js';
export { renderSearch, searchNoteLines, SEARCH_PAGE_SIZE } from './search.js';
export type { SearchPage } from './search.js';
export {
  renderSources,
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
export type { Answerable, ImportPreview } from './imports.js';
export { renderAnswerText, renderSearchText, renderSourcesText } from './terminal.js';
export type { TextRenderOptions } from './terminal.js';
export { toDiscordJs, toDiscordJsMessage, EPHEMERAL } from './message.js';
export type { RenderedMessage, DiscordJsMessage, MessageOptions, ButtonRow } from './message.js';
export { LIMITS, embedLength, payloadViolations } from './limits.js';
export {
  escapeMarkdown,
  neutraliseMentions,
  sanitiseUserText,
  cleanText,
  stripInvisible,
  truncateSentences,
  truncateWords,
} from './text.js';
export type { TruncateOptions } from './text.js';

/**
 * Every button handler, by the kind of state its custom id carries.
 */
import type { ButtonHandler } from '../context.js';
import type { ButtonState } from '../custom-id.js';
import { list } from './list.js';
import { confirm } from './confirm.js';
import { more } from './more.js';
import { page } from './page.js';
import { vote } from './vote.js';

/** The handler for each kind of button state. */
export const BUTTON_HANDLERS: { readonly [K in ButtonState['kind']]: ButtonHandler<K> } = {
  more,
  vote,
  page,
  list,
  confirm,
};

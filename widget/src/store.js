/*
 * The widget's state (conversation, outbox, language, open panel…) and the part
 * of it kept in the browser: localStorage, else sessionStorage, else memory.
 *
 *   vascern-chat         {conversation_id, conversation_token, language, page_language}
 *   vascern-chat-outbox  messages typed but not yet answered
 *   vascern-chat-open    whether the panel was open
 */

import { str } from './dom.js';
import { pickLanguage } from './strings.js';

const CONVERSATION_KEY = 'vascern-chat';
const OUTBOX_KEY = 'vascern-chat-outbox';
const OPEN_KEY = 'vascern-chat-open';

function usable(name) {
  try {
    const s = window[name];
    s.setItem('vascern-chat-probe', '1');
    s.removeItem('vascern-chat-probe');
    return s;
  } catch (e) {
    return null;
  }
}

const backend = usable('localStorage') || usable('sessionStorage');
const memory = new Map();

const store = {
  get(key) {
    try {
      const raw = backend ? backend.getItem(key) : memory.get(key);
      return raw == null ? null : JSON.parse(raw);
    } catch (e) {
      return null;
    }
  },
  set(key, value) {
    const raw = JSON.stringify(value);
    try { if (backend) backend.setItem(key, raw); else memory.set(key, raw); } catch (e) { memory.set(key, raw); }
  },
  remove(key) {
    try { if (backend) backend.removeItem(key); } catch (e) { /* ignore */ }
    memory.delete(key);
  },
};

/** The state shared by the widget's parts, restored from the browser where it was kept. */
export function createState(pageLanguage) {
  const saved = store.get(CONVERSATION_KEY) || {};
  const outbox = store.get(OUTBOX_KEY);
  return {
    pageLanguage, // the language the page asks for (data-language, else <html lang>, else en)
    // The conversation language wins unless the page language changed since it was saved.
    lang: (saved.page_language === pageLanguage && pickLanguage(saved.language)) || pageLanguage,
    conversation: { id: str(saved.conversation_id) || null, token: str(saved.conversation_token) || null },
    outbox: (Array.isArray(outbox) ? outbox : [])
      .filter((e) => e && str(e.client_message_id) && str(e.text)),
    open: false,
    historyState: 'idle', // idle | loading | done
    renderedMessageIds: new Set(), // bot message ids already on screen
    handled: new Set(), // client_message_ids whose reply (or final error) was shown
    serverTyping: false,
    live: false, // a person of the team holds the conversation (their typing and ours are shown)
    unread: false,
  };
}

export function saveConversation(state) {
  if (!state.conversation.id) { store.remove(CONVERSATION_KEY); return; }
  store.set(CONVERSATION_KEY, {
    conversation_id: state.conversation.id,
    conversation_token: state.conversation.token,
    language: state.lang,
    page_language: state.pageLanguage,
  });
}

/** Forget the conversation (its token was refused, or the server no longer knows it). */
export function resetConversation(state) {
  state.conversation = { id: null, token: null };
  store.remove(CONVERSATION_KEY);
}

/** Keep what is still waiting for a reply, without the in-memory bookkeeping of each entry. */
export function saveOutbox(state) {
  const persisted = state.outbox.map((e) => {
    const item = { client_message_id: e.client_message_id, text: e.text, language: e.language };
    if (e.payload != null) item.payload = e.payload;
    return item;
  });
  if (persisted.length) store.set(OUTBOX_KEY, persisted); else store.remove(OUTBOX_KEY);
}

export function wasOpen() {
  return store.get(OPEN_KEY) === true;
}

export function saveOpen(open) {
  store.set(OPEN_KEY, open);
}

/*
 * Getting the patient's messages to the server and the replies back:
 * the outbox (each message keeps its client_message_id until its reply or a
 * final error arrives), the WebSocket with reconnection (back-off with jitter,
 * a watchdog for silent sockets), the HTTP fall-back after repeated socket
 * failures, resending after a reconnection or a reload, and the server's
 * refusals (429: wait and resend; 403: new conversation; 5xx: retry; others: final).
 *
 * It draws nothing: what is to be shown goes to the `events` given by main.js.
 */

import { str } from './dom.js';
import { STRINGS } from './strings.js';
import { resetConversation, saveConversation, saveOutbox } from './store.js';

/** The longest message the widget sends (the text field has the same limit). */
export const MAX_LENGTH = 2000;
const SOCKET_ATTEMPTS_BEFORE_HTTP = 3;
const REPLY_WATCHDOG_MS = 45000;
const HTTP_TIMEOUT_MS = 60000;
/** At most one "the patient is typing" frame this often, and only while a person answers. */
const TYPING_EVERY_MS = 3000;

/** A random (v4) UUID for client_message_id: crypto.randomUUID(), else built by hand. */
function uuid() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try { return c.randomUUID(); } catch (e) { /* fall through */ }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** 0.5 s doubling to 8 s, with ±25 % jitter. */
function backoff(attempt) {
  const base = Math.min(8000, 500 * 2 ** Math.max(0, attempt));
  return Math.min(8000, Math.round(base * (0.75 + Math.random() * 0.5)));
}

/**
 * state:  the shared state (store.js)
 * api:    the server (api.js)
 * events: patient(text, clientMessageId)  a message was queued: show it
 *         messages(messages)              bot messages to show; returns the first shown, or null
 *         notice(text)                    a local notice in the conversation
 *         renamed(oldId, newId)           a queued message got a new client_message_id
 *         language(code)                  the language of the latest reply
 *         indicators()                    the status line and typing indicator may have changed
 */
export function createTransport({ state, api, events }) {
  const net = {
    ws: null,
    wsOpen: false,
    openedAt: 0,
    serial: 0, // increases with every opened socket; entries record the one they were sent on
    failures: 0, // consecutive socket attempts that failed
    reconnecting: false,
    reconnectTimer: null,
    flushTimer: null,
    watchdog: null,
    lastFrameAt: 0,
    httpMode: typeof window.WebSocket !== 'function',
    httpOffline: false,
    typingSentAt: 0,
  };

  /** Whether a person of the team holds the conversation, from what the messages say. */
  function followLive(messages) {
    (Array.isArray(messages) ? messages : []).forEach((m) => {
      if (m && m.type === 'handoff' && m.status === 'live') state.live = true;
      if (m && m.type === 'handoff' && m.status === 'ended') state.live = false;
    });
  }

  /** The patient is typing: tell the person who answers (over the socket only; never queued). */
  function typing() {
    if (!state.live || !net.wsOpen || !state.conversation.id || !state.conversation.token) return;
    if (Date.now() - net.typingSentAt < TYPING_EVERY_MS) return;
    net.typingSentAt = Date.now();
    net.ws.send(JSON.stringify({
      type: 'typing', conversation_id: state.conversation.id, conversation_token: state.conversation.token,
    }));
  }

  /** Queue a message and send it as soon as possible; false when there is nothing to send. */
  function submit(text, payload) {
    const clean = String(text == null ? '' : text).trim().slice(0, MAX_LENGTH);
    if (!clean) return false;
    const entry = { client_message_id: uuid(), text: clean, language: state.lang };
    if (payload != null) entry.payload = payload;
    state.outbox.push(entry);
    saveOutbox(state);
    events.patient(clean, entry.client_message_id);
    ensureConnection();
    flush();
    return true;
  }

  function requestBody(entry) {
    const body = {
      client_message_id: entry.client_message_id,
      conversation_id: state.conversation.id,
      conversation_token: state.conversation.token,
      text: entry.text,
      language: entry.language || state.lang,
    };
    if (entry.payload != null) body.payload = entry.payload;
    entry.sentConversation = state.conversation.id;
    return body;
  }

  function findEntry(clientMessageId) {
    return state.outbox.find((e) => e.client_message_id === clientMessageId) || null;
  }

  function removeEntry(clientMessageId) {
    const before = state.outbox.length;
    state.outbox = state.outbox.filter((e) => e.client_message_id !== clientMessageId);
    if (state.outbox.length !== before) saveOutbox(state);
  }

  /**
   * Send what can be sent, in order. Until a conversation exists only the first
   * message goes out (its reply brings the conversation id and token).
   */
  function flush() {
    clearTimeout(net.flushTimer);
    net.flushTimer = null;
    if (state.historyState === 'loading') return;
    const now = Date.now();
    for (const entry of state.outbox.slice()) {
      const inFlight = entry.inflight || (net.wsOpen && entry.sentOn === net.serial);
      if (!inFlight) {
        if (entry.notBefore && entry.notBefore > now) {
          net.flushTimer = setTimeout(flush, entry.notBefore - now);
          break; // keep the order: nothing overtakes a delayed message
        }
        if (net.wsOpen) sendOverSocket(entry);
        else if (net.httpMode) postChat(entry);
        else break; // waiting for the socket
      }
      if (!state.conversation.id) break;
    }
    events.indicators();
  }

  function sendOverSocket(entry) {
    const frame = Object.assign({ type: 'message' }, requestBody(entry));
    try {
      net.ws.send(JSON.stringify(frame));
      entry.sentOn = net.serial;
      armWatchdog();
    } catch (e) {
      dropSocket(); // the close handler reconnects and resends
    }
  }

  async function postChat(entry) {
    entry.inflight = true;
    let res;
    try {
      res = await api.postJson('/api/chat', requestBody(entry), HTTP_TIMEOUT_MS);
    } catch (e) {
      entry.inflight = false;
      entry.networkRetry = true;
      net.httpOffline = true;
      retryLater(entry, backoff(entry.attempts || 0));
      return;
    }
    entry.inflight = false;
    entry.networkRetry = false;
    net.httpOffline = false;
    if (res.ok && res.data && typeof res.data === 'object') {
      handleReply(res.data, entry);
    } else {
      const retryAfter = res.retryAfter != null ? res.retryAfter : (res.data && res.data.retry_after);
      handleFailure(entry, res.status, res.data, retryAfter);
    }
  }

  function retryLater(entry, delayMs) {
    entry.attempts = (entry.attempts || 0) + 1;
    entry.notBefore = Date.now() + delayMs;
    flush();
  }

  function handleReply(data, entry) {
    const id = str(data.client_message_id) || (entry && entry.client_message_id);
    if (id) removeEntry(id);
    state.serverTyping = false;
    if (id && state.handled.has(id)) { flush(); return; }
    if (id) state.handled.add(id);
    if (str(data.conversation_id)) {
      state.conversation = {
        id: str(data.conversation_id),
        token: str(data.conversation_token) || (str(data.conversation_id) === state.conversation.id ? state.conversation.token : null),
      };
    }
    events.language(data.language);
    saveConversation(state);
    if (data.live === true) state.live = true;
    followLive(data.messages);
    events.messages(data.messages);
    flush();
  }

  function handleFailure(entry, status, data, retryAfter) {
    const body = data && typeof data === 'object' ? data : {};
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const reason = str(body.error);
    const S = STRINGS[state.lang];
    if (!entry) { // nothing of ours is waiting for it: show what it carries, once
      events.messages(messages);
      return;
    }
    entry.sentOn = null; // whatever happens next, this send attempt is over
    if (status === 429) { // busy or too fast: what the server sent (a red flag's emergency message
      // and the notice naming the emergency number) once, then the same message again later
      if (!entry.rateNoticeShown) {
        if (messages.length) events.messages(messages); else events.notice(reason || S.rateLimited);
        entry.rateNoticeShown = true;
      }
      const seconds = Number(retryAfter);
      const delay = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600) * 1000 : backoff(entry.attempts || 0);
      retryLater(entry, delay);
      return;
    }
    if (status === 403 && entry.sentConversation) { // token refused: start afresh and resend
      resetConversation(state);
      events.notice(S.newConversation);
      const previousId = entry.client_message_id;
      entry.client_message_id = uuid();
      events.renamed(previousId, entry.client_message_id);
      saveOutbox(state);
      flush();
      return;
    }
    if (status >= 500 && status !== 503) { // transient: retry, and say so after a few attempts
      entry.serverFailures = (entry.serverFailures || 0) + 1;
      if (entry.serverFailures === 3) events.notice(S.error);
      retryLater(entry, backoff(entry.attempts || 0));
      return;
    }
    // Definitive (503, other 4xx): show what the server sent, never drop silently.
    removeEntry(entry.client_message_id);
    state.serverTyping = false;
    if (!state.handled.has(entry.client_message_id)) {
      state.handled.add(entry.client_message_id);
      if (!events.messages(messages)) events.notice(reason || S.error);
    }
    flush();
  }

  /* ---- WebSocket with reconnection ---- */

  /** A connection is wanted while the panel is open or a message is waiting. */
  function wanted() {
    return state.open || state.outbox.length > 0;
  }

  function ensureConnection() {
    if (typeof window.WebSocket === 'function' && !net.ws && !net.reconnectTimer) connect();
  }

  function connect() {
    clearTimeout(net.reconnectTimer);
    net.reconnectTimer = null;
    if (typeof window.WebSocket !== 'function' || net.ws) return;
    let socket;
    try {
      socket = new WebSocket(api.wsUrl());
    } catch (e) {
      socketGone(false);
      return;
    }
    net.ws = socket;
    let opened = false;
    socket.onopen = () => {
      if (net.ws !== socket) return;
      opened = true;
      net.wsOpen = true;
      net.openedAt = Date.now();
      net.serial += 1;
      net.failures = 0;
      net.httpMode = false;
      net.reconnecting = false;
      if (state.conversation.id && state.conversation.token) {
        // Follow the conversation, so a person from the team can write to it (live takeover).
        socket.send(JSON.stringify({
          type: 'subscribe', conversation_id: state.conversation.id, conversation_token: state.conversation.token,
        }));
      }
      flush(); // resends every message still in the outbox, same client_message_id
    };
    socket.onmessage = (event) => {
      if (net.ws !== socket) return;
      net.lastFrameAt = Date.now();
      onFrame(event.data);
    };
    socket.onclose = () => {
      if (net.ws === socket) socketGone(opened);
    };
    socket.onerror = () => { /* a close event follows */ };
  }

  function socketGone(wasOpen) {
    const shortLived = wasOpen && Date.now() - net.openedAt < 5000;
    net.ws = null;
    net.wsOpen = false;
    clearTimeout(net.watchdog);
    if (!wasOpen || shortLived) net.failures += 1;
    if (net.failures >= SOCKET_ATTEMPTS_BEFORE_HTTP) net.httpMode = true;
    if (wanted()) {
      net.reconnecting = true;
      net.reconnectTimer = setTimeout(connect, backoff(net.failures));
    } else {
      net.reconnecting = false;
    }
    flush();
  }

  /** Abandon a socket that looks dead (no frame while a reply is awaited). */
  function dropSocket() {
    const socket = net.ws;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try { socket.close(); } catch (e) { /* ignore */ }
    socketGone(net.wsOpen);
  }

  function armWatchdog() {
    clearTimeout(net.watchdog);
    const sentAt = Date.now();
    net.watchdog = setTimeout(() => {
      const waiting = state.outbox.some((e) => e.sentOn === net.serial);
      if (net.wsOpen && waiting && net.lastFrameAt < sentAt) dropSocket();
    }, REPLY_WATCHDOG_MS);
  }

  function onFrame(raw) {
    let frame;
    try { frame = JSON.parse(raw); } catch (e) { return; }
    if (!frame || typeof frame !== 'object') return;
    const entry = findEntry(str(frame.client_message_id));
    if (frame.type === 'subscribed') {
      state.live = frame.live === true;
    } else if (frame.type === 'typing') {
      state.serverTyping = true;
      events.indicators();
    } else if (frame.type === 'push') { // written by a person of the team, outside any reply
      state.serverTyping = false;
      followLive(frame.messages);
      events.messages(Array.isArray(frame.messages) ? frame.messages : []);
      events.indicators();
    } else if (frame.type === 'reply') {
      handleReply(frame, entry);
    } else if (frame.type === 'error') {
      handleFailure(entry, Number(frame.status) || 500, frame, frame.retry_after);
    }
    if (state.outbox.some((e) => e.sentOn === net.serial)) armWatchdog();
  }

  /** What the status line needs to know about the connection. */
  function status() {
    return {
      httpOffline: net.httpOffline,
      reconnecting: net.reconnecting && !net.httpMode && !net.wsOpen,
    };
  }

  /** Follow the browser going on- and offline, and the page becoming visible again. */
  function watchNetwork() {
    window.addEventListener('online', () => {
      net.httpOffline = false;
      state.outbox.forEach((e) => { if (e.networkRetry) e.notBefore = 0; });
      if (wanted() && !net.ws) connect();
      flush();
    });
    window.addEventListener('offline', events.indicators);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && wanted() && !net.ws) connect();
    });
  }

  return { submit, flush, ensureConnection, status, watchNetwork, typing };
}

/*
 * Start-up: builds the widget's parts from the options that vascern-chat.js
 * (the embed script) read from its tag, wires them together, and sets the
 * widget's only global, window.VascernChat, with open() and close().
 *
 *   store.js      state, and what of it the browser keeps
 *   api.js        the server's addresses, JSON POSTs
 *   panel.js      launcher, dialog, focus, status line, typing indicator
 *   render.js     the messages in the log
 *   transport.js  outbox, WebSocket, HTTP fall-back, retries
 *   history.js    the conversation restored after a reload
 */

import { createApi } from './api.js';
import { createHistory } from './history.js';
import { createPanel } from './panel.js';
import { createRenderer } from './render.js';
import { createState, wasOpen } from './store.js';
import { pickLanguage } from './strings.js';
import { createTransport } from './transport.js';

/** The widget's stylesheet, in the folder the embed script was loaded from. */
function stylesheetUrl(baseUrl) {
  try { return new URL('vascern-chat.css', baseUrl || window.location.href).href; } catch (e) { return 'vascern-chat.css'; }
}

/**
 * options: apiUrl    data-api-url of the script tag (empty: the page's own origin)
 *          language  data-language of the script tag (else <html lang>, else en)
 *          baseUrl   the folder of the embed script (…/widget/), for the stylesheet
 */
export function start(options) {
  if (window.VascernChat) return; // loaded twice: the first instance stays in charge
  const opts = options || {};
  const pageLanguage = pickLanguage(opts.language) ||
    pickLanguage(document.documentElement.getAttribute('lang')) || 'en';
  const state = createState(pageLanguage);
  const api = createApi(opts.apiUrl);

  // The parts call each other only through these closures, once all exist.
  const panel = createPanel({
    state,
    cssHref: stylesheetUrl(opts.baseUrl),
    send: (text) => transport.submit(text, null),
    connect: () => transport.ensureConnection(),
    connection: () => transport.status(),
    typing: () => transport.typing(),
  });
  const renderer = createRenderer({
    state,
    api,
    panel,
    send: (text, payload) => transport.submit(text, payload),
  });
  const transport = createTransport({
    state,
    api,
    events: {
      patient: renderer.renderPatient,
      messages: renderer.renderReplyMessages,
      notice: renderer.notice,
      renamed: renderer.renamed,
      language: panel.setLanguage,
      indicators: panel.updateIndicators,
    },
  });
  const chatHistory = createHistory({ state, api, panel, renderer, transport });

  let mounted = false;
  let pendingOpen = null;

  function mount() {
    if (mounted) return;
    mounted = true;
    panel.build();
    transport.watchNetwork();
    if (wasOpen()) panel.setOpen(true, { focus: false });
    if (pendingOpen !== null) panel.setOpen(pendingOpen);
    chatHistory.loadHistory();
  }

  window.VascernChat = Object.freeze({
    open() {
      if (mounted) panel.setOpen(true); else pendingOpen = true;
    },
    close() {
      if (mounted) panel.setOpen(false, { fromUser: false }); else pendingOpen = false;
    },
  });

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

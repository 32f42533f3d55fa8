/*
 * The widget's frame: the launcher button, the panel (a non-modal dialog) with
 * its header, intro, conversation log, typing indicator, status line and text
 * field, and the emergency alert region outside it. Opening and closing (focus
 * to the text field, back to the launcher), the chrome strings in the UI
 * language, the stylesheet (the widget stays hidden until it has loaded), and
 * scrolling. The log is a live region from the start; messages are drawn into
 * it by render.js.
 */

import { CHAT_BUBBLE, el, srOnly, svgIcon } from './dom.js';
import { STRINGS, pickLanguage } from './strings.js';
import { saveOpen } from './store.js';
import { MAX_LENGTH } from './transport.js';

/**
 * state:      the shared state (store.js)
 * cssHref:    the widget's stylesheet
 * send:       send(text) queues the typed message; false when there was nothing to send
 * connect:    called on opening (the socket is opened when the patient first opens the panel)
 * connection: () => {httpOffline, reconnecting}, for the status line
 * typing:     called as the patient types (the transport tells a person who answers live)
 */
export function createPanel({ state, cssHref, send, connect, connection, typing }) {
  const ui = {};

  /** Build the widget at the end of <body>; it is shown once its stylesheet has loaded. */
  function buildUi() {
    const root = el('div', 'vc-root');
    root.id = 'vascern-chat';
    root.hidden = true; // revealed once the stylesheet has loaded

    // Launcher
    const launcher = el('button', 'vc-launcher');
    launcher.type = 'button';
    launcher.id = 'vc-launcher';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'vc-panel');
    launcher.appendChild(svgIcon('vc-launcher-icon', CHAT_BUBBLE));
    ui.launcherLabel = launcher.appendChild(el('span', 'vc-launcher-label'));
    ui.badge = launcher.appendChild(el('span', 'vc-launcher-badge'));
    ui.badge.hidden = true;
    ui.badgeText = ui.badge.appendChild(srOnly(''));

    // Panel (dialog), hidden until opened
    const panel = el('div', 'vc-panel');
    panel.id = 'vc-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'vc-title');

    const header = panel.appendChild(el('div', 'vc-header'));
    ui.title = header.appendChild(el('h2', 'vc-title'));
    ui.title.id = 'vc-title';
    ui.close = header.appendChild(el('button', 'vc-close', '×'));
    ui.close.type = 'button';
    ui.close.id = 'vc-close';

    ui.body = panel.appendChild(el('div', 'vc-body'));
    ui.intro = ui.body.appendChild(el('p', 'vc-intro'));
    ui.log = ui.body.appendChild(el('div', 'vc-log'));
    ui.log.id = 'vc-log';
    ui.log.setAttribute('role', 'log');
    ui.log.setAttribute('aria-live', 'polite');
    ui.log.setAttribute('aria-labelledby', 'vc-title');

    ui.typing = ui.body.appendChild(el('div', 'vc-typing'));
    ui.typing.id = 'vc-typing';
    ui.typing.hidden = true;
    const dots = ui.typing.appendChild(el('span', 'vc-typing-dots'));
    dots.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < 3; i += 1) dots.appendChild(el('span', 'vc-typing-dot'));
    ui.typingText = ui.typing.appendChild(srOnly(''));

    ui.status = panel.appendChild(el('div', 'vc-status'));
    ui.status.id = 'vc-status';
    ui.status.setAttribute('role', 'status');

    const form = panel.appendChild(el('form', 'vc-form'));
    form.id = 'vc-form';
    form.noValidate = true;
    ui.inputLabel = form.appendChild(el('label', 'vc-sr-only'));
    ui.inputLabel.htmlFor = 'vc-input';
    ui.input = form.appendChild(el('textarea', 'vc-input'));
    ui.input.id = 'vc-input';
    ui.input.rows = 1;
    ui.input.maxLength = MAX_LENGTH;
    ui.input.setAttribute('enterkeyhint', 'send');
    ui.input.setAttribute('autocomplete', 'off');
    ui.send = form.appendChild(el('button', 'vc-send'));
    ui.send.type = 'submit';
    ui.send.id = 'vc-send';

    // Emergency announcements: outside the panel so they are heard even when it is closed
    ui.alert = el('div', 'vc-alert vc-sr-only');
    ui.alert.id = 'vc-alert';
    ui.alert.setAttribute('role', 'alert');

    root.append(launcher, panel, ui.alert);
    Object.assign(ui, { root, launcher, panel, form });
    applyStrings();

    launcher.addEventListener('click', () => setOpen(!state.open));
    ui.close.addEventListener('click', () => setOpen(false));
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.isComposing && !event.defaultPrevented) {
        event.preventDefault();
        setOpen(false);
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submitInput();
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submitInput();
      }
    });
    ui.input.addEventListener('input', () => { fitInput(); typing(); });

    document.body.appendChild(root);
    loadStylesheet(() => { root.hidden = false; });
  }

  /** Add the stylesheet unless the page has it; `done` once it has loaded or failed (or after 4 s). */
  function loadStylesheet(done) {
    let finished = false;
    const finish = () => { if (!finished) { finished = true; done(); } };
    const existing = Array.from(document.querySelectorAll('link[rel="stylesheet"]'))
      .some((link) => link.href === cssHref);
    if (existing) { finish(); return; }
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = cssHref;
    link.addEventListener('load', finish);
    link.addEventListener('error', finish);
    document.head.appendChild(link);
    setTimeout(finish, 4000);
  }

  /** Chrome strings in the UI language (messages keep their own language). */
  function applyStrings() {
    const S = STRINGS[state.lang];
    ui.root.lang = state.lang;
    ui.launcherLabel.textContent = S.launcher;
    ui.badgeText.textContent = S.newReply;
    ui.title.textContent = S.title;
    ui.intro.textContent = S.intro;
    ui.close.setAttribute('aria-label', S.close);
    ui.inputLabel.textContent = S.inputLabel;
    ui.input.placeholder = S.placeholder;
    ui.send.textContent = S.send;
    ui.send.setAttribute('aria-label', S.send);
    ui.typingText.textContent = S.typing;
    updateIndicators();
  }

  /** Follow the language of the latest reply. */
  function setLanguage(lang) {
    const code = pickLanguage(lang);
    if (code && code !== state.lang) {
      state.lang = code;
      applyStrings();
    }
  }

  /** Grow the textarea with its content (up to 6 rows) without style attributes. */
  function fitInput() {
    const input = ui.input;
    input.rows = 1;
    while (input.rows < 6 && input.scrollHeight > input.clientHeight + 1) input.rows += 1;
  }

  /**
   * Open or close the panel. options.focus === false: leave the focus where it is;
   * options.fromUser === false: on closing, move the focus only if it was inside the panel.
   */
  function setOpen(open, options) {
    const opts = options || {};
    const focusWasInside = ui.panel.contains(document.activeElement);
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    ui.root.classList.toggle('vc-root--open', open);
    saveOpen(open);
    if (open) {
      state.unread = false;
      connect();
      updateIndicators();
      scrollToBottom();
      if (opts.focus !== false) ui.input.focus();
    } else if (opts.focus !== false && (focusWasInside || opts.fromUser !== false)) {
      ui.launcher.focus();
    }
  }

  function scrollToBottom() {
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  /** Show the start of a new reply (long answers are read from their top). */
  function reveal(node) {
    ui.body.scrollTop = Math.max(0, node.offsetTop - 12);
  }

  /** Status line (offline, reconnecting), typing indicator and unread badge. */
  function updateIndicators() {
    if (!ui.status) return;
    const S = STRINGS[state.lang];
    const link = connection();
    const offline = navigator.onLine === false || (link.httpOffline && state.outbox.length > 0);
    let status = '';
    if (offline) status = S.offline;
    else if (link.reconnecting) status = S.reconnecting;
    if (ui.status.textContent !== status) ui.status.textContent = status;

    const now = Date.now();
    const waiting = state.outbox.some((e) => !e.notBefore || e.notBefore <= now);
    ui.typing.hidden = offline || !(waiting || (state.serverTyping && state.outbox.length > 0));
    ui.badge.hidden = !state.unread || state.open;
  }

  /** Send what is in the text field, and empty it. */
  function submitInput() {
    if (send(ui.input.value)) {
      ui.input.value = '';
      fitInput();
    }
  }

  return { ui, build: buildUi, setOpen, setLanguage, updateIndicators, scrollToBottom, reveal };
}

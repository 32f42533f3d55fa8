/*!
 * VASCERN patient assistant: embeddable chat widget.
 *
 *   <script src="https://HOST/widget/vascern-chat.js"
 *           data-api-url="https://HOST" data-language="fr" defer></script>
 *
 * Plain ES2020, no dependency, no build step. Builds its UI in the page DOM.
 * Every text that comes from the patient or the server is inserted with
 * textContent / createTextNode, never as HTML. Public API: window.VascernChat
 * with open() and close().
 */
(function () {
  'use strict';

  if (window.VascernChat) {
    return; // loaded twice: the first instance stays in charge
  }

  /* ==================================================================
   * 1. UI strings (en fr de it es nl)
   * ================================================================== */

  const STRINGS = {
    en: {
      launcher: 'Chat with the VASCERN assistant',
      newReply: 'New reply',
      title: 'VASCERN assistant',
      intro: 'Ask about rare vascular diseases, expert centres and patient organisations. This assistant is automated and is not a doctor. In an emergency, call 112.',
      close: 'Close',
      inputLabel: 'Your message',
      placeholder: 'Type your question…',
      send: 'Send',
      typing: 'The assistant is typing…',
      reconnecting: 'Reconnecting…',
      offline: 'Offline: your message will be sent when the connection is back',
      youSaid: 'You wrote:',
      botSaid: 'Assistant:',
      quickReplies: 'Suggested replies',
      helpful: 'Was this helpful?',
      yes: 'Yes',
      no: 'No',
      yesLabel: 'Yes, this was helpful',
      noLabel: 'No, this was not helpful',
      thanks: 'Thanks for your feedback',
      sources: 'Sources',
      reviewed: 'reviewed',
      call: 'Call',
      email: 'Email',
      website: 'Website',
      moreInfo: 'More information',
      newTab: '(opens in a new tab)',
      emergency: 'Emergency',
      error: 'Something went wrong. If this is an emergency, call 112.',
      newConversation: 'Your previous conversation has ended. A new conversation has started.',
      rateLimited: 'Too many messages in a short time. Your message will be sent automatically in a moment.',
    },
    fr: {
      launcher: 'Discuter avec l’assistant VASCERN',
      newReply: 'Nouvelle réponse',
      title: 'Assistant VASCERN',
      intro: 'Posez vos questions sur les maladies vasculaires rares, les centres experts et les associations de patients. Cet assistant est automatique et n’est pas un médecin. En cas d’urgence, appelez le 112.',
      close: 'Fermer',
      inputLabel: 'Votre message',
      placeholder: 'Écrivez votre question…',
      send: 'Envoyer',
      typing: 'L’assistant est en train d’écrire…',
      reconnecting: 'Reconnexion…',
      offline: 'Hors ligne : votre message sera envoyé dès le retour de la connexion',
      youSaid: 'Vous avez écrit :',
      botSaid: 'Assistant :',
      quickReplies: 'Réponses proposées',
      helpful: 'Cette réponse vous a-t-elle été utile ?',
      yes: 'Oui',
      no: 'Non',
      yesLabel: 'Oui, elle m’a été utile',
      noLabel: 'Non, elle ne m’a pas été utile',
      thanks: 'Merci pour votre avis',
      sources: 'Sources',
      reviewed: 'relu le',
      call: 'Appeler',
      email: 'E-mail',
      website: 'Site web',
      moreInfo: 'Plus d’informations',
      newTab: '(s’ouvre dans un nouvel onglet)',
      emergency: 'Urgence',
      error: 'Une erreur s’est produite. En cas d’urgence, appelez le 112.',
      newConversation: 'Votre conversation précédente a pris fin. Une nouvelle conversation a commencé.',
      rateLimited: 'Trop de messages en peu de temps. Votre message sera envoyé automatiquement dans un instant.',
    },
    de: {
      launcher: 'Mit dem VASCERN-Assistenten chatten',
      newReply: 'Neue Antwort',
      title: 'VASCERN-Assistent',
      intro: 'Fragen Sie zu seltenen Gefäßerkrankungen, Expertenzentren und Patientenorganisationen. Dieser Assistent ist automatisiert und ersetzt keinen Arzt. Im Notfall rufen Sie die 112 an.',
      close: 'Schließen',
      inputLabel: 'Ihre Nachricht',
      placeholder: 'Schreiben Sie Ihre Frage…',
      send: 'Senden',
      typing: 'Der Assistent schreibt…',
      reconnecting: 'Verbindung wird wiederhergestellt…',
      offline: 'Offline: Ihre Nachricht wird gesendet, sobald die Verbindung wieder besteht',
      youSaid: 'Sie haben geschrieben:',
      botSaid: 'Assistent:',
      quickReplies: 'Antwortvorschläge',
      helpful: 'War das hilfreich?',
      yes: 'Ja',
      no: 'Nein',
      yesLabel: 'Ja, das war hilfreich',
      noLabel: 'Nein, das war nicht hilfreich',
      thanks: 'Danke für Ihre Rückmeldung',
      sources: 'Quellen',
      reviewed: 'geprüft am',
      call: 'Anrufen',
      email: 'E-Mail',
      website: 'Website',
      moreInfo: 'Weitere Informationen',
      newTab: '(öffnet in einem neuen Tab)',
      emergency: 'Notfall',
      error: 'Etwas ist schiefgelaufen. Im Notfall rufen Sie die 112 an.',
      newConversation: 'Ihr bisheriges Gespräch ist beendet. Ein neues Gespräch hat begonnen.',
      rateLimited: 'Zu viele Nachrichten in kurzer Zeit. Ihre Nachricht wird gleich automatisch gesendet.',
    },
    it: {
      launcher: 'Chatta con l’assistente VASCERN',
      newReply: 'Nuova risposta',
      title: 'Assistente VASCERN',
      intro: 'Chieda informazioni sulle malattie vascolari rare, sui centri esperti e sulle associazioni di pazienti. Questo assistente è automatico e non è un medico. In caso di emergenza, chiami il 112.',
      close: 'Chiudi',
      inputLabel: 'Il suo messaggio',
      placeholder: 'Scriva la sua domanda…',
      send: 'Invia',
      typing: 'L’assistente sta scrivendo…',
      reconnecting: 'Riconnessione in corso…',
      offline: 'Offline: il messaggio verrà inviato appena la connessione sarà ripristinata',
      youSaid: 'Ha scritto:',
      botSaid: 'Assistente:',
      quickReplies: 'Risposte suggerite',
      helpful: 'Questa risposta è stata utile?',
      yes: 'Sì',
      no: 'No',
      yesLabel: 'Sì, è stata utile',
      noLabel: 'No, non è stata utile',
      thanks: 'Grazie per il suo riscontro',
      sources: 'Fonti',
      reviewed: 'revisionato il',
      call: 'Chiama',
      email: 'E-mail',
      website: 'Sito web',
      moreInfo: 'Maggiori informazioni',
      newTab: '(si apre in una nuova scheda)',
      emergency: 'Emergenza',
      error: 'Si è verificato un problema. In caso di emergenza, chiami il 112.',
      newConversation: 'La conversazione precedente è terminata. È iniziata una nuova conversazione.',
      rateLimited: 'Troppi messaggi in poco tempo. Il messaggio verrà inviato automaticamente tra poco.',
    },
    es: {
      launcher: 'Chatear con el asistente de VASCERN',
      newReply: 'Nueva respuesta',
      title: 'Asistente de VASCERN',
      intro: 'Pregunte sobre enfermedades vasculares raras, centros expertos y asociaciones de pacientes. Este asistente es automático y no es un médico. En caso de emergencia, llame al 112.',
      close: 'Cerrar',
      inputLabel: 'Su mensaje',
      placeholder: 'Escriba su pregunta…',
      send: 'Enviar',
      typing: 'El asistente está escribiendo…',
      reconnecting: 'Reconectando…',
      offline: 'Sin conexión: su mensaje se enviará cuando vuelva la conexión',
      youSaid: 'Usted escribió:',
      botSaid: 'Asistente:',
      quickReplies: 'Respuestas sugeridas',
      helpful: '¿Le ha resultado útil?',
      yes: 'Sí',
      no: 'No',
      yesLabel: 'Sí, me ha resultado útil',
      noLabel: 'No, no me ha resultado útil',
      thanks: 'Gracias por su opinión',
      sources: 'Fuentes',
      reviewed: 'revisado el',
      call: 'Llamar',
      email: 'Correo electrónico',
      website: 'Sitio web',
      moreInfo: 'Más información',
      newTab: '(se abre en una pestaña nueva)',
      emergency: 'Emergencia',
      error: 'Algo ha fallado. En caso de emergencia, llame al 112.',
      newConversation: 'Su conversación anterior ha terminado. Ha comenzado una nueva conversación.',
      rateLimited: 'Demasiados mensajes en poco tiempo. Su mensaje se enviará automáticamente en unos instantes.',
    },
    nl: {
      launcher: 'Chat met de VASCERN-assistent',
      newReply: 'Nieuw antwoord',
      title: 'VASCERN-assistent',
      intro: 'Stel uw vragen over zeldzame vaatziekten, expertisecentra en patiëntenorganisaties. Deze assistent is geautomatiseerd en is geen arts. Bel bij een noodgeval 112.',
      close: 'Sluiten',
      inputLabel: 'Uw bericht',
      placeholder: 'Typ uw vraag…',
      send: 'Verzenden',
      typing: 'De assistent is aan het typen…',
      reconnecting: 'Opnieuw verbinden…',
      offline: 'Offline: uw bericht wordt verzonden zodra de verbinding terug is',
      youSaid: 'U schreef:',
      botSaid: 'Assistent:',
      quickReplies: 'Voorgestelde antwoorden',
      helpful: 'Was dit nuttig?',
      yes: 'Ja',
      no: 'Nee',
      yesLabel: 'Ja, dit was nuttig',
      noLabel: 'Nee, dit was niet nuttig',
      thanks: 'Bedankt voor uw feedback',
      sources: 'Bronnen',
      reviewed: 'gecontroleerd op',
      call: 'Bellen',
      email: 'E-mail',
      website: 'Website',
      moreInfo: 'Meer informatie',
      newTab: '(opent in een nieuw tabblad)',
      emergency: 'Noodgeval',
      error: 'Er is iets misgegaan. Bel bij een noodgeval 112.',
      newConversation: 'Uw vorige gesprek is beëindigd. Er is een nieuw gesprek gestart.',
      rateLimited: 'Te veel berichten in korte tijd. Uw bericht wordt zo automatisch verzonden.',
    },
  };
  const LANGUAGES = Object.keys(STRINGS);

  const CONVERSATION_KEY = 'vascern-chat';
  const OUTBOX_KEY = 'vascern-chat-outbox';
  const OPEN_KEY = 'vascern-chat-open';
  const MAX_LENGTH = 2000;
  const MESSAGE_TYPES = ['text', 'answer', 'emergency', 'centres', 'organisations', 'handoff', 'error'];
  const FEEDBACK_TYPES = ['answer', 'centres', 'organisations'];
  const SOCKET_ATTEMPTS_BEFORE_HTTP = 3;
  const REPLY_WATCHDOG_MS = 45000;
  const HTTP_TIMEOUT_MS = 60000;

  /* ==================================================================
   * 2. Small helpers
   * ================================================================== */

  function pickLanguage(value) {
    const code = String(value || '').trim().toLowerCase().split(/[-_]/)[0];
    return LANGUAGES.includes(code) ? code : null;
  }

  function str(value) {
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return '';
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null && text !== '') node.textContent = text;
    return node;
  }

  function srOnly(text) {
    return el('span', 'vc-sr-only', text);
  }

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

  /** An absolute http(s) URL, or null. */
  function safeHttpUrl(raw) {
    try {
      const url = new URL(str(raw));
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** Digits with at most one leading "+", for tel: links. */
  function safePhone(raw) {
    const cleaned = str(raw).replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
    return /\d{2,}/.test(cleaned) ? cleaned : null;
  }

  /** A plain address for mailto: links (no query, no encoded characters). */
  function safeEmail(raw) {
    const value = str(raw);
    return /^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value) ? value : null;
  }

  const countryNames = new Map();
  function countryName(code, lang) {
    const value = str(code);
    if (!/^[A-Za-z]{2}$/.test(value) || typeof Intl.DisplayNames !== 'function') return value;
    const key = `${lang}:${value}`;
    if (!countryNames.has(key)) {
      let name = value.toUpperCase();
      try { name = new Intl.DisplayNames([lang], { type: 'region' }).of(name) || name; } catch (e) { /* keep code */ }
      countryNames.set(key, name);
    }
    return countryNames.get(key);
  }

  function parseRetryAfter(value) {
    const text = str(value);
    if (!text) return null;
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    const date = Date.parse(text);
    return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
  }

  /* ==================================================================
   * 3. Storage: localStorage, else sessionStorage, else memory
   * ================================================================== */

  const store = (function () {
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
    return {
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
  })();

  /* ==================================================================
   * 4. Configuration (from the script tag) and state
   * ================================================================== */

  const scriptEl = document.currentScript || document.querySelector('script[src*="vascern-chat.js"]');

  function resolveApi(raw) {
    const value = str(raw);
    if (!value) return ''; // same origin: relative paths
    try {
      const url = new URL(value, window.location.href);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
      return url.origin + url.pathname.replace(/\/+$/, '');
    } catch (e) {
      return '';
    }
  }

  const config = {
    api: resolveApi(scriptEl && scriptEl.getAttribute('data-api-url')),
    pageLanguage: pickLanguage(scriptEl && scriptEl.getAttribute('data-language')) ||
      pickLanguage(document.documentElement.getAttribute('lang')) || 'en',
    cssHref: (function () {
      try { return new URL('vascern-chat.css', (scriptEl && scriptEl.src) || window.location.href).href; } catch (e) { return 'vascern-chat.css'; }
    })(),
  };

  const saved = store.get(CONVERSATION_KEY) || {};
  const state = {
    // The conversation language wins unless the page language changed since it was saved.
    lang: (saved.page_language === config.pageLanguage && pickLanguage(saved.language)) || config.pageLanguage,
    conversation: { id: str(saved.conversation_id) || null, token: str(saved.conversation_token) || null },
    outbox: (Array.isArray(store.get(OUTBOX_KEY)) ? store.get(OUTBOX_KEY) : [])
      .filter((e) => e && str(e.client_message_id) && str(e.text)),
    open: false,
    historyState: 'idle', // idle | loading | done
    renderedMessageIds: new Set(), // bot message ids already on screen
    handled: new Set(), // client_message_ids whose reply (or final error) was shown
    serverTyping: false,
    unread: false,
  };

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
  };

  const httpUrl = (path) => config.api + path;

  function wsUrl() {
    const url = new URL(httpUrl('/ws'), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  function saveConversation() {
    if (!state.conversation.id) { store.remove(CONVERSATION_KEY); return; }
    store.set(CONVERSATION_KEY, {
      conversation_id: state.conversation.id,
      conversation_token: state.conversation.token,
      language: state.lang,
      page_language: config.pageLanguage,
    });
  }

  function saveOutbox() {
    const persisted = state.outbox.map((e) => {
      const item = { client_message_id: e.client_message_id, text: e.text, language: e.language };
      if (e.payload != null) item.payload = e.payload;
      return item;
    });
    if (persisted.length) store.set(OUTBOX_KEY, persisted); else store.remove(OUTBOX_KEY);
  }

  function resetConversation() {
    state.conversation = { id: null, token: null };
    store.remove(CONVERSATION_KEY);
  }

  /* ==================================================================
   * 5. Building the UI
   * ================================================================== */

  const ui = {};

  const CHAT_BUBBLE = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z';
  const THUMB_UP = 'M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3';
  const THUMB_DOWN = 'M10 15v4a3 3 0 0 0 3 3l4-9V2H5.7a2 2 0 0 0-2 1.7l-1.4 9a2 2 0 0 0 2 2.3zm7-13h2.7A2.3 2.3 0 0 1 22 4v7a2.3 2.3 0 0 1-2.3 2H17';

  /** A decorative inline icon (no network, hidden from screen readers). */
  function svgIcon(className, pathData) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', className);
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', pathData);
    svg.appendChild(path);
    return svg;
  }

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
    ui.input.addEventListener('input', fitInput);

    document.body.appendChild(root);
    loadStylesheet(() => { root.hidden = false; });
  }

  function loadStylesheet(done) {
    let finished = false;
    const finish = () => { if (!finished) { finished = true; done(); } };
    const existing = Array.from(document.querySelectorAll('link[rel="stylesheet"]'))
      .some((link) => link.href === config.cssHref);
    if (existing) { finish(); return; }
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = config.cssHref;
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

  /* ==================================================================
   * 6. Opening and closing
   * ================================================================== */

  function setOpen(open, options) {
    const opts = options || {};
    const focusWasInside = ui.panel.contains(document.activeElement);
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    ui.root.classList.toggle('vc-root--open', open);
    store.set(OPEN_KEY, open);
    if (open) {
      state.unread = false;
      ensureConnection();
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

  /* ==================================================================
   * 7. Rendering messages
   * ================================================================== */

  let idCounter = 0;

  /** A link opening in a new tab, saying so to screen readers. */
  function externalLink(href, className, S, content) {
    const a = el('a', className);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(...content, ' ', srOnly(S.newTab));
    return a;
  }

  /** Where rendering goes: the log, or a fragment while the history is built. */
  let renderTarget = null;
  const target = () => renderTarget || ui.log;

  /** Text with bare http(s) URLs turned into links, all through text nodes. */
  function appendLinkified(parent, line, S) {
    const pattern = /https?:\/\/[^\s<>"]+/gi;
    let last = 0;
    let match;
    while ((match = pattern.exec(line)) !== null) {
      let url = match[0];
      while (/[.,;:!?'’»)\]]$/.test(url) && !(url.endsWith(')') && url.split('(').length >= url.split(')').length)) {
        url = url.slice(0, -1);
      }
      const href = safeHttpUrl(url);
      if (!href) continue;
      parent.appendChild(document.createTextNode(line.slice(last, match.index)));
      parent.appendChild(externalLink(href, 'vc-text-link', S, [url]));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(line.slice(last)));
  }

  /** Paragraphs on blank lines, <br> on single newlines. */
  function appendText(parent, text, S) {
    const paragraphs = String(text == null ? '' : text).replace(/\r\n?/g, '\n').split(/\n\s*\n/);
    for (const paragraph of paragraphs) {
      if (!paragraph.trim()) continue;
      const p = el('p', 'vc-text');
      paragraph.split('\n').forEach((line, i) => {
        if (i) p.appendChild(document.createElement('br'));
        appendLinkified(p, line, S);
      });
      parent.appendChild(p);
    }
  }

  function renderPatient(text, clientMessageId) {
    const node = el('div', 'vc-msg vc-msg--patient vc-msg--text');
    if (clientMessageId) node.dataset.clientMessageId = clientMessageId;
    node.appendChild(srOnly(`${STRINGS[state.lang].youSaid} `));
    appendText(node, text, STRINGS[state.lang]);
    target().appendChild(node);
    scrollToBottom();
    return node;
  }

  function renderEmergency(node, msg, S) {
    const head = node.appendChild(el('div', 'vc-emergency-head'));
    const icon = head.appendChild(el('span', 'vc-emergency-icon', '!'));
    icon.setAttribute('aria-hidden', 'true');
    head.appendChild(el('h3', 'vc-emergency-title', S.emergency));
    appendText(node, msg.text, S);
    const number = safePhone(msg.number);
    if (number) {
      const call = node.appendChild(el('a', 'vc-call'));
      call.href = `tel:${number}`;
      call.append(el('span', 'vc-call-label', S.call), ' ', el('span', 'vc-call-number', str(msg.number)));
    }
  }

  function renderSources(node, sources, S) {
    const list = sources.filter((s) => s && (str(s.title) || safeHttpUrl(s.url)));
    if (!list.length) return;
    const box = node.appendChild(el('div', 'vc-sources'));
    box.appendChild(el('h3', 'vc-sources-title', S.sources));
    const ul = box.appendChild(el('ul', 'vc-sources-list'));
    for (const source of list) {
      const li = ul.appendChild(el('li', 'vc-source'));
      const href = safeHttpUrl(source.url);
      const title = str(source.title) || href;
      if (href) {
        li.appendChild(externalLink(href, 'vc-source-link', S, [title]));
      } else {
        li.appendChild(el('span', 'vc-source-title', title));
      }
      const reviewed = str(source.reviewed);
      if (reviewed) {
        const note = li.appendChild(el('span', 'vc-source-reviewed'));
        const time = el('time', '', reviewed);
        if (/^\d{4}-\d{2}-\d{2}$/.test(reviewed)) time.dateTime = reviewed;
        note.append(` ${S.reviewed} `, time);
      }
    }
  }

  function cardLink(href, kind, label, value) {
    const a = el('a', `vc-card-link vc-card-link--${kind}`);
    a.href = href;
    a.appendChild(el('span', 'vc-card-link-label', label));
    if (value) a.append(' ', el('span', 'vc-card-link-value', value));
    return a;
  }

  function renderCards(node, items, S, lang) {
    const ul = node.appendChild(el('ul', 'vc-cards'));
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const card = ul.appendChild(el('li', 'vc-card'));
      const name = str(item.name) || str(item.unit);
      if (name) card.appendChild(el('h3', 'vc-card-name', name));
      if (str(item.name) && str(item.unit)) card.appendChild(el('p', 'vc-card-unit', str(item.unit)));
      const place = [str(item.city), countryName(item.country, lang)].filter(Boolean).join(', ');
      if (place) card.appendChild(el('p', 'vc-card-place', place));

      const links = el('div', 'vc-card-links');
      const phone = safePhone(item.phone);
      if (phone) links.appendChild(cardLink(`tel:${phone}`, 'phone', S.call, str(item.phone)));
      const email = safeEmail(item.email);
      if (email) links.appendChild(cardLink(`mailto:${email}`, 'email', S.email, email));
      const url = safeHttpUrl(item.url);
      if (url) {
        const host = new URL(url).hostname.replace(/^www\./, '');
        links.appendChild(externalLink(url, 'vc-card-link vc-card-link--website', S, [
          el('span', 'vc-card-link-label', S.website), ' ', el('span', 'vc-card-link-value', host),
        ]));
      }
      if (!url) {
        // No website of its own: the page the record comes from (its source) tells how to reach it.
        const source = (Array.isArray(item.sources) ? item.sources : []).map(safeHttpUrl).find(Boolean);
        if (source) {
          links.appendChild(externalLink(source, 'vc-card-link vc-card-link--source', S, [
            el('span', 'vc-card-link-label', S.moreInfo),
          ]));
        }
      }
      if (links.childNodes.length) card.appendChild(links);
    }
  }

  function renderFeedback(node, messageId, S) {
    const group = node.appendChild(el('div', 'vc-feedback-group'));
    const questionId = `vc-feedback-q-${++idCounter}`;
    group.setAttribute('role', 'group');
    group.setAttribute('aria-labelledby', questionId);
    group.appendChild(el('span', 'vc-feedback-question', S.helpful)).id = questionId;
    const thanks = el('span', 'vc-feedback-thanks');
    const buttons = [['up', S.yes, S.yesLabel, THUMB_UP], ['down', S.no, S.noLabel, THUMB_DOWN]].map(([value, text, label, icon]) => {
      const button = group.appendChild(el('button', `vc-feedback vc-feedback--${value}`));
      button.type = 'button';
      button.dataset.value = value;
      button.setAttribute('aria-label', label);
      button.setAttribute('aria-pressed', 'false');
      button.append(svgIcon('vc-feedback-icon', icon), el('span', 'vc-feedback-text', text));
      return button;
    });
    group.appendChild(thanks);

    const press = (value) => buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.value === value)));
    buttons.forEach((button) => button.addEventListener('click', async () => {
      const value = button.dataset.value;
      const pressed = buttons.find((b) => b.getAttribute('aria-pressed') === 'true');
      const previous = pressed ? pressed.dataset.value : null;
      if (previous === value) return;
      press(value);
      let ok = false;
      try {
        const res = await postJson('/api/feedback', {
          conversation_id: state.conversation.id,
          conversation_token: state.conversation.token,
          message_id: messageId,
          value,
        }, 20000);
        ok = res.ok;
      } catch (e) { ok = false; }
      if (ok) thanks.textContent = S.thanks;
      else press(previous);
    }));
  }

  function renderQuickReplies(msg, lang) {
    const buttons = msg.buttons.filter((b) => b && str(b.title));
    if (!buttons.length) return;
    const group = el('div', 'vc-quick-replies');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', STRINGS[lang].quickReplies);
    group.lang = lang;
    if (msg.id) group.dataset.messageId = str(msg.id);
    for (const b of buttons) {
      const button = group.appendChild(el('button', 'vc-quick-reply', str(b.title)));
      button.type = 'button';
      button.addEventListener('click', () => {
        group.remove();
        submitMessage(str(b.title), b.payload == null ? null : String(b.payload));
        ui.input.focus();
      });
    }
    target().appendChild(group);
  }

  function announceEmergency(msg, S) {
    const number = str(msg.number);
    const text = [`${S.emergency}.`, str(msg.text), number ? `${S.call} ${number}.` : ''].filter(Boolean).join(' ');
    ui.alert.textContent = '';
    setTimeout(() => { ui.alert.textContent = text; }, 150);
  }

  /** One bot message; returns its element, or null when already on screen. */
  function renderBot(msg, options) {
    if (!msg || typeof msg !== 'object') return null;
    const id = str(msg.id);
    if (id && state.renderedMessageIds.has(id)) return null;
    if (id) state.renderedMessageIds.add(id);
    const type = MESSAGE_TYPES.includes(msg.type) ? msg.type : 'text';
    const lang = pickLanguage(msg.language) || state.lang;
    const S = STRINGS[lang];

    const node = el('div', `vc-msg vc-msg--bot vc-msg--${type}`);
    node.lang = lang;
    if (id) node.dataset.messageId = id;
    node.appendChild(srOnly(`${S.botSaid} `));
    if (type === 'emergency') renderEmergency(node, msg, S);
    else appendText(node, msg.text, S);
    if (type === 'answer' && Array.isArray(msg.sources)) renderSources(node, msg.sources, S);
    if ((type === 'centres' || type === 'organisations') && Array.isArray(msg.items)) renderCards(node, msg.items, S, lang);
    if (id && FEEDBACK_TYPES.includes(type)) renderFeedback(node, id, S);
    target().appendChild(node);

    if (Array.isArray(msg.buttons) && options.buttons) renderQuickReplies(msg, lang);
    if (type === 'emergency' && options.announce) announceEmergency(msg, S);
    return node;
  }

  function renderReplyMessages(messages) {
    let first = null;
    for (const msg of Array.isArray(messages) ? messages : []) {
      const node = renderBot(msg, { buttons: true, announce: true });
      first = first || node;
    }
    if (first) {
      reveal(first);
      if (!state.open) state.unread = true;
    }
    return first;
  }

  function notice(text) {
    ui.log.appendChild(el('p', 'vc-notice', text));
    scrollToBottom();
  }

  /* ==================================================================
   * 8. Status line, typing indicator, unread badge
   * ================================================================== */

  function updateIndicators() {
    if (!ui.status) return;
    const S = STRINGS[state.lang];
    const offline = navigator.onLine === false || (net.httpOffline && state.outbox.length > 0);
    let status = '';
    if (offline) status = S.offline;
    else if (net.reconnecting && !net.httpMode && !net.wsOpen) status = S.reconnecting;
    if (ui.status.textContent !== status) ui.status.textContent = status;

    const now = Date.now();
    const waiting = state.outbox.some((e) => !e.notBefore || e.notBefore <= now);
    ui.typing.hidden = offline || !(waiting || (state.serverTyping && state.outbox.length > 0));
    ui.badge.hidden = !state.unread || state.open;
  }

  /* ==================================================================
   * 9. Sending: outbox, WebSocket, HTTP fall-back
   * ================================================================== */

  function submitInput() {
    if (submitMessage(ui.input.value, null)) {
      ui.input.value = '';
      fitInput();
    }
  }

  function submitMessage(text, payload) {
    const clean = String(text == null ? '' : text).trim().slice(0, MAX_LENGTH);
    if (!clean) return false;
    const entry = { client_message_id: uuid(), text: clean, language: state.lang };
    if (payload != null) entry.payload = payload;
    state.outbox.push(entry);
    saveOutbox();
    renderPatient(clean, entry.client_message_id);
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
    if (state.outbox.length !== before) saveOutbox();
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
    updateIndicators();
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
      res = await postJson('/api/chat', requestBody(entry), HTTP_TIMEOUT_MS);
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

  async function postJson(path, body, timeoutMs) {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : null;
    try {
      const response = await fetch(httpUrl(path), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
        signal: controller ? controller.signal : undefined,
      });
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      return { ok: response.ok, status: response.status, data, retryAfter: parseRetryAfter(response.headers.get('Retry-After')) };
    } finally {
      if (timer) clearTimeout(timer);
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
    setLanguage(data.language);
    saveConversation();
    renderReplyMessages(data.messages);
    flush();
  }

  function handleFailure(entry, status, data, retryAfter) {
    const body = data && typeof data === 'object' ? data : {};
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const reason = str(body.error);
    const S = STRINGS[state.lang];
    if (!entry) { // nothing of ours is waiting for it: show what it carries, once
      renderReplyMessages(messages);
      return;
    }
    entry.sentOn = null; // whatever happens next, this send attempt is over
    if (status === 429) {
      if (!entry.rateNoticeShown) { notice(reason || S.rateLimited); entry.rateNoticeShown = true; }
      const seconds = Number(retryAfter);
      const delay = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600) * 1000 : backoff(entry.attempts || 0);
      retryLater(entry, delay);
      return;
    }
    if (status === 403 && entry.sentConversation) { // token refused: start afresh and resend
      resetConversation();
      notice(S.newConversation);
      const bubble = ui.log.querySelector(`[data-client-message-id="${entry.client_message_id}"]`);
      entry.client_message_id = uuid();
      if (bubble) bubble.dataset.clientMessageId = entry.client_message_id;
      saveOutbox();
      flush();
      return;
    }
    if (status >= 500 && status !== 503) { // transient: retry, and say so after a few attempts
      entry.serverFailures = (entry.serverFailures || 0) + 1;
      if (entry.serverFailures === 3) notice(S.error);
      retryLater(entry, backoff(entry.attempts || 0));
      return;
    }
    // Definitive (503, other 4xx): show what the server sent, never drop silently.
    removeEntry(entry.client_message_id);
    state.serverTyping = false;
    if (!state.handled.has(entry.client_message_id)) {
      state.handled.add(entry.client_message_id);
      if (!renderReplyMessages(messages)) notice(reason || S.error);
    }
    flush();
  }

  /* ---- WebSocket with reconnection ---- */

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
      socket = new WebSocket(wsUrl());
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
    if (frame.type === 'typing') {
      state.serverTyping = true;
      updateIndicators();
    } else if (frame.type === 'reply') {
      handleReply(frame, entry);
    } else if (frame.type === 'error') {
      handleFailure(entry, Number(frame.status) || 500, frame, frame.retry_after);
    }
    if (state.outbox.some((e) => e.sentOn === net.serial)) armWatchdog();
  }

  /* ==================================================================
   * 10. History (the conversation survives a reload)
   * ================================================================== */

  async function loadHistory() {
    if (!state.conversation.id) { finishHistory(null); return; }
    state.historyState = 'loading';
    let data = null;
    try {
      const res = await postJson('/api/history', {
        conversation_id: state.conversation.id,
        conversation_token: state.conversation.token,
      }, 20000);
      if (res.ok && res.data && Array.isArray(res.data.messages)) data = res.data;
      else if (res.status === 403 || res.status === 404) resetConversation();
    } catch (e) { /* offline: keep the conversation, show what is pending */ }
    finishHistory(data);
  }

  function finishHistory(data) {
    const patientIds = new Set();
    const patientTexts = [];
    // Built aside, then put before anything sent while the history was loading.
    renderTarget = document.createDocumentFragment();
    if (data) {
      const messages = data.messages.filter((m) => m && typeof m === 'object');
      let lastPatient = -1;
      messages.forEach((m, i) => { if (m.sender === 'patient') lastPatient = i; });
      messages.forEach((m, i) => {
        if (m.sender === 'patient') {
          renderPatient(str(m.text), str(m.client_message_id) || null);
          if (str(m.client_message_id)) patientIds.add(str(m.client_message_id));
          patientTexts.push(str(m.text));
        } else {
          // Quick replies only for the latest turn; older ones are no longer relevant.
          renderBot(m, { buttons: i > lastPatient, announce: false });
        }
      });
    }
    // Messages still waiting: show them after the history, unless the history has them.
    const recent = patientTexts.slice(-state.outbox.length);
    const onScreen = new Set(Array.from(ui.log.querySelectorAll('[data-client-message-id]'), (n) => n.dataset.clientMessageId));
    for (const entry of state.outbox) {
      if (patientIds.has(entry.client_message_id) || onScreen.has(entry.client_message_id)) continue;
      const index = patientIds.size ? -1 : recent.indexOf(entry.text);
      if (index >= 0) { recent.splice(index, 1); continue; }
      renderPatient(entry.text, entry.client_message_id);
    }
    // The restored history is not news: insert it without a live announcement.
    ui.log.setAttribute('aria-live', 'off');
    ui.log.insertBefore(renderTarget, ui.log.firstChild);
    renderTarget = null;
    setTimeout(() => ui.log.setAttribute('aria-live', 'polite'), 500);
    state.historyState = 'done';
    scrollToBottom();
    if (state.outbox.length) ensureConnection();
    flush();
  }

  /* ==================================================================
   * 11. Start-up and public API
   * ================================================================== */

  let started = false;
  let pendingOpen = null;

  function start() {
    if (started) return;
    started = true;
    buildUi();
    window.addEventListener('online', () => {
      net.httpOffline = false;
      state.outbox.forEach((e) => { if (e.networkRetry) e.notBefore = 0; });
      if (wanted() && !net.ws) connect();
      flush();
    });
    window.addEventListener('offline', updateIndicators);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && wanted() && !net.ws) connect();
    });
    if (store.get(OPEN_KEY) === true) setOpen(true, { focus: false });
    if (pendingOpen !== null) setOpen(pendingOpen);
    loadHistory();
  }

  window.VascernChat = Object.freeze({
    open() {
      if (started) setOpen(true); else pendingOpen = true;
    },
    close() {
      if (started) setOpen(false, { fromUser: false }); else pendingOpen = false;
    },
  });

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();

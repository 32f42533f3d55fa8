/*
 * The conversation's messages: the patient's bubbles and the assistant's
 * (answer, emergency with its call link and alert, centre and organisation
 * cards, sources with their review dates, feedback buttons, quick replies),
 * and local notices. Every text from the patient or the server goes in through
 * textContent / text nodes. A bot message already on screen (same id) is not
 * drawn again.
 */

import { THUMB_DOWN, THUMB_UP, appendText, el, externalLink, safeEmail, safeHttpUrl, safePhone, srOnly, str, svgIcon } from './dom.js';
import { STRINGS, pickLanguage } from './strings.js';

const MESSAGE_TYPES = ['text', 'answer', 'emergency', 'centres', 'organisations', 'handoff', 'error'];
const FEEDBACK_TYPES = ['answer', 'centres', 'organisations'];

const countryNames = new Map();

/** A country name in `lang` for a two-letter code; other values as they are. */
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

/** The emergency bubble's content: warning mark, heading, text and a call link. */
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

/** The sources of an answer, with their review dates. */
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

/** A tel: or mailto: link on a card. */
function cardLink(href, kind, label, value) {
  const a = el('a', `vc-card-link vc-card-link--${kind}`);
  a.href = href;
  a.appendChild(el('span', 'vc-card-link-label', label));
  if (value) a.append(' ', el('span', 'vc-card-link-value', value));
  return a;
}

/** Expert centres or patient organisations as cards: name, unit, place and how to reach them. */
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

/**
 * state: the shared state (store.js)
 * api:   the server (api.js), for feedback
 * panel: the frame (panel.js): its log, alert region and scrolling
 * send:  send(text, payload) queues a quick reply as the patient's message
 */
export function createRenderer({ state, api, panel, send }) {
  const { ui, scrollToBottom, reveal } = panel;
  let idCounter = 0;

  /** Where rendering goes: the log, or a fragment while the history is built. */
  let renderTarget = null;
  const target = () => renderTarget || ui.log;

  function renderPatient(text, clientMessageId) {
    const node = el('div', 'vc-msg vc-msg--patient vc-msg--text');
    if (clientMessageId) node.dataset.clientMessageId = clientMessageId;
    node.appendChild(srOnly(`${STRINGS[state.lang].youSaid} `));
    appendText(node, text, STRINGS[state.lang]);
    target().appendChild(node);
    scrollToBottom();
    return node;
  }

  /** Was this helpful? Yes / No, sent to the server; the pressed state follows its answer. */
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
        const res = await api.postJson('/api/feedback', {
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

  /** Suggested replies: tapping one sends it (and removes the group). */
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
        send(str(b.title), b.payload == null ? null : String(b.payload));
        ui.input.focus();
      });
    }
    target().appendChild(group);
  }

  /** Read an emergency out at once through the alert region, even with the panel closed. */
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

  /** The messages of a reply; returns the first one drawn (scrolled to its top), or null. */
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

  /** A notice of the widget's own (rate limit, new conversation, repeated failure). */
  function notice(text) {
    ui.log.appendChild(el('p', 'vc-notice', text));
    scrollToBottom();
  }

  /** A queued message got a new client_message_id: its bubble follows. */
  function renamed(oldId, newId) {
    const bubble = ui.log.querySelector(`[data-client-message-id="${oldId}"]`);
    if (bubble) bubble.dataset.clientMessageId = newId;
  }

  /** Draw with `build` into a fragment instead of the log, and return the fragment. */
  function collect(build) {
    renderTarget = document.createDocumentFragment();
    try {
      build();
      return renderTarget;
    } finally {
      renderTarget = null;
    }
  }

  return { renderPatient, renderBot, renderReplyMessages, notice, renamed, collect };
}

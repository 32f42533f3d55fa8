/*
 * Building blocks for the DOM, and the safe reading of values that come from
 * outside: text is only ever set with textContent / text nodes (never parsed as
 * HTML), links are made only from checked http(s) URLs, phone numbers and
 * plain e-mail addresses, and icons are inline SVG built element by element.
 */

/** A trimmed string from a string or a finite number; '' for anything else. */
export function str(value) {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** An element with an optional class and text (as textContent). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null && text !== '') node.textContent = text;
  return node;
}

/** Text for screen readers only. */
export function srOnly(text) {
  return el('span', 'vc-sr-only', text);
}

/** A link opening in a new tab, saying so to screen readers (S: the strings of its language). */
export function externalLink(href, className, S, content) {
  const a = el('a', className);
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.append(...content, ' ', srOnly(S.newTab));
  return a;
}

/** An absolute http(s) URL, or null. */
export function safeHttpUrl(raw) {
  try {
    const url = new URL(str(raw));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** Digits with at most one leading "+", for tel: links. */
export function safePhone(raw) {
  const cleaned = str(raw).replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return /\d{2,}/.test(cleaned) ? cleaned : null;
}

/** A plain address for mailto: links (no query, no encoded characters). */
export function safeEmail(raw) {
  const value = str(raw);
  return /^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value) ? value : null;
}

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
export function appendText(parent, text, S) {
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

/* Icon outlines (24 × 24). */
export const CHAT_BUBBLE = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z';
export const THUMB_UP = 'M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3';
export const THUMB_DOWN = 'M10 15v4a3 3 0 0 0 3 3l4-9V2H5.7a2 2 0 0 0-2 1.7l-1.4 9a2 2 0 0 0 2 2.3zm7-13h2.7A2.3 2.3 0 0 1 22 4v7a2.3 2.3 0 0 1-2.3 2H17';

/** A decorative inline icon (no network, hidden from screen readers). */
export function svgIcon(className, pathData) {
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

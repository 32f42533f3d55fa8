/*
 * The assistant's server, as the widget sees it: its address (data-api-url,
 * possibly with a path prefix; empty means the page's own origin), the WebSocket
 * address derived from it, and JSON POSTs with a timeout that also read Retry-After.
 */

import { str } from './dom.js';

/** The API base without a trailing slash, or '' (same origin: relative paths). */
function resolveApi(raw) {
  const value = str(raw);
  if (!value) return '';
  try {
    const url = new URL(value, window.location.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch (e) {
    return '';
  }
}

/** Retry-After in seconds (a number of seconds or an HTTP date), or null. */
function parseRetryAfter(value) {
  const text = str(value);
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

export function createApi(apiUrl) {
  const base = resolveApi(apiUrl);
  const httpUrl = (path) => base + path;

  /** ws:// or wss:// (for an https API) address of the socket. */
  function wsUrl() {
    const url = new URL(httpUrl('/ws'), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  /** {ok, status, data (parsed JSON or null), retryAfter}; rejects on network failure or timeout. */
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

  return { wsUrl, postJson };
}

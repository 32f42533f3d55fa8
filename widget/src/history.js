/*
 * The conversation survives a reload: its history is fetched from
 * POST /api/history (with the stored token) and drawn before anything typed
 * meanwhile, without being announced; messages still in the outbox are shown
 * after it unless the history already has them, then sending resumes.
 */

import { str } from './dom.js';
import { resetConversation } from './store.js';

/**
 * state:     the shared state (store.js)
 * api:       the server (api.js)
 * panel:     the frame (panel.js): its log and scrolling
 * renderer:  the messages (render.js)
 * transport: the sending (transport.js), resumed once the history is in
 */
export function createHistory({ state, api, panel, renderer, transport }) {
  const { ui, scrollToBottom } = panel;

  /** Fetch and show the stored conversation, if there is one; then let the outbox go. */
  async function loadHistory() {
    if (!state.conversation.id) { finishHistory(null); return; }
    state.historyState = 'loading';
    let data = null;
    try {
      const res = await api.postJson('/api/history', {
        conversation_id: state.conversation.id,
        conversation_token: state.conversation.token,
      }, 20000);
      if (res.ok && res.data && Array.isArray(res.data.messages)) data = res.data;
      else if (res.status === 403 || res.status === 404) resetConversation(state);
    } catch (e) { /* offline: keep the conversation, show what is pending */ }
    finishHistory(data);
  }

  function finishHistory(data) {
    const patientIds = new Set();
    const patientTexts = [];
    // Built aside, then put before anything sent while the history was loading.
    const restored = renderer.collect(() => {
      if (data) {
        const messages = data.messages.filter((m) => m && typeof m === 'object');
        let lastPatient = -1;
        messages.forEach((m, i) => { if (m.sender === 'patient') lastPatient = i; });
        messages.forEach((m, i) => {
          if (m.sender === 'patient') {
            renderer.renderPatient(str(m.text), str(m.client_message_id) || null);
            if (str(m.client_message_id)) patientIds.add(str(m.client_message_id));
            patientTexts.push(str(m.text));
          } else {
            // Quick replies only for the latest turn; older ones are no longer relevant.
            renderer.renderBot(m, { buttons: i > lastPatient, announce: false });
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
        renderer.renderPatient(entry.text, entry.client_message_id);
      }
    });
    // The restored history is not news: insert it without a live announcement.
    ui.log.setAttribute('aria-live', 'off');
    ui.log.insertBefore(restored, ui.log.firstChild);
    setTimeout(() => ui.log.setAttribute('aria-live', 'polite'), 500);
    state.historyState = 'done';
    scrollToBottom();
    if (state.outbox.length) transport.ensureConnection();
    transport.flush();
  }

  return { loadHistory };
}

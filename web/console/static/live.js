// The console's live chat with a patient (conversation page, while this moderator holds it):
// patient messages arrive over /console/ws, the moderator's go out through it, with typing.
// Text is always inserted as text, never as HTML.
(function () {
  'use strict';
  const box = document.getElementById('live-chat');
  if (!box) return;
  const conversationId = box.dataset.conversationId;
  const log = document.getElementById('live-log');
  const form = document.getElementById('live-form');
  const input = document.getElementById('live-text');
  const status = document.getElementById('live-status');
  let socket = null;
  let typingSent = 0;

  function add(text, who) {
    const item = document.createElement('li');
    item.className = 'live-' + who;
    item.textContent = text;
    log.appendChild(item);
  }

  function connect() {
    socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/console/ws');
    socket.onopen = () => { status.textContent = box.dataset.connected; };
    socket.onclose = () => { status.textContent = box.dataset.reconnecting; setTimeout(connect, 2000); };
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'patient_message' && frame.conversation_id === conversationId) {
        add((frame.emergency ? '⚠ ' : '') + frame.text, 'patient');
      } else if (frame.type === 'error') {
        status.textContent = frame.error;
      }
    };
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'say', conversation_id: conversationId, text: text }));
    add(text, 'staff');
    input.value = '';
  });
  input.addEventListener('input', () => {
    if (socket && socket.readyState === WebSocket.OPEN && Date.now() - typingSent > 3000) {
      typingSent = Date.now();
      socket.send(JSON.stringify({ type: 'typing', conversation_id: conversationId }));
    }
  });
  connect();
})();

// The console's live connection, on every page while a moderator is signed in: being connected
// counts as online. Alerts (a patient waiting to talk now, a message from a patient this
// moderator holds while another page is open) appear under the header; on the conversation
// page of a conversation this moderator holds, the live chat with the patient runs here too
// (messages both ways, typing both ways). Text is always inserted as text, never as HTML.
(function () {
  'use strict';
  const body = document.body;
  if (!body.dataset.liveSocket) return;
  const alerts = document.getElementById('live-alerts');
  const box = document.getElementById('live-chat');
  const conversationId = box ? box.dataset.conversationId : null;
  const log = document.getElementById('live-log');
  const form = document.getElementById('live-form');
  const input = document.getElementById('live-text');
  const status = document.getElementById('live-status');
  const MAX_ALERTS = 5;
  let socket = null;
  let typingSent = 0;
  let typingTimer = null;
  let connectedText = '';

  function alert(text, conversation) {
    let list = alerts.querySelector('ul');
    if (!list) list = alerts.appendChild(document.createElement('ul'));
    const href = '/console/conversations/' + encodeURIComponent(conversation);
    const existing = Array.from(list.children).find((item) => item.dataset.key === text + href);
    if (existing) existing.remove();
    const item = document.createElement('li');
    item.dataset.key = text + href;
    const link = item.appendChild(document.createElement('a'));
    link.href = href;
    link.textContent = text;
    list.prepend(item);
    while (list.children.length > MAX_ALERTS) list.lastElementChild.remove();
  }

  function add(text, who) {
    const item = document.createElement('li');
    item.className = 'live-' + who;
    item.textContent = text;
    log.appendChild(item);
  }

  function showTyping() {
    status.textContent = body.dataset.typing;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { status.textContent = connectedText; }, 4000);
  }

  function onFrame(frame) {
    const here = box && frame.conversation_id === conversationId;
    if (frame.type === 'live_request') {
      alert(body.dataset.waiting, frame.conversation_id);
    } else if (frame.type === 'patient_message') {
      if (here) {
        clearTimeout(typingTimer);
        status.textContent = connectedText;
        add((frame.emergency ? '⚠ ' : '') + frame.text, 'patient');
      } else {
        alert(body.dataset.newMessage, frame.conversation_id);
      }
    } else if (frame.type === 'patient_ended') {
      if (here) { connectedText = body.dataset.ended; status.textContent = connectedText; }
      else alert(body.dataset.ended, frame.conversation_id);
    } else if (frame.type === 'patient_typing') {
      if (here) showTyping();
    } else if (frame.type === 'error' && status) {
      status.textContent = frame.error;
    }
  }

  function connect() {
    socket = new WebSocket(location.origin.replace(/^http/, 'ws') + body.dataset.liveSocket);
    socket.onopen = () => {
      if (box) { connectedText = box.dataset.connected; status.textContent = connectedText; }
    };
    socket.onclose = () => {
      if (box) status.textContent = box.dataset.reconnecting;
      setTimeout(connect, 2000);
    };
    socket.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame === 'object') onFrame(frame);
    };
  }

  if (box) {
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
  }
  connect();
})();

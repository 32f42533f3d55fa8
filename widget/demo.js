/*
 * Demo page only: applies ?lang=xx to the widget's data-language before the
 * widget runs (both scripts are deferred and run in document order), and shows
 * the current choice in the language selector.
 */
(function () {
  'use strict';

  const LANGUAGES = ['en', 'fr', 'de', 'it', 'es', 'nl'];
  const requested = (new URLSearchParams(window.location.search).get('lang') || '').toLowerCase();
  const widget = document.querySelector('script[src*="vascern-chat.js"]');

  if (widget && LANGUAGES.includes(requested)) {
    widget.setAttribute('data-language', requested);
  }

  const select = document.getElementById('demo-language');
  if (select) {
    const current = widget ? widget.getAttribute('data-language') : '';
    select.value = LANGUAGES.includes(current) ? current : 'en';
  }
})();

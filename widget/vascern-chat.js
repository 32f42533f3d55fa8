/*!
 * VASCERN patient assistant: embeddable chat widget (entry point).
 *
 *   <script src="https://HOST/widget/vascern-chat.js"
 *           data-api-url="https://HOST" data-language="fr" defer></script>
 *
 * A classic script: it reads its own tag now (while document.currentScript is
 * set), then loads the widget's ES modules from src/ next to it and starts them.
 * No dependency, no build step. Public API: window.VascernChat with open() and
 * close(), set by src/main.js.
 */
(function () {
  'use strict';

  if (window.VascernChat) {
    return; // loaded twice: the first instance stays in charge
  }

  try {
    const script = document.currentScript || document.querySelector('script[src*="vascern-chat.js"]');
    const scriptSrc = (script && script.src) || window.location.href;
    const options = {
      apiUrl: script ? script.getAttribute('data-api-url') : null,
      language: script ? script.getAttribute('data-language') : null,
      baseUrl: new URL('.', scriptSrc).href, // the stylesheet and src/ are in this folder
    };
    import(new URL('./src/main.js', scriptSrc).href)
      .then((widget) => widget.start(options))
      .catch((error) => console.error('VascernChat: the chat widget could not be loaded.', error));
  } catch (error) {
    console.error('VascernChat: the chat widget could not be loaded.', error);
  }
})();

// The palette-portcheck widget for support portals. Include this script from where the app is
// hosted, then place the element:
//
//   <script src="https://checker.example/public/widget.js"></script>
//   <palette-portcheck answers='{"infrastructure":["vsphere"]}' theme="dark"></palette-portcheck>
//
// or call PalettePortcheck.mount(element, { answers, theme }). The app runs in an iframe of its
// own origin (its styles and storage stay apart from the portal's) and tells the host page what
// happens with DOM events on the element:
//
//   portcheck-answers  detail: { answers }                  whenever an answer changes
//   portcheck-ticket   detail: { format, file, text }       when a ticket is copied or downloaded
//
// element.setAnswers(answers) replaces the answers; the `theme` attribute (light, dark, system)
// may change at any time. Messages are only ever exchanged with the app's own origin, and the
// app only accepts them from the page that embeds it.
(() => {
  const script = document.currentScript;
  const appUrl = new URL('../', script ? script.src : location.href);
  const appOrigin = appUrl.origin;
  const THEMES = ['light', 'dark', 'system'];

  /** Answers as the app's share-link fragment: `#a=v1.` + base64url of their JSON. */
  function fragment(answers) {
    if (!answers) return '';
    const json = typeof answers === 'string' ? answers : JSON.stringify(answers);
    const bytes = new TextEncoder().encode(json);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return `#a=v1.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
  }

  class PalettePortcheck extends HTMLElement {
    static get observedAttributes() { return ['theme']; }

    connectedCallback() {
      if (this.frame) return;
      const theme = THEMES.includes(this.getAttribute('theme')) ? this.getAttribute('theme') : 'system';
      const src = new URL(appUrl);
      src.searchParams.set('embed', location.origin);
      src.searchParams.set('theme', theme);
      src.hash = fragment(this.getAttribute('answers'));
      this.frame = document.createElement('iframe');
      this.frame.src = src.href;
      this.frame.title = this.getAttribute('title') || 'Palette port check';
      this.frame.style.cssText = 'width:100%;height:100%;min-height:40rem;border:0;display:block';
      this.listener = (event) => {
        if (event.origin !== appOrigin || event.source !== this.frame.contentWindow) return;
        const data = event.data;
        if (!data || data.source !== 'palette-portcheck' || data.v !== 1) return;
        if (data.type === 'answers') {
          this.dispatchEvent(new CustomEvent('portcheck-answers', { detail: { answers: data.answers }, bubbles: true }));
        } else if (data.type === 'ticket') {
          this.dispatchEvent(new CustomEvent('portcheck-ticket', { detail: { format: data.format, file: data.file, text: data.text }, bubbles: true }));
        }
      };
      window.addEventListener('message', this.listener);
      this.appendChild(this.frame);
    }

    disconnectedCallback() {
      window.removeEventListener('message', this.listener);
      this.frame?.remove();
      this.frame = null;
    }

    attributeChangedCallback(name, _old, value) {
      if (name === 'theme' && THEMES.includes(value)) this.post({ type: 'theme', theme: value });
    }

    setAnswers(answers) {
      this.post({ type: 'set-answers', answers });
    }

    post(message) {
      this.frame?.contentWindow?.postMessage({ source: 'palette-portcheck-host', v: 1, ...message }, appOrigin);
    }
  }

  if (!customElements.get('palette-portcheck')) customElements.define('palette-portcheck', PalettePortcheck);

  window.PalettePortcheck = {
    /** Puts the checker into `element`; returns the widget element. */
    mount(element, options = {}) {
      const widget = document.createElement('palette-portcheck');
      if (options.answers) widget.setAttribute('answers', JSON.stringify(options.answers));
      if (options.theme) widget.setAttribute('theme', options.theme);
      element.appendChild(widget);
      return widget;
    },
  };
})();

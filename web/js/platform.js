// Browser glue of the app (linked with --js-library): the DOM layer over the
// canvas (real <input>/<textarea> for text so paste, IME, accents, password
// managers and phone keyboards work; invisible focusable <button>s so Tab and
// Enter/Space reach the ImGui buttons), pictures, clipboard, title,
// viewport, network state, and the read-only test hook window.chatroom.
// Text on the canvas is drawn by js/text.js.
mergeInto(LibraryManager.library, {
  $ChatroomDom__deps: ['malloc', 'free', '$ChatroomText'],
  $ChatroomDom: {
    root: null,
    els: {},      // name -> element
    specs: {},    // name -> last spec applied
    str: function(s) {
      var n = lengthBytesUTF8(s) + 1;
      var p = _malloc(n);
      stringToUTF8(s, p, n);
      return p;
    },
    // Calls an exported C function with string arguments, freeing them after.
    call: function(fn, strings, numbers) {
      var ptrs = strings.map(ChatroomDom.str);
      try { fn.apply(null, ptrs.concat(numbers || [])); } finally { ptrs.forEach(function(p) { _free(p); }); }
    },
    ensureRoot: function() {
      if (ChatroomDom.root) return ChatroomDom.root;
      var root = document.getElementById('overlay');
      if (!root) {
        root = document.createElement('div');
        root.id = 'overlay';
        (document.getElementById('app') || document.body).appendChild(root);
      }
      ChatroomDom.root = root;
      return root;
    },
    // Content height of a textarea at its current width, for auto-grow.
    measure: function(name) {
      var el = ChatroomDom.els[name];
      if (!el || el.tagName !== 'TEXTAREA') return;
      var prev = el.style.height;
      el.style.height = '0px';
      var h = el.scrollHeight;
      el.style.height = prev;
      ChatroomDom.call(_chatroom_dom_on_height, [name], [h]);
    },
    // The emoji picker and :shortcode: completion (shell/emoji_picker.js and its
    // data) load on first use, keeping them out of the first load.
    withEmoji: function(then) {
      if (window.ChatroomEmoji) { then(window.ChatroomEmoji); return; }
      if (ChatroomDom.emojiWaiting) { ChatroomDom.emojiWaiting.push(then); return; }
      ChatroomDom.emojiWaiting = [then];
      var s = document.createElement('script');
      s.src = 'emoji_picker.js';
      s.onload = function() {
        var w = ChatroomDom.emojiWaiting;
        ChatroomDom.emojiWaiting = null;
        w.forEach(function(f) { f(window.ChatroomEmoji); });
      };
      s.onerror = function() { ChatroomDom.emojiWaiting = null; };
      document.head.appendChild(s);
    },
    emojiInput: function(el) {
      if (window.ChatroomEmoji) { window.ChatroomEmoji.complete(el); return; }
      if (/(^|[\s(]):[A-Za-z0-9_+-]{2,}:?$/.test(el.value.slice(0, el.selectionStart))) {
        ChatroomDom.withEmoji(function(E) { E.complete(el); });
      }
    },
    create: function(name, kind) {
      var el;
      if (kind === 'textarea') {
        el = document.createElement('textarea');
        el.rows = 1;
      } else if (kind === 'button') {
        el = document.createElement('button');
        el.type = 'button';
        el.className = 'proxy';
        el.addEventListener('click', function(e) {
          e.preventDefault();
          ChatroomDom.call(_chatroom_dom_on_activate, [name]);
        });
      } else {
        el = document.createElement('input');
        el.type = kind === 'password' ? 'password' : 'text';
        el.spellcheck = false;
        el.autocapitalize = 'none';
      }
      el.dataset.name = name;
      if (kind !== 'button') {
        el.className = 'field';
        el.addEventListener('input', function() {
          ChatroomDom.call(_chatroom_dom_on_input, [name, el.value]);
          ChatroomDom.measure(name);
          if (kind === 'textarea') ChatroomDom.emojiInput(el);
        });
        el.addEventListener('keydown', function(e) {
          // Keys the open :shortcode: suggestions take (arrows, Enter, Tab, Escape).
          if (window.ChatroomEmoji && window.ChatroomEmoji.key(el, e)) { e.stopPropagation(); return; }
          var spec = ChatroomDom.specs[name] || {};
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229 && spec.enter) {
            e.preventDefault();
            ChatroomDom.call(_chatroom_dom_on_input, [name, el.value]);
            ChatroomDom.call(_chatroom_dom_on_submit, [name]);
          } else if (e.key === 'Escape') {
            el.blur();
          }
          e.stopPropagation();  // the canvas' key handling is for when no field has focus
        });
      }
      el.addEventListener('focus', function() { ChatroomDom.call(_chatroom_dom_on_focus, [name], [1]); });
      el.addEventListener('blur', function() {
        if (window.ChatroomEmoji) window.ChatroomEmoji.close();
        ChatroomDom.call(_chatroom_dom_on_focus, [name], [0]);
      });
      return el;
    },
    apply: function(el, s, old) {
      var st = el.style;
      st.left = s.x + 'px';
      st.top = s.y + 'px';
      st.width = s.w + 'px';
      st.height = s.h + 'px';
      st.visibility = s.hidden ? 'hidden' : 'visible';
      if (s.kind === 'button') {
        if (el.getAttribute('aria-label') !== s.label) el.setAttribute('aria-label', s.label);
        el.disabled = !!s.disabled;
        return;
      }
      st.font = s.font + 'px ' + ChatroomText.stack;  // the canvas text's fonts (js/text.js)
      st.lineHeight = s.line + 'px';
      st.padding = s.py + 'px ' + s.px + 'px';
      st.color = s.color;
      if (el.placeholder !== s.placeholder) el.placeholder = s.placeholder;
      if (el.getAttribute('aria-label') !== s.label) el.setAttribute('aria-label', s.label);
      el.autocomplete = s.autocomplete || 'off';
      el.disabled = !!s.disabled;
      if (s.maxlength > 0) el.maxLength = s.maxlength;
      if (!old || old.w !== s.w || old.font !== s.font) setTimeout(function() { ChatroomDom.measure(s.name); }, 0);
    },
    sync: function(list) {
      var root = ChatroomDom.ensureRoot();
      var seen = {};
      list.forEach(function(s) { seen[s.name] = true; });
      // Elements that left the page go first, so that those staying are already
      // in order and are not moved: an element taken out of the document and put
      // back loses the focus (the composer lost its caret whenever the banner's
      // "Retry now" button came or went while reconnecting).
      Object.keys(ChatroomDom.els).forEach(function(name) {
        if (!seen[name]) {
          var el = ChatroomDom.els[name];
          if (el.value !== undefined) el.value = '';
          el.remove();
          delete ChatroomDom.els[name];
          delete ChatroomDom.specs[name];
        }
      });
      var prev = null;
      list.forEach(function(s) {
        var el = ChatroomDom.els[s.name];
        var created = !el;
        if (created) {
          el = ChatroomDom.create(s.name, s.kind);
          ChatroomDom.els[s.name] = el;
        }
        ChatroomDom.apply(el, s, ChatroomDom.specs[s.name]);
        ChatroomDom.specs[s.name] = s;
        // Document order is the tab order: keep it the order the UI declared.
        // The focused element stays where it is; the ones before it move to the end.
        if (el === document.activeElement && el.parentNode === root) {
          while (el.previousSibling !== prev) root.appendChild(prev ? prev.nextSibling : root.firstChild);
        } else {
          var want = prev ? prev.nextSibling : root.firstChild;
          if (want !== el) root.insertBefore(el, want);
        }
        prev = el;
        // Focus the first field on desktops; on touch screens that would pop the keyboard up unasked.
        if (created && s.autofocus && window.matchMedia && matchMedia('(pointer: fine)').matches) {
          setTimeout(function() { el.focus(); }, 0);
        }
      });
    },
  },

  chatroom_dom_sync__deps: ['$ChatroomDom'],
  chatroom_dom_sync: function(json) {
    ChatroomDom.sync(JSON.parse(UTF8ToString(json)));
  },

  chatroom_dom_set_value__deps: ['$ChatroomDom'],
  chatroom_dom_set_value: function(name, value) {
    var n = UTF8ToString(name);
    var el = ChatroomDom.els[n];
    if (!el) return;
    el.value = UTF8ToString(value);
    ChatroomDom.measure(n);
  },

  chatroom_dom_focus__deps: ['$ChatroomDom'],
  chatroom_dom_focus: function(name) {
    var el = ChatroomDom.els[UTF8ToString(name)];
    if (el) el.focus();
  },

  chatroom_emoji_open__deps: ['$ChatroomDom'],
  chatroom_emoji_open: function(x, y, w, h) {
    var ta = ChatroomDom.els['composer.text'];
    if (ta) ChatroomDom.withEmoji(function(E) { E.toggle({x: x, y: y, w: w, h: h}, ta); });
  },

  chatroom_dom_blur: function() {
    var a = document.activeElement;
    if (a && a !== document.body && a.blur) a.blur();
  },

  // Canvas size in CSS pixels, devicePixelRatio, and the canvas' offset in the
  // viewport (the visual viewport moves when a phone keyboard opens).
  chatroom_viewport: function(out) {
    var app = document.getElementById('app');
    var vv = window.visualViewport;
    if (app && vv) {
      var h = Math.round(vv.height) + 'px', t = Math.round(vv.offsetTop) + 'px';
      if (app.style.height !== h) app.style.height = h;
      if (app.style.top !== t) app.style.top = t;
    }
    var c = Module['canvas'] || document.getElementById('canvas');
    var r = c.getBoundingClientRect();
    HEAPF32[(out >> 2) + 0] = r.width;
    HEAPF32[(out >> 2) + 1] = r.height;
    HEAPF32[(out >> 2) + 2] = window.devicePixelRatio || 1;
    HEAPF32[(out >> 2) + 3] = r.left;
    HEAPF32[(out >> 2) + 4] = r.top;
  },

  chatroom_set_cursor: function(name) {
    var c = Module['canvas'] || document.getElementById('canvas');
    c.style.cursor = UTF8ToString(name);
  },

  // A link from a message, in a new tab that cannot reach back to this one; the
  // scheme is checked again here, whatever the caller checked.
  chatroom_open_link: function(href) {
    var s = UTF8ToString(href);
    if (!/^(https?:\/\/|mailto:)/i.test(s)) return;
    window.open(s, '_blank', 'noopener,noreferrer');
  },

  chatroom_set_title: function(title) {
    document.title = UTF8ToString(title);
  },

  // Clipboard writes need a secure context (https, localhost, 127.0.0.1) for
  // navigator.clipboard; elsewhere the older execCommand path still works.
  chatroom_copy_text: function(text) {
    var s = UTF8ToString(text);
    var fallback = function() {
      var ta = document.createElement('textarea');
      ta.value = s;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.opacity = '0';
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand('copy'); } catch (e) {}
      ta.remove();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(s).catch(fallback);
    } else {
      fallback();
    }
  },

  // Loads a picture, decoded by the browser, cover-cropped to a size x size
  // square: done(user, rgba_ptr, size), ptr 0 on failure.
  chatroom_load_image__deps: ['malloc'],
  chatroom_load_image: function(url, size, user) {
    var fail = function() { _chatroom_on_image(user, 0, 0); };
    fetch(UTF8ToString(url), {credentials: 'same-origin'}).then(function(r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.blob();
    }).then(function(blob) { return createImageBitmap(blob); }).then(function(bmp) {
      var c = document.createElement('canvas');
      c.width = c.height = size;
      var g = c.getContext('2d');
      var s = Math.min(bmp.width, bmp.height);
      g.imageSmoothingQuality = 'high';
      g.drawImage(bmp, (bmp.width - s) / 2, (bmp.height - s) / 2, s, s, 0, 0, size, size);
      var px = g.getImageData(0, 0, size, size).data;
      var p = _malloc(px.length);
      HEAPU8.set(px, p);
      _chatroom_on_image(user, p, size);
    }).catch(fail);
  },

  // localStorage for the client's local_store (platform/browser_storage.cpp), keys
  // prefixed "chatroom.". It throws where storage is disabled or full: then
  // nothing is kept.
  chatroom_storage_get__deps: ['$ChatroomDom'],
  chatroom_storage_get: function(key) {
    var v = null;
    try { v = window.localStorage.getItem('chatroom.' + UTF8ToString(key)); } catch (e) {}
    return v === null ? 0 : ChatroomDom.str(v);
  },
  chatroom_storage_set: function(key, value) {
    try { window.localStorage.setItem('chatroom.' + UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
  },
  chatroom_storage_remove: function(key) {
    try { window.localStorage.removeItem('chatroom.' + UTF8ToString(key)); } catch (e) {}
  },

  chatroom_boot_done: function() {
    var b = document.getElementById('boot');
    if (b) b.remove();
  },
  // The service worker (sw.js) makes the next visit start from the cache. It is
  // registered once the page has settled (web/main.cpp), so its fetches never
  // delay the first chat frame, and asked to look for a new build now
  // (register() alone does not, and Chromium's own check after a navigation
  // comes later).
  chatroom_register_service_worker: function() {
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('sw.js').then(function(r) { return r.update(); }).catch(function() {});
    }
  },

  // Browser events the C++ side listens to, plus the test hook.
  chatroom_install__deps: ['$ChatroomDom'],
  chatroom_install: function() {
    window.addEventListener('online', function() { _chatroom_on_network(1); });
    window.addEventListener('offline', function() { _chatroom_on_network(0); });
    // Typing while nothing has focus goes to the composer.
    window.addEventListener('keydown', function(e) {
      var a = document.activeElement;
      if (a && a !== document.body && a !== Module['canvas']) return;
      if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
      var el = ChatroomDom.els['composer.text'];
      if (el && el.style.visibility !== 'hidden') el.focus();
    }, true);
    // Ctrl+C / Cmd+C outside the text fields copies the selected text or message
    // (ui/message_select.hpp) within this key press; a field's own copy, and text
    // selected in the page itself, keep the browser's.
    window.addEventListener('keydown', function(e) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || (e.key !== 'c' && e.key !== 'C')) return;
      var a = document.activeElement;
      if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.isContentEditable)) return;
      var sel = window.getSelection ? window.getSelection() : null;
      if (sel && !sel.isCollapsed && String(sel) !== '') return;
      if (_chatroom_copy_selection()) e.preventDefault();
    }, true);
    var json = function(fn, arg) {
      var p = arg === undefined ? fn() : (function() {
        var s = ChatroomDom.str(arg);
        try { return fn(s); } finally { _free(s); }
      })();
      var text = UTF8ToString(p);
      return text ? JSON.parse(text) : null;
    };
    window.chatroom = {
      // What is on screen, as JSON (see docs/client.md).
      state: function() { return json(_chatroom_state_json); },
      // The on-screen rectangle {x, y, width, height} (CSS pixels, viewport
      // coordinates) of a named widget, or null when it is not on screen.
      rect: function(name) { return json(_chatroom_rect_json, String(name)); },
      // The names rect() knows this draw.
      rects: function() { return json(_chatroom_rect_json, ''); },
      // Where bytes [begin, end) of message `key`'s text are drawn: [{x, y, width, height}] (viewport CSS px).
      textRects: function(key, begin, end) { return JSON.parse(UTF8ToString(_chatroom_text_rects_json(key, begin, end))); },
      // The durations (ms) of the draws since the last call, and the text cache's size.
      drawTimes: function() { return json(_chatroom_draw_times_json); },
    };
  },
});

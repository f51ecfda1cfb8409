// The screen-reader mirror (linked with --js-library): ui/a11y_mirror.cpp
// describes the page whenever it changes; this keeps an offscreen DOM (visually
// hidden, not display:none, so assistive technology reads it) in step: the
// heading, the connection status, the messages as role="log" and an open
// dialog. Messages are matched by key, so only new ones are added to the log
// and a screen reader announces just those. Each message has its actions as
// real buttons ("Copy text", and "Retry"/"Discard" when not sent), doing what the
// message menu does; they are one Tab stop for the whole log (the newest
// message's, or the one last focused), and Up/Down move between messages.
mergeInto(LibraryManager.library, {
  $ChatroomA11y__deps: ['$ChatroomDom'],
  $ChatroomA11y: {
    root: null, status: null, log: null, dialog: null,
    items: {},  // key -> article
    picked: null,  // key of the message whose actions last had the focus (else the newest's are in the Tab order)
    labels: {copy: 'Copy text', retry: 'Retry', discard: 'Discard'},
    make: function(tag, attrs, text) {
      var el = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function(k) { el.setAttribute(k, attrs[k]); });
      if (text !== undefined) el.textContent = text;
      return el;
    },
    build: function() {
      var A = ChatroomA11y;
      A.root = A.make('div', {id: 'a11y', 'class': 'sr-only'});
      A.root.appendChild(A.make('h1', {}, 'Chat Room'));
      A.status = A.make('p', {role: 'status'});
      A.log = A.make('div', {role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages'});
      A.root.appendChild(A.status);
      A.root.appendChild(A.log);
      var app = document.getElementById('app') || document.body;
      app.insertBefore(A.root, document.getElementById('overlay'));
    },
    // One message: who, when, what, and whether it is still being sent.
    fill: function(el, m) {
      var sig = JSON.stringify(m);
      if (el.dataset.sig === sig) return;
      el.dataset.sig = sig;
      el.textContent = '';
      el.appendChild(ChatroomA11y.make('span', {'class': 'author'}, m.author));
      el.appendChild(document.createTextNode(', '));
      el.appendChild(ChatroomA11y.make('time', {title: m.day}, m.time));
      el.appendChild(ChatroomA11y.text(m));
      if (m.note) el.appendChild(ChatroomA11y.make('p', {}, m.note));
      (m.actions || []).forEach(function(a) { el.appendChild(ChatroomA11y.button(m.key, a)); });
    },
    // A message's action: the app does it (ui/app.cpp, mirror_action) within this click, so the clipboard may be written.
    button: function(key, action) {
      var A = ChatroomA11y, b = A.make('button', {type: 'button', tabindex: '-1', 'data-action': action}, A.labels[action] || action);
      b.addEventListener('click', function(e) {
        e.preventDefault();
        ChatroomDom.call(_chatroom_mirror_action, [key, action]);
      });
      b.addEventListener('focus', function() {
        A.picked = key;
        A.rove(key);
        ChatroomDom.call(_chatroom_mirror_action, [key, 'focus']);
      });
      b.addEventListener('keydown', function(e) {
        if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
        var art = A.items[key], to = art && (e.key === 'ArrowUp' ? art.previousElementSibling : art.nextElementSibling);
        var target = to && (to.querySelector('[data-action="' + action + '"]') || to.querySelector('button'));
        e.preventDefault();
        e.stopPropagation();  // the list's own arrow keys are for when nothing in the page has focus
        if (target) target.focus();
      });
      return b;
    },
    // Puts message `key`'s buttons (or, when it is gone, the newest message's) in the Tab order, and only those.
    rove: function(key) {
      var A = ChatroomA11y;
      if (!A.items[key]) key = A.log.lastElementChild ? A.log.lastElementChild.dataset.key : null;
      Object.keys(A.items).forEach(function(k) {
        A.items[k].querySelectorAll('button').forEach(function(b) {
          var t = k === key ? '0' : '-1';
          if (b.getAttribute('tabindex') !== t) b.setAttribute('tabindex', t);
        });
      });
    },
    // The message text; its links (http, https, mailto: checked again here) as real links to a new tab.
    text: function(m) {
      var A = ChatroomA11y, p = A.make('p', {}, m.parts ? undefined : m.text);
      (m.parts || []).forEach(function(part) {
        if (part[1] && /^(https?:\/\/|mailto:)/i.test(part[1]))
          p.appendChild(A.make('a', {href: part[1], target: '_blank', rel: 'noopener noreferrer'}, part[0]));
        else p.appendChild(document.createTextNode(part[0]));
      });
      return p;
    },
    sync: function(d) {
      var A = ChatroomA11y;
      if (!A.root) A.build();
      if (A.status.textContent !== d.status) A.status.textContent = d.status;
      A.log.hidden = d.page !== 'chat';
      var want = {};
      d.messages.forEach(function(m) { want[m.key] = true; });
      Object.keys(A.items).forEach(function(k) {
        if (!want[k]) { A.items[k].remove(); delete A.items[k]; }
      });
      // Only messages added after the ones already there are news: the first
      // fill and older pages arriving above are added with the region quiet.
      var quiet = A.log.childElementCount === 0, prev = null;
      d.messages.forEach(function(m) {
        var el = A.items[m.key];
        if (!el) {
          el = A.items[m.key] = A.make('article', {'data-key': m.key});
          if (prev === null ? A.log.firstElementChild : prev.nextElementSibling) quiet = true;
        }
        A.fill(el, m);
        var at = prev ? prev.nextElementSibling : A.log.firstElementChild;
        if (at !== el) A.log.insertBefore(el, at);
        prev = el;
      });
      A.rove(A.picked);
      if (quiet && d.messages.length > 0) {
        A.log.setAttribute('aria-live', 'off');
        setTimeout(function() { A.log.setAttribute('aria-live', 'polite'); }, 0);
      }
      // An open dialog: the people online.
      if (A.dialog) { A.dialog.remove(); A.dialog = null; }
      if (d.online) {
        A.dialog = A.make('div', {role: 'dialog', 'aria-label': 'Online now'});
        var ul = A.make('ul');
        d.online.forEach(function(n) { ul.appendChild(A.make('li', {}, n)); });
        A.dialog.appendChild(ul);
        A.root.appendChild(A.dialog);
      }
    },
  },

  chatroom_a11y_sync__deps: ['$ChatroomA11y'],
  chatroom_a11y_sync: function(json) {
    ChatroomA11y.sync(JSON.parse(UTF8ToString(json)));
  },
});

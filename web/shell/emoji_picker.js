// The composer's emoji input, loaded by js/platform.js on first use (so the
// first load stays small): a picker opened from the emoji button (a real DOM
// dialog: buttons, arrow keys, a search field, recent emoji first) and
// :shortcode: completion in the composer (typing ":smi" offers matches; Enter
// or Tab picks, Escape closes; a whole ":smile:" becomes 😄). Names, keywords
// and GitHub's shortcodes come from npm emojibase-data, copied to emoji/ at
// build and fetched on first use. Recent emoji are kept in localStorage.
(() => {
  const RECENT_KEY = 'chatroom.emoji.recent';
  const RECENT_MAX = 24, COLS = 8, RESULTS_MAX = 200, SUGGEST_MAX = 8;
  const GROUPS = ['Smileys & emotion', 'People & body', 'Components', 'Animals & nature', 'Food & drink',
    'Travel & places', 'Activities', 'Objects', 'Symbols', 'Flags'];
  const TRIGGER = /(?:^|[\s(]):([a-z0-9_+-]{2,})$/i;
  const WHOLE = /(?:^|[\s(]):([a-z0-9_+-]+):$/i;

  let all = null, byChar = null, byCode = null, loading = null;

  function load() {
    if (!loading) {
      const json = (url) => fetch(url).then((r) => { if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`); return r.json(); });
      loading = Promise.all([json('emoji/compact.json'), json('emoji/shortcodes.json')]).then(([list, codes]) => {
        all = list.filter((e) => e.group !== undefined && e.group !== 2).sort((a, b) => a.order - b.order).map((e) => {
          const shortcodes = codes[e.hexcode] === undefined ? [] : [].concat(codes[e.hexcode]);
          return { emoji: e.unicode, name: e.label, group: e.group, shortcodes,
            words: `${e.label} ${(e.tags || []).join(' ')} ${shortcodes.join(' ')}`.toLowerCase() };
        });
        byChar = new Map(all.map((e) => [e.emoji, e]));
        byCode = new Map();
        for (const e of all) for (const c of e.shortcodes) byCode.set(c, e);
      }).catch((err) => { loading = null; throw err; });
    }
    return loading;
  }

  function recent() {
    try {
      const r = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
      return Array.isArray(r) ? r.filter((c) => byChar.has(c)) : [];
    } catch (e) { return []; }
  }
  function remember(ch) {
    const r = [ch, ...recent().filter((c) => c !== ch)].slice(0, RECENT_MAX);
    try { localStorage.setItem(RECENT_KEY, JSON.stringify(r)); } catch (e) { /* storage off or full: not kept */ }
  }

  /** Replaces [from, to) of the textarea with `text`, caret after it, and tells the app (an input event). */
  function insert(ta, text, from, to) {
    ta.focus();
    ta.setRangeText(text, from, to, 'end');
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  const el = (tag, attrs = {}, text) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };

  // ------------------------------------------------------------------ the picker

  const picker = { root: null, search: null, grid: null, ta: null, caret: [0, 0], anchor: null, skipOpen: false };

  function build() {
    const root = el('div', { id: 'emoji-picker', role: 'dialog', 'aria-label': 'Emoji' });
    const search = el('input', { type: 'search', 'aria-label': 'Search emoji', placeholder: 'Search emoji', autocomplete: 'off' });
    const grid = el('div', { class: 'grid' });
    root.append(search, grid);
    document.body.appendChild(root);
    search.addEventListener('input', () => fill());
    search.addEventListener('keydown', (e) => {
      const first = grid.querySelector('button');
      if (e.key === 'Enter' && first) { e.preventDefault(); first.click(); }
      else if (e.key === 'ArrowDown' && first) { e.preventDefault(); focusButton(first); }
      else if (e.key === 'Escape') { e.preventDefault(); close(true); }
      e.stopPropagation();
    });
    grid.addEventListener('keydown', (e) => {
      const buttons = [...grid.querySelectorAll('button')];
      const i = buttons.indexOf(document.activeElement);
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLS, ArrowUp: -COLS, Home: -i, End: buttons.length - 1 - i }[e.key];
      if (e.key === 'Escape') { e.preventDefault(); close(true); }
      else if (step !== undefined && i >= 0) {
        e.preventDefault();
        const j = i + step;
        if (j < 0) search.focus();
        else focusButton(buttons[Math.min(j, buttons.length - 1)]);
      }
      e.stopPropagation();
    });
    grid.addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      remember(b.textContent);
      const [from, to] = picker.caret;
      close(false);
      insert(picker.ta, b.textContent, from, to);
    });
    // A press outside closes it; one on the emoji button closes it for good (no reopening on its click).
    document.addEventListener('pointerdown', (e) => {
      if (!picker.root || picker.root.hidden || picker.root.contains(e.target)) return;
      const a = picker.anchor;
      picker.skipOpen = !!a && e.clientX >= a.x && e.clientX < a.x + a.w && e.clientY >= a.y && e.clientY < a.y + a.h;
      close(false);
    }, true);
    Object.assign(picker, { root, search, grid });
  }

  /** Roving focus: one button of the grid is in the Tab order, the arrows move it. */
  function focusButton(b) {
    for (const o of picker.grid.querySelectorAll('button[tabindex="0"]')) o.tabIndex = -1;
    b.tabIndex = 0;
    b.focus();
  }

  function section(title, entries) {
    const g = el('div', { role: 'group', 'aria-label': title });
    g.appendChild(el('h3', {}, title));
    for (const e of entries) g.appendChild(el('button', { type: 'button', 'aria-label': e.name, title: e.name, tabindex: '-1' }, e.emoji));
    return g;
  }

  function fill() {
    const q = picker.search.value.trim().toLowerCase();
    const grid = picker.grid;
    grid.textContent = '';
    if (q) {
      const words = q.split(/\s+/);
      const hits = all.filter((e) => words.every((w) => e.words.includes(w))).slice(0, RESULTS_MAX);
      grid.appendChild(hits.length ? section('Search results', hits) : el('p', { role: 'status' }, 'No emoji found'));
    } else {
      const r = recent().map((c) => byChar.get(c));
      if (r.length) grid.appendChild(section('Recent', r));
      GROUPS.forEach((title, g) => {
        const entries = all.filter((e) => e.group === g);
        if (entries.length) grid.appendChild(section(title, entries));
      });
    }
    const first = grid.querySelector('button');
    if (first) first.tabIndex = 0;
  }

  function close(refocus) {
    if (!picker.root || picker.root.hidden) return;
    picker.root.hidden = true;
    if (refocus && picker.ta) picker.ta.focus();
  }

  /** Opens the picker above `anchor` ({x, y, w, h}, CSS pixels), inserting into `ta`; closes it if open. */
  async function toggle(anchor, ta) {
    if (picker.skipOpen) { picker.skipOpen = false; return; }
    if (picker.root && !picker.root.hidden) { close(true); return; }
    await load();
    if (!picker.root) build();
    Object.assign(picker, { ta, anchor, caret: [ta.selectionStart, ta.selectionEnd] });
    const s = picker.root.style;
    const w = Math.min(340, window.innerWidth - 16);
    s.width = `${w}px`;
    s.left = `${Math.max(8, Math.min(anchor.x + anchor.w - w, window.innerWidth - w - 8))}px`;
    s.bottom = `${Math.max(8, window.innerHeight - anchor.y + 6)}px`;
    s.maxHeight = `${Math.max(160, Math.min(360, anchor.y - 16))}px`;
    picker.search.value = '';
    fill();
    picker.root.hidden = false;
    picker.search.focus();
  }

  // ------------------------------------------------------------------ :shortcode: completion

  const suggest = { box: null, ta: null, items: [], index: 0, from: 0 };

  function suggestions(q) {
    const scored = [];
    const r = recent();
    for (const e of all) {
      let best = null;
      for (const c of e.shortcodes) {
        const rank = c === q ? 0 : c.startsWith(q) ? 1 : c.includes(q) ? 2 : -1;
        if (rank >= 0 && (best === null || rank < best.rank)) best = { rank, code: c };
      }
      if (best) scored.push({ e, code: best.code, rank: best.rank, recent: r.indexOf(e.emoji) });
    }
    const recency = (x) => (x.recent < 0 ? RECENT_MAX : x.recent);
    scored.sort((a, b) => a.rank - b.rank || recency(a) - recency(b) || a.code.length - b.code.length);
    return scored.slice(0, SUGGEST_MAX);
  }

  function closeSuggest() {
    if (!suggest.box || suggest.box.hidden) return;
    suggest.box.hidden = true;
    const ta = suggest.ta;
    ta.setAttribute('aria-expanded', 'false');
    ta.removeAttribute('aria-activedescendant');
  }

  function showSuggest(ta) {
    if (!suggest.box) {
      suggest.box = el('div', { id: 'emoji-complete', role: 'listbox', 'aria-label': 'Emoji suggestions' });
      suggest.box.addEventListener('mousedown', (e) => {
        e.preventDefault();  // keep the caret in the composer
        const o = e.target.closest('[role=option]');
        if (o) pickSuggestion(Number(o.dataset.index));
      });
      document.body.appendChild(suggest.box);
    }
    const box = suggest.box;
    box.textContent = '';
    suggest.items.forEach((s, i) => {
      const o = el('div', { role: 'option', id: `emoji-option-${i}`, 'aria-selected': String(i === suggest.index) }, `${s.e.emoji}  :${s.code}:`);
      o.dataset.index = String(i);
      box.appendChild(o);
    });
    const r = ta.getBoundingClientRect();
    box.style.left = `${r.left}px`;
    box.style.bottom = `${window.innerHeight - r.top + 4}px`;
    box.hidden = false;
    ta.setAttribute('aria-autocomplete', 'list');
    ta.setAttribute('aria-controls', 'emoji-complete');
    ta.setAttribute('aria-expanded', 'true');
    ta.setAttribute('aria-activedescendant', `emoji-option-${suggest.index}`);
  }

  function pickSuggestion(i) {
    const s = suggest.items[i];
    if (!s) return;
    closeSuggest();
    remember(s.e.emoji);
    insert(suggest.ta, s.e.emoji, suggest.from, suggest.ta.selectionStart);
  }

  /** The composer's text or caret changed: offer, update or close the suggestions. */
  async function complete(ta) {
    const before = () => ta.value.slice(0, ta.selectionStart);
    if (!TRIGGER.test(before()) && !WHOLE.test(before())) { closeSuggest(); return; }
    await load();
    const text = before();
    const whole = WHOLE.exec(text);
    if (whole && byCode.has(whole[1].toLowerCase())) {
      const e = byCode.get(whole[1].toLowerCase());
      closeSuggest();
      remember(e.emoji);
      insert(ta, e.emoji, text.length - whole[1].length - 2, ta.selectionStart);
      return;
    }
    const m = TRIGGER.exec(text);
    const items = m ? suggestions(m[1].toLowerCase()) : [];
    if (!items.length) { closeSuggest(); return; }
    Object.assign(suggest, { ta, items, index: 0, from: text.length - m[1].length - 1 });
    showSuggest(ta);
  }

  /** Keys in the composer while suggestions are open; true when taken. */
  function key(ta, e) {
    if (!suggest.box || suggest.box.hidden || suggest.ta !== ta) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const n = suggest.items.length;
      suggest.index = (suggest.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      showSuggest(ta);
    } else if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
      pickSuggestion(suggest.index);
    } else if (e.key === 'Escape') {
      closeSuggest();
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  }

  window.ChatroomEmoji = { toggle, complete, key, close: closeSuggest };
})();

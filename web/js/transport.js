// Browser side of the transport (linked with --js-library): same-origin HTTP
// through fetch(), WebSocket URLs, and the local time zone. Works in a page
// and in Node (set Module.chatroomBaseUrl, and Module.chatroomFetch to add
// credentials there); the WebSocket itself is Emscripten's websocket.h.
mergeInto(LibraryManager.library, {
  $ChatroomNet: {
    // The origin the app was served from, or the one a Node harness chose.
    base: function() {
      if (Module['chatroomBaseUrl']) return Module['chatroomBaseUrl'];
      if (typeof location !== 'undefined') return location.href;
      return 'http://127.0.0.1/';
    },
    // Hands a JS string to C++ in a malloc'ed buffer (C++ frees it).
    dup: function(s) {
      var n = lengthBytesUTF8(s) + 1;
      var p = _malloc(n);
      stringToUTF8(s, p, n);
      return p;
    },
  },

  chatroom_ws_url__deps: ['$ChatroomNet', 'malloc'],
  chatroom_ws_url: function(path) {
    var url = new URL(UTF8ToString(path), ChatroomNet.base());
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return ChatroomNet.dup(url.href);
  },

  chatroom_http__deps: ['$ChatroomNet', 'malloc', 'free'],
  chatroom_http: function(self, id, method, path, body, keepalive) {
    var url = new URL(UTF8ToString(path), ChatroomNet.base()).href;
    var init = {method: UTF8ToString(method), credentials: 'same-origin', cache: 'no-store', headers: {}};
    // A keepalive request (the logout) is finished by the browser even if the page reloads or closes.
    if (keepalive) init.keepalive = true;
    var text = UTF8ToString(body);
    if (text.length > 0) {
      init.body = text;
      init.headers['Content-Type'] = 'application/json';
    }
    var done = function(status, reply, retryAfter) {
      var p = ChatroomNet.dup(reply);
      _chatroom_transport_http_done(self, id, status, p, retryAfter);
      _free(p);
    };
    // The page's first request, if index.html already made it (GET /api/me), is answered from
    // there. Only the first: after another request (a logout left over from the last visit)
    // that early answer may be stale.
    var early = Module['chatroomEarly'];
    Module['chatroomEarly'] = null;
    var answered = early && init.method === 'GET' && early[new URL(url).pathname];
    if (answered) {
      answered.then(function(a) { done(a.status, a.text, -1); }, function() { done(0, '', -1); });
      return;
    }
    var doFetch = Module['chatroomFetch'] || fetch;
    doFetch(url, init).then(function(r) {
      var ra = parseInt(r.headers.get('Retry-After') || '', 10);
      return r.text().then(function(t) { done(r.status, t, isNaN(ra) ? -1 : ra); });
    }).catch(function() { done(0, '', -1); });
  },

  chatroom_utc_offset_minutes: function(ms) {
    return -new Date(ms).getTimezoneOffset();
  },
});

// Runs inside the module's factory: the WebSocket class emscripten/websocket.h
// constructs is this instance's (Module.WebSocket: npm `ws` with this client's
// session cookie), so several clients with their own sessions share one Node process.
var WebSocket = Module['WebSocket'] || globalThis.WebSocket;

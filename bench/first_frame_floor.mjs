// The floor under W5's first chat frame on this machine: the same measurement
// (navigation → the first animation frame after the page has a live WebSocket
// with its first frame from the server) for a page that does only what any
// WebGL2 chat page must: load one small script, create a WebGL2 context,
// compile ImGui's shader pair, draw one textured triangle each frame and open
// the chat's WebSocket (v=1, so the server's welcome arrives). No wasm, no
// text, no UI. Served by our server from a temporary web root; the browser is
// launched as bench/browser.mjs launches it.
//   node bench/first_frame_floor.mjs [--server build/native/server/chatroom-server] [--runs 5]
// Prints one JSON line: {"floor_first_frame_ms": median, "floor_runs_ms": [...]}.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg } from '../tests/support/checks.mjs';
import { ChatServer } from '../tests/support/server.mjs';

const runs = Math.max(1, Number(arg('--runs', '5')));
const root = mkdtempSync(join(tmpdir(), 'chatroom-floor-'));
writeFileSync(join(root, 'index.html'),
  '<!doctype html><html><body style="margin:0"><canvas id="c" width="1000" height="700"></canvas><script src="floor.js"></script></body></html>\n');
writeFileSync(join(root, 'floor.js'), `
const gl = document.getElementById('c').getContext('webgl2');
const vs = '#version 300 es\\nprecision highp float; layout (location = 0) in vec2 Position; layout (location = 1) in vec2 UV; layout (location = 2) in vec4 Color; uniform mat4 ProjMtx; out vec2 Frag_UV; out vec4 Frag_Color; void main() { Frag_UV = UV; Frag_Color = Color; gl_Position = ProjMtx * vec4(Position.xy, 0, 1); }';
const fs = '#version 300 es\\nprecision mediump float; uniform sampler2D Texture; in vec2 Frag_UV; in vec4 Frag_Color; layout (location = 0) out vec4 Out_Color; void main() { Out_Color = Frag_Color * texture(Texture, Frag_UV.st); }';
function shader(type, src) { const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s); return s; }
const p = gl.createProgram();
gl.attachShader(p, shader(gl.VERTEX_SHADER, vs)); gl.attachShader(p, shader(gl.FRAGMENT_SHADER, fs)); gl.linkProgram(p);
gl.getProgramParameter(p, gl.LINK_STATUS);
gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 255, 255, 255]));
gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1]), gl.STATIC_DRAW);
gl.useProgram(p);
gl.uniformMatrix4fv(gl.getUniformLocation(p, 'ProjMtx'), false, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
[[0, 2, 0], [1, 2, 8], [2, 4, 16]].forEach(([i, n, o]) => { gl.enableVertexAttribArray(i); gl.vertexAttribPointer(i, n, gl.FLOAT, false, 32, o); });
gl.enable(gl.BLEND); gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
function frame() { gl.clearColor(0.965, 0.965, 0.969, 1); gl.clear(gl.COLOR_BUFFER_BIT); gl.drawArrays(gl.TRIANGLES, 0, 3); requestAnimationFrame(frame); }
requestAnimationFrame(frame);
const ws = new WebSocket(location.origin.replace('http', 'ws') + '/websocket/chatroom?v=1');
ws.onmessage = () => { window.floorLive = true; };
`);

const bin = arg('--server', '');
const server = new ChatServer(bin ? { bin, dist: root } : { dist: root });
const { chromium } = await import('playwright-core');
let out;
try {
  await server.start();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const login = await context.request.post(new URL('api/login', server.url).href, { data: { username: 'user1', password: 'user1' } });
    if (!login.ok()) throw new Error(`login: HTTP ${login.status()}`);
    const page = await context.newPage();
    await page.goto(server.url, { waitUntil: 'commit' });
    // As in W5: the frame after the one in which the page first has its live socket.
    const h = await page.waitForFunction(() => {
      if (window.floorSeen) return performance.now();
      if (window.floorLive) window.floorSeen = true;
      return false;
    }, null, { polling: 'raf', timeout: 20000 });
    times.push(Math.round((await h.jsonValue()) * 10) / 10);
    await context.close();
  }
  await browser.close();
  const sorted = [...times].sort((a, b) => a - b);
  out = { floor_first_frame_ms: sorted[Math.floor((sorted.length - 1) / 2)], floor_runs_ms: times };
} catch (e) {
  out = { error: String(e.message ?? e).split('\n')[0] };
} finally {
  await server.dispose();
  rmSync(root, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
process.exit(out.error ? 1 : 0);

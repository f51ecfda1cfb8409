// Retakes docs/images/chatroom.png, the README's screenshot: a fresh server
// (temporary database), a conversation in several scripts with emoji posted
// over the WebSocket by the sample users, and Eric Lin's view of it in
// headless Chromium at 960×780.
//   node docs/images/make_chatroom_png.mjs [--server build/native/server/chatroom-server]
//        [--dist build/wasm/web/dist] [--out docs/images/chatroom.png]
import WebSocket from 'ws';
import { ChatServer, defaultDist, defaultServerBin, loginOverHttp } from '../../tests/support/server.mjs';
import { launchChromium, login, newPage, waitFor } from '../../tests/support/browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const out = arg('--out', new URL('./chatroom.png', import.meta.url).pathname);
const server = new ChatServer({ bin: arg('--server', defaultServerBin()), dist: arg('--dist', defaultDist()), args: ['--rate-limit', '0'] });

const conversation = [
  ['user1', 'Good morning, everyone! The new chat room is live 🎉'],
  ['user2', 'Looks great, Eric! 👍🏽'],
  ['kenji', 'おはようございます！日本語もちゃんと読めます 🇯🇵'],
  ['omar', 'صباح الخير! العربية تعمل أيضاً'],
  ['lena', 'Доброе утро! Καλημέρα! 👩‍💻'],
  ['priya', 'नमस्ते सबको 🙏'],
  ['user1', 'Can we move the stand-up to 10:30? ⏰'],
  ['sofia', '¡Claro que sí! 😄'],
];

/** Posts one message as `user` and resolves once the server has stored it. */
async function post(user, text, n) {
  const { token } = await loginOverHttp(server, user);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/websocket/chatroom?v=1`, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'send', message: text, client_id: `shot-${n}` })));
    ws.on('message', (d) => {
      const f = JSON.parse(d);
      if (f.type === 'message' && f.client_id === `shot-${n}`) ws.close();
    });
    ws.on('close', resolve);
  });
}

await server.start();
const browser = await launchChromium();
try {
  for (const [i, [user, text]] of conversation.entries()) await post(user, text, i);
  const p = await newPage(browser, { viewport: { width: 960, height: 780 } });
  await login(p, server.url, 'user1');
  await waitFor(p, (s) => s.messages.length === conversation.length && s.at_bottom && !s.text_pending && !s.scroll.moving,
    'the whole conversation drawn');
  await p.mouse.move(0, 779);  // no hover highlight on a card
  await waitFor(p, (s) => s.input_done >= s.input_seq && !s.text_pending, 'the last input drawn');
  await p.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.dispose();
}

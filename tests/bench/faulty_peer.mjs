// A broadcast peer that misbehaves on purpose, to prove the generator notices:
// --fault drop (every 7th frame is not sent), dup (every 7th frame is sent twice),
// reorder (every 7th frame is held back and sent after the next one).
// Usage: node faulty_peer.mjs --fault drop|dup|reorder
import { WebSocketServer } from 'ws';

const i = process.argv.indexOf('--fault');
const fault = i > 0 ? process.argv[i + 1] : 'drop';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
let n = 0;
let held = null;
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const frames = [];
    n += 1;
    if (n % 7 === 0 && fault === 'drop') return;
    if (n % 7 === 0 && fault === 'reorder') { held = data; return; }
    frames.push(data);
    if (held && fault === 'reorder') { frames.push(held); held = null; }
    if (n % 7 === 0 && fault === 'dup') frames.push(data);
    for (const client of wss.clients) for (const f of frames) client.send(f, { binary: false });
  });
});
wss.on('listening', () => console.log(`listening on http://127.0.0.1:${wss.address().port}`));

// Reference broadcast peer on npm `ws`: every text frame a client sends goes
// verbatim to every connected client. Usage: node ws_server.mjs --port 0
import { WebSocketServer } from 'ws';

const i = process.argv.indexOf('--port');
const port = i > 0 ? Number(process.argv[i + 1]) : 0;

const wss = new WebSocketServer({ host: '127.0.0.1', port, backlog: 4096, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    for (const client of wss.clients) {
      if (client.readyState === 1) client.send(data, { binary: false });
    }
  });
});
wss.on('listening', () => {
  console.log(`listening on http://127.0.0.1:${wss.address().port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));

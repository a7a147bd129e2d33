// The reference for the mock's speed: the least a node:http server of the endpoint must do
// (parse JSON, check auth, answer 200). Runs in its own process; prints its port on IPC.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const TOKEN = 'Bearer mock-token';
let nextId = 1;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { message_body: string; message_type: number };
    if (req.headers.authorization !== TOKEN) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end('{"error_message":"invalid authorization details"}');
    }
    const payload = JSON.stringify({
      message_id: nextId++,
      message_body: body.message_body,
      created_at: new Date().toISOString(),
      message_type: body.message_type,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));

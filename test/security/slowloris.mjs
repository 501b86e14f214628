// The attacker of slow-connections.e2e.test.ts, in a process of its own (as on another host):
// keeps COUNT slow connections open to PORT from 127.0.0.2 … 127.0.0.(1+ADDRESSES). Even ones
// send request headers a byte a second and never finish them; odd ones send a complete ingest
// header with a valid TOKEN and a 1 MiB body a byte a second. Each second, every closed one
// is opened again. Prints "round N" after each second's round; stops after ROUNDS rounds or
// when its stdin closes (the test ended).
import net from 'node:net';

const [port, count, addresses, token, rounds] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5], Number(process.argv[6])];
const sockets = new Array(count);
let stop = false;
process.stdin.on('end', () => (stop = true));
process.stdin.resume();

function open(i) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % addresses)}` });
    sockets[i] = s;
    s.on('error', () => {});
    s.once('connect', () => {
      if (i % 2 === 0) s.write('POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      else s.write(`POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1048576\r\n\r\n{`);
      resolve();
    });
    s.once('close', resolve);
  });
}

for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => open(i + k)));
process.stdout.write('round 0\n');
for (let r = 1; r <= rounds && !stop; r++) {
  await new Promise((res) => setTimeout(res, 1000));
  const again = [];
  for (let i = 0; i < count; i++) {
    if (sockets[i].destroyed) again.push(open(i));
    else sockets[i].write(sockets[i].bytesWritten % 2 ? 'X' : ' ');
  }
  await Promise.all(again);
  process.stdout.write(`round ${r} reopened ${again.length}\n`);
}
for (const s of sockets) s.destroy();
process.exit(0);

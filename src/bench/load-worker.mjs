// The bench's load generator: a minimal HTTP/1.1 keep-alive client over raw sockets, run in a worker thread so it
// uses the second core instead of competing with the server for the main thread's event loop. Plain JavaScript so the
// worker starts without the TypeScript loader. One request in flight per connection (no pipelining).
//
// workerData: {
//   port, requests: string[] (complete raw requests), mode: 'list' | 'repeat', concurrency, durationMs, maxCount,
//   recordLatency: boolean
// }
// 'list' sends each request once, in order, across the connections; 'repeat' sends requests[i % n] until the time
// or the count runs out. Posts { type: 'progress', completed } now and then and finally { type: 'done', result }.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

function runLoad(opts) {
  const { port, mode, concurrency, durationMs, maxCount, recordLatency } = opts;
  const requests = opts.requests.map((r) => Buffer.from(r, 'utf8'));
  const total = mode === 'list' ? Math.min(requests.length, maxCount ?? Infinity) : (maxCount ?? Infinity);
  const latencies = recordLatency ? [] : undefined;
  const statusCounts = {};
  let next = 0;
  let completed = 0;
  let socketErrors = 0;
  let sampleError;
  let lastProgress = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  let end = start;

  return new Promise((resolve) => {
    let open = 0;
    const finishOne = () => {
      open -= 1;
      if (open === 0) {
        resolve({ sent: next, completed, statusCounts, socketErrors, sampleError, elapsedMs: end - start, latenciesMs: latencies });
      }
    };
    const more = () => next < total && performance.now() < deadline;

    const connection = () => {
      open += 1;
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      let buf = Buffer.alloc(0);
      let sentAt = 0;
      let inFlight = false;
      let done = false;
      const close = () => {
        if (done) return;
        done = true;
        socket.destroy();
        finishOne();
      };
      const send = () => {
        if (!more()) return close();
        const req = requests[mode === 'list' ? next : next % requests.length];
        next += 1;
        inFlight = true;
        sentAt = performance.now();
        socket.write(req);
      };
      socket.on('connect', send);
      socket.on('error', () => {
        socketErrors += 1;
        close();
      });
      socket.on('close', () => {
        if (inFlight) socketErrors += 1;
        close();
      });
      socket.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const h = buf.indexOf(HEADER_END);
          if (h < 0) return;
          const head = buf.subarray(0, h).toString('latin1');
          const status = Number(head.slice(9, 12));
          const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          let bodyEnd;
          if (cl) {
            bodyEnd = h + 4 + Number(cl[1]);
            if (buf.length < bodyEnd) return;
          } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
            const e = buf.indexOf(CHUNKED_END, h + 4 - 2);
            if (e < 0) return;
            bodyEnd = e + CHUNKED_END.length;
          } else {
            bodyEnd = h + 4;
          }
          const now = performance.now();
          end = now;
          inFlight = false;
          completed += 1;
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          if (latencies) latencies.push(now - sentAt);
          if ((status < 200 || status >= 300) && sampleError === undefined) sampleError = `${status} ${buf.subarray(h + 4, bodyEnd).toString('utf8').slice(0, 500)}`;
          buf = buf.subarray(bodyEnd);
          if (now - lastProgress > 500) {
            lastProgress = now;
            parentPort?.postMessage({ type: 'progress', completed });
          }
          send();
        }
      });
    };
    const n = Math.max(1, Math.min(concurrency, total === Infinity ? concurrency : total));
    for (let i = 0; i < n; i++) connection();
  });
}

if (parentPort && workerData?.plenumLoad) {
  runLoad(workerData).then((result) => parentPort.postMessage({ type: 'done', result }));
}

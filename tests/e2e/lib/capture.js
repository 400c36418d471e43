// In-process logging reverse proxy (loopback only), put between the bot and a Playground's connector
// (--service-url) so scenarios can assert which Connector calls the bot made (POST replies, PUT updates …).
const http = require('http');
const fs = require('fs');

const parse = (buf) => { const t = buf.toString('utf8'); try { return JSON.parse(t); } catch { return t; } };

/** Starts a proxy on 127.0.0.1:listenPort forwarding to targetBase; every exchange goes to .calls and logFile. */
function startCaptureProxy(listenPort, targetBase, logFile) {
  const target = new URL(targetBase);
  const calls = [];
  const listeners = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reqBody = Buffer.concat(chunks);
      const started = Date.now();
      const up = http.request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method,
        headers: { ...req.headers, host: target.host } }, (upRes) => {
        const rchunks = [];
        upRes.on('data', (c) => rchunks.push(c));
        upRes.on('end', () => {
          const resBody = Buffer.concat(rchunks);
          res.writeHead(upRes.statusCode, upRes.headers); res.end(resBody);
          record({ time: started, ms: Date.now() - started, method: req.method, url: req.url,
            reqBody: reqBody.length ? parse(reqBody) : null, status: upRes.statusCode, resBody: resBody.length ? parse(resBody) : null });
        });
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); record({ time: started, method: req.method, url: req.url, reqBody: parse(reqBody), status: 502, error: String(e) }); });
      up.end(reqBody);
    });
  });
  function record(call) {
    calls.push(call);
    if (logFile) fs.appendFileSync(logFile, JSON.stringify(call) + '\n');
    for (const l of [...listeners]) l(call);
  }
  /** Waits for a call matching pred (already recorded calls count when they are at index >= from). */
  function waitFor(pred, what, timeoutMs = 15000, from = 0) {
    return new Promise((resolve, reject) => {
      const hit = calls.slice(from).find(pred);
      if (hit) return resolve(hit);
      const l = (c) => { if (pred(c)) { listeners.delete(l); clearTimeout(t); resolve(c); } };
      const t = setTimeout(() => { listeners.delete(l); reject(new Error(`timeout after ${timeoutMs} ms waiting for connector call: ${what}`)); }, timeoutMs);
      listeners.add(l);
    });
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${listenPort}`, calls, waitFor,
      close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
    }));
  });
}

module.exports = { startCaptureProxy };

#!/usr/bin/env node
// Bot Framework Web Chat + an offline Direct Line 3.0 emulator, no Azure (adapted from
// shared/tools/real-clients/webchat/server.js beside the repository). One express app on 127.0.0.1 only:
//   GET  /                     the page with Web Chat (UMD bundle of npm botframework-webchat)
//   /directline/…              offline-directline's Direct Line 3.0 subset (polling only) for Web Chat
//   /v3/conversations/…        the connector side the bot replies to (serviceUrl = this server)
// Every bot → connector call is recorded in `calls` ({ method, url, body }) so checks can look at what the bot sent.
// usage: node webchat/server.js   (PORT=0 picks a free port; BOT_ENDPOINT defaults to http://127.0.0.1:3978/api/messages)
const http = require('http');
const path = require('path');
const directline = require('offline-directline');
// express is offline-directline's own dependency (it builds its router with it); use exactly that copy.
const express = require(require.resolve('express', { paths: [path.dirname(require.resolve('offline-directline'))] }));

// Not reachable through require.resolve (the package's exports omit dist/webchat.js and package.json): by path.
const WEBCHAT_JS = path.join(__dirname, '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js');

/** Starts the server; resolves to { url, port, calls, close() }. */
function startWebChatServer({ port = 0, botEndpoint = 'http://127.0.0.1:3978/api/messages' } = {}) {
  const app = express();
  const calls = [];
  app.get('/', (req, res) => res.sendFile(path.join(__dirname, 'index.html')));
  app.get('/webchat.js', (req, res) => res.sendFile(WEBCHAT_JS));
  app.use('/v3/conversations', express.json({ limit: '1mb' }), (req, res, next) => {
    calls.push({ method: req.method, url: req.originalUrl, body: req.body });
    next();
  });
  const server = http.createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      const url = `http://127.0.0.1:${actual}`;
      // The serviceUrl handed to the bot must name the real port, so the router is mounted once it is known.
      app.use(directline.getRouter(url, botEndpoint));
      resolve({ url, port: actual, calls, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}

module.exports = { startWebChatServer };

if (require.main === module) {
  const botEndpoint = process.env.BOT_ENDPOINT || 'http://127.0.0.1:3978/api/messages';
  startWebChatServer({ port: Number(process.env.PORT || 3000), botEndpoint })
    .then((s) => console.log(`Web Chat + offline Direct Line on ${s.url}/ -> bot ${botEndpoint}`))
    .catch((e) => { console.error(e.message); process.exit(1); });
}

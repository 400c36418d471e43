#!/usr/bin/env node
// Starts the Agents Playground in the foreground as one demo user, against a bot you started yourself
// (README: dotnet run --project src/Bot.App). usage: node start-playground.js [admin|leader1|leader2|member] [--port N] [--config-only]
// Ctrl+C stops it. Binds 127.0.0.1 only; open the printed URL in a browser.
const { spawn } = require('child_process');
const path = require('path');
const { writeConfig } = require('./lib/playground');
const { USERS, USER_KEYS } = require('./lib/users');

const args = process.argv.slice(2);
const key = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) || 'admin';
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 56150 + USER_KEYS.indexOf(key);
const bot = process.env.BOT_ENDPOINT || 'http://127.0.0.1:3978/api/messages';
if (!USERS[key]) { console.error(`unknown user "${key}"; one of: ${USER_KEYS.join(', ')}`); process.exit(2); }

const config = writeConfig(USERS[key]);
if (args.includes('--config-only')) { console.log(config); process.exit(0); }
console.log(`Playground as ${USERS[key].name} (${USERS[key].id}) → ${bot}\nconfig: ${config}\nopen:   http://127.0.0.1:${port}  (check the "Listening on" line: it moves to a random port when ${port} is busy)`);
const child = spawn(process.execPath, [path.join(__dirname, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
  '-e', bot, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
  stdio: 'inherit',
  env: { ...process.env, M365_AGENTS_PLAYGROUND_CONFIG_PATH: config,
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(path.dirname(config), `playground-${USERS[key].id}-internal.log`),
    TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER || 'none',
    NODE_OPTIONS: `--require ${path.join(__dirname, 'lib', 'loopback-only.js')}` },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));

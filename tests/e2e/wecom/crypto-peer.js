// Independent WeCom peer for the .NET tests: the official @wecom/crypto library plays WeCom's side.
// stdin: JSON array of operations; stdout: JSON array of results, in order.
//   {op:"encrypt", key, message, id, random?}      -> {encrypt}
//   {op:"sign", token, timestamp, nonce, encrypt}   -> {signature}
//   {op:"decrypt", key, encrypt}                    -> {message, id}
'use strict';
const { encrypt, decrypt, getSignature } = require('@wecom/crypto');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((op) => {
    try {
      switch (op.op) {
        case 'encrypt':
          return { encrypt: encrypt(op.key, op.message, op.id, op.random ? Buffer.from(op.random, 'utf8') : undefined) };
        case 'sign':
          return { signature: getSignature(op.token, op.timestamp, op.nonce, op.encrypt) };
        case 'decrypt': {
          const { message, id } = decrypt(op.key, op.encrypt);
          return { message, id };
        }
        default:
          return { error: 'unknown op ' + op.op };
      }
    } catch (e) {
      return { error: String(e && e.message || e) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});

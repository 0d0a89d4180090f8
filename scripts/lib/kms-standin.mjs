// A loopback stand-in for the two Cloud KMS calls an attestor makes, for the local demo only, with a real P-256 key:
//   GET  /v1/KEY_VERSION/publicKey        -> PublicKey {pem, algorithm: EC_SIGN_P256_SHA256, pemCrc32c, name}
//   POST /v1/KEY_VERSION:asymmetricSign   -> AsymmetricSignResponse {signature, signatureCrc32c, verifiedDigestCrc32c, name}
// The request's digestCrc32c is checked as Cloud KMS checks it (INVALID_ARGUMENT on a mismatch); the digest is signed as is
// (openssl pkeyutl signs a prehashed digest, DER-encoded like KMS). Shapes follow cloudkms.v1.json.
// Usage: node kms-standin.mjs PORT KEY_VERSION PRIVATE_KEY_PEM_FILE
import { createServer } from 'node:http';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [port, keyVersion, keyFile] = process.argv.slice(2);
if (!port || !keyVersion || !keyFile) {
  console.error('usage: kms-standin.mjs PORT KEY_VERSION PRIVATE_KEY_PEM_FILE');
  process.exit(2);
}

const publicPem = createPublicKey(createPrivateKey(readFileSync(keyFile))).export({ type: 'spki', format: 'pem' });
const table = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});
const crc32c = (bytes) => {
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return ((crc ^ 0xffffffff) >>> 0).toString();
};
const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const error = (res, status, code, message) => send(res, status, { error: { code: status, status: code, message } });

createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  if (req.method === 'GET' && path === `/v1/${keyVersion}/publicKey`) {
    return send(res, 200, { pem: publicPem, algorithm: 'EC_SIGN_P256_SHA256', pemCrc32c: crc32c(Buffer.from(publicPem)), name: keyVersion, protectionLevel: 'SOFTWARE' });
  }
  if (req.method === 'POST' && path === `/v1/${keyVersion}:asymmetricSign`) {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let request;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(res, 400, 'INVALID_ARGUMENT', 'the body is not JSON');
      }
      const digest = Buffer.from(request?.digest?.sha256 ?? '', 'base64');
      if (digest.length !== 32) return error(res, 400, 'INVALID_ARGUMENT', 'digest.sha256 (32 bytes) is required for EC_SIGN_P256_SHA256');
      if (request.digestCrc32c !== undefined && request.digestCrc32c !== crc32c(digest)) {
        return error(res, 400, 'INVALID_ARGUMENT', 'digestCrc32c does not match the digest');
      }
      const signature = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile], { input: digest });
      return send(res, 200, {
        signature: signature.toString('base64'),
        signatureCrc32c: crc32c(signature),
        verifiedDigestCrc32c: request.digestCrc32c !== undefined,
        verifiedDataCrc32c: false,
        name: keyVersion,
        protectionLevel: 'SOFTWARE',
      });
    });
    return undefined;
  }
  return error(res, 404, 'NOT_FOUND', `no route for ${req.method} ${path}`);
}).listen(Number(port), '127.0.0.1', () => console.log(`cloud kms stand-in on 127.0.0.1:${port} for ${keyVersion}`));

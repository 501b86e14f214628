// Test PKI made with Debian's openssl: a CA, server certificates it signs for 127.0.0.1 and
// localhost, and a second CA nobody trusts.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pair {
  cert: string;
  key: string;
  fingerprint: string;
}

const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCa(dir: string, name: string): Pair {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  ssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '3650', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { cert, key, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}

export function makeServerCert(dir: string, name: string, ca: Pair): Pair {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  ssl(['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  ssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '3650', '-extfile', ext]);
  return { cert, key, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}

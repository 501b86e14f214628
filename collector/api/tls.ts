// The collector's certificate: read from the PEM files named by `tls: {cert, key}` at start,
// and again on SIGHUP (renewal, e.g. by certbot's deploy hook). A reload that fails (a
// missing file, a key that does not match) keeps the certificate in use and says why.
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../../config/load.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 fingerprint of the leaf certificate (what an agent pins), and its expiry. */
  fingerprint: string;
  validTo: string;
}

/** Reads and checks the pair; throws a ConfigError (exit 2 at start) naming the file, the key and the problem. */
export function readTls(files: TlsFiles): TlsMaterial {
  const read = (what: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(files[what]);
    } catch (e) {
      throw new ConfigError(files[what], [`tls.${what}: expected a readable PEM file, found: ${(e as Error).message}`]);
    }
  };
  const cert = read('cert');
  const key = read('key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
    createSecureContext({ cert, key });
  } catch (e) {
    throw new ConfigError(files.cert, [`tls: expected ${files.cert} and ${files.key} to be a PEM certificate and its private key, found: ${(e as Error).message}`]);
  }
  return { cert, key, fingerprint: x509.fingerprint256, validTo: x509.validTo };
}

/** Replaces the certificate of a listening HTTPS server; connections already open keep theirs. */
export function reloadTls(server: TlsServer, files: TlsFiles, context: SecureContextOptions = {}): TlsMaterial {
  const m = readTls(files);
  server.setSecureContext({ ...context, cert: m.cert, key: m.key });
  return m;
}

/**
 * A throwaway public-key infrastructure made with the openssl CLI, the way
 * the README tells an operator to make one: a CA, certificates it signs
 * (CSR + `openssl x509 -req`, extensions from a file, which OpenSSL 1.1, 3.x
 * and LibreSSL all accept). Files go to a temporary directory of the test's own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Paths of a PEM certificate and its key, and their text (for node:https options). */
export interface Issued {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

// P-256 keys: generated in milliseconds, unlike RSA, and accepted by every TLS stack in use.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export class LocalCa {
  private constructor(
    readonly dir: string,
    readonly name: string,
    readonly certPath: string,
  ) {}

  /** A self-signed CA (openssl's default req -x509 extensions: basicConstraints CA:TRUE). */
  static create(dir: string, name: string): LocalCa {
    openssl(dir, ['req', '-x509', ...NEW_KEY, '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`]);
    return new LocalCa(dir, name, path.join(dir, `${name}.crt`));
  }

  get cert(): string {
    return readFileSync(this.certPath, 'utf8');
  }

  /** A certificate for `subject` (an openssl -subj string), signed by this CA, with the given X.509v3 extension lines. */
  issue(file: string, subject: string, extensions: string[]): Issued {
    writeFileSync(path.join(this.dir, `${file}.ext`), `${extensions.join('\n')}\n`);
    openssl(this.dir, ['req', ...NEW_KEY, '-subj', subject, '-keyout', `${file}.key`, '-out', `${file}.csr`]);
    openssl(this.dir, [
      'x509', '-req', '-in', `${file}.csr`, '-CA', `${this.name}.crt`, '-CAkey', `${this.name}.key`, '-CAcreateserial',
      '-days', '2', '-extfile', `${file}.ext`, '-out', `${file}.crt`,
    ]);
    const certPath = path.join(this.dir, `${file}.crt`);
    const keyPath = path.join(this.dir, `${file}.key`);
    return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  issueServer(file: string): Issued {
    return this.issue(file, '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  }

  /** A participant's client certificate: the subject CN is the ISPB (or whatever `cn` the test needs). */
  issueClient(file: string, cn: string): Issued {
    return this.issue(file, `/O=pix-stream test/CN=${cn}`, ['extendedKeyUsage=clientAuth']);
  }
}

/** A fresh directory for one test file's PKI; remove() when done. */
export function pkiDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pix-stream-pki-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

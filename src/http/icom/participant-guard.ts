/**
 * Mutual TLS, second half: the handshake (http/edge.ts) has already proven the
 * client holds a certificate of TLS_CLIENT_CA; this decides which participant
 * that certificate may operate. The rule: the certificate's subject CN is the
 * participant's ISPB, exactly (`CN=12345678`, [0-9A-Z]{8} as on this face).
 *
 * Every ICOM path that names a participant (/api/v1/in/{ispb}/... and
 * /api/v1/out/{ispb}/..., matched by shape so routes added later are covered
 * too) must name the certificate's; anything else is 403 before a route, a
 * body parser or the database sees the request. A certificate whose CN is no
 * ISPB (a monitoring client's) operates no participant. Paths that name none
 * (/health, /metrics, the challenge face's /api/pix and /api/util) are not
 * checked here, nor is ICOM's catalogue: the handshake is all they get.
 */
import type { RequestHandler } from 'express';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Forbidden } from '../errors.js';
import { truncate } from '../params.js';
import { annotateLog } from '../request-log.js';
import { PARTICIPANT } from './params.js';

// Raw (undecoded) path: an ISPB never needs percent-encoding, so an encoded
// segment can never equal the certificate's and is refused, never decoded into a match.
// The catalogue (/api/v1/in/catalog, /api/v1/out/catalog) names no participant: any certificate may read it.
const PARTICIPANT_PATH = /^\/api\/v1\/(?:in|out)\/(?!catalog$)([^/]*)/;

interface Subject {
  /** The subject CN as written (for the log), when it is a single string. */
  cn: string | undefined;
  /** The participant it names, when the CN is an ISPB. */
  ispb: string | undefined;
}

// A keep-alive connection carries many requests and one certificate: read it once per connection.
const subjects = new WeakMap<TLSSocket, Subject>();

function subjectOf(socket: Socket): Subject {
  // Without a verified certificate (plain HTTP, or TLS without a client CA) nobody is named: fail closed.
  if (!(socket instanceof TLSSocket) || !socket.authorized) return { cn: undefined, ispb: undefined };
  let subject = subjects.get(socket);
  if (!subject) {
    // Node gives an array when the subject repeats CN: that names no single participant.
    const cn: unknown = socket.getPeerCertificate().subject?.CN;
    subject = typeof cn === 'string' ? { cn: truncate(cn), ispb: PARTICIPANT.test(cn) ? cn : undefined } : { cn: undefined, ispb: undefined };
    subjects.set(socket, subject);
  }
  return subject;
}

/** Mounted only when TLS_CLIENT_CA is set; then every request on a participant's path must carry that participant's certificate. */
export function participantGuard(): RequestHandler {
  return (req, res, next) => {
    const named = PARTICIPANT_PATH.exec(req.path);
    if (!named) return next();
    const { cn, ispb } = subjectOf(req.socket);
    if (cn !== undefined) annotateLog(res, { certificate: cn });
    if (ispb === undefined) {
      throw new Forbidden('The client certificate names no participant: its subject CN must be an ISPB of 8 characters of 0-9 and A-Z');
    }
    if (named[1] !== ispb) {
      throw new Forbidden(`The client certificate names participant ${ispb}; this path names ${named[1] === '' ? 'none' : truncate(named[1])}`);
    }
    next();
  };
}

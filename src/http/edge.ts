/**
 * The HTTP server around the app: timeouts and limits sized for long polls on
 * one side and hostile clients on the other, answers for what never reaches
 * Express (parser errors, timeouts, CONNECT, a full server), and a drain that
 * lets shutdown finish in milliseconds.
 *
 * Long polls hold a request open for LONG_POLL_TIMEOUT_MS *after* it was
 * received, so none of the limits below cut them: headersTimeout and
 * requestTimeout only bound how long receiving the request may take.
 *
 * With TLS settings the same server is built by https.createServer (same
 * options, same listeners: Node runs its HTTP machinery on each socket once
 * the handshake is done). With a client CA the handshake itself refuses a
 * client without a certificate of that CA; which participant a certificate
 * may operate is the ICOM face's business (http/icom/participant-guard.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { HttpLimits, TlsSettings } from '../config.js';

/** How a face writes an error that never reached its routes (content type and body), chosen by the request's path. */
export type RawProblemRenderer = (status: number, detail: string, path: string) => { contentType: string; body: string };

export interface EdgeOptions {
  /** Set: HTTPS, and mutual TLS when it has a client CA. */
  readonly tls?: TlsSettings;
  /**
   * A handshake that failed (no or a foreign client certificate, a plain HTTP
   * request, a scanner, a timeout): the client was told by TLS itself and
   * nothing of ours broke, so this is for a debug log, not an error.
   */
  readonly onTlsClientError?: (err: NodeJS.ErrnoException) => void;
}

export interface EdgeServer {
  /** An https.Server when TLS is on (it is an http.Server in every respect used here). */
  readonly server: http.Server;
  /**
   * Stop accepting, close idle connections now, and close each busy one as
   * soon as its response is sent (`Connection: close`), instead of leaving
   * keep-alive sockets open until the shutdown timeout.
   */
  drain(): Promise<void>;
}

// Node checks header and request timeouts on this period (default 30 s, which would let a slowloris
// socket live up to 30 s past HTTP_HEADERS_TIMEOUT_MS).
const TIMEOUT_CHECK_MS = 250;

function rawResponse(status: number, problem: { contentType: string; body: string }, extraHeaders = ''): string {
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: ${problem.contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(problem.body)}\r\n${extraHeaders}Connection: close\r\n\r\n${problem.body}`
  );
}

/** Writes a whole response on a socket Express never saw, then hangs up. */
function answerOnSocket(socket: Duplex, status: number, detail: string, path: string, render: RawProblemRenderer, extraHeaders = ''): void {
  socket.end(rawResponse(status, render(status, detail, path), extraHeaders));
  socket.once('finish', () => socket.destroy());
}

const PARSER_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_URI_OVERFLOW: 414,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

function tlsOptions(tls: TlsSettings, limits: HttpLimits): https.ServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    // A handshake that never completes holds a connection like a slowloris does (Node's default is 120 s).
    handshakeTimeout: limits.headersTimeoutMs,
    // No certificate, or one TLS_CLIENT_CA did not sign: the handshake fails and no request is ever read.
    ...(tls.clientCa !== undefined && { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
  };
}

export function createEdgeServer(app: http.RequestListener, limits: HttpLimits, render: RawProblemRenderer, options: EdgeOptions = {}): EdgeServer {
  const { tls } = options;
  const httpOptions: http.ServerOptions = {
    // A missing Host is answered by the app in the face's format, not by Node's bare 400.
    requireHostHeader: false,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    maxHeaderSize: limits.maxHeaderBytes,
  };
  const server: http.Server = tls ? https.createServer({ ...httpOptions, ...tlsOptions(tls, limits) }) : http.createServer(httpOptions);
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;

  // A connection cap that answers instead of silently dropping: the client learns to back off.
  // Prepended, so it runs before Node attaches its parser; a refused socket's request never reaches the app.
  // TCP connections are counted, handshakes in progress included: each holds a socket all the same.
  let connections = 0;
  const refused = new WeakSet<Duplex>();
  const refuse = (socket: Duplex) => {
    refused.add(socket);
    answerOnSocket(socket, 503, `This server holds its limit of ${limits.maxConnections} connections; retry shortly`, '', render, 'Retry-After: 1\r\n');
  };
  // Over TLS the answer waits for the handshake (plain bytes now would be garbage to the client's TLS stack), so the
  // verdict taken at accept is remembered by the connection's addresses, which its TLS socket shares. Deciding by the
  // count at handshake end instead would refuse whichever handshake finished while another was still under way.
  const overLimit = new Set<string>();
  // Connections still in their handshake: Node's HTTP layer does not know them yet, so neither its idle-connection
  // close nor closeAllConnections reaches them; drain() closes them itself (they hold no request).
  const handshaking = new Map<string, Socket>();
  const addresses = (socket: Socket) => `${socket.localAddress}|${socket.localPort}|${socket.remoteAddress}|${socket.remotePort}`;
  server.prependListener('connection', (socket: Socket) => {
    connections += 1;
    socket.once('close', () => (connections -= 1));
    if (!tls) {
      if (connections > limits.maxConnections) refuse(socket);
      return;
    }
    const key = addresses(socket);
    handshaking.set(key, socket);
    if (connections > limits.maxConnections) overLimit.add(key);
    socket.once('close', () => {
      handshaking.delete(key);
      overLimit.delete(key);
    });
  });
  if (tls) {
    // Where Node attaches its HTTP parser to a TLS socket, prepended as above.
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const key = addresses(socket);
      handshaking.delete(key);
      if (overLimit.delete(key)) refuse(socket);
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      options.onTlsClientError?.(err);
      socket.destroy();
    });
  }

  let draining = false;
  const busy = new Set<http.ServerResponse>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (refused.has(req.socket)) return void res.destroy();
    busy.add(res);
    res.once('close', () => {
      busy.delete(res);
      // A response already under way when the drain began may leave its socket idle: close it now, not after keep-alive.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    if (draining) res.setHeader('Connection', 'close');
    app(req, res);
  });

  // Requests Node's parser rejects or times out never reach Express.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset connection has nobody left to answer; one whose response has begun cannot take another.
    // (A request timed out mid-body has a response object, but nothing of it was sent yet: answer it.)
    const response = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const status = PARSER_STATUS[err.code ?? ''] ?? 400;
    const detail =
      status === 408 ? 'The request was not received in time' : `The request could not be parsed (${err.code ?? 'malformed'})`;
    answerOnSocket(socket, status, detail, '', render);
  });

  // CONNECT (a proxy tunnel) is never an API call; Node would otherwise drop the socket unanswered.
  server.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, 405, 'CONNECT is not supported by this server', req.url ?? '', render, 'Allow: GET, POST, DELETE\r\n');
  });

  return {
    server,
    drain() {
      draining = true;
      for (const res of busy) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const socket of handshaking.values()) socket.destroy();
      return closed;
    },
  };
}

import { ListKeysCommand } from '@aws-sdk/client-kms';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKms, type KmsHarness } from '../support/kms-harness';

/**
 * Request bodies far over KMS's 1 MiB, sent to the embedded KMS's HTTP server (what `keydrill kms
 * serve` runs) by real clients: each one gets KMS's answer to an oversized body — not a reset
 * connection — however it sends, and the server goes on serving.
 */
const MiB = 1024 * 1024;
const SEVENTY_MIB = 70 * MiB;
const KMS_HEADERS = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' };

let h: KmsHarness;

beforeAll(async () => {
  h = await startKms();
});
afterAll(async () => {
  await h?.close();
});

interface StreamedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  json: { __type?: string; message?: string };
  /** Body bytes the client had handed to its socket when the answer arrived. */
  sentWhenAnswered: number;
}

/** Streams `total` bytes of body in 1 MiB pieces, as fast as the socket takes them, reading the answer as it comes. */
function streamBody(total: number, headers: Record<string, string>): Promise<StreamedAnswer> {
  const url = new URL(h.endpoint);
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { ...KMS_HEADERS, ...headers } }, (res) => {
      const sentWhenAnswered = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')), sentWhenAnswered }));
    });
    req.on('error', reject);
    const piece = Buffer.alloc(MiB, 0x78);
    const writeMore = (): void => {
      while (sent < total) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

/** A client that writes its whole request before it reads a byte, on a bare socket: the one a reset would hurt most. */
function sendAllThenRead(total: number): Promise<string> {
  const url = new URL(h.endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const head = [`POST / HTTP/1.1`, `Host: ${url.host}`, `Content-Type: ${KMS_HEADERS['content-type']}`, `X-Amz-Target: ${KMS_HEADERS['x-amz-target']}`, `Content-Length: ${total}`, '', ''].join('\r\n');
    const received: Buffer[] = [];
    socket.on('error', reject);
    socket.write(head);
    socket.write(Buffer.alloc(total, 0x78), () => {
      socket.on('data', (c: Buffer) => received.push(c));
      socket.on('end', () => resolve(Buffer.concat(received).toString('utf8')));
      socket.resume();
    });
    socket.pause();
  });
}

function expectTooLarge(answer: { status: number; json: { __type?: string; message?: string } }, size: string): void {
  expect(answer.status).toBe(400);
  expect(answer.json).toEqual({ __type: 'ValidationException', message: `The request body is ${size} bytes; KMS accepts at most ${MiB} bytes.` });
}

describe('a request body of 70 MiB', () => {
  it('streamed without a length (chunked) is answered with KMS\'s 400 ValidationException before it is all sent, and the connection closes', async () => {
    const answer = await streamBody(SEVENTY_MIB, {});
    expectTooLarge(answer, `more than ${MiB}`);
    expect(answer.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(answer.headers.connection).toBe('close');
    expect(answer.sentWhenAnswered).toBeLessThan(SEVENTY_MIB);
  });

  it('with its Content-Length declared is refused naming its size, before it is all sent', async () => {
    const answer = await streamBody(SEVENTY_MIB, { 'content-length': String(SEVENTY_MIB) });
    expectTooLarge(answer, String(SEVENTY_MIB));
    expect(answer.sentWhenAnswered).toBeLessThan(SEVENTY_MIB);
  });

  it('written whole by a client that reads only afterwards still finds the answer waiting, then a clean close', async () => {
    const response = await sendAllThenRead(SEVENTY_MIB);
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    const json = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as StreamedAnswer['json'];
    expectTooLarge({ status: 400, json }, String(SEVENTY_MIB));
  });

  it('announced with Expect: 100-continue is refused without the client being asked to send it', async () => {
    const url = new URL(h.endpoint);
    const answer = await new Promise<{ status: number; invitedToSend: boolean; json: StreamedAnswer['json'] }>((resolve, reject) => {
      let invitedToSend = false;
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { ...KMS_HEADERS, 'content-length': String(SEVENTY_MIB), expect: '100-continue' } });
      req.on('continue', () => (invitedToSend = true));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, invitedToSend, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.invitedToSend).toBe(false);
    expectTooLarge(answer, String(SEVENTY_MIB));
  });

  it('leaves the server serving: the SDK\'s next call is answered', async () => {
    await Promise.all([streamBody(SEVENTY_MIB, {}), sendAllThenRead(SEVENTY_MIB)]);
    const keys = await h.client('admin').send(new ListKeysCommand({}));
    expect(keys.$metadata.httpStatusCode).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { HeaderError, requestHeaders, responseHeaders } from '../../../src/http/headers.js';

const DEFAULTS = { userAgent: 'pg_durable/9.9.9', idempotencyKey: 'key-1' };

describe('requestHeaders', () => {
  it('adds User-Agent and Idempotency-Key to the caller’s headers', () => {
    expect(requestHeaders({ 'X-Trace': 't' }, DEFAULTS)).toEqual({ 'X-Trace': 't', 'User-Agent': 'pg_durable/9.9.9', 'Idempotency-Key': 'key-1' });
    expect(requestHeaders(null, DEFAULTS)).toEqual({ 'User-Agent': 'pg_durable/9.9.9', 'Idempotency-Key': 'key-1' });
  });

  it('keeps an Idempotency-Key or User-Agent the caller set, in any case', () => {
    expect(requestHeaders({ 'idempotency-KEY': 'mine', 'user-agent': 'me/1' }, DEFAULTS)).toEqual({ 'idempotency-KEY': 'mine', 'user-agent': 'me/1' });
  });

  it('adds no Content-Type, and replaces the caller’s with the multipart one', () => {
    expect(requestHeaders({}, DEFAULTS)).not.toHaveProperty('Content-Type');
    expect(requestHeaders({ 'content-type': 'text/plain', Accept: '*/*' }, { ...DEFAULTS, contentType: 'multipart/form-data; boundary=b' })).toEqual({
      Accept: '*/*',
      'User-Agent': 'pg_durable/9.9.9',
      'Idempotency-Key': 'key-1',
      'Content-Type': 'multipart/form-data; boundary=b',
    });
  });

  it('refuses a header it cannot send without ever quoting its value', () => {
    const secret = 'Bearer s3cr3t\r\nX-Injected: 1';
    expect(() => requestHeaders({ Authorization: secret }, DEFAULTS)).toThrow(HeaderError);
    try {
      requestHeaders({ Authorization: secret }, DEFAULTS);
    } catch (e) {
      expect((e as Error).message).toBe("header 'Authorization' has a value that cannot be sent (a line break or control character)");
    }
    expect(() => requestHeaders({ 'Bad Name': 'x' }, DEFAULTS)).toThrow("invalid header name 'Bad Name'");
    expect(() => requestHeaders({ 'a\nb': 'x' }, DEFAULTS)).toThrow("invalid header name 'a\\nb'");
  });
});

describe('responseHeaders', () => {
  it('lower-cases names and joins repeated headers in order', () => {
    expect(responseHeaders(['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'X-A', 'x', 'set-cookie', 'b=2'])).toEqual({
      'content-type': 'text/plain',
      'set-cookie': 'a=1, b=2',
      'x-a': 'x',
    });
  });

  it('keeps a header named __proto__ as an ordinary header', () => {
    expect(JSON.stringify(responseHeaders(['__proto__', 'x']))).toBe('{"__proto__":"x"}');
  });
});

import { describe, expect, it } from 'vitest';
import { readHttpRequest } from '../../../src/http/request.js';
import { httpRequest } from './fixtures.js';

describe('readHttpRequest', () => {
  it('reads the request the engine gives a runner', () => {
    const request = httpRequest('https://example.com/', { headers: { A: 'b' }, body: 'x' });
    expect(readHttpRequest(JSON.parse(JSON.stringify(request)))).toEqual(request);
  });

  it('reads missing optional fields as null', () => {
    const { headers: _h, body: _b, parts: _p, ...rest } = httpRequest('https://example.com/');
    expect(readHttpRequest(rest)).toMatchObject({ headers: null, body: null, parts: null });
  });

  it.each<[string, unknown, string]>([
    ['no object', 'text', 'the request is not a JSON object'],
    ['an unknown type', { ...httpRequest('u'), type: 'FTP' }, 'unknown request type "FTP"'],
    ['no policy', { ...httpRequest('u'), policy: null }, 'the request policy is not a JSON object'],
    ['a policy without allowed_hosts', { ...httpRequest('u'), policy: { allow_private_networks: false } }, 'the request policy has no allowed_hosts list'],
    ['a header that is no text', { ...httpRequest('u'), headers: { A: 1 } }, "header 'A' is not a string"],
    ['no URL', { ...httpRequest('u'), url: 5 }, 'the request has no url text'],
    ['a timeout of zero', { ...httpRequest('u'), timeout_seconds: 0 }, "the request's timeout_seconds is not a positive number"],
  ])('refuses %s', (_, value, message) => {
    expect(() => readHttpRequest(value)).toThrow(message);
  });
});

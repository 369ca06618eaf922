import { describe, expect, it } from 'vitest';
import { decodeBody, preview } from '../../../src/http/body.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('decodeBody', () => {
  it.each([
    'text/plain',
    'text/html; charset=utf-8',
    'TEXT/CSV',
    'application/json',
    'application/problem+json',
    'application/xml',
    'image/svg+xml',
    'application/vnd.api+yaml',
    'application/javascript',
    'application/x-www-form-urlencoded',
    'application/graphql',
    'application/yaml',
  ])('reads %s as text, even bytes that are not UTF-8', (type) => {
    expect(decodeBody(type, utf8('héllo'))).toEqual({ body: 'héllo', encoding: 'text' });
    expect(decodeBody(type, Buffer.from([0x61, 0xff]))).toEqual({ body: 'a\uFFFD', encoding: 'text' });
  });

  it('decodes textual bodies by their charset, quoted or not, any case', () => {
    const cafe = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    expect(decodeBody('text/plain; charset=iso-8859-1', cafe).body).toBe('café');
    expect(decodeBody('text/plain;charset="ISO-8859-1"', cafe).body).toBe('café');
    expect(decodeBody('text/plain; format=flowed; Charset=Shift_JIS', Buffer.from([0x82, 0xa0])).body).toBe('あ');
    expect(decodeBody('application/json; charset=utf-16le', Buffer.from('{"a":1}', 'utf16le')).body).toBe('{"a":1}');
  });

  it('gives base64 for a textual body holding NUL, which PostgreSQL cannot store as text', () => {
    expect(decodeBody('text/plain', Buffer.from([0x61, 0x00]))).toEqual({ body: 'YQA=', encoding: 'base64' });
    expect(decodeBody('application/json', Buffer.from('"\\u0000"'))).toEqual({ body: '"\\u0000"', encoding: 'text' });
  });

  it('reads an unknown charset as UTF-8', () => {
    expect(decodeBody('text/plain; charset=klingon', utf8('qapla’')).body).toBe('qapla’');
  });

  it('keeps other types as text when they are valid UTF-8 without NUL', () => {
    expect(decodeBody('application/octet-stream', utf8('naïve'))).toEqual({ body: 'naïve', encoding: 'text' });
    expect(decodeBody(undefined, utf8('no type'))).toEqual({ body: 'no type', encoding: 'text' });
    expect(decodeBody('image/png', Buffer.alloc(0))).toEqual({ body: '', encoding: 'text' });
  });

  it('gives base64 for other types that are not UTF-8 or hold NUL', () => {
    expect(decodeBody('application/octet-stream', Buffer.from([0xff, 0xfe]))).toEqual({ body: '//4=', encoding: 'base64' });
    expect(decodeBody('image/png', Buffer.from([0x41, 0x00, 0x42]))).toEqual({ body: 'QQBC', encoding: 'base64' });
    expect(decodeBody(undefined, Buffer.from([0xc3]))).toEqual({ body: 'ww==', encoding: 'base64' });
  });
});

describe('preview', () => {
  it('keeps a short text whole', () => {
    expect(preview('short')).toBe('short');
  });

  it('cuts at 512 bytes', () => {
    expect(preview('x'.repeat(600))).toBe('x'.repeat(512));
  });

  it('never splits a character', () => {
    const text = 'x'.repeat(511) + 'é' + 'y';
    expect(preview(text)).toBe('x'.repeat(511));
    const emoji = 'x'.repeat(508) + '😀';
    expect(preview(emoji)).toBe(emoji);
    expect(preview('x' + emoji)).toBe('x'.repeat(509));
  });
});

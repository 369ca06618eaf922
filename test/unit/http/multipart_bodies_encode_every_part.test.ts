import { describe, expect, it } from 'vitest';
import { encodeMultipart, PartError } from '../../../src/http/multipart.js';
import type { MultipartPart } from '../../../src/http/request.js';

const B = 'BOUNDARY';

describe('encodeMultipart', () => {
  it('writes text and binary parts with their dispositions and types', () => {
    const { contentType, body } = encodeMultipart(
      [
        { name: 'field', data: 'välue' },
        { name: 'file', filename: 'a.bin', data_b64: 'AP8=' },
        { name: 'doc', filename: 'd.json', content_type: 'application/json', data: '{}' },
      ],
      B,
    );
    expect(contentType).toBe(`multipart/form-data; boundary=${B}`);
    const expected = Buffer.concat([
      Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="field"\r\n\r\nvälue\r\n`),
      Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from([0x00, 0xff]),
      Buffer.from(`\r\n--${B}\r\nContent-Disposition: form-data; name="doc"; filename="d.json"\r\nContent-Type: application/json\r\n\r\n{}\r\n`),
      Buffer.from(`--${B}--\r\n`),
    ]);
    expect(body.equals(expected)).toBe(true);
  });

  it('reads base64 with whitespace and line breaks in it', () => {
    const { body } = encodeMultipart([{ name: 'f', data_b64: ' aGVs\nbG8g\r\nd29y bGQ= ' }], B);
    expect(body.toString()).toContain('\r\n\r\nhello world\r\n');
  });

  it('escapes quotes and line breaks in names and file names', () => {
    const { body } = encodeMultipart([{ name: 'a"b\r\nX-Injected: 1', filename: 'x"\n.txt', data: '' }], B);
    expect(body.toString()).toContain('name="a%22b%0D%0AX-Injected: 1"; filename="x%22%0A.txt"');
  });

  it('ends an empty list with the closing boundary only', () => {
    expect(encodeMultipart([], B).body.toString()).toBe(`--${B}--\r\n`);
  });

  it('makes a fresh boundary each time', () => {
    expect(encodeMultipart([]).contentType).not.toBe(encodeMultipart([]).contentType);
  });

  it.each<[string, MultipartPart, string]>([
    ['neither data field', { name: 'x' }, "multipart part 1 ('x') has neither data nor data_b64; give exactly one"],
    ['both data fields', { name: 'x', data: 'a', data_b64: 'YQ==' }, "multipart part 1 ('x') has both data and data_b64; give exactly one"],
    ['invalid base64', { name: 'x', data_b64: 'not base64!' }, "multipart part 1 ('x'): data_b64 is not valid base64"],
    ['base64 of a bad length', { name: 'x', data_b64: 'YQ=' }, "multipart part 1 ('x'): data_b64 is not valid base64"],
    ['no name', { data: 'a' } as MultipartPart, 'multipart part 1 has no name text'],
    ['a file name that is no text', { name: 'x', filename: 7, data: 'a' } as unknown as MultipartPart, "multipart part 1 ('x'): filename is not text"],
  ])('refuses a part with %s', (_, part, message) => {
    expect(() => encodeMultipart([part])).toThrow(PartError);
    expect(() => encodeMultipart([part])).toThrow(message);
  });

  it('numbers the part it refuses', () => {
    expect(() => encodeMultipart([{ name: 'ok', data: '' }, { name: 'bad' }])).toThrow("multipart part 2 ('bad')");
  });
});

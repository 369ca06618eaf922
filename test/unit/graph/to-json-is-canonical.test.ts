import { describe, expect, it } from 'vitest';
import { toJson, type Envelope } from '../../../src/graph/envelope.js';
import { parseEnvelope } from '../../../src/graph/validate.js';

describe('toJson', () => {
  it('writes keys in the fixed order whatever order the object was built in', () => {
    const env: Envelope = {
      retry: { max_delay_seconds: 9, backoff: 1, delay_seconds: 0, max_attempts: 2 },
      result_name: 'r',
      query: '{"if_rows":"x"}',
      right_node: { query: 'B', node_type: 'SQL' },
      left_node: { query: 'A', node_type: 'SQL' },
      node_type: 'IF',
    };
    expect(toJson(env)).toBe(
      '{"node_type":"IF","left_node":{"node_type":"SQL","query":"A"},"right_node":{"node_type":"SQL","query":"B"},' +
        '"query":"{\\"if_rows\\":\\"x\\"}","result_name":"r",' +
        '"retry":{"max_attempts":2,"delay_seconds":0,"backoff":1,"max_delay_seconds":9}}',
    );
  });

  it('omits absent keys', () => {
    expect(toJson({ node_type: 'SQL', query: 'SELECT 1', result_name: undefined })).toBe('{"node_type":"SQL","query":"SELECT 1"}');
  });

  it('parse then serialise canonicalises key order and drops nulls', () => {
    const text = '{"query":"SELECT 1","result_name":null,"node_type":"SQL"}';
    expect(toJson(parseEnvelope(text))).toBe('{"node_type":"SQL","query":"SELECT 1"}');
  });
});

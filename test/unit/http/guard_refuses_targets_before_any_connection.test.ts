import { describe, expect, it } from 'vitest';
import { checkTarget, hostAllowed } from '../../../src/http/guard.js';
import { DEFAULT_POLICY, policy } from './fixtures.js';

const RESTRICTED = (host: string) => `Blocked: the resolved IP address for '${host}' is in a restricted range`;

function refusal(url: string, p = DEFAULT_POLICY, timeout = 30): string | null {
  try {
    checkTarget(new URL(url), timeout, p);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('checkTarget', () => {
  it.each([
    ['ftp://example.com/x', 'ftp'],
    ['file:///etc/passwd', 'file'],
    ['Gopher://example.com/', 'gopher'],
    ['javascript:alert(1)', 'javascript:alert(1)'], // no `://`: the whole text, as the builders say it
    ['data:text/plain,hi', 'data:text/plain,hi'],
  ])('refuses the scheme of %s', (url, scheme) => {
    expect(refusal(url)).toBe(`Blocked: unsupported URL scheme '${scheme}'. Only http and https are allowed.`);
  });

  it('lets http and https to a public name through', () => {
    expect(refusal('http://example.com/')).toBeNull();
    expect(refusal('HTTPS://Example.COM:8443/a?b')).toBeNull();
  });

  it('refuses a timeout above max_timeout_seconds, and allows one equal to it', () => {
    expect(refusal('https://example.com/', policy({ max_timeout_seconds: 10 }), 11)).toBe(
      "Blocked: timeout_seconds 11 exceeds the egress policy's max_timeout_seconds (10)",
    );
    expect(refusal('https://example.com/', policy({ max_timeout_seconds: 10 }), 10)).toBeNull();
  });

  // WHATWG URL reads every IPv4 notation into dotted decimal and IPv6 into its short form.
  it.each([
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://10.0.0.1:8080/', '10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
    ['http://192.168.1.1/', '192.168.1.1'],
    ['http://255.255.255.255/', '255.255.255.255'],
    ['http://[::1]/', '::1'],
    ['http://[::]/', '::'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1'],
    ['http://[::127.0.0.1]/', '::7f00:1'],
    ['http://[64:ff9b::10.0.0.1]/', '64:ff9b::a00:1'],
    ['http://[2002:a9fe:a9fe::1]/', '2002:a9fe:a9fe::1'],
    ['http://[fe80::1]/', 'fe80::1'],
    ['http://[fd12:3456::1]/', 'fd12:3456::1'],
    ['http://[ff02::1]/', 'ff02::1'],
  ])('refuses the literal address of %s', (url, host) => {
    expect(refusal(url)).toBe(RESTRICTED(host));
  });

  it('lets a public literal address through, and any literal address when private networks are allowed', () => {
    expect(refusal('http://8.8.8.8/')).toBeNull();
    expect(refusal('http://[2001:4860:4860::8888]/')).toBeNull();
    expect(refusal('http://[::ffff:8.8.8.8]/')).toBeNull();
    const open = policy({ allow_private_networks: true });
    expect(refusal('http://127.0.0.1/', open)).toBeNull();
    expect(refusal('http://[::1]/', open)).toBeNull();
  });

  it('checks allowed_hosts before anything about the address', () => {
    const p = policy({ allowed_hosts: ['api.example.com'] });
    expect(refusal('https://other.example.com/', p)).toBe("Blocked: host 'other.example.com' is not in the egress policy's allowed_hosts");
    expect(refusal('http://127.0.0.1/', p)).toBe("Blocked: host '127.0.0.1' is not in the egress policy's allowed_hosts");
    expect(refusal('https://API.Example.com./v1', p)).toBeNull();
  });

  it('applies the address check to a literal address that allowed_hosts lists', () => {
    expect(refusal('http://127.0.0.1/', policy({ allowed_hosts: ['127.0.0.1'] }))).toBe(RESTRICTED('127.0.0.1'));
    expect(refusal('http://127.0.0.1/', policy({ allowed_hosts: ['127.0.0.1'], allow_private_networks: true }))).toBeNull();
  });
});

describe('hostAllowed', () => {
  it('allows any host with an empty list', () => {
    expect(hostAllowed('anything.example', [])).toBe(true);
  });

  it('matches exact names case-insensitively, with or without a trailing dot on either side', () => {
    expect(hostAllowed('api.example.com', ['API.EXAMPLE.COM'])).toBe(true);
    expect(hostAllowed('api.example.com.', ['api.example.com'])).toBe(true);
    expect(hostAllowed('api.example.com', ['api.example.com.'])).toBe(true);
    expect(hostAllowed('api.example.com', ['example.com'])).toBe(false);
    expect(hostAllowed('xapi.example.com', ['api.example.com'])).toBe(false);
  });

  it('matches *.suffix with any name below the suffix, not the suffix itself nor look-alikes', () => {
    const patterns = ['*.Example.com.'];
    expect(hostAllowed('a.example.com', patterns)).toBe(true);
    expect(hostAllowed('a.b.EXAMPLE.com', patterns)).toBe(true);
    expect(hostAllowed('example.com', patterns)).toBe(false);
    expect(hostAllowed('badexample.com', patterns)).toBe(false);
    expect(hostAllowed('example.com.evil.net', patterns)).toBe(false);
  });

  it('allows a host that any one pattern matches', () => {
    const patterns = ['one.test', '*.two.test'];
    expect(hostAllowed('one.test', patterns)).toBe(true);
    expect(hostAllowed('x.two.test', patterns)).toBe(true);
    expect(hostAllowed('three.test', patterns)).toBe(false);
  });
});

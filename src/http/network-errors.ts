// What went wrong below HTTP, in words that name the cause (DNS, refused, reset, TLS …).

interface NetError extends Error {
  code?: string;
  address?: string;
  port?: number;
  errors?: unknown[];
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

export function describeNetworkError(error: Error, host: string): string {
  // Trying each address of a host (happy eyeballs) ends in one error per address.
  const first = (error as NetError).errors?.[0];
  const e = (first instanceof Error ? first : error) as NetError;
  const where = e.address === undefined ? '' : ` (${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port})`;
  const code = e.code ?? '';
  if (DNS_CODES.has(code)) return `DNS lookup failed for '${host}' (${code})`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused${where}`;
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ETIMEDOUT':
      return `connection timed out${where}`;
    case 'EHOSTUNREACH':
      return `host unreachable${where}`;
    case 'ENETUNREACH':
      return `network unreachable${where}`;
    case 'EPIPE':
      return 'connection closed by the server while sending the request';
  }
  if (code.startsWith('HPE_')) return `invalid HTTP response from the server (${code})`;
  if (/CERT|SSL|TLS/.test(code)) return `TLS error: ${e.message} (${code})`;
  return code === '' ? e.message : `${e.message} (${code})`;
}

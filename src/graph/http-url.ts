// The scheme check of an HTTP step's URL, shared by the builders (a URL without template
// references), the worker (the URL once resolved) and the runner's guard. Plain string work:
// the plv8 bundle has no URL parser.

/** Null when the URL is http or https; otherwise the refusal, in the reference's words. */
export function urlSchemeProblem(url: string): string | null {
  // As the reference reads it: what comes before `://`, or the whole text when there is none.
  const scheme = url.split('://')[0].toLowerCase();
  if (scheme === 'http' || scheme === 'https') return null;
  const shown = scheme.length > 40 ? `${scheme.slice(0, 40)}…` : scheme;
  return `Blocked: unsupported URL scheme '${shown}'. Only http and https are allowed.`;
}

/** A path joins the base URL's path (`https://gw/api` + `/health` = `https://gw/api/health`); a URL stays as is. */
export function resolveLocation(base: URL, location: string): string {
  if (!location.startsWith('/')) return location;
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${location}`;
}

/** The same place over plain HTTP on the default port: where a browser lands before any redirect. */
export function plainHttpVariant(url: string): string {
  const plain = new URL(url);
  plain.protocol = 'http:';
  plain.port = '';
  return plain.href;
}

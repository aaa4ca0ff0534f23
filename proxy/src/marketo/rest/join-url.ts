/**
 * Joins a base URL and an absolute path with exactly one slash between them. Marketo's API
 * gateway has deprecated paths that contain `//`, so `https://host/` + `/rest/v1/leads.json`
 * must not become `https://host//rest/v1/leads.json`.
 */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

import { readJson, writeJson } from '../storage';

export const UTM_PARAMETERS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

/** sessionStorage key of the parameters taken on the landing page. */
export const ATTRIBUTION_KEY = 'leadsync:attribution';

/**
 * Takes the UTM and click-id parameters from `search` and keeps them for the session. A URL with
 * any of them starts a new set, because the visitor came from a new campaign. A URL without them
 * keeps the set of an earlier page.
 */
export function captureAttribution(search: string, clickIds: string[]): Record<string, string> {
  const params = new URLSearchParams(search);
  const fromUrl = Object.fromEntries(
    [...UTM_PARAMETERS, ...clickIds].flatMap((name) => (params.get(name) ? [[name, params.get(name)!]] : []))
  );

  if (Object.keys(fromUrl).length > 0) {
    writeJson('sessionStorage', ATTRIBUTION_KEY, fromUrl);
    return fromUrl;
  }
  const stored = readJson('sessionStorage', ATTRIBUTION_KEY);
  return stored && typeof stored === 'object' ? (stored as Record<string, string>) : {};
}

/** Removes the stored parameters, for a withdrawn consent. */
export function clearAttribution(): void {
  writeJson('sessionStorage', ATTRIBUTION_KEY, undefined);
}

import { afterEach, describe, expect, it } from 'vitest';
import { ATTRIBUTION_KEY, captureAttribution, clearAttribution } from './attribution';

const CLICK_IDS = ['gclid', 'fbclid', 'msclkid'];

describe('captureAttribution', () => {
  afterEach(() => sessionStorage.clear());

  it('takes UTM parameters and allowed click ids from the URL', () => {
    const captured = captureAttribution('?utm_source=news&utm_medium=email&gclid=abc&ttclid=x&q=1', CLICK_IDS);
    expect(captured).toEqual({ utm_source: 'news', utm_medium: 'email', gclid: 'abc' });
  });

  it('keeps the landing parameters for later pages of the session', () => {
    captureAttribution('?utm_campaign=spring&fbclid=f1', CLICK_IDS);
    expect(captureAttribution('', CLICK_IDS)).toEqual({ utm_campaign: 'spring', fbclid: 'f1' });
    expect(JSON.parse(sessionStorage.getItem(ATTRIBUTION_KEY)!)).toEqual({ utm_campaign: 'spring', fbclid: 'f1' });
  });

  it('replaces the whole set when a new campaign URL arrives', () => {
    captureAttribution('?utm_source=news&utm_campaign=spring', CLICK_IDS);
    expect(captureAttribution('?utm_source=ads', CLICK_IDS)).toEqual({ utm_source: 'ads' });
    expect(captureAttribution('', CLICK_IDS)).toEqual({ utm_source: 'ads' });
  });

  it('uses the configured click-id allow-list', () => {
    expect(captureAttribution('?gclid=g&li_fat_id=l', ['li_fat_id'])).toEqual({ li_fat_id: 'l' });
  });

  it('reads nothing from corrupt storage', () => {
    sessionStorage.setItem(ATTRIBUTION_KEY, '{broken');
    expect(captureAttribution('', CLICK_IDS)).toEqual({});
  });
});

describe('clearAttribution', () => {
  it('removes the stored parameters', () => {
    captureAttribution('?utm_source=news', CLICK_IDS);
    clearAttribution();
    expect(sessionStorage.getItem(ATTRIBUTION_KEY)).toBeNull();
    expect(captureAttribution('', CLICK_IDS)).toEqual({});
  });
});

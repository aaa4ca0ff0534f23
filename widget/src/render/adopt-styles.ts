import css from './styles.css?inline';

let sharedSheet: CSSStyleSheet | undefined;

/**
 * Applies the widget's CSS to a shadow root. A constructed stylesheet is not an inline style, so
 * a strict `style-src` policy allows it. Browsers without constructable stylesheets (Safari before
 * 16.4) get a `<style>` element that carries the script tag's nonce.
 */
export function adoptStyles(root: ShadowRoot, nonce: string | undefined): void {
  try {
    if (!sharedSheet) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sharedSheet = sheet;
    }
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    const style = document.createElement('style');
    if (nonce) style.nonce = nonce;
    style.textContent = css;
    root.prepend(style);
  }
}

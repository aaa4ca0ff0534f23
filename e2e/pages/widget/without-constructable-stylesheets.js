// Makes this Chromium behave like Safari before 16.4, which has no constructable stylesheets,
// so the widget takes its <style nonce> fallback.
CSSStyleSheet.prototype.replaceSync = undefined;

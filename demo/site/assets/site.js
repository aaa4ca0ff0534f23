// Starts Munchkin tracking on every demo page. The Munchkin id comes from the page's
// data-munchkin-id attribute, so this file works under a CSP that forbids inline scripts.
(function () {
  var munchkinId = document.documentElement.getAttribute('data-munchkin-id');
  if (window.Munchkin && munchkinId) window.Munchkin.init(munchkinId);
})();

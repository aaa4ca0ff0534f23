/**
 * Source of `/munchkin.js`, the emulator's stand-in for Marketo's Munchkin tracking script.
 *
 * It defines `window.Munchkin` with `init(munchkinId)`, `createTrackingCookie(forceCreate)` and
 * `munchkinFunction("visitWebPage", {url})`. It writes `_mkto_trk` as
 * `id:<munchkin id>&token:_mch-<page hostname>-<ms epoch>-<5 digits>` (path /, 730 days,
 * SameSite=Lax), keeping an existing value and pushing its expiry forward as Munchkin does.
 * Visits go to `/webevents/visitWebPage` on the origin the script was loaded from, as an image
 * request: a simple GET that needs no CORS preflight and only `img-src` under a CSP.
 * `?marketo_opt_out=true` sets `mkto_opt_out=true`; while that cookie is set the script
 * deletes `_mkto_trk` and reports nothing. The script uses no eval and sets no styles, so a
 * strict Content-Security-Policy that allows the emulator's origin is enough.
 */
export const MUNCHKIN_SCRIPT = `/* Leadsync Marketo emulator: Munchkin stand-in. Not Marketo's code. */
(function () {
  "use strict";

  if (window.Munchkin && window.Munchkin.leadsyncEmulator) {
    return;
  }

  var TRACKING_COOKIE = "_mkto_trk";
  var OPT_OUT_COOKIE = "mkto_opt_out";
  var COOKIE_LIFETIME_DAYS = 730;
  var MUNCHKIN_ID_PATTERN = /^[0-9]{3}-[A-Z]{3}-[0-9]{3}$/;

  function findOwnScript() {
    if (document.currentScript) {
      return document.currentScript;
    }
    var scripts = document.getElementsByTagName("script");
    for (var index = scripts.length - 1; index >= 0; index -= 1) {
      if (/\\/munchkin\\.js(\\?|#|$)/.test(scripts[index].src)) {
        return scripts[index];
      }
    }
    return null;
  }

  var ownScript = findOwnScript();
  var emulatorOrigin = ownScript ? new URL(ownScript.src, location.href).origin : location.origin;
  var munchkinId = null;

  function warn(message) {
    if (window.console && console.warn) {
      console.warn("[munchkin emulator] " + message);
    }
  }

  function readCookie(name) {
    var pairs = document.cookie ? document.cookie.split("; ") : [];
    for (var index = 0; index < pairs.length; index += 1) {
      var separator = pairs[index].indexOf("=");
      if (pairs[index].slice(0, separator) === name) {
        return pairs[index].slice(separator + 1);
      }
    }
    return null;
  }

  function writeCookie(name, value, days) {
    var expires = new Date(Date.now() + days * 86400000).toUTCString();
    document.cookie = name + "=" + value + "; expires=" + expires + "; path=/; SameSite=Lax";
  }

  function deleteCookie(name) {
    document.cookie = name + "=; max-age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; SameSite=Lax";
  }

  function fiveRandomDigits() {
    var value;
    if (window.crypto && crypto.getRandomValues) {
      value = crypto.getRandomValues(new Uint32Array(1))[0] % 100000;
    } else {
      value = Math.floor(Math.random() * 100000);
    }
    return String(100000 + value).slice(1);
  }

  function isOptedOut() {
    if (/(^|[?&])marketo_opt_out=true(&|$)/.test(location.search.slice(1))) {
      writeCookie(OPT_OUT_COOKIE, "true", COOKIE_LIFETIME_DAYS);
    }
    var optOut = readCookie(OPT_OUT_COOKIE);
    if (optOut === "true" || optOut === "id:true") {
      deleteCookie(TRACKING_COOKIE);
      return true;
    }
    return false;
  }

  function ensureTrackingCookie() {
    var value = readCookie(TRACKING_COOKIE);
    if (!value) {
      value = "id:" + munchkinId + "&token:_mch-" + location.hostname + "-" + Date.now() + "-" + fiveRandomDigits();
    }
    writeCookie(TRACKING_COOKIE, value, COOKIE_LIFETIME_DAYS);
    return value;
  }

  function reportVisit(pageUrl, referrer) {
    var cookie = readCookie(TRACKING_COOKIE);
    if (!cookie) {
      return;
    }
    var query =
      "_mchCk=" + encodeURIComponent(cookie) +
      "&_mchUrl=" + encodeURIComponent(pageUrl) +
      "&_mchRef=" + encodeURIComponent(referrer || "") +
      "&_mchNc=" + Date.now();
    var beacon = new Image(1, 1);
    beacon.src = emulatorOrigin + "/webevents/visitWebPage?" + query;
  }

  function guarded(action) {
    return function () {
      try {
        return action.apply(null, arguments);
      } catch (error) {
        warn(String(error && error.message ? error.message : error));
      }
    };
  }

  window.Munchkin = {
    leadsyncEmulator: true,

    init: guarded(function (id) {
      if (typeof id !== "string" || !MUNCHKIN_ID_PATTERN.test(id)) {
        warn("Munchkin.init expects a Munchkin id such as 123-ABC-456, got " + String(id));
        return;
      }
      munchkinId = id;
      if (isOptedOut()) {
        return;
      }
      ensureTrackingCookie();
      reportVisit(location.href, document.referrer);
    }),

    createTrackingCookie: guarded(function (forceCreate) {
      if (munchkinId === null || isOptedOut()) {
        return;
      }
      if (forceCreate || !readCookie(TRACKING_COOKIE)) {
        ensureTrackingCookie();
      }
    }),

    munchkinFunction: guarded(function (name, data) {
      if (name !== "visitWebPage") {
        warn("munchkinFunction '" + name + "' is not emulated; only visitWebPage is");
        return;
      }
      if (munchkinId === null || isOptedOut()) {
        return;
      }
      var path = data && data.url ? String(data.url) : location.href;
      var pageUrl = new URL(path, location.href);
      if (data && data.params) {
        pageUrl.search = String(data.params);
      }
      reportVisit(pageUrl.href, document.referrer);
    })
  };
})();
`;

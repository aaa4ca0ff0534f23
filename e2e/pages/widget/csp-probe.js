// Records Content-Security-Policy violations for the test, from before the widget loads.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
});

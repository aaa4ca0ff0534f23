// Acts like a landing-page builder: the sections, forms included, arrive well after the widget
// script has run, the way builders render from their own JSON.
setTimeout(function () {
  var canvas = document.getElementById('canvas');
  canvas.innerHTML =
    '<section><div id="built-render" data-leadsync-form="contact"></div></section>' +
    '<section><form id="built-capture">' +
    '<label for="built-email">Builder email</label><input id="built-email" name="email" type="email">' +
    '<button type="submit">Register</button></form></section>';
  // Some builders add the marking attribute after inserting the element.
  setTimeout(function () {
    document.getElementById('built-capture').setAttribute('data-leadsync-capture', 'contact');
  }, 200);
}, 800);

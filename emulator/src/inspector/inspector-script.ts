/**
 * Source of `/inspector.js`. It polls `/_emulator/leads` every 2 s and renders each lead with
 * DOM methods and textContent only, so stored values such as `<Holdings>` show as text.
 */
export const INSPECTOR_SCRIPT = `"use strict";
(function () {
  var REFRESH_MS = 2000;
  var list = document.getElementById("leads");
  var status = document.getElementById("status");
  var resetButton = document.getElementById("reset");
  var lastJson = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function section(title, content) {
    var wrapper = element("div");
    wrapper.appendChild(element("h3", null, title));
    wrapper.appendChild(content);
    return wrapper;
  }

  function none(text) {
    return element("p", "none", text);
  }

  function time(iso) {
    var node = element("time", null, new Date(iso).toLocaleString());
    node.dateTime = iso;
    return node;
  }

  function details(lead) {
    var rows = element("dl");
    var entries = [
      ["E-mail", lead.email],
      ["Partition", lead.partition],
      ["Foreign id", lead.foreignSysPersonId ? lead.foreignSysPersonId + " (" + lead.foreignSysType + ")" : null],
      ["Created", new Date(lead.createdAt).toLocaleString()],
      ["Updated", new Date(lead.updatedAt).toLocaleString()]
    ];
    entries.forEach(function (entry) {
      rows.appendChild(element("dt", null, entry[0]));
      rows.appendChild(element("dd", entry[1] === null ? "none" : null, entry[1] === null ? "none" : entry[1]));
    });
    return section("Lead", rows);
  }

  function attributes(lead) {
    var names = Object.keys(lead.attributes).sort();
    if (names.length === 0) {
      return section("Attributes", none("no attributes"));
    }
    var rows = element("dl");
    names.forEach(function (name) {
      rows.appendChild(element("dt", null, name));
      rows.appendChild(element("dd", null, lead.attributes[name]));
    });
    return section("Attributes", rows);
  }

  function cookies(lead) {
    if (lead.cookies.length === 0) {
      return section("Cookies", none("no cookies"));
    }
    var items = element("ul");
    lead.cookies.forEach(function (cookie) {
      var item = element("li");
      item.appendChild(element("code", null, cookie));
      items.appendChild(item);
    });
    return section("Cookies (_mkto_trk)", items);
  }

  function visits(lead) {
    if (lead.visits.length === 0) {
      return section("Visits", none("no visits"));
    }
    var items = element("ol");
    lead.visits.forEach(function (visit) {
      var item = element("li");
      item.appendChild(time(visit.at));
      item.appendChild(element("span", null, visit.url));
      if (visit.referrer) {
        item.appendChild(element("span", "meta", " from " + visit.referrer));
      }
      items.appendChild(item);
    });
    return section("Visits (" + lead.visits.length + ")", items);
  }

  function card(lead) {
    var article = element("article", "lead");
    var head = element("div", "lead-head");
    head.appendChild(element("h2", null, "Lead " + lead.id));
    head.appendChild(element("span", "badge " + (lead.anonymous ? "anonymous" : "known"), lead.anonymous ? "anonymous" : "known"));
    head.appendChild(element("span", "meta", lead.email || "no e-mail"));
    article.appendChild(head);

    var body = element("div", "lead-body");
    body.appendChild(details(lead));
    body.appendChild(attributes(lead));
    body.appendChild(cookies(lead));
    body.appendChild(visits(lead));
    article.appendChild(body);
    return article;
  }

  function render(leads) {
    list.replaceChildren();
    if (leads.length === 0) {
      list.appendChild(element("p", "empty", "No leads yet. Load a page with /munchkin.js or send a syncLead call."));
      return;
    }
    leads.slice().reverse().forEach(function (lead) {
      list.appendChild(card(lead));
    });
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "status error" : "status";
  }

  function refresh() {
    fetch("/_emulator/leads", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (json) {
        var leads = JSON.parse(json);
        if (json !== lastJson) {
          lastJson = json;
          render(leads);
        }
        setStatus(leads.length + (leads.length === 1 ? " lead" : " leads") + " · updated " + new Date().toLocaleTimeString(), false);
      })
      .catch(function (error) {
        setStatus("Emulator not reachable (" + error.message + "); retrying every 2 s", true);
      });
  }

  resetButton.addEventListener("click", function () {
    if (!window.confirm("Delete every lead and restore the default configuration?")) {
      return;
    }
    fetch("/_emulator/reset", { method: "POST" }).then(refresh, refresh);
  });

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
`;

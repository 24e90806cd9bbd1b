// refkit serve: live reload, the build error overlay and the side-by-side badge.
// Inserted into every HTML page the preview serves; never part of a real build.
(function () {
  "use strict";
  // The build whose output this page came from, and whether this is the side-by-side view.
  var served = __REFKIT_BUILD__;
  var compare = __REFKIT_COMPARE__;
  // A pane of the side-by-side view: the view around it reloads it and shows errors.
  if (window.top !== window) {
    return;
  }
  var overlay = null;
  var details = null;

  function element(tag, css) {
    var node = document.createElement(tag);
    if (css) {
      node.style.cssText = css;
    }
    return node;
  }

  function reloadPanes() {
    var panes = document.querySelectorAll("iframe[data-refkit-pane]");
    for (var i = 0; i < panes.length; i++) {
      try {
        panes[i].contentWindow.location.reload();
      } catch (e) {
        panes[i].src = panes[i].src;
      }
    }
  }

  function showError(error) {
    if (!error) {
      return;
    }
    if (!overlay) {
      overlay = element("div",
        "position:fixed;top:0;left:0;right:0;max-height:75vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0e;color:#ffe4e4;border-bottom:3px solid #e5484d;" +
        "box-shadow:0 6px 24px rgba(0,0,0,.45);padding:14px 20px;text-align:left;" +
        "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace");
      overlay.id = "refkit-error";
      overlay.setAttribute("role", "alert");
      var head = element("div",
        "display:flex;justify-content:space-between;gap:1em;margin-bottom:10px;" +
        "font:600 14px/1.4 system-ui,sans-serif;color:#fff");
      var title = element("span");
      title.textContent =
        "refkit: the build failed. You are seeing the last good pages; save a fix and this page reloads.";
      var close = element("button",
        "background:none;border:1px solid #ffe4e4;color:#ffe4e4;border-radius:4px;cursor:pointer;font:inherit;padding:0 8px");
      close.type = "button";
      close.textContent = "\u00d7";
      close.title = "Hide until the next build";
      close.addEventListener("click", hideError);
      head.appendChild(title);
      head.appendChild(close);
      details = element("pre", "margin:0;white-space:pre-wrap;word-break:break-word;font:inherit;color:inherit;background:none");
      overlay.appendChild(head);
      overlay.appendChild(details);
    }
    // textContent, never innerHTML: the message quotes the user's files.
    details.textContent = String(error.message || "the build failed");
    if (!overlay.parentNode) {
      (document.body || document.documentElement).appendChild(overlay);
    }
  }

  function hideError() {
    if (overlay && overlay.parentNode) {
      overlay.parentNode.removeChild(overlay);
    }
  }

  // status: { ok, error, build }, from /__refkit/status or the event stream.
  function apply(status) {
    if (!status) {
      return;
    }
    if (typeof status.build === "number" && status.build !== served) {
      served = status.build;
      if (!compare) {
        location.reload();
        return;
      }
      reloadPanes();
    }
    if (status.ok) {
      hideError();
    } else {
      showError(status.error);
    }
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function badge() {
    if (compare || !document.body) {
      return;
    }
    var links = document.querySelectorAll('link[rel="alternate"][hreflang]');
    var langs = [];
    var seen = {};
    for (var i = 0; i < links.length; i++) {
      var lang = links[i].getAttribute("hreflang");
      if (!lang || lang === "x-default" || seen[lang]) {
        continue;
      }
      seen[lang] = true;
      var path;
      try {
        var url = new URL(links[i].getAttribute("href"), location.href);
        path = url.pathname + url.search;
      } catch (e) {
        continue;
      }
      langs.push({ lang: lang, path: path });
    }
    if (langs.length < 2) {
      return;
    }
    var box = element("div",
      "position:fixed;right:12px;bottom:12px;z-index:2147483646;display:flex;gap:6px;align-items:center;" +
      "background:#14171c;color:#f3f4f6;border-radius:6px;padding:7px 10px;opacity:.9;" +
      "box-shadow:0 2px 10px rgba(0,0,0,.3);font:12px/1 system-ui,sans-serif");
    box.id = "refkit-badge";
    var current = (document.documentElement.getAttribute("lang") || "").toLowerCase();
    for (var j = 0; j < langs.length; j++) {
      if (j > 0) {
        box.appendChild(document.createTextNode("|"));
      }
      var link = element("a", "color:inherit;text-decoration:none");
      link.href = langs[j].path;
      link.textContent = langs[j].lang.toUpperCase();
      link.hreflang = langs[j].lang;
      if (langs[j].lang.toLowerCase() === current) {
        link.style.fontWeight = "700";
        link.style.textDecoration = "underline";
      }
      box.appendChild(link);
    }
    var side = element("a", "color:#8ab4ff;text-decoration:none;margin-left:6px");
    side.id = "refkit-compare";
    side.href = "/__refkit/compare?path=" + encodeURIComponent(location.pathname);
    side.textContent = "\u21c6 compare";
    side.title = "Show the languages side by side";
    box.appendChild(side);
    document.body.appendChild(box);
  }

  badge();
  if (window.fetch) {
    fetch("/__refkit/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(apply)
      .catch(function () {});
  }
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/__refkit/events");
  events.addEventListener("status", function (e) {
    apply(parse(e.data));
  });
  events.addEventListener("reload", function (e) {
    var data = parse(e.data) || {};
    apply({ ok: true, error: null, build: data.build });
  });
  // The server's "error" events carry data; the browser's own connection errors do
  // not (EventSource reconnects by itself).
  events.addEventListener("error", function (e) {
    if (typeof e.data === "string") {
      showError(parse(e.data));
    }
  });
})();

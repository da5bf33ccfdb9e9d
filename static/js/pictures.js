// Keyboard for the pictures drawn on the server (the timeline's bars, the map's countries).
// Without this every bar and country is a Tab stop of its own; with it each picture is one
// Tab stop and the arrow keys move inside it (a "roving tabindex"): left and right along the
// bars, or to the nearest country in the arrow's direction on the map. Home and End go to
// the first and the last.
(function () {
  "use strict";

  function centre(link) {
    var box = link.getBBox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  // The nearest link in the arrow's direction: distance along it, sideways counting triple.
  function nearest(links, from, key) {
    var axis = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[key];
    if (!axis) return null;
    var origin = centre(from);
    var best = null;
    var bestScore = Infinity;
    links.forEach(function (link) {
      if (link === from) return;
      var c = centre(link);
      var dx = c.x - origin.x;
      var dy = c.y - origin.y;
      var along = dx * axis[0] + dy * axis[1];
      if (along <= 0) return;
      var score = along + 3 * Math.abs(dx * axis[1] + dy * axis[0]);
      if (score < bestScore) {
        bestScore = score;
        best = link;
      }
    });
    return best;
  }

  function inOrder(links, from, key) {
    var i = links.indexOf(from);
    if (key === "ArrowRight" || key === "ArrowDown") return links[i + 1] || null;
    if (key === "ArrowLeft" || key === "ArrowUp") return links[i - 1] || null;
    return null;
  }

  function rove(picture, next, start) {
    var links = Array.prototype.slice.call(picture.querySelectorAll("a[href]"));
    if (links.length < 2) return;
    links.forEach(function (link) { link.setAttribute("tabindex", "-1"); });
    (start(links) || links[0]).setAttribute("tabindex", "0");
    picture.addEventListener("keydown", function (event) {
      var from = event.target.closest && event.target.closest("a[href]");
      if (!from || event.altKey || event.ctrlKey || event.metaKey) return;
      var to = event.key === "Home" ? links[0]
        : event.key === "End" ? links[links.length - 1]
        : next(links, from, event.key);
      if (!to || to === from) return;
      event.preventDefault();
      from.setAttribute("tabindex", "-1");
      to.setAttribute("tabindex", "0");
      to.focus();
    });
  }

  function most(links) {
    return links.reduce(function (a, b) {
      return Number(b.dataset.count) > Number(a.dataset.count) ? b : a;
    });
  }

  document.querySelectorAll("svg.timeline-chart").forEach(function (chart) {
    rove(chart, inOrder, function (links) { return links[0]; });
  });
  document.querySelectorAll("svg.world-map-chart").forEach(function (map) {
    rove(map, nearest, function (links) {
      var chosen = map.querySelector(".is-selected");
      return chosen ? chosen.closest("a") : most(links);
    });
  });
})();

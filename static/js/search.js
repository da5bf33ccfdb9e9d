// Progressive enhancement for the search page. Everything works without it:
// the filters are a plain GET form and the share link is a plain text field.
(function () {
  "use strict";

  // "Copy link": copies the canonical URL of this search.
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { if (status) status.textContent = "Link copied"; };
      var fallback = function () {
        field.focus();
        field.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        if (status) status.textContent = ok ? "Link copied" : "Press Ctrl+C to copy the selected link";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  // Ticking a filter or changing the sort applies it at once. The page reloads, so the
  // control that was used gets the focus back: keyboard users keep their place.
  var form = document.getElementById("search-form");
  var FOCUS_KEY = "newsroom:focus";
  try {
    var focusId = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
    var again = focusId && document.getElementById(focusId);
    if (again) {
      var details = again.closest("details");
      if (details) details.open = true;
      again.focus();
    }
  } catch (e) { /* storage disabled: nothing to restore */ }
  if (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches('input[type="checkbox"], select.autosubmit')) {
        if (target.checked && target.name) {
          // Including and excluding one value at once makes no sense: untick the other box.
          var other = target.classList.contains("exclude") ? target.value.slice(1) : "-" + target.value;
          form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
            if (box.name === target.name && box.value === other) box.checked = false;
          });
        }
        try { window.sessionStorage.setItem(FOCUS_KEY, target.id); } catch (e) { /* ignore */ }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  }

  // A "Find" box above a long list of values hides those that do not match as you type.
  // Enter (or its button) asks the server instead: the values page, with every value.
  function fold(text) {
    var plain = text.normalize ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : text;
    return plain.toLowerCase().replace(/[^a-z0-9\u0080-\uffff]+/g, "");
  }
  document.querySelectorAll("input.facet-filter-input").forEach(function (input) {
    var list = document.getElementById(input.dataset.filters);
    if (!list) return;
    var items = Array.prototype.map.call(list.children, function (item) {
      var name = item.querySelector("label, a");
      return [item, fold(name ? name.textContent : item.textContent)];
    });
    var filter = function () {
      var wanted = fold(input.value);
      items.forEach(function (pair) {
        pair[0].hidden = wanted !== "" && pair[1].indexOf(wanted) === -1;
      });
    };
    input.addEventListener("input", filter);
  });
})();

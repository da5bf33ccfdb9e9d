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

  // The filter box above a long facet list hides values that do not match.
  document.querySelectorAll("input.facet-filter-input").forEach(function (input) {
    var list = document.getElementById(input.dataset.filters);
    if (!list) return;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // filter, do not submit the search
    });
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      list.querySelectorAll("li").forEach(function (item) {
        item.hidden = wanted !== "" && item.textContent.toLowerCase().indexOf(wanted) === -1;
      });
    });
  });
})();

// The people picker (issue 23), enhanced: a filter box over the plain <select> of the case team form,
// which works without this script (and with its own type-ahead). It shows the box the page ships
// hidden, and hides the options (and organisations) that do not hold every word typed.
// A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  each(document.querySelectorAll("[data-person-filter-for]"), function (box) {
    var select = document.getElementById(box.getAttribute("data-person-filter-for"));
    var input = box.querySelector("input");
    var status = box.querySelector("[data-person-filter-status]");
    if (!select || !input) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      each(select.querySelectorAll("optgroup"), function (group) {
        var any = false;
        each(group.querySelectorAll("option"), function (option) {
          var text = (option.textContent + " " + group.label).toLowerCase();
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !match;
          if (match) { any = true; shown += 1; }
        });
        group.hidden = !any;
      });
      if (status) {
        status.textContent = words.length ? status.getAttribute("data-person-filter-status").replace("{count}", shown) : "";
      }
    });
  });
})();

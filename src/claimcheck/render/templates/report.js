(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  var boxes = form.querySelectorAll("input[data-cat]");
  var status = document.getElementById("filter-status");
  function apply() {
    var on = {}, all = true, i, j;
    for (i = 0; i < boxes.length; i++) {
      on[boxes[i].getAttribute("data-cat")] = boxes[i].checked;
      if (!boxes[i].checked) { all = false; }
    }
    var items = document.querySelectorAll(".finding[data-cat], .mention[data-cat]");
    for (i = 0; i < items.length; i++) {
      items[i].classList.toggle("filtered-out", on[items[i].getAttribute("data-cat")] === false);
    }
    var pages = document.querySelectorAll("[data-cats]"), shown = 0, total = 0;
    for (i = 0; i < pages.length; i++) {
      var cats = pages[i].getAttribute("data-cats").split(" "), show = all;
      for (j = 0; j < cats.length && !show; j++) { show = on[cats[j]] === true; }
      pages[i].classList.toggle("filtered-out", !show);
      if (pages[i].tagName === "SECTION") { total++; if (show) { shown++; } }
    }
    if (status) {
      status.textContent = all ? "" : "Showing " + shown + " of " + total + " page sections.";
    }
  }
  function setAll(value) {
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = value; }
    apply();
  }
  form.addEventListener("change", apply);
  document.getElementById("filter-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("filter-none").addEventListener("click", function () { setAll(false); });
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) { closed[i].open = true; opened.push(closed[i]); }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) { opened.pop().open = false; }
  });
})();

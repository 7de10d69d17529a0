/* Drag and drop of the questionnaire's questions, within and across sections.
   The keyboard way is the "Monter / Descendre" buttons (plain forms); this only adds the mouse way.
   On drop, the whole order is posted to the reorder endpoint; the page reloads to show the numbers. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-reorder]");
  if (!form) { return; }
  var dragged = null;

  function order() {
    var items = [];
    document.querySelectorAll("ol.questions").forEach(function (list) {
      list.querySelectorAll("li[data-question]").forEach(function (item) {
        items.push(list.dataset.section + ":" + item.dataset.question);
      });
    });
    return items.join(",");
  }

  function save() {
    form.querySelector("input[name=order]").value = order();
    form.submit();
  }

  document.querySelectorAll("li.draggable-question").forEach(function (item) {
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.question);
      item.classList.add("opacity-50");
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("opacity-50");
    });
  });

  document.querySelectorAll("ol.questions").forEach(function (list) {
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var target = event.target.closest("li[data-question]");
      if (target && target !== dragged) {
        var box = target.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        target.parentNode.insertBefore(dragged, after ? target.nextSibling : target);
      } else if (!target) {
        list.appendChild(dragged);
      }
    });
    list.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      dragged = null;
      save();
    });
  });
})();

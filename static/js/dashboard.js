/* Partner dashboard: confirm before deleting; hide an exception's times when the day is closed. */
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  var closed = document.getElementById("id_is_closed");
  var times = ["id_opens", "id_closes"].map(function (id) {
    var input = document.getElementById(id);
    return input && input.closest(".field");
  }).filter(Boolean);
  if (closed && times.length) {
    var sync = function () {
      times.forEach(function (field) { field.hidden = closed.checked; });
    };
    closed.addEventListener("change", sync);
    sync();
  }
})();

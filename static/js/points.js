/* Checkout: keep the points number and slider in step (htmx then re-quotes). */
(function () {
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.id === "points-range") {
      var number = document.getElementById("points-number");
      if (number) { number.value = target.value; }
    } else if (target.id === "points-number") {
      var range = document.getElementById("points-range");
      if (range) { range.value = target.value; }
    }
  });
})();

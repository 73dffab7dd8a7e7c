/* Checkout: keep the points number and slider in step, and keep the number within 0…max as a
   whole number (600 when 540 is allowed becomes 540, −5 becomes 0, 12.7 becomes 12) before htmx
   re-quotes; the server still refuses a bad number when booking. */
(function () {
  function clamp(input) {
    if (input.validity && input.validity.badInput) { return null; }  /* "12." while typing */
    if (input.value === "") { return null; }
    var value = Math.floor(Number(input.value));
    if (isNaN(value)) { return null; }
    var max = parseInt(input.max, 10);
    if (isNaN(max)) { max = 0; }
    return Math.min(Math.max(value, 0), max);
  }

  function apply(number) {
    var value = clamp(number);
    if (value === null) { return null; }
    if (String(value) !== number.value) { number.value = value; }
    var range = document.getElementById("points-range");
    if (range) { range.value = value; }
    return value;
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.id === "points-range") {
      var number = document.getElementById("points-number");
      if (number) { number.value = target.value; }
    } else if (target.id === "points-number") {
      var value = clamp(target);
      /* Out of range: correct at once; a fraction is floored when the client stops typing. */
      if (value !== null && (Number(target.value) > value || Number(target.value) < 0)) {
        apply(target);
      } else if (value !== null) {
        var range = document.getElementById("points-range");
        if (range) { range.value = value; }
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "points-number") { apply(event.target); }
  });

  /* Before the re-quote: send the clamped number, or nothing while the field is half-typed. */
  document.addEventListener("htmx:configRequest", function (event) {
    var number = document.getElementById("points-number");
    if (!number) { return; }
    var value = apply(number);
    if (value === null) {
      if (number.value === "" && !(number.validity && number.validity.badInput)) {
        event.detail.parameters.points = "0";
        return;
      }
      event.preventDefault();
      return;
    }
    event.detail.parameters.points = String(value);
  });

  document.addEventListener("submit", function (event) {
    var number = event.target.querySelector && event.target.querySelector("#points-number");
    if (number) { apply(number); }
  });
})();

/* The slot picker's day switcher (templates/bookings/_availability.html): the month ahead is
   read from the availability API in one request (GET …/availability/?from=&to=, 31 days) as
   soon as the page has loaded, and "previous day", "next day" and the date field then show a
   day from it without asking the server again; a day outside it fetches the month around it.
   Without JavaScript, or if the API cannot be reached, the links open the booking page of that
   day, as they always did. */
(function () {
  var MONTH = 31;

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function Switcher(box) {
    this.box = box;
    this.url = box.getAttribute("data-availability");
    this.weekdays = box.getAttribute("data-weekdays").split("|");
    this.months = box.getAttribute("data-months").split("|");
    this.days = {};      /* "YYYY-MM-DD" → its slots, as the API gives them */
    this.loading = null; /* the request under way, if any */
    var self = this;
    box.querySelectorAll("[data-step]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) { return; }
        event.preventDefault();
        var step = parseInt(link.getAttribute("data-step"), 10);
        self.go(addDays(box.getAttribute("data-day"), step), link.href, step);
      });
    });
    var input = box.querySelector('input[type="date"]');
    input.addEventListener("change", function () {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value)) { return; }
      var form = input.form;
      self.go(input.value, form.action + "?date=" + input.value, 1);
    });
    this.load(box.getAttribute("data-day"));
  }

  /* Read 31 days from `first` (or up to `first` when going back) into this.days. */
  Switcher.prototype.load = function (first) {
    var self = this;
    var query = "?from=" + first + "&to=" + addDays(first, MONTH - 1);
    this.loading = fetch(this.url + query, {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) {
        /* A refusal (a day past the booking horizon) says why, in the page's language. */
        if (!response.ok) { throw new Refusal(body.error.message); }
        return body;
      });
    }).then(function (body) {
      body.days.forEach(function (day) { self.days[day.date] = day.slots; });
    }).finally(function () { self.loading = null; });
    return this.loading;
  };

  function Refusal(message) { this.message = message; }

  /* Show `day`: from what was read, else after reading its month; the API's refusal is shown
     in its place, and if the API cannot be reached `href` (the day's booking page) opens. */
  Switcher.prototype.go = function (day, href, step) {
    var self = this;
    if (this.days[day]) { this.show(day); return; }
    var wait = this.loading || Promise.resolve();
    wait.catch(function () {}).then(function () {
      if (self.days[day]) { return; }
      return self.load(step < 0 ? addDays(day, 1 - MONTH) : day);
    }).then(function () {
      if (self.days[day]) { self.show(day); } else { window.location.assign(href); }
    }, function (error) {
      if (error instanceof Refusal) { self.show(day, error.message); }
      else { window.location.assign(href); }
    });
  };

  Switcher.prototype.heading = function (day) {
    var d = new Date(day + "T00:00:00Z");
    /* The date filter's "l, j E Y", with the words the server gave. */
    return this.weekdays[(d.getUTCDay() + 6) % 7] + ", " + d.getUTCDate() + " " +
      this.months[d.getUTCMonth()] + " " + d.getUTCFullYear();
  };

  Switcher.prototype.money = function (price) {
    /* venues_tags.rub: whole roubles without kopecks, grouped as the page's language does. */
    var amount = Number(price);
    var whole = amount === Math.floor(amount);
    var text = new Intl.NumberFormat(document.documentElement.lang || "ru", {
      minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2
    }).format(amount);
    return text + "\u00a0₽";
  };

  Switcher.prototype.slot = function (slot) {
    var prototype = this.box.querySelector('template[data-slot="' + slot.status + '"]');
    var item = prototype.content.firstElementChild.cloneNode(true);
    var times = slot.start.slice(11, 16) + "–" + slot.end.slice(11, 16);
    var input = item.querySelector("input");
    if (input) {
      input.value = slot.start;
      input.nextSibling.nodeValue = " " + times + " · ";
      item.querySelector(".money").textContent = this.money(slot.price);
    } else {
      item.querySelector("span").textContent = times;
    }
    return item;
  };

  /* Show the slots of `day`, or instead the `refusal` the API gave for it. */
  Switcher.prototype.show = function (day, refusal) {
    var box = this.box;
    var slots = refusal ? [] : this.days[day];
    var free = slots.some(function (slot) { return slot.status === "free"; });
    box.setAttribute("data-day", day);
    box.querySelector('input[type="date"]').value = day;
    box.querySelectorAll("[data-step]").forEach(function (link) {
      var step = parseInt(link.getAttribute("data-step"), 10);
      var href = link.getAttribute("href");
      link.setAttribute("href", href.replace(/date=[^&]*/, "date=" + addDays(day, step)));
    });
    box.querySelector("[data-heading]").textContent = this.heading(day);
    var refused = box.querySelector("[data-refusal]");
    refused.textContent = refusal || "";
    refused.hidden = !refusal;
    box.querySelector("[data-when-closed]").hidden = slots.length > 0 || !!refusal;
    box.querySelector(".slot-picker").hidden = slots.length === 0;
    box.querySelector("[data-when-free]").hidden = !free;
    box.querySelector("[data-when-full]").hidden = free;
    box.querySelector(".slots").replaceChildren.apply(
      box.querySelector(".slots"), slots.map(this.slot, this)
    );
  };

  function start() {
    document.querySelectorAll("[data-availability]").forEach(function (box) {
      if (!box.availabilitySwitcher) { box.availabilitySwitcher = new Switcher(box); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

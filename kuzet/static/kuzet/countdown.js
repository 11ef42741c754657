// The queue's golden-hour countdown, kept current without reloading the page. The server
// already wrote the minutes left; this only counts them down (progressive enhancement).
(function () {
  "use strict";
  function update() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[data-until]").forEach(function (element) {
      var left = Math.floor((Date.parse(element.dataset.until) - now) / 60000);
      element.textContent = left > 0
        ? element.dataset.template.replace("__MINUTES__", String(left))
        : element.dataset.expired;
    });
  }
  update();
  window.setInterval(update, 30000);
})();

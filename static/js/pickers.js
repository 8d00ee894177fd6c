/* Pickers and date fields, added to server-rendered controls (the forms work without this script).

   <select data-picker>: a search-as-you-type selector over the select's own options (tom-select).
   <select data-picker data-picker-url="/…?q=">: the same, also asking the server for matches
   (lists that can be long: complaints, people); the answer is {"results": [{"value", "text"}]}.
   data-picker-dropdown="body": the list opens over the page (a picker inside a scrolled table).
   <input data-jdp>: on Persian pages, a Jalali calendar (jalalidatepicker) that writes ۱۴۰۳/۰۵/۱۲.
   The messages come from the <body data-picker-*> attributes, in the page's language. */
(function () {
  "use strict";
  var body = document.body;
  var messages = {
    none: body.dataset.pickerNone || "No match",
    more: body.dataset.pickerMore || "Type to search",
  };

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  /* User text inside the list keeps its own direction (a Persian name on an English page). */
  function render(item) { return '<div dir="auto">' + escapeHtml(item.text) + "</div>"; }

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    var url = select.dataset.pickerUrl;
    var settings = {
      allowEmptyOption: true,
      maxOptions: 50,
      closeAfterSelect: true,
      create: false,
      searchField: ["text"],
      render: {
        option: render,
        item: render,
        no_results: function () { return '<div class="no-results">' + escapeHtml(messages.none) + "</div>"; },
      },
      /* A pick ends the choice: the list closes and stays closed. A search still waiting to run (an
         option clicked within refreshThrottle of the last key) would open it again and take the focus
         back from the next field; left-over typed text would make the field two lines high until it loses
         the focus, moving the field below away from under a click. */
      onItemAdd: function () {
        if (this.refreshTimeout) { window.clearTimeout(this.refreshTimeout); this.refreshTimeout = null; }
        this.setTextboxValue("");  // the typed search goes: the field keeps one line, nothing below it moves
        this.close();
      },
      onInitialize: function () {
        // The original select keeps its name and value: the form posts as without the script.
        this.control_input.setAttribute("aria-label", select.getAttribute("aria-label") || (select.labels && select.labels[0] ? select.labels[0].textContent.trim() : ""));
      },
    };
    // A picker inside a scrolled table (the FMEA grid) opens its list over the page, not clipped by the table.
    if (select.dataset.pickerDropdown === "body") settings.dropdownParent = "body";
    if (url) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.loadThrottle = 250;
      settings.shouldLoad = function (query) { return query.trim().length > 0; };
      settings.load = function (query, callback) {
        var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
        fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results || []); })
          .catch(function () { callback(); });
      };
    }
    new window.TomSelect(select, settings);
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(enhance);
  }

  /* Persian pages write dates in Persian digits (۱۴۰۳/۰۵/۱۲). The calendar reads and writes 0-9 only, so
     each Jalali field shows Persian digits while its value, as scripts read it (the calendar, the FMEA grid),
     has Latin ones; the form posts what the field shows and the server reads either. */
  var nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  function toPersian(text) { return String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }); }
  function toLatin(text) {
    return String(text).replace(/[۰-۹٠-٩]/g, function (d) {
      var code = d.charCodeAt(0);
      return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
    });
  }
  function persianDigits(input) {
    if (!input || input.tagName !== "INPUT" || input.dataset.jdp === undefined || input.workbenchDigits) return;
    input.workbenchDigits = true;
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () { return toLatin(nativeValue.get.call(this)); },
      set: function (text) { nativeValue.set.call(this, toPersian(text)); },
    });
    nativeValue.set.call(input, toPersian(nativeValue.get.call(input)));
  }
  if (document.documentElement.lang === "fa") {
    document.querySelectorAll("input[data-jdp]").forEach(persianDigits);
    // Fields added later (the FMEA grid's cell editor, the evidence form): before the calendar reads them.
    ["focusin", "mousedown"].forEach(function (kind) {
      document.addEventListener(kind, function (event) { persianDigits(event.target); }, true);
    });
    document.addEventListener("input", function (event) {  // typed 0-9 shown as Persian, the caret kept
      var input = event.target;
      if (!input.workbenchDigits) return;
      var shown = nativeValue.get.call(input);
      if (!/[0-9]/.test(shown)) return;
      var start = input.selectionStart, end = input.selectionEnd;
      nativeValue.set.call(input, toPersian(shown));
      input.setSelectionRange(start, end);
    }, true);
  }

  var watching = false;
  /* Once per page: the calendar then opens on any input[data-jdp], also those added later. */
  function watchDates() {
    if (watching || !window.jalaliDatepicker) return;
    watching = true;
    window.jalaliDatepicker.startWatch({
      autoReadOnlyInput: false,  // typing (or pasting) a date still works
      showTodayBtn: true,
      showEmptyBtn: true,
      persianDigits: true,  // days, months and years in the calendar as on the rest of the page
      zIndex: 2000,
    });
  }

  enhanceAll(document);
  watchDates();
  /* Scripts that build forms later (the fishbone's evidence form) ask for the same. */
  window.workbenchPickers = { enhance: enhanceAll, dates: watchDates };
})();

/* The FMEA table: in-place editing, keyboard entry, rating scales, sorting and filtering.
   Every value is written with textContent, so user text is never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fmea-data").textContent);
  var table = document.getElementById("fmea-table");
  var tbody = table.tBodies[0];
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var statusBox = document.getElementById("fmea-status");
  // Rows arrive as lists in data.keys order, with an optional last item of [code, text index] issues.
  var rows = data.rows.map(function (values) {
    var row = {};
    data.keys.forEach(function (key, i) { row[key] = values[i]; });
    var issues = values.length > data.keys.length ? values[data.keys.length] : [];
    row.issues = issues.map(function (pair) { return { code: pair[0], message: data.issue_texts[pair[1]] }; });
    return row;
  });
  var byId = {};
  var trById = {};
  var RATINGS = { severity: "severity", occurrence: "occurrence", detection: "detection",
    revised_severity: "severity", revised_occurrence: "occurrence", revised_detection: "detection" };
  var ORDER = { H: 3, M: 2, L: 1 };
  var editing = null;

  /* A message with its values; numbers (a cause's id, a rating in a conflict, stored or typed) in the page's digits. */
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      var value = values[key];
      if (value == null) return "";
      return typeof value === "number" || /^[0-9]+$/.test(value) ? digits(value) : value;
    });
  }
  function say(text, isError) {
    statusBox.textContent = text;
    statusBox.className = isError ? "error" : "ok";
  }
  function lookup(pairs, key) {
    for (var i = 0; i < pairs.length; i++) if (String(pairs[i][0]) === String(key)) return pairs[i][1];
    return "";
  }
  var persian = data.lang === "fa";
  var dateFormat = new Intl.DateTimeFormat(persian ? "fa-IR-u-ca-persian" : "en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" });
  function digits(text) {
    return persian ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }
  var jalaliParts = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" });
  /* An ISO date as typed in a Persian date field (1403/05/12); the server reads it back. */
  function jalaliInput(value) {
    if (value === null || value === undefined || value === "") return "";
    var parsed = new Date(String(value).slice(0, 10) + "T00:00:00Z");
    if (isNaN(parsed)) return String(value);
    var parts = {};
    jalaliParts.formatToParts(parsed).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "/" + parts.month + "/" + parts.day;
  }
  function pickerOpen() {
    var box = document.querySelector("jdp-container");
    return !!box && window.getComputedStyle(box).display !== "none" && box.getClientRects().length > 0;
  }
  function display(row, column) {
    var value = row[column.field];
    if (value === null || value === undefined || value === "") return "";
    if (column.editor === "type") return lookup(data.types, value);
    if (column.editor === "status") return lookup(data.statuses, value);
    if (column.editor === "person") return lookup(data.people, value) || "#" + value;
    if (column.editor === "date") {
      var parsed = new Date(String(value).slice(0, 10) + "T00:00:00Z");
      return isNaN(parsed) ? String(value) : dateFormat.format(parsed);
    }
    if (column.editor === "rating" || column.field === "rpn" || column.field === "revised_rpn") return digits(value);
    return String(value);
  }
  function flagsOf(row) {
    var out = [], t = data.setting.threshold;
    if (row.action_priority === "H") out.push("ap_high");
    if (row.rpn !== null && row.rpn >= t) out.push("over_threshold");
    if (data.setting.driver === "rpn" ? (row.rpn !== null && row.rpn >= t) : row.action_priority === "H") out.push("high");
    if ((row.severity || 0) >= 9) out.push("severe");
    return out;
  }

  // Fixed column widths (rem): with table-layout fixed an edit re-lays out one row, not 5,000.
  // Wide enough that no title breaks inside a word ("Occurrence (O)" wraps between its words).
  var WIDTHS = { text: 12, short: 6.5, rating: 7, computed: 6, date: 8, type: 7, status: 9, person: 9, actions: 15 };
  // What stays in view while S/O/D are rated: structure, function, failure effect, failure mode and cause.
  var FROZEN = { process_step: 9, "function": 9, failure_effect: 9, failure_mode: 9, failure_cause: 9 };
  var frozenStyle = document.createElement("style");
  document.head.appendChild(frozenStyle);
  function freeze(on) {
    // The page's start side, not the cell's: a text cell takes the direction of its text (dir=auto), and an
    // English cause on a Persian page would otherwise stick to the left while the table starts on the right.
    var offset = 3.5, rules = [], side = document.dir === "rtl" ? "right" : "left";
    data.columns.forEach(function (c) {
      if (!FROZEN[c.field]) return;
      rules.push('table.fmea.frozen [data-field="' + c.field + '"] { position: sticky; ' + side + ': ' + offset + 'rem; z-index: 1; }');
      rules.push('table.fmea.frozen thead th[data-field="' + c.field + '"] { z-index: 3; }');
      offset += FROZEN[c.field];
    });
    var last = data.columns.filter(function (c) { return FROZEN[c.field]; }).pop();
    if (last) rules.push('table.fmea.frozen [data-field="' + last.field + '"] { box-shadow: inset ' + (document.dir === "rtl" ? "3px" : "-3px") + ' 0 0 #98a2b3; }');
    frozenStyle.textContent = rules.join("\n");
    table.classList.toggle("frozen", on);
    try { window.localStorage.setItem("fmea-frozen", on ? "1" : "0"); } catch (e) { /* not remembered */ }
  }
  function buildColumns() {
    var group = document.createElement("colgroup"), total = 3.5 + 14;
    var add = function (width) {
      var col = document.createElement("col");
      col.style.width = width + "rem";
      group.appendChild(col);
    };
    add(3.5);
    data.columns.forEach(function (c) { var w = FROZEN[c.field] || WIDTHS[c.editor] || 10; total += w; add(w); });
    add(14);
    table.insertBefore(group, table.firstChild);
    table.style.width = total + "rem";
    var toggle = document.getElementById("fmea-freeze"), remembered = null;
    try { remembered = window.localStorage.getItem("fmea-frozen"); } catch (e) { remembered = null; }
    var on = remembered === null ? true : remembered === "1";
    if (toggle) { toggle.checked = on; toggle.addEventListener("change", function () { freeze(toggle.checked); }); }
    freeze(on);
  }

  function buildHead() {
    var thead = table.tHead, groupRow = thead.insertRow(), labelRow = thead.insertRow();
    var first = document.createElement("th");
    first.rowSpan = 2; first.textContent = "#"; groupRow.appendChild(first);
    var last = null, span = null;
    data.columns.forEach(function (c) {
      if (c.group !== last) {
        span = document.createElement("th");
        span.colSpan = 0; span.className = "group group-" + c.group;
        span.textContent = data.groups[c.group];
        groupRow.appendChild(span); last = c.group;
      }
      span.colSpan += 1;
      var th = document.createElement("th");
      th.textContent = c.label; th.dataset.field = c.field; th.scope = "col";
      labelRow.appendChild(th);
    });
    var tail = document.createElement("th");
    tail.rowSpan = 2; tail.className = "no-print"; tail.textContent = "";
    groupRow.appendChild(tail);
  }

  function renderRow(row) {
    var tr = document.createElement("tr");
    tr.dataset.id = row.id;
    var num = document.createElement("th");
    num.scope = "row"; num.textContent = digits(row.position);
    tr.appendChild(num);
    data.columns.forEach(function (c) {
      var td = document.createElement("td");
      td.dataset.field = c.field;
      td.className = "c-" + c.editor;
      if (c.editor === "text") td.dir = "auto";  // what the team wrote keeps its own direction (an English cause on a Persian page)
      if (c.editor !== "computed" && data.can_write) td.tabIndex = -1;
      else if (c.editor === "computed") td.tabIndex = -1;
      fillCell(td, row, c);
      tr.appendChild(td);
    });
    var tools = document.createElement("td");
    tools.className = "tools no-print";
    var history = document.createElement("a");
    history.href = data.api.history + row.id + "/history";
    history.textContent = data.messages.history;
    tools.appendChild(history);
    if (row.cause_id) {
      var cause = document.createElement("span");
      cause.className = "badge"; cause.textContent = fmt(data.messages.from_cause, { id: row.cause_id });
      tools.appendChild(cause);
    }
    if (data.can_write) {
      var del = document.createElement("button");
      del.type = "button"; del.className = "link danger"; del.textContent = data.messages["delete"];
      del.addEventListener("click", function () { removeRow(row.id); });
      tools.appendChild(del);
    }
    var issueList = document.createElement("ul");
    issueList.className = "issues";
    tools.appendChild(issueList);
    tr.appendChild(tools);
    markRow(tr, row);
    return tr;
  }

  function linkedActions(row) { return row.corrective_actions || []; }

  // The corrective actions that address the row (the tracker's own records) and a button to add one.
  function fillActions(td, row) {
    td.textContent = "";
    var list = document.createElement("ul");
    list.className = "linked-actions";
    linkedActions(row).forEach(function (action) {
      var li = document.createElement("li");
      li.dataset.actionId = action.id;
      var link = document.createElement("a");
      link.href = action.url; link.textContent = action.title;
      var status = document.createElement("span");
      status.className = "badge action-status status-" + action.status; status.textContent = action.status_label || action.status;
      li.appendChild(link); li.appendChild(document.createTextNode(" ")); li.appendChild(status);
      if (action.overdue) {
        var late = document.createElement("span");
        late.className = "badge overdue"; late.textContent = data.messages.overdue;
        li.appendChild(document.createTextNode(" ")); li.appendChild(late);
      }
      list.appendChild(li);
    });
    if (!linkedActions(row).length && !data.can_write) {
      var none = document.createElement("li");
      none.className = "muted"; none.textContent = data.messages.no_actions;
      list.appendChild(none);
    }
    td.appendChild(list);
    if (data.can_write) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "secondary small create-action";
      button.textContent = data.messages.create_action;
      button.addEventListener("click", function () { askForAction(byId[row.id] || row, button); });
      td.appendChild(button);
    }
  }

  function fillCell(td, row, c) {
    if (c.editor === "actions") { fillActions(td, row); return; }
    if (c.editor === "status") td.title = linkedActions(row).length ? data.messages.status_follows : "";
    var text = display(row, c);
    td.textContent = text;
    td.classList.remove("ap-H", "ap-M", "ap-L");
    if ((c.field === "action_priority" || c.field === "revised_action_priority") && text) td.classList.add("ap-" + text);
  }

  function markRow(tr, row) {
    var f = flagsOf(row);
    tr.classList.toggle("is-high", f.indexOf("high") >= 0);
    tr.classList.toggle("is-over", f.indexOf("over_threshold") >= 0);
    tr.classList.toggle("is-severe", f.indexOf("severe") >= 0);
    var sev = tr.querySelector('td[data-field="severity"]');
    if (sev) sev.title = f.indexOf("severe") >= 0 ? data.messages.severe : "";
    var list = tr.querySelector("ul.issues");
    list.textContent = "";
    (row.issues || []).forEach(function (issue) {
      var li = document.createElement("li");
      li.textContent = issue.message; li.dataset.code = issue.code;
      list.appendChild(li);
    });
    var problems = (row.issues || []).map(function (issue) { return issue.message; });
    tr.classList.toggle("has-issues", problems.length > 0);
    tr.cells[0].textContent = digits(row.position) + (problems.length ? " ⚠" : "");
    tr.cells[0].title = problems.join("\n");
  }

  function columnOf(field) {
    for (var i = 0; i < data.columns.length; i++) if (data.columns[i].field === field) return data.columns[i];
    return null;
  }

  function refreshRow(row) {
    byId[row.id] = row;
    var tr = trById[row.id];
    if (!tr) return;
    data.columns.forEach(function (c) { fillCell(tr.querySelector('td[data-field="' + c.field + '"]'), row, c); });
    markRow(tr, row);
  }

  // Rows are drawn on demand: at most ``limit`` of the sorted, filtered rows are in the page at once,
  // so a 5,000-row FMEA stays quick to lay out; "Show more" draws the next batch.
  var PAGE = 500, limit = PAGE, pinned = {};
  function trFor(row) {
    if (!trById[row.id]) trById[row.id] = renderRow(row);
    return trById[row.id];
  }

  function renderAll() {
    rows.forEach(function (row) { byId[row.id] = row; });
    applyView();
  }

  // -- sorting and filtering ------------------------------------------------------
  var sortSelect = document.getElementById("fmea-sort");
  var apFilter = document.getElementById("fmea-filter-ap");
  var rpnFilter = document.getElementById("fmea-filter-rpn");
  var sFilter = document.getElementById("fmea-filter-s");
  var issueFilter = document.getElementById("fmea-filter-issues");
  var SORTS = {
    position: function (a, b) { return a.position - b.position || a.id - b.id; },
    ap: function (a, b) {
      return (ORDER[b.action_priority] || 0) - (ORDER[a.action_priority] || 0) ||
        (b.severity || 0) - (a.severity || 0) || (b.rpn || 0) - (a.rpn || 0) || a.position - b.position;
    },
    rpn: function (a, b) { return (b.rpn || 0) - (a.rpn || 0) || a.position - b.position; },
    severity: function (a, b) { return (b.severity || 0) - (a.severity || 0) || a.position - b.position; }
  };
  var moreButton = document.getElementById("fmea-more");
  function applyView() {
    var ordered = rows.slice().sort(SORTS[sortSelect.value] || SORTS.position);
    var ap = apFilter.value, minRpn = parseInt(rpnFilter.value, 10), minS = parseInt(sFilter.value, 10);
    var onlyIssues = issueFilter.checked;
    var matching = ordered.filter(function (row) {
      return pinned[row.id] || ((!ap || row.action_priority === ap) &&
        (isNaN(minRpn) || (row.rpn || 0) >= minRpn) &&
        (isNaN(minS) || (row.severity || 0) >= minS) &&
        (!onlyIssues || (row.issues || []).length > 0));
    });
    var drawn = matching.filter(function (row, index) { return index < limit || pinned[row.id]; });
    var fragment = document.createDocumentFragment();
    drawn.forEach(function (row) { fragment.appendChild(trFor(row)); });
    var focused = document.activeElement && tbody.contains(document.activeElement) ? document.activeElement : null;
    tbody.textContent = "";
    tbody.appendChild(fragment);
    if (focused && tbody.contains(focused)) focused.focus({ preventScroll: true });
    if (!tbody.querySelector("td.current") && tbody.rows.length) tbody.rows[0].cells[1].tabIndex = 0;
    var rest = matching.length - drawn.length;
    moreButton.hidden = rest <= 0;
    moreButton.textContent = rest === 1 ? data.messages.more_one : fmt(data.messages.more, { n: Math.min(rest, PAGE) });
    document.getElementById("fmea-count").textContent = fmt(data.messages.shown, { shown: digits(drawn.length), total: digits(rows.length) });
  }
  moreButton.addEventListener("click", function () { limit += PAGE; applyView(); });
  var resetAndApply = function () { limit = PAGE; applyView(); };
  [sortSelect, apFilter, issueFilter].forEach(function (el) { el.addEventListener("change", resetAndApply); });
  [rpnFilter, sFilter].forEach(function (el) { el.addEventListener("input", resetAndApply); });

  // -- talking to the API -----------------------------------------------------------
  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      if (response.status === 204) return { status: 204, body: null };
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }
  function failed(error) { say(fmt(data.messages.error, { message: error.message }), true); }
  function refreshIssues() {
    return send("GET", data.api.issues).then(function (answer) {
      if (answer.status !== 200) return;
      rows.forEach(function (row) {
        var now = answer.body.issues[String(row.id)] || [];
        if (JSON.stringify(now) !== JSON.stringify(row.issues || [])) {
          row.issues = now;
          if (trById[row.id]) markRow(trById[row.id], row);
        }
      });
    }).catch(function () { /* the issue list catches up on the next change */ });
  }

  function save(row, field, value) {
    var body = { version: row.version };
    body[field] = value;
    return send("PATCH", data.api.row + row.id, body).then(function (answer) {
      if (answer.status === 200) {
        var fresh = answer.body;
        fresh.issues = row.issues;
        replaceRow(row, fresh);
        say(data.messages.saved);
        refreshIssues();
        return true;
      }
      if (answer.status === 409) {
        var current = answer.body.current || {};
        var theirs = Object.assign({}, row, current);
        theirs.version = current.version;
        say(fmt(data.messages.conflict, { current: current[field] == null ? "" : current[field], submitted: value }), true);
        replaceRow(row, theirs);
        return true;
      }
      var message = answer.body && answer.body.errors ? Object.keys(answer.body.errors).map(function (k) { return answer.body.errors[k]; }).join(" ") : (answer.body && answer.body.message) || answer.status;
      say(fmt(data.messages.error, { message: message }), true);
      return false;
    }).catch(function (error) {
      say(fmt(data.messages.error, { message: error.message }), true);
      return false;
    });
  }
  function replaceRow(old, fresh) {
    var index = rows.indexOf(old);
    if (index >= 0) rows[index] = fresh;
    refreshRow(fresh);
  }

  /* "Create corrective action" asks who owns it and by when (the row's responsible person and target date first). */
  function askForAction(row, button) {
    var dialog = document.createElement("dialog");
    dialog.className = "fmea-action-dialog card";
    var form = document.createElement("form");
    form.method = "dialog";
    var title = document.createElement("h3"); title.textContent = data.messages.create_action;
    var ownerLabel = document.createElement("label"); ownerLabel.textContent = data.messages.action_owner;
    var owner = document.createElement("select"); owner.name = "owner_id"; owner.required = true;
    var blank = document.createElement("option"); blank.value = ""; blank.textContent = data.messages.none; owner.appendChild(blank);
    data.people.forEach(function (p) { var o = document.createElement("option"); o.value = p[0]; o.textContent = p[1]; owner.appendChild(o); });
    owner.value = row.responsible_id ? String(row.responsible_id) : "";
    owner.dataset.picker = ""; owner.dataset.pickerUrl = data.api.people;  // the page's few people, and a search for the rest
    // Beside its label, not inside it: a click on the picker inside a label would hand the focus to the hidden select.
    owner.id = "fmea-action-owner"; ownerLabel.htmlFor = owner.id; owner.setAttribute("aria-label", data.messages.action_owner);
    var dueLabel = document.createElement("label"); dueLabel.textContent = data.messages.action_due;
    var due = document.createElement("input"); due.name = "due_date"; due.required = true; due.dir = "ltr";
    due.placeholder = data.messages.date_example; due.value = row.target_date ? digits(String(row.target_date).slice(0, 10)) : "";
    dueLabel.appendChild(due);
    var problem = document.createElement("p"); problem.className = "error"; problem.setAttribute("role", "alert");
    var actions = document.createElement("div"); actions.className = "actions";
    var ok = document.createElement("button"); ok.type = "submit"; ok.textContent = data.messages.create_action;
    var cancel = document.createElement("button"); cancel.type = "button"; cancel.className = "secondary"; cancel.textContent = data.messages.cancel;
    actions.appendChild(ok); actions.appendChild(cancel);
    [title, ownerLabel, owner, dueLabel, problem, actions].forEach(function (n) { form.appendChild(n); });
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    cancel.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); button.focus(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      createAction(row, button, { owner_id: owner.value, due_date: due.value.trim() }, function (message) {
        if (message) { problem.textContent = message; return; }
        dialog.close();
      });
    });
    dialog.showModal();
    if (window.workbenchPickers) window.workbenchPickers.enhance(form);
    if (owner.value) due.focus();
    else if (owner.tomselect) owner.tomselect.focus();
    else owner.focus();
  }

  function createAction(row, button, chosen, done) {
    button.disabled = true;
    send("POST", data.api.row + row.id + "/actions", chosen).then(function (answer) {
      button.disabled = false;
      if (answer.status !== 201) {
        var body = answer.body || {};
        var text = body.errors ? Object.keys(body.errors).map(function (k) { return body.errors[k]; }).join(" ") : body.message || answer.status;
        say(fmt(data.messages.error, { message: text }), true);
        if (done) done(String(text));
        return;
      }
      if (done) done(null);
      var fresh = answer.body.row;
      fresh.issues = row.issues;
      replaceRow(byId[row.id] || row, fresh);
      say(fmt(data.messages.action_created, { title: answer.body.action.title }) + (answer.body.message ? " " + answer.body.message : ""));
      refreshIssues();
      var cell = trById[row.id] && trById[row.id].querySelector('td[data-field="corrective_actions"] a');
      if (cell) cell.focus();
    }).catch(function (error) {
      button.disabled = false;
      say(fmt(data.messages.error, { message: error.message }), true);
    });
  }

  function addRow() {
    if (!data.can_write) return;
    send("POST", data.api.rows, {}).then(function (answer) {
      if (answer.status !== 201) {
        say(fmt(data.messages.error, { message: (answer.body && answer.body.message) || answer.status }), true);
        return;
      }
      var row = answer.body;
      row.issues = [];
      rows.push(row);
      byId[row.id] = row;
      pinned[row.id] = true;  // a row just added stays in view whatever the sort, filter or batch
      applyView();
      focusCell(trById[row.id].querySelector('td[data-field="process_item"]'));
      say(data.messages.saved);
    }).catch(failed);
  }
  var addButton = document.getElementById("fmea-add");
  if (addButton) addButton.addEventListener("click", addRow);

  function removeRow(id) {
    var row = byId[id];
    if (!window.confirm(data.messages.confirm_delete)) return;
    send("DELETE", data.api.row + id, { version: row.version }).then(function (answer) {
      if (answer.status === 204) {
        rows.splice(rows.indexOf(row), 1);
        if (trById[id]) trById[id].remove();
        delete trById[id]; delete byId[id]; delete pinned[id];
        applyView();
        refreshIssues();
        say(data.messages.deleted);
      } else {
        say(fmt(data.messages.error, { message: (answer.body && answer.body.message) || answer.status }), true);
      }
    }).catch(failed);
  }

  // -- editing in place -----------------------------------------------------------
  function editorFor(column, row) {
    var input;
    if (column.editor === "type" || column.editor === "status" || column.editor === "person") {
      input = document.createElement("select");
      if (column.editor === "person") {  // search-as-you-type: the page carries a few people, the server finds the rest
        input.dataset.picker = ""; input.dataset.pickerUrl = data.api.people; input.dataset.pickerDropdown = "body";
        input.setAttribute("aria-label", column.label);
      }
      var options = column.editor === "type" ? data.types : column.editor === "status" ? data.statuses : data.people;
      if (column.editor !== "status") options = [["", data.messages.none]].concat(options);
      options.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0]; option.textContent = pair[1];
        input.appendChild(option);
      });
    } else if (column.editor === "text") {
      input = document.createElement("textarea");
      input.rows = 2;
    } else {
      input = document.createElement("input");
      input.type = column.editor === "date" && !persian ? "date" : "text";
      if (column.editor === "rating") { input.inputMode = "numeric"; input.size = 2; }
    }
    var value = row[column.field];
    input.value = value === null || value === undefined ? "" : value;
    if (column.editor === "date" && persian) {  // the Jalali calendar of the page, never the browser's Gregorian one
      input.dataset.jdp = ""; input.dir = "ltr"; input.inputMode = "numeric"; input.autocomplete = "off";
      input.placeholder = data.messages.date_example; input.value = jalaliInput(value);
    }
    input.className = "cell-editor";
    return input;
  }

  function startEdit(td, initial) {
    if (editing) return;
    var column = columnOf(td.dataset.field);
    if (column && column.editor === "actions") {  // Enter moves into the cell's links and button
      var control = td.querySelector("a, button");
      if (control) control.focus();
      return;
    }
    if (!data.can_write || !column || column.editor === "computed") return;
    var row = byId[td.parentNode.dataset.id];
    if (column.editor === "status" && linkedActions(row).length) { say(data.messages.status_follows, true); return; }
    var input = editorFor(column, row);
    // A typed letter is not a list option or a date: open those editors unchanged.
    if (input.tagName === "SELECT" || input.type === "date" || input.dataset.jdp !== undefined) initial = undefined;
    if (initial !== undefined) input.value = initial;
    td.textContent = "";
    td.appendChild(input);
    td.classList.add("editing");
    editing = { td: td, input: input, row: row, column: column };
    input.focus();
    if (initial !== undefined && input.type !== "date") input.setSelectionRange(input.value.length, input.value.length);
    if (input.dataset.picker !== undefined && window.workbenchPickers) {
      personPicker(td, input);
      return;
    }
    input.addEventListener("keydown", onEditorKey);
    input.addEventListener("blur", function () {
      if (input.dataset.jdp !== undefined && pickerOpen()) return;  // a click in the Jalali calendar: its "change" ends the edit
      if (editing && editing.input === input) finishEdit(true, null);
    });
    if (input.dataset.jdp !== undefined) {
      input.addEventListener("change", function () { if (editing && editing.input === input) finishEdit(true, null); });
      if (window.jalaliDatepicker) { window.workbenchPickers.dates(); window.jalaliDatepicker.show(input); }
    }
    if (RATINGS[column.field]) showScale(column.field, input.value);
    if (RATINGS[column.field]) input.addEventListener("input", function () { showScale(column.field, input.value); });
  }

  /* The responsible-person cell: the select becomes a picker (static/js/pickers.js) that searches the
     server. A pick saves at once; leaving the picker (Tab, a click elsewhere) keeps the value, Escape cancels. */
  function personPicker(td, input) {
    window.workbenchPickers.enhance(td);
    var picker = input.tomselect;
    if (!picker) { input.addEventListener("change", function () { finishEdit(true, null); }); return; }
    var done = function (commit, move) {
      if (!editing || editing.input !== input) return;
      var chosen = picker.options[input.value];
      if (commit && chosen && !lookup(data.people, input.value)) data.people.push([Number(input.value), chosen.text]);
      finishEdit(commit, move);  // reads the select's value before the picker puts the select back as it was
      picker.destroy();
    };
    picker.on("change", function () { done(true, null); });
    picker.on("blur", function () { done(true, null); });
    picker.control_input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); done(false, null); }
      else if (event.key === "Tab") { event.preventDefault(); done(true, event.shiftKey ? "back" : "next"); }
    });
    picker.focus();
    picker.open();
  }

  function finishEdit(commit, move) {
    var state = editing;
    if (!state) return;
    editing = null;
    var value = state.input.value;
    var old = state.row[state.column.field];
    var shown = state.input.dataset.jdp !== undefined ? jalaliInput(old) : String(old === null || old === undefined ? "" : old);
    var changed = shown !== value;
    state.td.classList.remove("editing");
    var done = function (ok) {
      if (!ok) { editing = null; startEdit(state.td, value); return; }
      var row = byId[state.td.parentNode.dataset.id];
      fillCell(state.td, row, state.column);
      if (move) moveFrom(state.td, move); else state.td.focus();
    };
    if (commit && changed) {
      fillCell(state.td, state.row, state.column);
      state.td.textContent = value;
      save(state.row, state.column.field, value === "" ? null : value).then(done);
    } else {
      fillCell(state.td, state.row, state.column);
      done(true);
    }
  }

  function onEditorKey(event) {
    var multiline = editing.input.tagName === "TEXTAREA";
    if (event.key === "Escape") { event.preventDefault(); finishEdit(false, null); }
    else if (event.key === "Enter" && event.ctrlKey) { event.preventDefault(); finishEdit(true, null); addRow(); }
    else if (event.key === "Enter" && !(multiline && event.shiftKey)) { event.preventDefault(); finishEdit(true, "down"); }
    else if (event.key === "Tab") { event.preventDefault(); finishEdit(true, event.shiftKey ? "back" : "next"); }
  }

  function focusCell(td) {
    if (!td) return;
    var previous = table.querySelector("td.current");
    if (previous) { previous.classList.remove("current"); previous.tabIndex = -1; }
    td.classList.add("current");
    td.tabIndex = 0;  // roving tab stop: Tab from the toolbar lands on the last cell used
    td.focus();
    var field = td.dataset.field;
    if (RATINGS[field]) showScale(field, byId[td.parentNode.dataset.id][field]);
    else hideScale();
  }

  function visibleRows() {
    return Array.prototype.filter.call(tbody.rows, function (tr) { return !tr.hidden; });
  }
  function moveFrom(td, direction) {
    var tr = td.parentNode, index = Array.prototype.indexOf.call(tr.cells, td);
    var list = visibleRows(), at = list.indexOf(tr), target = null;
    if (direction === "down" && at + 1 < list.length) target = list[at + 1].cells[index];
    else if (direction === "up" && at > 0) target = list[at - 1].cells[index];
    else if (direction === "next" || direction === "right" || direction === "left" || direction === "back") {
      var rtl = document.documentElement.dir === "rtl";
      var step = direction === "next" ? 1 : direction === "back" ? -1 : (direction === "right") !== rtl ? 1 : -1;
      var next = tr.cells[index + step];
      if (next && next.dataset.field) target = next;
    }
    focusCell(target || td);
  }

  table.addEventListener("click", function (event) {
    var td = event.target.closest("td[data-field]");
    if (!td || editing || event.target.closest("a, button")) return;
    if (td.classList.contains("current")) startEdit(td);
    else focusCell(td);
  });
  table.addEventListener("dblclick", function (event) {
    var td = event.target.closest("td[data-field]");
    if (td && !editing) startEdit(td);
  });
  table.addEventListener("keydown", function (event) {
    if (editing) return;
    var td = event.target.closest && event.target.closest("td[data-field]");
    if (!td) return;
    if (event.target !== td) {  // a link or button inside a cell keeps its own keys; Escape goes back to the cell
      if (event.key === "Escape") { event.preventDefault(); focusCell(td); }
      return;
    }
    var keys = { ArrowDown: "down", ArrowUp: "up", ArrowLeft: "left", ArrowRight: "right" };
    if (keys[event.key]) { event.preventDefault(); moveFrom(td, keys[event.key]); }
    else if (event.key === "Enter" && event.ctrlKey) { event.preventDefault(); addRow(); }
    else if (event.key === "Enter" || event.key === "F2") { event.preventDefault(); startEdit(td); }
    else if (event.key === "Tab") { event.preventDefault(); moveFrom(td, event.shiftKey ? "back" : "next"); }
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); startEdit(td, event.key); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.ctrlKey && !editing && !table.contains(event.target)) { event.preventDefault(); addRow(); }
  });

  // -- the rating scale beside the table ---------------------------------------------
  var scaleBox = document.getElementById("fmea-scale");
  function showScale(field, current) {
    var name = RATINGS[field];
    document.getElementById("fmea-scale-title").textContent = data.scale_titles[name];
    var list = document.getElementById("fmea-scale-list");
    list.textContent = "";
    data.scales[name].forEach(function (level) {
      var li = document.createElement("li");
      li.value = level.value;
      li.dataset.value = level.value;
      if (String(level.value) === String(current)) li.className = "chosen";
      var strong = document.createElement("strong");
      strong.textContent = digits(level.value) + " ";
      var text = document.createElement("span");
      text.textContent = level.text;  // in the page's language: its digits are the page's (checked by the console walk)
      var other = document.createElement("small");  // the level in the other language, for teams that mix both
      other.dir = "auto";
      other.lang = persian ? "en" : "fa";
      other.textContent = level.other;
      li.appendChild(strong); li.appendChild(text); li.appendChild(document.createElement("br")); li.appendChild(other);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        if (editing && RATINGS[editing.column.field]) { editing.input.value = level.value; finishEdit(true, null); }
        else {
          var td = table.querySelector("td.current");
          if (td && RATINGS[td.dataset.field] && data.can_write) { startEdit(td, String(level.value)); finishEdit(true, null); }
        }
      });
      list.appendChild(li);
    });
    scaleBox.hidden = false;
  }
  function hideScale() { scaleBox.hidden = true; }

  // -- keeping up with the others in the meeting -----------------------------------
  var since = data.now;
  // The cheap question first: has anything in this FMEA's project changed (304 when not)?
  var liveTag = data.live ? '"' + data.live.revision + '"' : null;
  function pollChanges() {
    if (editing || document.hidden) return;
    if (!data.live) { fetchChanges(); return; }
    fetch(data.live.url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json", "If-None-Match": liveTag } })
      .then(function (answer) {
        if (answer.status !== 200) return;
        var tag = answer.headers.get("ETag");
        if (tag === liveTag) return;
        fetchChanges().then(function (done) { if (done) liveTag = tag; });
      })
      .catch(function () {});
  }
  function fetchChanges() {
    return send("GET", data.api.rows + "?changed_since=" + encodeURIComponent(since)).then(function (answer) {
      if (answer.status !== 200 || editing) return false;  // an editor opened meanwhile: try again next time
      since = answer.body.now;
      var changed = false;
      answer.body.items.forEach(function (fresh) {
        var known = byId[fresh.id];
        if (known && fresh.version <= known.version) return;
        fresh.issues = known ? known.issues : [];
        if (known) rows[rows.indexOf(known)] = fresh; else rows.push(fresh);
        byId[fresh.id] = fresh;
        refreshRow(fresh);
        changed = true;
      });
      var present = {};
      answer.body.ids.forEach(function (id) { present[id] = true; });
      rows.slice().forEach(function (row) {
        if (present[row.id]) return;
        rows.splice(rows.indexOf(row), 1);
        if (trById[row.id]) trById[row.id].remove();
        delete trById[row.id]; delete byId[row.id];
        changed = true;
      });
      // Corrective actions change in the tracker without touching the row: follow them here.
      var links = answer.body.links || {};
      rows.forEach(function (row) {
        var link = links[String(row.id)];
        var now = link ? link.corrective_actions : [];
        if (JSON.stringify(now) === JSON.stringify(linkedActions(row))) return;
        if (!link) { reloadRow(row.id); return; }  // unlinked: the row's own status applies again
        row.corrective_actions = now;
        row.action_status = link.action_status;
        refreshRow(row);
        changed = true;
      });
      if (changed) { applyView(); refreshIssues(); }
      return true;
    }).catch(function () { return false; /* offline for a moment: the next poll tries again */ });
  }
  function reloadRow(id) {
    send("GET", data.api.row + id).then(function (answer) {
      var known = byId[id];
      if (answer.status !== 200 || !known) return;
      answer.body.issues = known.issues;
      replaceRow(known, answer.body);
      refreshIssues();
    }).catch(failed);
  }
  window.setInterval(pollChanges, data.poll_seconds * 1000);

  buildColumns();
  buildHead();
  // Arriving from the fishbone (?rows=1,2): those rows stay in view, stand out, and the cursor waits on the first one's S.
  var arrived = (new URLSearchParams(window.location.search).get("rows") || "").split(",").filter(function (id) { return rows.some(function (row) { return String(row.id) === id; }); });
  arrived.forEach(function (id) { pinned[id] = true; });
  renderAll();
  if (arrived.length) {
    arrived.forEach(function (id) { if (trById[id]) { trById[id].classList.add("arrived"); trById[id].id = "row-" + id; } });
    var firstArrived = trById[arrived[0]];
    firstArrived.scrollIntoView({ block: "center" });
    focusCell(firstArrived.querySelector('td[data-field="severity"]') || firstArrived.cells[1]);
    say(fmt(data.messages.arrived, { n: digits(arrived.length) }));
  }
})();

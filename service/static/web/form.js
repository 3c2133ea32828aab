// Progressive enhancement of the generated forms: add/remove rows without a round trip,
// and show the date a defaulted field will take. Without JavaScript the same buttons
// submit the form and the server adds or removes the row.
// A table of records (fieldset[data-table]) is numbered again after each change: 序号,
// the inputs' names (findings.0 … n-1, as the server numbers them) and the accessible
// names ("第3条记录 发现日期").
// Accessibility (GB/T 37668-2019 / WCAG 2.0 AA): a page with an error summary focuses it;
// a summary link to a group, list or row focuses its first field; a removed row hands focus
// to a neighbour (the next row's first field, else the previous one's, else 增加); rows are
// named by their position again (第2项有关材料, 删除第2项有关材料) and aria-required follows
// the rows the model requires (the first data-needed rows of a list).
"use strict";

const FIELD = "input:not([type=hidden]), select, textarea";

function firstField(root) {
  return root ? root.querySelector(FIELD) : null;
}

function rowsOf(container) {
  return [...container.children].filter((el) => el.classList.contains("row"));
}

// Whether every row around `el` is one the model requires.
function rowsRequired(el) {
  for (let row = el.closest(".row"); row; row = row.parentElement.closest(".row")) {
    const list = row.closest("fieldset.list");
    if (rowsOf(row.parentElement).indexOf(row) >= Number(list.dataset.needed || 0)) return false;
  }
  return true;
}

function markRequired(root) {
  root.querySelectorAll("[data-req]").forEach((el) => {
    if (rowsRequired(el)) el.setAttribute("aria-required", "true");
    else el.removeAttribute("aria-required");
  });
}

// A plain list's rows named by their position again: 第N项<list>.
function renumberItems(list) {
  const base = list.dataset.list;
  rowsOf(list.querySelector(":scope > ol.rows")).forEach((row, r) => {
    row.querySelectorAll("[data-pos-of]").forEach((el) => {
      if (el.dataset.posOf !== base) return;
      const swap = (text) => text.replace(/第[0-9]*项/, "第" + (r + 1) + "项");
      if (el.hasAttribute("aria-label")) el.setAttribute("aria-label", swap(el.getAttribute("aria-label")));
      else el.textContent = swap(el.textContent);
    });
  });
  markRequired(list);
}

// Focus after a row is removed: the next row's first field, else the previous row's, else
// the list's 增加 button.
function focusNeighbour(list, next, previous) {
  const target = firstField(next) || firstField(previous) || list.querySelector(":scope > button.add");
  if (target) target.focus();
}

function tableRows(list) {
  return list.querySelector(":scope > .table-box tbody.rows");
}

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function renumber(list) {
  const base = list.dataset.list;
  const head = new RegExp("^(f-|err-|help-)?" + escaped(base) + "\\.(\\d+|__i__)(?=\\.|$)");
  const rows = tableRows(list).querySelectorAll(":scope > tr.row");
  rows.forEach((row, r) => {
    const swap = (text) => text.replace(head, (_, prefix) => (prefix || "") + base + "." + r);
    const record = "第" + (r + 1) + "条记录";
    row.querySelector(".n").textContent = String(r + 1);
    [row, ...row.querySelectorAll("*")].forEach((el) => {
      ["name", "id", "for"].forEach((attr) => {
        if (el.hasAttribute(attr)) el.setAttribute(attr, swap(el.getAttribute(attr)));
      });
      if (el.hasAttribute("aria-describedby")) {
        el.setAttribute("aria-describedby",
          el.getAttribute("aria-describedby").split(" ").map(swap).join(" "));
      }
      if (el.matches("button.remove")) el.value = swap(el.value);
      if (el.hasAttribute("data-record")) {
        if (el.hasAttribute("aria-label")) {
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/第[0-9]*条记录/, record));
        } else {
          el.textContent = el.textContent.replace(/第[0-9]*条记录/, record);
        }
      }
    });
  });
  const count = list.querySelector("[data-count]");
  if (count) count.textContent = String(rows.length);
  markRequired(list);
}

function addRecord(list) {
  const template = list.querySelector(":scope > template");
  const body = tableRows(list);
  const holder = document.createElement("tbody");
  holder.innerHTML = template.innerHTML;
  const row = holder.firstElementChild;
  plainButtons(row);
  body.appendChild(row);
  renumber(list);
  const first = row.querySelector("input, textarea, select");
  if (first) first.focus();
}

function removeRecord(list, row) {
  const next = row.nextElementSibling;
  const previous = row.previousElementSibling;
  row.remove();
  renumber(list);
  focusNeighbour(list, next, previous);
}

function nextIndex(list) {
  const name = list.dataset.list + ".";
  let next = 0;
  list.querySelectorAll("[name]").forEach((el) => {
    if (el.name.startsWith(name)) {
      const head = el.name.slice(name.length).split(".")[0];
      if (/^\d+$/.test(head)) next = Math.max(next, Number(head) + 1);
    }
  });
  return next;
}

function addRow(list) {
  const template = list.querySelector(":scope > template");
  const index = nextIndex(list);
  const marker = list.dataset.list + ".__i__";
  const html = template.innerHTML.split(marker).join(list.dataset.list + "." + index);
  const holder = document.createElement("ol");
  holder.innerHTML = html;
  const row = holder.firstElementChild;
  plainButtons(row);
  row.querySelectorAll("template").forEach((t) => plainButtons(t.content));
  list.querySelector(":scope > ol.rows").appendChild(row);
  renumberItems(list);
  row.querySelectorAll("fieldset.list:not([data-table])").forEach(renumberItems);
  const first = firstField(row);
  if (first) first.focus();
}

function removeItem(list, row) {
  const next = row.nextElementSibling;
  const previous = row.previousElementSibling;
  row.remove();
  renumberItems(list);
  focusNeighbour(list, next, previous);
}

// With JavaScript the row buttons act in place; as plain buttons they also stop Enter in a
// text field from "clicking" the first 删除 of the form.
function plainButtons(root) {
  root.querySelectorAll("button.add, button.remove").forEach((b) => { b.type = "button"; });
}

document.addEventListener("DOMContentLoaded", () => {
  plainButtons(document);
  document.querySelectorAll("template").forEach((t) => plainButtons(t.content));
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.add, button.remove");
  if (!button) return;
  const list = button.closest("fieldset.list");
  if (!list) return;
  event.preventDefault();
  if (list.hasAttribute("data-table")) {
    if (button.classList.contains("add")) addRecord(list);
    else removeRecord(list, button.closest("tr.row"));
    return;
  }
  if (button.classList.contains("add")) {
    addRow(list);
  } else {
    removeItem(list, button.closest("li.row"));
  }
});

// An error summary link to a group, a list or a table row (not a field itself) focuses the
// first field inside it; to a field, the field (the browser would only scroll).
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  if (!target) return;
  const field = target.matches(FIELD) ? target
    : firstField(target.matches("th") ? target.closest("tr") : target);
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
});

document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z");
  if (Number.isNaN(d.getTime())) return "";
  d.setUTCDate(d.getUTCDate() + days);
  return d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日";
}

function showDefaults() {
  document.querySelectorAll("input[data-default-from]").forEach((input) => {
    const source = document.getElementById("f-" + input.dataset.defaultFrom);
    let hint = input.parentElement.querySelector(".computed");
    if (!hint) {
      hint = document.createElement("p");
      hint.className = "help computed";
      hint.id = "computed-" + input.id.replace(/^f-/, "");
      input.insertAdjacentElement("afterend", hint);
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [...described, hint.id].join(" "));
    }
    const text = source ? addDays(source.value, Number(input.dataset.defaultDays)) : "";
    hint.textContent = input.value || !text ? "" : "不填则为" + text;
  });
}

document.addEventListener("input", showDefaults);
document.addEventListener("change", showDefaults);
document.addEventListener("DOMContentLoaded", showDefaults);

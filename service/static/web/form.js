// Progressive enhancement of the generated forms: add/remove rows without a round trip,
// and show the date a defaulted field will take. Without JavaScript the same buttons
// submit the form and the server adds or removes the row.
// A table of records (fieldset[data-table]) is numbered again after each change: 序号,
// the inputs' names (findings.0 … n-1, as the server numbers them) and the accessible
// names ("第3条记录 发现日期").
"use strict";

function tableRows(list) {
  return list.querySelector(":scope > .table-box tbody.rows");
}

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function renumber(list) {
  const base = list.dataset.list;
  const head = new RegExp("^(f-|err-)?" + escaped(base) + "\\.(\\d+|__i__)(?=\\.|$)");
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
  row.remove();
  renumber(list);
  const focus = next ? next.querySelector("button.remove") : list.querySelector(":scope > button.add");
  if (focus) focus.focus();
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
  const html = template.innerHTML.split(marker).join(list.dataset.list + "." + index)
    .split("（新增项）").join("（第" + (index + 1) + "项）");
  const holder = document.createElement("ol");
  holder.innerHTML = html;
  const row = holder.firstElementChild;
  list.querySelector(":scope > ol.rows").appendChild(row);
  const first = row.querySelector("input, textarea, select");
  if (first) first.focus();
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
    button.closest("li.row").remove();
  }
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
      input.insertAdjacentElement("afterend", hint);
    }
    const text = source ? addDays(source.value, Number(input.dataset.defaultDays)) : "";
    hint.textContent = input.value || !text ? "" : "不填则为" + text;
  });
}

document.addEventListener("input", showDefaults);
document.addEventListener("change", showDefaults);
document.addEventListener("DOMContentLoaded", showDefaults);

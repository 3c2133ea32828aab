// Progressive enhancement of the generated forms: add/remove rows without a round trip,
// and show the date a defaulted field will take. Without JavaScript the same buttons
// submit the form and the server adds or removes the row.
"use strict";

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

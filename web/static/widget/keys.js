/* Bobao widget: the 快捷键说明 dialog's table. */
// The 快捷键说明 table: a digit picker per action (onRemap(action, digit)), then the fixed keys.
function renderKeyRows(rows, keys, onRemap) {
  rows.textContent = "";
  ACTIONS.forEach(([action, , name]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    const td = document.createElement("td");
    const label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = "key-" + action;
    label.textContent = name + "的快捷键";
    const select = document.createElement("select");
    select.id = "key-" + action;
    ["", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].forEach((digit) => {
      const option = document.createElement("option");
      option.value = digit;
      option.textContent = digit ? "Alt+" + digit : "不使用";
      option.selected = (keys[action] || "") === digit;
      select.appendChild(option);
    });
    select.addEventListener("change", () => onRemap(action, select.value));
    td.append(label, select);
    tr.append(th, td);
    rows.appendChild(tr);
  });
  const esc = document.createElement("tr");
  esc.innerHTML = '<th scope="row">停止朗读</th><td>Esc</td>';
  const arrows = document.createElement("tr");
  arrows.innerHTML = '<th scope="row">放大 / 缩小（播报模式中）</th><td>Alt+↑ / Alt+↓</td>';
  const open = document.createElement("tr");
  open.innerHTML = '<th scope="row">语音播报（进入播报模式）</th><td>Alt+Shift+Y</td>';
  rows.append(esc, arrows, open);
}

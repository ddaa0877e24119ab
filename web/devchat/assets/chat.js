// The /dev/chat page: users live in localStorage, every message goes to
// /dev/chat/send, which signs it and passes it through the real /wechat.
"use strict";

(function () {
  const base = "/dev/chat";
  const roleNames = { resident: "居民", volunteer: "志愿者", envoy: "和谐使者", admin: "管理员" };
  const maxLog = 300;
  let info = { invite: false, safe: true, menu: [], prefix: "dev-" };
  let busy = false;

  const $ = (id) => document.getElementById(id);
  const load = (k, d) => { try { const v = JSON.parse(localStorage.getItem(k)); return v === null ? d : v; } catch (_) { return d; } };
  const save = (k, v) => localStorage.setItem(k, JSON.stringify(v));

  let users = load("devchat.users", []);
  let current = load("devchat.current", "");

  async function post(path, body) {
    try {
      const res = await fetch(base + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      let data = {};
      try { data = await res.json(); } catch (_) { data = { error: "HTTP " + res.status }; }
      return { ok: res.ok, status: res.status, data };
    } catch (e) {
      return { ok: false, status: 0, data: { error: "服务器无响应：" + e.message } };
    }
  }

  function logOf(name) { return load("devchat.log." + name, []); }

  function addEntry(name, entry) {
    const log = logOf(name);
    log.push(entry);
    save("devchat.log." + name, log.slice(-maxLog));
    if (name === current) render(entry);
  }

  function render(entry) {
    const row = document.createElement("div");
    row.className = "msg " + entry.kind;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = entry.text;
    if (entry.meta || entry.xml) {
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = entry.meta || "";
      if (entry.xml) {
        const toggle = document.createElement("button");
        toggle.type = "button";
        toggle.textContent = "XML";
        const pre = document.createElement("pre");
        pre.className = "xml";
        pre.hidden = true;
        pre.textContent = entry.xml;
        toggle.addEventListener("click", () => { pre.hidden = !pre.hidden; });
        meta.appendChild(toggle);
        bubble.appendChild(meta);
        bubble.appendChild(pre);
      } else {
        bubble.appendChild(meta);
      }
    }
    row.appendChild(bubble);
    const log = $("log");
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function renderLog() {
    $("log").replaceChildren();
    if (!current) return;
    logOf(current).forEach(render);
  }

  function renderUsers() {
    const list = $("user-list");
    list.replaceChildren();
    users.forEach((u) => {
      const li = document.createElement("li");
      if (u.name === current) li.className = "active";
      const name = document.createElement("span");
      name.textContent = u.name;
      const role = document.createElement("span");
      role.className = "role " + u.role;
      role.textContent = roleNames[u.role] || u.role;
      const oid = document.createElement("span");
      oid.className = "oid";
      oid.textContent = info.prefix + u.name;
      li.append(name, role, oid);
      li.addEventListener("click", () => select(u.name));
      list.appendChild(li);
    });
    const u = users.find((x) => x.name === current);
    $("who").textContent = u ? u.name + "（" + (roleNames[u.role] || u.role) + "，" + info.prefix + u.name + "）" : "请选择或新建一个用户";
  }

  function select(name) {
    current = name;
    save("devchat.current", name);
    renderUsers();
    renderLog();
    $("text").focus();
  }

  function setBusy(b) {
    busy = b;
    document.querySelectorAll("button").forEach((el) => { if (!el.closest(".meta")) el.disabled = b; });
  }

  // send posts one message as user name; shown is what the sender sees.
  async function send(name, req, shown, kind) {
    if (!name) { alert("请先选择或新建一个用户"); return null; }
    addEntry(name, { kind: kind || "me", text: shown });
    setBusy(true);
    const res = await post("/send", Object.assign({ user: name }, req));
    setBusy(false);
    const d = res.data || {};
    const meta = (d.status ? "HTTP " + d.status + " · " : "") + (d.ms !== undefined ? d.ms + " ms" : "");
    if (!res.ok) {
      addEntry(name, { kind: "error", text: "发送失败：" + (d.error || "HTTP " + res.status), meta, xml: d.sent });
      return null;
    }
    if (d.reply) {
      addEntry(name, { kind: "bot", text: d.reply, meta, xml: d.sent });
    } else {
      addEntry(name, { kind: "system", text: "（没有被动回复：服务器回答 success。处理超时的回复会改以客服消息发送，这里看不到。）", meta, xml: d.sent });
    }
    return d;
  }

  function randomPhone() {
    let s = "138";
    for (let i = 0; i < 8; i++) s += Math.floor(Math.random() * 10);
    return s;
  }

  async function createUser(ev) {
    ev.preventDefault();
    const name = $("new-name").value.trim();
    const role = $("new-role").value;
    if (!/^[\p{L}\p{N}_-]{1,24}$/u.test(name)) { alert("姓名只能包含文字、数字、- 和 _，最多 24 个字"); return; }
    if (!users.some((u) => u.name === name)) {
      users.push({ name, role });
      save("devchat.users", users);
    }
    select(name);
    $("new-name").value = "";
    const note = $("invite-note");
    note.hidden = true;
    if (!(await send(name, { type: "subscribe" }, "［关注公众号］", "event"))) return;
    if (role === "volunteer") {
      const phone = $("new-phone").value.trim() || randomPhone();
      const community = $("new-community").value.trim() || "古槐社区";
      await send(name, { type: "text", text: "注册 " + name + " " + phone + " " + community }, "注册 " + name + " " + phone + " " + community);
    } else if (role === "envoy" || role === "admin") {
      const res = await post("/invite", { role, name });
      if (res.ok && res.data.code) {
        addEntry(name, { kind: "system", text: "已签发邀请码 " + res.data.code });
        await send(name, { type: "text", text: "绑定 " + res.data.code }, "绑定 " + res.data.code);
      } else {
        const d = res.data || {};
        const msg = (d.error || "无法签发邀请码") + (d.hint ? "。请在服务器上运行 " + d.hint : "");
        addEntry(name, { kind: "system", text: msg });
        note.textContent = msg;
        note.className = "note warn";
        note.hidden = false;
        $("text").value = "绑定 ";
      }
    }
  }

  function setupMenu() {
    const nav = $("menu");
    nav.replaceChildren();
    info.menu.forEach((m) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = m.text;
      b.title = "CLICK " + m.key;
      b.addEventListener("click", () => send(current, { type: "click", key: m.key }, "［菜单］" + m.text, "event"));
      nav.appendChild(b);
    });
    nav.hidden = info.menu.length === 0;
  }

  function toggleRoleFields() {
    const v = $("new-role").value === "volunteer";
    document.querySelectorAll(".volunteer-only").forEach((el) => { el.hidden = !v; });
  }

  async function init() {
    try {
      const res = await fetch(base + "/info");
      if (res.ok) info = await res.json();
    } catch (_) { /* keep the defaults */ }
    setupMenu();
    renderUsers();
    renderLog();
    toggleRoleFields();

    $("new-user").addEventListener("submit", createUser);
    $("new-role").addEventListener("change", toggleRoleFields);
    $("composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = $("text").value;
      if (!text.trim() || busy) return;
      $("text").value = "";
      send(current, { type: "text", text }, text);
    });
    $("text").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("location").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const lat = parseFloat($("lat").value), lng = parseFloat($("lng").value), label = $("label").value;
      send(current, { type: "location", lat, lng, label }, "［位置］" + (label ? label + " " : "") + lat + ", " + lng, "event");
    });
    $("scan").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const scene = $("scene").value.trim();
      const sub = $("scan-subscribe").checked;
      send(current, { type: sub ? "subscribe" : "scan", scene }, (sub ? "［扫码关注］" : "［扫码］") + scene, "event");
    });
    $("subscribe").addEventListener("click", () => send(current, { type: "subscribe" }, "［关注公众号］", "event"));
    $("unsubscribe").addEventListener("click", () => send(current, { type: "unsubscribe" }, "［取消关注］", "event"));
    $("clear").addEventListener("click", () => {
      if (!current) return;
      localStorage.removeItem("devchat.log." + current);
      renderLog();
    });
    if (!info.invite) {
      const note = $("invite-note");
      note.textContent = "提示：和谐使者和管理员需要邀请码。本服务器不从模拟器签发，请运行 envoybot invite --role envoy --name 姓名，然后发送「绑定 邀请码」。";
      note.hidden = false;
    }
  }

  init();
})();

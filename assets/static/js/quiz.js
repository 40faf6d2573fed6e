// The attempt page: every answer is saved as it is given (POST /api/v1/attempts/:id/answers with a
// sequence number, so the last answer wins whatever order requests arrive in), the page shows which
// answers are saved, counts down to the server's deadline, warns before leaving while a save is
// pending, and submits itself when time is up. No third-party code.
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root) { return; }
  var attemptID = root.getAttribute("data-attempt");
  var deadline = Number(root.getAttribute("data-deadline")) || 0; // server time, ms
  var skew = Number(root.getAttribute("data-now")) - Date.now(); // server minus browser
  var started = Number(root.getAttribute("data-started")) || 0;
  var seq = Number(root.getAttribute("data-seq")) || 0;
  var total = Number(root.getAttribute("data-total")) || 0;
  var i18n = document.getElementById("i18n").dataset;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var stateEl = document.getElementById("save-state");
  var answeredEl = document.getElementById("answered");
  var form = document.getElementById("submit-form");
  var pending = {}; // question id -> true while its latest answer is not saved
  var inflight = {}; // question id -> a request is on its way
  var again = {}; // question id -> changed again while a request was on its way
  var closed = false;
  var submitting = false;
  var timers = {};

  function count(obj) { var n = 0; for (var k in obj) { if (obj[k]) { n++; } } return n; }

  function nextSeq() {
    // Higher than anything this or an earlier page saved: milliseconds since the start, at least +1.
    seq = Math.max(seq + 1, Date.now() + skew - started);
    return seq;
  }

  function responseOf(fs) {
    var out = [];
    fs.querySelectorAll("input, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox")) {
        if (el.checked) { out.push(el.value); }
      } else if (el.value.trim() !== "") {
        out.push(el.value);
      }
    });
    return out;
  }

  function showState() {
    var n = count(pending);
    var failed = root.querySelector(".question.failed");
    if (closed) { stateEl.textContent = stateEl.dataset.closed; }
    else if (failed) { stateEl.textContent = stateEl.dataset.failed; }
    else if (n > 0) { stateEl.textContent = stateEl.dataset.saving; }
    else { stateEl.textContent = stateEl.dataset.saved; }
    stateEl.classList.toggle("busy", n > 0);
    var answered = 0;
    root.querySelectorAll("fieldset.question").forEach(function (fs) {
      if (responseOf(fs).length > 0) { answered++; }
    });
    if (answeredEl) { answeredEl.textContent = String(answered); }
  }

  function setQState(fs, text, cls) {
    var el = fs.querySelector(".qstate");
    if (el) { el.textContent = text; }
    fs.classList.remove("saving", "saved", "failed");
    if (cls) { fs.classList.add(cls); }
  }

  function feedback(fs, res) {
    var box = fs.querySelector(".feedback");
    if (!box || res.correct === undefined || res.correct === null) { return; }
    var labels = {};
    fs.querySelectorAll("input[data-label]").forEach(function (el) { labels[el.value] = el.getAttribute("data-label"); });
    var ans = (res.answer || []).map(function (a) {
      if (a === "true") { return "对"; }
      if (a === "false") { return "错"; }
      return labels[a] || a;
    });
    box.textContent = (res.correct ? i18n.right : i18n.wrong) + (res.correct ? "" : " · " + i18n.answer + ": " + ans.join(" ")) +
      (res.explanation ? " · " + res.explanation : "");
    box.className = "feedback " + (res.correct ? "right" : "wrong");
    box.hidden = false;
  }

  function save(fs, attempt) {
    var qid = fs.getAttribute("data-question");
    if (closed) { return Promise.resolve(); }
    if (inflight[qid]) { again[qid] = true; return inflight[qid]; }
    pending[qid] = true;
    setQState(fs, i18n.saving, "saving");
    showState();
    var body = JSON.stringify({ question_id: Number(qid), response: responseOf(fs), seq: nextSeq() });
    var p = fetch("/api/v1/attempts/" + attemptID + "/answers", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: body
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    }).then(function (r) {
      inflight[qid] = null;
      if (r.status === 200) {
        if (again[qid]) { again[qid] = false; return save(fs, 0); }
        pending[qid] = false;
        setQState(fs, i18n.saved, "saved");
        feedback(fs, r.body);
      } else if (r.status === 409 || r.status === 401 || r.status === 403) {
        // Submitted elsewhere or time is up: the server has the last word; show the result.
        closed = true;
        pending = {};
        setQState(fs, (r.body.error && r.body.error.message) || i18n.failed, "failed");
        showState();
        setTimeout(function () { window.location.reload(); }, 1500);
      } else if (r.status === 422) {
        pending[qid] = false;
        setQState(fs, (r.body.error && r.body.error.message) || i18n.failed, "failed");
      } else {
        throw new Error("status " + r.status);
      }
      showState();
    }).catch(function () {
      inflight[qid] = null;
      setQState(fs, i18n.failed, "failed");
      showState();
      var wait = Math.min(1000 * Math.pow(2, attempt || 0), 15000);
      return new Promise(function (resolve) {
        setTimeout(function () { resolve(save(fs, (attempt || 0) + 1)); }, wait);
      });
    });
    inflight[qid] = p;
    return p;
  }

  root.querySelectorAll("fieldset.question").forEach(function (fs) {
    fs.addEventListener("change", function () { save(fs, 0); });
    fs.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "INPUT" && ev.target.tagName !== "TEXTAREA") { return; }
      if (ev.target.type === "radio" || ev.target.type === "checkbox") { return; }
      var qid = fs.getAttribute("data-question");
      pending[qid] = true;
      showState();
      clearTimeout(timers[qid]);
      timers[qid] = setTimeout(function () { save(fs, 0); }, 700);
    });
  });

  function flush() {
    var ps = [];
    root.querySelectorAll("fieldset.question").forEach(function (fs) {
      var qid = fs.getAttribute("data-question");
      if (pending[qid] || timers[qid]) {
        clearTimeout(timers[qid]);
        timers[qid] = null;
        ps.push(save(fs, 0));
      } else if (inflight[qid]) {
        ps.push(inflight[qid]);
      }
    });
    return Promise.all(ps);
  }

  window.addEventListener("beforeunload", function (ev) {
    if (submitting || closed) { return; }
    if (count(pending) > 0) {
      ev.preventDefault();
      ev.returnValue = i18n.leave;
      return i18n.leave;
    }
  });

  if (form) {
    form.addEventListener("submit", function (ev) {
      if (submitting) { return; }
      ev.preventDefault();
      flush().then(function () { submitting = true; form.submit(); });
    });
  }

  function tick() {
    var el = document.getElementById("timer");
    if (!el || !deadline) { return; }
    var left = deadline - (Date.now() + skew);
    if (left <= 0) {
      el.textContent = el.getAttribute("data-expired");
      if (!submitting) {
        // Save what is pending (the server allows a short grace), then hand in.
        flush().then(function () { submitting = true; form.submit(); });
        submitting = true;
      }
      return;
    }
    var s = Math.floor(left / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    el.textContent = (h > 0 ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
    el.parentNode.classList.toggle("urgent", s < 60);
    setTimeout(tick, 250);
  }
  tick();
  showState();
  void total;
})();

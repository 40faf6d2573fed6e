// Peixun's lesson player: reports where the learner stands to the server when playback (or reading)
// starts and then every 15 seconds, and when the page is paused, hidden or left. The server credits
// study time no faster than the clock and refuses skipping ahead; this script only shows what the
// server says. A video resumes where the learner stopped, on whatever device.
(function () {
  "use strict";
  var EVERY = 15000;
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("player");
    if (!root) { return; }
    var lessonID = root.getAttribute("data-lesson");
    var kind = root.getAttribute("data-kind");
    var video = root.querySelector("video");
    var noSkip = root.getAttribute("data-no-skip") === "1";
    var maxPos = parseFloat(root.getAttribute("data-max")) || 0;
    var completed = root.getAttribute("data-completed") === "1";
    var token = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
    var url = "/api/v1/lessons/" + lessonID + "/progress";
    var studied = document.querySelector(".player-status .studied");
    var state = document.querySelector(".player-status .state");
    var msg = document.querySelector(".player-msg");
    var timer = null;
    var started = false;

    function clock(sec) {
      sec = Math.floor(sec);
      var m = Math.floor(sec / 60), s = sec % 60;
      return m + ":" + (s < 10 ? "0" : "") + s;
    }
    function show(text) {
      msg.textContent = text || "";
      msg.hidden = !text;
    }
    function position() { return video ? (video.currentTime || 0) : 0; }

    function apply(p) {
      maxPos = Math.max(maxPos, p.max_position || 0);
      if (studied) {
        studied.textContent = studied.getAttribute("data-template").replace("{n}", clock(p.seconds_studied));
      }
      if (p.completed && !completed) {
        completed = true;
        noSkip = false;
        var badge = document.createElement("span");
        badge.className = "badge green lesson-completed";
        badge.textContent = p.course_completed ? root.getAttribute("data-msg-course-done") : root.getAttribute("data-msg-done");
        state.textContent = "";
        state.appendChild(badge);
      }
    }

    // report sends the position; leaving=true uses a keepalive request that outlives the page.
    function report(pos, leaving) {
      var body = JSON.stringify({ position: pos === undefined ? position() : pos });
      var opts = { method: "POST", credentials: "same-origin", keepalive: !!leaving,
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token }, body: body };
      return fetch(url, opts).then(function (resp) {
        return resp.json().then(function (data) {
          if (resp.ok) {
            show("");
            apply(data);
          } else if (data.error && data.error.field === "position" && video) {
            // Skipping ahead was refused: go back to the furthest point reached.
            show(data.error.message);
            video.currentTime = maxPos;
          } else if (data.error) {
            show(data.error.message);
          }
          return data;
        });
      }).catch(function () {
        if (!leaving) { show(root.getAttribute("data-msg-offline")); }
      });
    }

    function start() {
      if (timer) { return; }
      if (!started) { started = true; }
      report();
      timer = setInterval(function () {
        if (document.visibilityState === "visible") { report(); }
      }, EVERY);
    }
    function stop(leaving) {
      if (timer) {
        clearInterval(timer);
        timer = null;
        report(undefined, leaving);
      }
    }

    if (video) {
      var resume = parseFloat(root.getAttribute("data-position")) || 0;
      video.addEventListener("loadedmetadata", function () {
        if (resume > 0 && resume < (video.duration || Infinity) - 1) { video.currentTime = resume; }
      });
      video.addEventListener("play", start);
      video.addEventListener("pause", function () { stop(false); });
      video.addEventListener("ended", function () { stop(false); });
      video.addEventListener("seeking", function () {
        if (noSkip && !completed && video.currentTime > maxPos + 15) {
          show(root.getAttribute("data-msg-skip"));
          video.currentTime = maxPos;
        }
      });
      video.addEventListener("timeupdate", function () {
        if (!video.seeking) { maxPos = Math.max(maxPos, Math.min(video.currentTime, maxPos + 30)); }
      });
    } else {
      // Texts, documents and links: time on the open page counts while it is visible.
      start();
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        stop(true);
      } else if (!video || !video.paused) {
        start();
      }
    });
    window.addEventListener("pagehide", function () { stop(true); });

    // For people and tests that want to see the state: the same report the timer sends.
    window.peixunPlayer = { report: report, position: position };
  });
})();

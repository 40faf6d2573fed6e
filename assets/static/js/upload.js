// Peixun's upload script: sends the chosen file with XMLHttpRequest so that the page can show the
// upload's progress, then puts the stored material's id into the lesson form. For a video it also
// reads the length from the file itself (a local <video>) to fill in the lesson's duration.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    var lesson = document.getElementById("lesson-form");
    if (!form || !lesson) { return; }
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var max = parseInt(form.getAttribute("data-max"), 10) || 0;
    var token = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("field-error", !!bad);
    }

    function readDuration(file) {
      var field = lesson.querySelector("input[name=duration_seconds]");
      if (!field || !window.URL || file.type.indexOf("video/") !== 0) { return; }
      var v = document.createElement("video");
      var url = URL.createObjectURL(file);
      v.preload = "metadata";
      v.onloadedmetadata = function () {
        if (isFinite(v.duration) && v.duration > 0 && (!field.value || field.value === "0")) {
          field.value = Math.round(v.duration);
        }
        URL.revokeObjectURL(url);
      };
      v.onerror = function () { URL.revokeObjectURL(url); };
      v.src = url;
    }

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      if (max && file.size > max) {
        say(form.getAttribute("data-too-large"), true);
        input.value = "";
        return;
      }
      readDuration(file);
      var data = new FormData();
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("X-CSRF-Token", token);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      say("0%");
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) {
          var pct = Math.floor(ev.loaded * 100 / ev.total);
          bar.value = pct;
          say(pct + "%");
        }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201 && body.id) {
          bar.value = 100;
          lesson.querySelector("input[name=material_id]").value = body.id;
          lesson.querySelector(".file-name").textContent = body.file_name;
          var title = lesson.querySelector("input[name=title]");
          if (title && !title.value) { title.value = body.file_name.replace(/\.[^.]+$/, ""); }
          say(form.getAttribute("data-done"));
        } else {
          bar.hidden = true;
          say((body.error && body.error.message) || form.getAttribute("data-failed"), true);
        }
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        say(form.getAttribute("data-failed"), true);
      });
      xhr.send(data);
    });
    // With the script, the upload form never submits by itself.
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  });
})();

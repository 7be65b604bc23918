// StackPlan's pages work without this script; with it, a batch's progress is followed live and
// planning forms re-plan as their inputs change.
(function () {
  "use strict";

  // Live progress of a batch check, from the job's Server-Sent Events.
  function followJob() {
    var job = document.getElementById("job");
    if (!job || job.getAttribute("data-running") !== "true" || !window.EventSource) return;
    var id = job.getAttribute("data-job");
    var source = new EventSource("/regulator/jobs/" + encodeURIComponent(id) + "/events");
    var stage = document.getElementById("job-stage");
    var done = document.getElementById("job-done");
    var bar = document.getElementById("job-progress");
    source.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      if (stage && data.stage) stage.textContent = data.stage;
      if (data.progress) {
        if (done) done.textContent = String(data.progress.done);
        if (bar && typeof data.progress.fraction === "number") {
          bar.value = Math.round(data.progress.fraction * 100);
          bar.textContent = bar.value + "%";
        }
      }
    });
    function finish() { source.close(); window.location.reload(); }
    source.addEventListener("done", finish);
    source.addEventListener("failed", finish);
    source.addEventListener("cancelled", finish);
    source.onerror = function () { source.close(); window.setTimeout(function () { window.location.reload(); }, 2000); };
  }

  // Re-plan on input: the form's answer is fetched and put in place of the old one.
  function replanOnInput() {
    var forms = document.querySelectorAll("form[data-replan='true']");
    Array.prototype.forEach.call(forms, function (form) {
      var timer = null;
      var status = form.querySelector(".replan-status");
      var request = 0;
      function replan() {
        var target = form.querySelector("[name='target']");
        if (target && !target.value) return;
        var query = new URLSearchParams(new FormData(form)).toString();
        var url = form.getAttribute("action") + "?" + query;
        var mine = ++request;
        if (status) status.textContent = "Re-planning…";
        fetch(url, { credentials: "same-origin" }).then(function (response) { return response.text(); }).then(function (html) {
          if (mine !== request) return;
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("plan-answer");
          var current = document.getElementById("plan-answer");
          if (fresh && current) current.innerHTML = fresh.innerHTML;
          var freshErrors = page.querySelector(".error-summary");
          var oldErrors = document.querySelector("main > .error-summary");
          if (oldErrors) oldErrors.remove();
          if (freshErrors) form.parentNode.insertBefore(freshErrors, form);
          window.history.replaceState(null, "", url);
          if (status) status.textContent = "Plan updated.";
        }).catch(function () {
          if (status) status.textContent = "Could not re-plan; press the button to try again.";
        });
      }
      form.addEventListener("change", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(replan, 500);
      });
    });
  }

  // Switches that apply at once.
  function autoSubmit() {
    var boxes = document.querySelectorAll("[data-autosubmit='true']");
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", function () { box.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    followJob();
    replanOnInput();
    autoSubmit();
  });
})();

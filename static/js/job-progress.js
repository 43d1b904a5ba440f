// A background job's progress page (templates/jobs/job_detail.html): asks the job's status
// (JSON) every two seconds and moves the progress bar; when the job is finished, reloads the
// page, which then shows the download link or why the job failed. Without script, the page
// reloads itself (<noscript> meta refresh).
(function () {
  "use strict";
  var root = document.querySelector("[data-status-url]");
  if (!root || root.dataset.finished === "1") {
    return;
  }
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var text = document.getElementById("job-text");
  var state = document.getElementById("job-state");
  var delay = 2000;

  function show(status) {
    if (status.rows_total) {
      bar.max = status.rows_total;
      bar.value = status.rows_done;
    } else {
      bar.removeAttribute("value");
    }
    percent.textContent = status.percent === null ? "" : status.percent + "%";
    text.textContent = status.text;
    state.textContent = status.state_label;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A network hiccup or a restarting server: ask again, less often.
        window.setTimeout(poll, delay * 3);
      });
  }

  window.setTimeout(poll, delay);
})();

// Uploads a gold image from the admin images page: the chosen file is the body of
// POST /api/v1/admin/images/import (streamed to disk by the broker, name and version in the query),
// with a progress bar while it is sent. Errors come back as ProblemDetails and are shown above the
// form; on success the page reloads and lists the image.
(function () {
    "use strict";
    const form = document.getElementById("image-upload");
    if (!form) {
        return;
    }

    const errors = document.getElementById("image-upload-errors");
    const progress = document.getElementById("image-upload-progress");
    const bar = document.getElementById("image-upload-bar");
    const percent = document.getElementById("image-upload-percent");
    const submit = document.getElementById("image-upload-submit");

    function showErrors(messages) {
        errors.replaceChildren(...messages.map(function (message) {
            const item = document.createElement("p");
            item.textContent = message;
            return item;
        }));
        errors.hidden = messages.length === 0;
    }

    // ProblemDetails: the title and detail, and each field's messages of a validation problem.
    function problemMessages(status, body) {
        let problem = null;
        try {
            problem = JSON.parse(body);
        } catch (ignored) {
            return ["The upload failed (HTTP " + status + ")."];
        }

        const messages = [];
        if (problem.errors) {
            Object.keys(problem.errors).forEach(function (field) {
                problem.errors[field].forEach(function (message) {
                    messages.push(field + " " + message);
                });
            });
        }

        if (messages.length === 0) {
            messages.push([problem.title, problem.detail].filter(Boolean).join(": ") || "The upload failed (HTTP " + status + ").");
        }

        return messages;
    }

    function missing() {
        const messages = [];
        if (form.elements.file.files.length === 0) {
            messages.push("Choose a disk image file.");
        }

        ["name", "version"].forEach(function (field) {
            if (form.elements[field].value.trim() === "") {
                messages.push("Enter the image's " + field + ".");
            }
        });
        return messages;
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        const messages = missing();
        showErrors(messages);
        if (messages.length > 0) {
            return;
        }

        const query = new URLSearchParams({ name: form.elements.name.value.trim(), version: form.elements.version.value.trim() });
        const request = new XMLHttpRequest();
        request.open("POST", form.dataset.uploadUrl + "?" + query.toString());
        request.setRequestHeader("Content-Type", "application/octet-stream");
        request.setRequestHeader("Accept", "application/json");
        request.upload.addEventListener("progress", function (sent) {
            if (sent.lengthComputable) {
                const value = Math.floor(sent.loaded * 100 / sent.total);
                bar.value = value;
                percent.textContent = value + " %";
            }
        });
        request.addEventListener("load", function () {
            if (request.status === 202) {
                percent.textContent = "Uploaded; the hosts import it now.";
                window.location.reload();
                return;
            }

            progress.hidden = true;
            submit.disabled = false;
            showErrors(problemMessages(request.status, request.responseText));
        });
        request.addEventListener("error", function () {
            progress.hidden = true;
            submit.disabled = false;
            showErrors(["The upload was cut off before the broker answered."]);
        });
        progress.hidden = false;
        submit.disabled = true;
        request.send(form.elements.file.files[0]);
    });
}());

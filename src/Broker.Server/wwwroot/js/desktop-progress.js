// Keeps the desktop detail page's live fields current by polling its JSON handler.
// The page works without this script; it only saves the user from reloading.
(function () {
    "use strict";
    const facts = document.getElementById("desktop-facts");
    if (!facts) {
        return;
    }

    const url = facts.dataset.progressUrl;
    const intervalMs = 3000;

    function show(id, text) {
        const element = document.getElementById(id);
        if (element && element.textContent !== text) {
            element.textContent = text;
        }
    }

    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
            if (!response.ok) {
                return;
            }

            const progress = await response.json();
            show("desktop-state", progress.state);
            show("desktop-last-sync", progress.lastSync);
            show("desktop-lease", progress.leaseExpires);
            show("desktop-progress", progress.moving ? "Under way: " + progress.state + "." : "No transfer under way.");
        } finally {
            window.setTimeout(poll, intervalMs);
        }
    }

    window.setTimeout(poll, intervalMs);
}());

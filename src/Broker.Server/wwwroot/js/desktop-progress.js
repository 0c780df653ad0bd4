// Keeps the desktop detail page's live fields current by polling its JSON handler: the state, the
// last sync, the lease and the device's transfer progress bar. The page works without this
// script; it only saves the user from reloading.
(function () {
    "use strict";
    const facts = document.getElementById("desktop-facts");
    if (!facts) {
        return;
    }

    const url = facts.dataset.progressUrl;
    // Devices report progress about once a second; poll as often while something moves.
    const busyIntervalMs = 1000;
    const idleIntervalMs = 3000;

    function show(id, text) {
        const element = document.getElementById(id);
        if (element && element.textContent !== text) {
            element.textContent = text;
        }
    }

    function showTransfer(transfer) {
        const area = document.getElementById("desktop-transfer");
        const bar = document.getElementById("desktop-progress-bar");
        if (!area || !bar) {
            return;
        }

        area.hidden = !transfer;
        if (transfer) {
            bar.value = transfer.percent;
            show("desktop-progress-percent", transfer.percentText);
            show("desktop-progress-detail", transfer.detail);
        }
    }

    async function poll() {
        let busy = false;
        try {
            const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
            if (!response.ok) {
                return;
            }

            const progress = await response.json();
            busy = progress.moving || !!progress.transfer;
            // The bar first, so that it shows 100 % before the state says the transfer is over.
            showTransfer(progress.transfer);
            show("desktop-state", progress.state);
            show("desktop-last-sync", progress.lastSync);
            show("desktop-lease", progress.leaseExpires);
            show("desktop-progress", progress.moving ? "Under way: " + progress.state + "." : "No transfer under way.");
        } finally {
            window.setTimeout(poll, busy ? busyIntervalMs : idleIntervalMs);
        }
    }

    window.setTimeout(poll, busyIntervalMs);
}());

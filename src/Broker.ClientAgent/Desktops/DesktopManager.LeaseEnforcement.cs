using Broker.ClientAgent.Leases;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// The offline lease while the desktop runs: once it lapses (or the clock went back past a time
/// already seen) without the broker renewing it, the VM is paused, its memory and disk kept, and
/// it stays so until a renewed lease lets <see cref="StartAsync"/> resume it. A stop still shuts it
/// down cleanly.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>Pauses every running VM whose lease no longer lets it run; returns how many it paused.</summary>
    public async Task<int> EnforceLeasesAsync(CancellationToken cancellationToken)
    {
        var paused = 0;
        foreach (var desktop in _state.Current.Desktops)
        {
            var live = LiveOf(desktop.DesktopId);
            if (live.Runtime is not { Running: true, Paused: false })
            {
                continue;
            }

            await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var record = _state.Current.ById(desktop.DesktopId);
                if (record is null || live.Runtime is not { Running: true, Paused: false } runtime)
                {
                    continue;
                }

                var verdict = await _lease.JudgeAsync(record, cancellationToken).ConfigureAwait(false);
                if (verdict is LeaseVerdict.Expired or LeaseVerdict.ClockRolledBack)
                {
                    await runtime.PauseAsync(cancellationToken).ConfigureAwait(false);
                    live.Message = verdict == LeaseVerdict.Expired
                        ? $"The offline lease lapsed at {record.LeaseExpiresAt:u}: the desktop is paused (nothing is lost). Connect to the broker so it can renew the lease, then 'brokerctl desktop start {record.Name}' resumes it."
                        : $"This machine's clock went back past a time the agent already saw: the desktop is paused (nothing is lost). Fix the clock or connect to the broker, then 'brokerctl desktop start {record.Name}' resumes it.";
                    paused++;
                }
            }
            finally
            {
                _ = live.Gate.Release();
            }
        }

        return paused;
    }
}
